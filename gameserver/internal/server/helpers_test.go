package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameserver/internal/auth"
	"github.com/gamesock/gamesock/gameserver/internal/server"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/arenawire"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk/room"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// waitTimeout bounds every wait of these tests for something the server
// does: generous, since -race on a shared machine is slow, and only reached
// when the test fails anyway.
const waitTimeout = 10 * time.Second

// maxWaitSnapshots bounds the snapshots a test waits through for a
// condition: 10 s at the arena's 30 Hz.
const maxWaitSnapshots = 10 * arena.TickRate

// inputKind is the State kind of RoomInput and RoomSnapshot: the room's
// default, which the server keeps.
const inputKind = 1

// testServer is a Server serving on loopback listeners until the test ends.
type testServer struct {
	srv   *server.Server
	base  string // http://127.0.0.1:port of the game listener
	ws    string // ws://127.0.0.1:port of the game listener
	admin string // http://127.0.0.1:port of the admin listener
	stop  context.CancelFunc
	done  chan error // Serve's result
}

// startServer runs a Server built from cfg, with a temporary replay
// directory unless cfg names one, on 127.0.0.1 listeners. When the test
// ends it is shut down, and Serve must return nil.
func startServer(t *testing.T, cfg server.Config) *testServer {
	t.Helper()
	if cfg.ReplayDir == "" {
		cfg.ReplayDir = t.TempDir()
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ln := listen(t)
	adminLn := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{
		srv:   srv,
		base:  "http://" + ln.Addr().String(),
		ws:    "ws://" + ln.Addr().String(),
		admin: "http://" + adminLn.Addr().String(),
		stop:  cancel,
		done:  make(chan error, 1),
	}
	go func() { ts.done <- srv.Serve(ctx, ln, adminLn) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-ts.done:
			if err != nil {
				t.Errorf("Serve after shutdown: %v, want nil", err)
			}
		case <-time.After(2 * waitTimeout):
			t.Errorf("Serve did not return after its context ended")
		}
	})
	return ts
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	return ln
}

// login gets a guest token the way a game client does: POST /login.
func (ts *testServer) login(t *testing.T, name string) auth.LoginResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"name": name})
	resp, err := http.Post(ts.base+"/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST /login: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /login: status %d, want 200", resp.StatusCode)
	}
	var lr auth.LoginResponse
	if err := json.NewDecoder(resp.Body).Decode(&lr); err != nil {
		t.Fatalf("POST /login: decoding the answer: %v", err)
	}
	if lr.Token == "" || lr.PlayerID == "" {
		t.Fatalf("POST /login: answer %+v lacks a token or a player id", lr)
	}
	return lr
}

// player is a connected game client: what the server sends it lands in
// channels the test reads.
type player struct {
	name   string
	id     string // player id
	token  string
	ship   arena.PlayerID
	roomID string
	c      *session.Client

	states   chan session.State
	notes    chan session.Notification
	stats    chan session.StatUpdate
	payloads chan session.Payload
	status   chan session.StatusChange
}

