package room

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
)

// testOptions tick fast, to keep the tests short.
func testOptions() *Options { return &Options{TickRate: 100} }

// server is a session server on loopback whose new sessions arrive on a
// channel, and whose inputs go to route (when set before any client
// sends).
type server struct {
	srv      *session.Server
	url      string
	sessions chan *session.Session
	route    atomic.Pointer[func(*session.Session, session.State)]
}

// startServer serves sessions on 127.0.0.1 with Serve, shutting down when
// the test ends. Tokens are "player:<id>".
func startServer(t testing.TB) *server {
	t.Helper()
	h := &server{sessions: make(chan *session.Session, 64)}
	h.srv = session.NewServer(session.ServerOptions{
		Authenticate: func(token string, _ *sdk.UpgradeRequest) (string, error) {
			id, ok := strings.CutPrefix(token, "player:")
			if !ok || id == "" {
				return "", errors.New("token not valid")
			}
			return id, nil
		},
		OnSessionStart: func(s *session.Session) { h.sessions <- s },
		OnState: func(s *session.Session, st session.State) {
			if f := h.route.Load(); f != nil {
				(*f)(s, st)
			}
		},
		Limits: session.Limits{StateRate: 1000, StateBurst: 2000},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- h.srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, session.ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	h.url = "ws://" + ln.Addr().String() + "/"
	return h
}

// client is a game client: a session whose snapshots arrive on a channel,
// and a Sync.
type client struct {
	t      testing.TB
	c      *session.Client
	states chan session.State
	sync   *Sync[lineSnap]
	sess   *session.Session // the server's side
}

// dial connects a player, and returns it with its server-side session.
func (h *server) dial(t testing.TB, id string) *client {
	t.Helper()
	c := &client{t: t, states: make(chan session.State, 1024), sync: NewSync(decodeLine, nil)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var err error
	c.c, err = session.Dial(ctx, h.url, &session.ClientOptions{
		Token: "player:" + id,
		OnState: func(st session.State) {
			select {
			case c.states <- st:
			default:
			}
		},
		Reconnect: session.Reconnect{Disabled: true},
	})
	if err != nil {
		t.Fatalf("Dial as %s: %v", id, err)
	}
	t.Cleanup(func() { c.c.Close() })
	select {
	case c.sess = <-h.sessions:
	case <-ctx.Done():
		t.Fatalf("no session for %s", id)
	}
	if c.sess.PlayerID() != id {
		t.Fatalf("session of %s, want %s", c.sess.PlayerID(), id)
	}
	return c
}

// next waits for the client's next snapshot State.
func (c *client) next() session.State {
	c.t.Helper()
	select {
	case st := <-c.states:
		return st
	case <-time.After(10 * time.Second):
		c.t.Fatal("no snapshot within 10 s")
		return session.State{}
	}
}

// nextSnapshot waits for the next snapshot and decodes it with the Sync.
func (c *client) nextSnapshot() Snapshot[lineSnap] {
	c.t.Helper()
	s, err := c.sync.Snapshot(c.next())
	if err != nil {
		c.t.Fatalf("decoding a snapshot: %v", err)
	}
	return s
}

// send sends a State, failing the test if the session refuses it.
func (c *client) send(st session.State) {
	c.t.Helper()
	if err := c.c.Send(st); err != nil {
		c.t.Fatalf("Send: %v", err)
	}
}

// join seats c in r.
func join[S any](t testing.TB, r *Room[S], c *client) *Player {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := r.Join(ctx, c.sess)
	if err != nil {
		t.Fatalf("Join %s: %v", c.sess.PlayerID(), err)
	}
	return p
}

// startRoom starts a room of a lineGame, closed when the test ends, that
// h routes the inputs to.
func startRoom(t testing.TB, h *server, opts *Options) (*Room[lineSnap], *lineGame) {
	t.Helper()
	g := newLineGame()
	r := New[lineSnap]("test", g, opts)
	t.Cleanup(r.Close)
	f := r.HandleState
	h.route.Store(&f)
	return r, g
}

// waitUntil waits until cond holds, or fails after 10 s.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}
