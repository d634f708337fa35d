package conn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/guest"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/arenawire"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/room"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// clientName names the client software in its Hello.
const clientName = "gamesock-client"

// DefaultEventQueue is the default capacity of Events.
const DefaultEventQueue = 1024

// Options configure Connect.
type Options struct {
	// Server is the session endpoint, ws://host:port/session or wss://.
	// The login is POST /login on the same host (https for wss).
	Server string
	// Name is the player's name, for the login.
	Name string
	// Control holds the socket's settings (TLS roots, timeouts); the login
	// trusts the same roots.
	Control sdk.Control
	// Logger receives records of the session; nil: none.
	Logger *slog.Logger
	// Reconnect is how the session comes back after a dropped connection.
	Reconnect session.Reconnect
	// EventQueue is the capacity of Events. Default DefaultEventQueue.
	EventQueue int
}

// UnreachableError is a Connect that could not reach the server at all.
type UnreachableError struct {
	Addr string // host:port
	Err  error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the game server at %s: %v", e.Addr, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Conn is the client's connection to the game server. Its methods are safe
// from any goroutine; the game loop calls them without waiting on the
// network.
//
// Goroutines: the session's (reading, writing, reconnecting) run the
// handlers that decode what arrives and put it on Events. Reliable events
// (everything but snapshots) are never dropped: when Events is full, the
// handler waits for room, so the session stops reading and the server, not
// the game loop, waits; a loop that stops draining for seconds gets its
// connection cut as too slow, and it resumes with nothing lost. Snapshots
// never wait: one that finds Events over half full is dropped (counted in
// NetStats.SnapshotsDropped), since the next carries a newer world.
type Conn struct {
	client *session.Client
	events chan Event
	done   chan struct{} // closed by Close: handlers stop waiting
	log    *slog.Logger
	token  string   // the login's bearer token, for other endpoints (replays)
	server *url.URL // the session endpoint, whose host serves the others

	closeOnce sync.Once
	closeErr  error

	// mu guards the Sync (SendInput on the game loop, decoding on the
	// read goroutine) and what goes with it.
	mu      sync.Mutex
	sync    *room.Sync[*arena.World] // nil until seated
	ship    arena.PlayerID
	input   []byte
	counter counters
}

// Connect logs in as opts.Name, opens the session and returns once it is
// open; the player is seated a moment later (a Seated event). It fails
// with an *UnreachableError when the server cannot be reached, a
// *LoginError when it refuses the name, or the session's error.
func Connect(ctx context.Context, opts Options) (*Conn, error) {
	u, err := guest.ParseServer(opts.Server)
	if err != nil {
		return nil, err
	}
	l, err := guest.Do(ctx, guest.NewHTTPClient(opts.Control), guest.LoginURL(u), opts.Name)
	if err != nil {
		if _, ok := errors.AsType[*LoginError](err); !ok && isNetError(err) {
			return nil, &UnreachableError{Addr: u.Host, Err: err}
		}
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	q := opts.EventQueue
	if q <= 0 {
		q = DefaultEventQueue
	}
	c := &Conn{events: make(chan Event, q), done: make(chan struct{}), log: log, token: l.Token, server: u}
	c.counter.start(time.Now())
	c.client, err = session.Dial(ctx, u.String(), &session.ClientOptions{
		Token:          l.Token,
		Name:           clientName,
		OnNotification: c.onNotification,
		OnStats:        func(s session.StatUpdate) { c.deliver(Stats{s}) },
		OnLeaderboard:  func(p session.LeaderboardPage) { c.deliver(Leaderboard{p}) },
		OnPayload:      c.onPayload,
		OnState:        c.onState,
		OnStatus:       c.onStatus,
		Reconnect:      opts.Reconnect,
		Control:        opts.Control,
		Logger:         log,
	})
	if err != nil {
		if isNetError(err) {
			return nil, &UnreachableError{Addr: u.Host, Err: err}
		}
		return nil, fmt.Errorf("open a session at %s: %w", u, err)
	}
	return c, nil
}

// isNetError reports whether err is the network failing, rather than the
// server answering.
func isNetError(err error) bool {
	_, ok := errors.AsType[net.Error](err)
	return ok
}

// Events returns the channel of events, for the game loop to drain once a
// tick without waiting. It is never closed: a Status with session.Closed
// is the last event of a connection that ends by itself.
func (c *Conn) Events() <-chan Event { return c.events }

// PlayerID returns the player id the server gave the login.
func (c *Conn) PlayerID() string { return c.client.PlayerID() }

// SendInput sends one tick's buttons and returns their sequence number,
// for the Predictor; 0 when the player is not seated (nothing is sent).
// It never waits: the session sends the newest frame, which repeats every
// input the room has not acknowledged.
func (c *Conn) SendInput(b arena.Buttons) (seq uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sync == nil {
		return 0
	}
	c.input = arenawire.AppendInput(c.input[:0], b)
	seq, st := c.sync.Input(c.input)
	// Sent under the lock: st.Data is the Sync's buffer, which Send copies.
	if err := c.client.Send(st); err != nil && !errors.Is(err, session.ErrClosed) {
		c.log.Warn("send input", "err", err)
	}
	c.counter.inputs++
	return seq
}

// Request sends a request (req may be nil for none) and waits for the
// answer's bytes, ctx's end or the connection's. Call it off the game
// loop: it waits for the server.
func (c *Conn) Request(ctx context.Context, method arenav1.Method, req proto.Message) ([]byte, error) {
	var data []byte
	if req != nil {
		var err error
		if data, err = proto.Marshal(req); err != nil {
			return nil, fmt.Errorf("request %v: encode: %w", method, err)
		}
	}
	resp, err := c.client.Request(ctx, uint32(method), data)
	if err != nil {
		return nil, fmt.Errorf("request %v: %w", method, err)
	}
	return resp, nil
}

// Close ends the session and returns when the connection's goroutines
// have exited. It may be called more than once.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		close(c.done)
		c.closeErr = c.client.Close()
	})
	return c.closeErr
}

// deliver puts a reliable event on Events, waiting for room (see Conn).
func (c *Conn) deliver(ev Event) {
	select {
	case c.events <- ev:
	case <-c.done:
	}
}

// deliverSnapshot puts a snapshot on Events unless that is over half full.
func (c *Conn) deliverSnapshot(s Snapshot) bool {
	if len(c.events) > cap(c.events)/2 {
		return false
	}
	select {
	case c.events <- s:
		return true
	default:
		return false
	}
}