// join logs a guest in, opens its session and waits until the room seated
// it (the JOINED payload).
func (ts *testServer) join(t *testing.T, name string, reconnect session.Reconnect) *player {
	t.Helper()
	lr := ts.login(t, name)
	p := &player{
		name: lr.Name, id: lr.PlayerID, token: lr.Token,
		states:   make(chan session.State, 4096),
		notes:    make(chan session.Notification, 1024),
		stats:    make(chan session.StatUpdate, 1024),
		payloads: make(chan session.Payload, 1024),
		status:   make(chan session.StatusChange, 64),
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	c, err := session.Dial(ctx, ts.ws+"/session", &session.ClientOptions{
		Token:          lr.Token,
		Name:           "server-test",
		Reconnect:      reconnect,
		OnState:        func(s session.State) { offer(p.states, s) },
		OnNotification: func(n session.Notification) { offer(p.notes, n) },
		OnStats:        func(u session.StatUpdate) { offer(p.stats, u) },
		OnPayload:      func(pl session.Payload) { offer(p.payloads, pl) },
		OnStatus:       func(s session.StatusChange) { offer(p.status, s) },
	})
	if err != nil {
		t.Fatalf("%s: dial %s/session: %v", name, ts.ws, err)
	}
	p.c = c
	t.Cleanup(func() { _ = c.Close() })
	if c.PlayerID() != lr.PlayerID {
		t.Fatalf("%s: session player id %q, the login gave %q", name, c.PlayerID(), lr.PlayerID)
	}

	timeout := time.After(waitTimeout)
	for p.ship == 0 {
		select {
		case pl := <-p.payloads:
			if arenav1.PayloadKind(pl.Kind) != arenav1.PayloadKind_PAYLOAD_KIND_JOINED {
				continue
			}
			var j arenav1.Joined
			if err := proto.Unmarshal(pl.Data, &j); err != nil {
				t.Fatalf("%s: JOINED payload: %v", name, err)
			}
			if j.ShipId == 0 || j.ShipId > 255 {
				t.Fatalf("%s: JOINED ship id %d, want 1-255", name, j.ShipId)
			}
			p.ship, p.roomID = arena.PlayerID(j.ShipId), j.RoomId
		case <-timeout:
			t.Fatalf("%s: no JOINED payload within %v", name, waitTimeout)
		}
	}
	return p
}

// offer hands v to a test's channel without ever blocking the client's
// read goroutine; a test that lets the channel fill loses the newest.
func offer[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

// snapshot is one decoded snapshot of the room, as its player sees it.
type snapshot struct {
	tick  uint64 // the room's tick (the State's)
	world *arena.World
}

// own returns the viewer's ship in the snapshot, which it carries exactly,
// or nil.
func (s snapshot) own(id arena.PlayerID) *arena.Ship { return s.world.Ship(id) }

// next waits for the player's next snapshot and decodes it. These tests
// never acknowledge snapshots, so the room sends every one whole.
func (p *player) next(t *testing.T) snapshot {
	t.Helper()
	select {
	case st := <-p.states:
		return decodeSnapshot(t, p.name, st)
	case <-time.After(waitTimeout):
		t.Fatalf("%s: no snapshot within %v", p.name, waitTimeout)
		return snapshot{}
	}
}

// drain decodes the snapshots the player has received and not read yet.
func (p *player) drain(t *testing.T) []snapshot {
	t.Helper()
	var out []snapshot
	for {
		select {
		case st := <-p.states:
			out = append(out, decodeSnapshot(t, p.name, st))
		default:
			return out
		}
	}
}

func decodeSnapshot(t *testing.T, who string, st session.State) snapshot {
	t.Helper()
	if st.Kind != inputKind {
		t.Fatalf("%s: a state of kind %d, want %d", who, st.Kind, inputKind)
	}
	var rs gamesockv1.RoomSnapshot
	if err := proto.Unmarshal(st.Data, &rs); err != nil {
		t.Fatalf("%s: snapshot at tick %d: RoomSnapshot: %v", who, st.Tick, err)
	}
	if rs.Baseline != 0 {
		t.Fatalf("%s: snapshot at tick %d is a delta against %d, but nothing was acknowledged", who, st.Tick, rs.Baseline)
	}
	w := &arena.World{Config: arena.DefaultConfig()}
	if err := arenawire.DecodeSnapshot(w, nil, rs.Data); err != nil {
		t.Fatalf("%s: snapshot at tick %d: %v", who, st.Tick, err)
	}
	return snapshot{tick: st.Tick, world: w}
}

// waitUntil reads the player's snapshots, one tick at a time, until cond
// holds; the room's ticks are the clock of the wait.
func (p *player) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range maxWaitSnapshots {
		if cond() {
			return
		}
		p.next(t)
	}
	if !cond() {
		t.Fatalf("%s: %s did not happen within %d snapshots", p.name, what, maxWaitSnapshots)
	}
}

// sendRaw sends a RoomInput's bytes as they are, in a State of tick 0:
// tick 0 is never out of order for the session layer, so every frame
// reaches the room, whatever its sequence numbers say.
func (p *player) sendRaw(t *testing.T, data []byte) {
	t.Helper()
	if err := p.c.Send(session.State{Kind: inputKind, Tick: 0, Data: data}); err != nil {
		t.Fatalf("%s: send a frame: %v", p.name, err)
	}
}

// frame encodes a RoomInput whose inputs are numbered from firstSeq.
func frame(t *testing.T, firstSeq uint32, inputs ...[]byte) []byte {
	t.Helper()
	b, err := proto.Marshal(&gamesockv1.RoomInput{FirstSeq: firstSeq, Inputs: inputs})
	if err != nil {
		t.Fatalf("encode a RoomInput: %v", err)
	}
	return b
}

// buttons is one input: the one byte the arena's wire gives a tick's buttons.
func buttons(b arena.Buttons) []byte { return arenawire.AppendInput(nil, b) }

// repeat returns n copies of one input.
func repeat(in []byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = in
	}
	return out
}

// roomOf returns the room the server seated p in.
func (ts *testServer) roomOf(t *testing.T, p *player) *room.Room[*arena.World] {
	t.Helper()
	r := ts.srv.Rooms().Room(p.id)
	if r == nil {
		t.Fatalf("%s has no room", p.name)
	}
	if r.ID() != p.roomID {
		t.Fatalf("%s is in room %s, JOINED said %s", p.name, r.ID(), p.roomID)
	}
	return r
}

// request makes a request of the arena and waits for its answer.
func (p *player) request(t *testing.T, method arenav1.Method, req proto.Message) ([]byte, error) {
	t.Helper()
	var data []byte
	if req != nil {
		var err error
		if data, err = proto.Marshal(req); err != nil {
			t.Fatalf("encode the %v request: %v", method, err)
		}
	}
	return p.requestRaw(method, data)
}

func (p *player) requestRaw(method arenav1.Method, data []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	return p.c.Request(ctx, uint32(method), data)
}

// matchStats asks for the player's match results so far.
func (p *player) matchStats(t *testing.T) *arenav1.MatchResults {
	t.Helper()
	b, err := p.request(t, arenav1.Method_METHOD_MATCH_STATS, nil)
	if err != nil {
		t.Fatalf("%s: METHOD_MATCH_STATS: %v", p.name, err)
	}
	var res arenav1.MatchResults
	if err := proto.Unmarshal(b, &res); err != nil {
		t.Fatalf("%s: METHOD_MATCH_STATS answer: %v", p.name, err)
	}
	return &res
}

// resultOf returns the player's line in res, or nil.
func resultOf(res *arenav1.MatchResults, playerID string) *arenav1.PlayerResult {
	for _, pr := range res.Players {
		if pr.PlayerId == playerID {
			return pr
		}
	}
	return nil
}

// errorCode returns the code of a request's typed error, failing the test
// for any other error.
func errorCode(t *testing.T, err error) session.ErrorCode {
	t.Helper()
	var se *session.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *session.Error", err, err)
	}
	return se.Code
}

// speedSq is the square of a velocity's length, in sub-pixels per tick.
func speedSq(v arena.Vec) int64 { return int64(v.X)*int64(v.X) + int64(v.Y)*int64(v.Y) }
