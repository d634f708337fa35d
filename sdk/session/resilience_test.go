package session_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// fastReconnect brings a client back within milliseconds, so that a test
// can drop its connection a hundred times.
var fastReconnect = session.Reconnect{MinDelay: 2 * time.Millisecond, MaxDelay: 20 * time.Millisecond}

// TestExactlyOnceAcrossCuts drops a session's TCP connection again and again
// while reliable messages flow, and checks that every message arrives once,
// in order, and that the client resumed its session each time.
//
// A cut happens on the receiver's read goroutine just after it took a
// message, a random number of messages into a connection: the messages
// behind that one, in flight or not yet acknowledged, must be sent again,
// and those the receiver already has must not be delivered twice. The
// sender keeps at most sendAhead messages beyond what the receiver took,
// so that a cut loses messages in flight rather than finding the whole
// stream already in the receiver's socket buffer.
func TestExactlyOnceAcrossCuts(t *testing.T) {
	const sendAhead = 32

	t.Run("ServerToClient", func(t *testing.T) {
		const count, cuts = 10_000, 100
		srv, url := startServer(t, session.ServerOptions{
			Limits: session.Limits{Window: 16384, WindowBytes: 16 << 20},
		})
		p := newTCPProxy(t, serverAddr(t, url), proxyOptions{})
		check := newSequenceCheck(count, cutGaps(t, count/cuts/4, cuts), p.Cut)
		events := newEventLog()
		c := dial(t, p.URL(), "alice", &session.ClientOptions{
			OnPayload: func(m session.Payload) { check.receive(m.Data) },
			OnStatus:  check.countConnected(events),
			Reconnect: fastReconnect,
		})
		sessionID := c.SessionID()
		ss := srv.Session("alice")
		for i := 1; i <= count; i++ {
			check.waitRoom(t, events, i, sendAhead)
			if err := ss.Send(indexPayload(i)); err != nil {
				t.Fatalf("Send of message %d: %v", i, err)
			}
		}
		check.wait(t, events)
		waitUntil(t, "the client to acknowledge every message", func() bool { return ss.Counters().Unacknowledged == 0 })
		check.verify(t)
		checkResumed(t, events, cuts)
		if c.SessionID() != sessionID {
			t.Errorf("session id changed from %q to %q", sessionID, c.SessionID())
		}
		checkServerResumed(t, srv, cuts)
	})

	t.Run("ClientToServer", func(t *testing.T) {
		const count, cuts = 2_000, 20
		var check *sequenceCheck // set before the client connects
		srv, url := startServer(t, session.ServerOptions{
			OnPayload: func(_ *session.Session, m session.Payload) { check.receive(m.Data) },
			// The client sends as fast as it can: no rate limit here.
			Limits: session.Limits{ReliableRate: 1 << 20, ReliableBurst: 1 << 20},
		})
		p := newTCPProxy(t, serverAddr(t, url), proxyOptions{})
		check = newSequenceCheck(count, cutGaps(t, count/cuts/4, cuts), p.Cut)
		events := newEventLog()
		c := dial(t, p.URL(), "bob", &session.ClientOptions{
			// The server may still read a cut connection after the client
			// is back: counting from the client's side, each cut is of a
			// connection the client was welcomed on.
			OnStatus:  check.countConnected(events),
			Reconnect: fastReconnect,
		})
		for i := 1; i <= count; i++ {
			check.waitRoom(t, events, i, sendAhead)
			if err := c.Send(indexPayload(i)); err != nil {
				t.Fatalf("Send of message %d: %v", i, err)
			}
		}
		check.wait(t, events)
		waitUntil(t, "the server to acknowledge every message", func() bool { return c.Counters().Unacknowledged == 0 })
		check.verify(t)
		checkResumed(t, events, cuts)
		checkServerResumed(t, srv, cuts)
	})
}

// checkResumed checks that a client whose connection was cut cuts times
// came back to its session each time: every connection after the first
// resumed it, and the client never lost it or stopped. (A cut just after
// a welcome can make the client count that connection attempt as failed
// and resume once more, so there may be more resumes than cuts, never
// fewer.)
func checkResumed(t *testing.T, events *eventLog, cuts int) {
	t.Helper()
	connected, resumed := 0, 0
	for _, ev := range statusChanges(events.snapshot()) {
		switch ev.Status {
		case session.Closed:
			t.Errorf("client closed: %+v", ev)
		case session.Connected:
			connected++
			switch {
			case connected == 1: // Dial's
			case !ev.Resumed || ev.SessionLost:
				t.Errorf("connection %d did not resume: %+v", connected, ev)
			default:
				resumed++
			}
		}
	}
	if resumed < cuts {
		t.Errorf("client resumed %d times, want at least once per cut: %d", resumed, cuts)
	}
}

// checkServerResumed checks the server's side of checkResumed: one session,
// resumed at least once per cut, never refused.
func checkServerResumed(t *testing.T, srv *session.Server, cuts int) {
	t.Helper()
	st := srv.Stats()
	if st.SessionsStarted != 1 || st.Resumes < uint64(cuts) || st.ResumesRejected != 0 {
		t.Errorf("server stats: %d sessions started, %d resumes, %d rejected; want 1, at least %d, 0",
			st.SessionsStarted, st.Resumes, st.ResumesRejected, cuts)
	}
}

// TestResumeWhileOldConnectionLingers resumes a session while the server
// still holds the client's previous connection, as it does when the
// client's network vanished without a reset (a phone that changed
// networks): the server, streaming to the old connection, must switch to
// the new one without losing a message.
func TestResumeWhileOldConnectionLingers(t *testing.T) {
	const count = 10_000
	srv, url := startServer(t, session.ServerOptions{
		Limits: session.Limits{Window: 16384, WindowBytes: 16 << 20},
	})
	p := newTCPProxy(t, serverAddr(t, url), proxyOptions{})
	check := newSequenceCheck(count, nil, nil)
	events := newEventLog()
	dial(t, p.URL(), "alice", &session.ClientOptions{
		OnPayload:        func(m session.Payload) { check.receive(m.Data) },
		OnStatus:         events.addStatus,
		Reconnect:        fastReconnect,
		HandshakeTimeout: 2 * time.Second,
	})
	ss := srv.Session("alice")
	mark := events.len()

	// The client loses its connection and comes back at once; the server
	// does not notice, and goes on writing to the old one.
	p.Strand()
	for i := 1; i <= count; i++ {
		if err := ss.Send(indexPayload(i)); err != nil {
			t.Fatalf("Send of message %d: %v", i, err)
		}
	}
	ev, _ := awaitEvent(t, events, mark, "the client to come back", func(ev session.StatusChange) bool {
		return ev.Status == session.Connected || ev.Status == session.Closed
	})
	if ev.Status != session.Connected || !ev.Resumed {
		t.Fatalf("came back with %+v, want the session resumed", ev)
	}
	check.wait(t, events)
	check.verify(t)
	checkResumed(t, events, 1)
}

// TestResumeWindowExpiry keeps a client away from the server longer than
// its resume window: when it gets through again, its session is gone, and
// it is told so.
func TestResumeWindowExpiry(t *testing.T) {
	type endedSession struct {
		id  string
		err error
	}
	ended := make(chan endedSession, 4)
	srv, url := startServer(t, session.ServerOptions{
		ResumeWindow: 50 * time.Millisecond,
		OnSessionEnd: func(s *session.Session, err error) { ended <- endedSession{s.ID(), err} },
	})
	p := newTCPProxy(t, serverAddr(t, url), proxyOptions{})
	events := newEventLog()
	c := dial(t, p.URL(), "alice", &session.ClientOptions{OnStatus: events.addStatus, Reconnect: fastReconnect})
	oldID := c.SessionID()
	mark := events.len()

	// The network goes down, and stays down until the session expired.
	p.Refuse(true)
	p.Cut()
	select {
	case e := <-ended:
		if e.id != oldID || e.err == nil {
			t.Fatalf("OnSessionEnd(%q, %v), want session %q with a reason", e.id, e.err, oldID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not expire")
	}
	waitUntil(t, "the client to try and fail to reconnect", func() bool { return p.Refused() > 0 })
	p.Refuse(false)

	ev, _ := awaitEvent(t, events, mark, "the client to connect again", func(ev session.StatusChange) bool {
		return ev.Status == session.Connected || ev.Status == session.Closed
	})
	if ev.Status == session.Closed {
		t.Fatalf("the client gave up instead of connecting again: %v", ev.Err)
	}
	if !ev.SessionLost || ev.Resumed {
		t.Errorf("reconnected with SessionLost %v, Resumed %v; want a lost session", ev.SessionLost, ev.Resumed)
	}
	if !errors.Is(ev.Err, &session.Error{Code: session.CodeSessionExpired}) {
		t.Errorf("reconnected with error %v, want one with code %v", ev.Err, session.CodeSessionExpired)
	}
	if id := c.SessionID(); id == "" || id == oldID {
		t.Errorf("session id after the loss = %q, want a new one (the old was %q)", id, oldID)
	}
	if ss := srv.Session("alice"); ss == nil || ss.ID() != c.SessionID() {
		t.Errorf("server's session for alice = %v, want the client's new session %q", ss, c.SessionID())
	}
	if st := srv.Stats(); st.ResumesRejected != 1 || st.Resumes != 0 {
		t.Errorf("server stats: %d resumes rejected, %d resumes; want 1, 0", st.ResumesRejected, st.Resumes)
	}
}

// TestReconnectAfterFailedAttempt checks that a client whose attempt to
// reconnect fails, as attempts do while the network is down, tries again,
// and resumes its session once the network is back.
func TestReconnectAfterFailedAttempt(t *testing.T) {
	_, url := startServer(t, session.ServerOptions{})
	p := newTCPProxy(t, serverAddr(t, url), proxyOptions{})
	events := newEventLog()
	dial(t, p.URL(), "alice", &session.ClientOptions{OnStatus: events.addStatus, Reconnect: fastReconnect})
	mark := events.len()

	p.Refuse(true)
	p.Cut()
	ev, _ := awaitEvent(t, events, mark, "a second attempt to reconnect", func(ev session.StatusChange) bool {
		return ev.Status == session.Reconnecting && ev.Attempt == 2 || ev.Status == session.Closed
	})
	if ev.Status == session.Closed {
		t.Fatalf("the client gave up after one failed attempt (%d refused): %v", p.Refused(), ev.Err)
	}
	p.Refuse(false)
	ev, _ = awaitEvent(t, events, mark, "the client to connect again", func(ev session.StatusChange) bool {
		return ev.Status == session.Connected || ev.Status == session.Closed
	})
	if ev.Status != session.Connected || !ev.Resumed {
		t.Fatalf("came back with %+v, want the session resumed", ev)
	}
}

// TestAuthRejectedNoReconnectLoop checks that a client does not come back
// when coming back cannot work: refused credentials, or a kick.
func TestAuthRejectedNoReconnectLoop(t *testing.T) {
	// countingAuth is tokenAuth, counting its calls.
	countingAuth := func(calls *atomic.Int32) func(string, *sdk.UpgradeRequest) (string, error) {
		return func(token string, req *sdk.UpgradeRequest) (string, error) {
			calls.Add(1)
			return tokenAuth(token, req)
		}
	}

	t.Run("BadToken", func(t *testing.T) {
		var calls atomic.Int32
		srv, url := startServer(t, session.ServerOptions{Authenticate: countingAuth(&calls)})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := session.Dial(ctx, url, &session.ClientOptions{Token: "forged", Reconnect: fastReconnect})
		if err == nil {
			c.Close()
			t.Fatal("Dial with a bad token succeeded")
		}
		if got := sdk.GetStatus(err); got != sdk.StatusUnauthorized {
			t.Errorf("Dial error %v has status %v, want %v", err, got, sdk.StatusUnauthorized)
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("Authenticate called %d times, want once", n)
		}
		if n := srv.Stats().AuthRejected; n != 1 {
			t.Errorf("AuthRejected = %d, want 1", n)
		}
	})

	t.Run("Kicked", func(t *testing.T) {
		var calls atomic.Int32
		ended := make(chan error, 1)
		srv, url := startServer(t, session.ServerOptions{
			Authenticate: countingAuth(&calls),
			OnSessionEnd: func(_ *session.Session, err error) { ended <- err },
		})
		events := newEventLog()
		c := dial(t, url, "alice", &session.ClientOptions{OnStatus: events.addStatus, Reconnect: fastReconnect})
		mark := events.len()
		srv.Session("alice").Close(session.CloseKicked, "kicked by the test")

		ev, _ := awaitEvent(t, events, mark, "the client to close", func(ev session.StatusChange) bool {
			return ev.Status == session.Closed
		})
		if code := sdk.CloseStatus(ev.Err); code != int(session.CloseKicked) {
			t.Errorf("closed with %v (close code %d), want close code %d", ev.Err, code, session.CloseKicked)
		}
		// Close waits for the client's goroutines: once it returns, nothing
		// is left that could reconnect.
		c.Close()
		if n := calls.Load(); n != 1 {
			t.Errorf("Authenticate called %d times, want once: the kicked client came back", n)
		}
		for _, ev := range statusChanges(events.snapshot()[mark:]) {
			if ev.Status != session.Closed {
				t.Errorf("status change after the kick: %+v, want only Closed", ev)
			}
		}
		if err := c.Send(session.Payload{Kind: 1}); !errors.Is(err, session.ErrClosed) {
			t.Errorf("Send after the kick = %v, want ErrClosed", err)
		}
		select {
		case <-ended:
		case <-time.After(10 * time.Second):
			t.Error("OnSessionEnd was not called for the kicked session")
		}
	})
}

// TestProtocolVersionMismatch speaks to the server with raw sockets in
// versions it does not know: each gets a typed error, then a close that
// says which versions.
func TestProtocolVersionMismatch(t *testing.T) {
	tests := []struct {
		name    string
		version gamesockv1.ProtocolVersion
		resume  bool // open with a Resume rather than a Hello
	}{
		{"HelloFromTheFuture", 99, false},
		{"HelloUnspecified", 0, false},
		{"ResumeFromTheFuture", 99, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := startServer(t, session.ServerOptions{})
			env := &gamesockv1.Envelope{Body: &gamesockv1.Envelope_Hello{Hello: &gamesockv1.Hello{ProtocolVersion: tt.version}}}
			if tt.resume {
				env.Body = &gamesockv1.Envelope_Resume{Resume: &gamesockv1.Resume{
					ProtocolVersion: tt.version, SessionId: "0123", ResumeToken: []byte("token")}}
			}
			ws := rawConnect(t, url, "old")
			rawSend(t, ws, env)

			reply := rawReceive(t, ws)
			e := reply.GetError()
			if e == nil {
				t.Fatalf("first reply %v, want an Error", reply)
			}
			if e.GetCode() != session.CodeProtocolVersion {
				t.Errorf("error code %v, want %v", e.GetCode(), session.CodeProtocolVersion)
			}

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			m, err := ws.Receive(ctx)
			var ce *sdk.CloseError
			if !errors.As(err, &ce) {
				t.Fatalf("after the error: message %v, err %v; want a close", m.Data, err)
			}
			if ce.Code != session.CloseProtocolVersion {
				t.Errorf("close code %d (%q), want %d", ce.Code, ce.Reason, session.CloseProtocolVersion)
			}
			for _, v := range []int{int(tt.version), session.ProtocolVersion} {
				if !strings.Contains(ce.Reason, strconv.Itoa(v)) {
					t.Errorf("close reason %q does not name version %d", ce.Reason, v)
				}
			}
			st := srv.Stats()
			if st.VersionMismatches != 1 || st.SessionsStarted != 0 || st.Resumes != 0 {
				t.Errorf("server stats: %d version mismatches, %d sessions started, %d resumes; want 1, 0, 0",
					st.VersionMismatches, st.SessionsStarted, st.Resumes)
			}
		})
	}
}

// TestServerShutdownAndReconnect shuts a server down under a client, which
// gets what was queued for it, then a 1001, and comes back to a new server
// on the same address with a new session.
func TestServerShutdownAndReconnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ended := make(chan error, 1)
	old := serveOn(t, ln, session.ServerOptions{
		OnSessionEnd: func(_ *session.Session, err error) { ended <- err },
		Limits:       session.Limits{Window: 16384},
	})

	events := newEventLog()
	c := dial(t, old.url, "alice", &session.ClientOptions{
		OnPayload: events.addPayload,
		OnStatus:  events.addStatus,
		Reconnect: fastReconnect,
	})
	oldID := c.SessionID()
	mark := events.len()

	// Shutdown comes right after the sends, while most of them are still
	// queued on the server: its writer needs a system call for each.
	const queued = 10_000
	ss := old.Session("alice")
	for i := 1; i <= queued; i++ {
		if err := ss.Send(indexPayload(i)); err != nil {
			t.Fatalf("Send of message %d: %v", i, err)
		}
	}
	if err := old.shutdown(); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	select {
	case err := <-ended:
		if !errors.Is(err, session.ErrServerClosed) {
			t.Errorf("OnSessionEnd at Shutdown with %v, want ErrServerClosed", err)
		}
	default:
		t.Error("Shutdown returned before OnSessionEnd was called")
	}

	ev, at := awaitEvent(t, events, mark, "the client to reconnect", func(ev session.StatusChange) bool {
		return ev.Status == session.Reconnecting
	})
	var ce *sdk.CloseError
	if !errors.As(ev.Err, &ce) || ce.Code != sdk.CloseGoingAway || !strings.Contains(ce.Reason, "shutting down") {
		t.Errorf("reconnecting after %v, want a close 1001 saying the server is shutting down", ev.Err)
	}
	// Everything queued came before the close, in order.
	var got []int
	for _, e := range events.snapshot()[mark:at] {
		if m, ok := e.(session.Payload); ok {
			got = append(got, int(binary.BigEndian.Uint32(m.Data)))
		}
	}
	for i, n := range got {
		if n != i+1 {
			t.Fatalf("before the close the client's message %d was %d, want messages 1 to %d in order", i+1, n, queued)
		}
	}
	if len(got) != queued {
		t.Errorf("before the close the client got %d messages, want all %d queued", len(got), queued)
	}

	// The client keeps trying while nothing listens.
	ev, _ = awaitEvent(t, events, at, "a second attempt to reconnect", func(ev session.StatusChange) bool {
		return ev.Status == session.Reconnecting && ev.Attempt >= 2 || ev.Status == session.Closed
	})
	if ev.Status == session.Closed {
		t.Fatalf("the client gave up after one attempt on a server that was down: %v", ev.Err)
	}
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listening again on %s: %v", addr, err)
	}
	restarted := serveOn(t, ln2, session.ServerOptions{})
	ev, _ = awaitEvent(t, events, at, "the client to connect to the new server", func(ev session.StatusChange) bool {
		return ev.Status == session.Connected
	})
	if !ev.SessionLost || ev.Resumed {
		t.Errorf("connected with SessionLost %v, Resumed %v; want a lost session", ev.SessionLost, ev.Resumed)
	}
	if !errors.Is(ev.Err, &session.Error{Code: session.CodeResumeRejected}) {
		t.Errorf("connected with error %v, want one with code %v", ev.Err, session.CodeResumeRejected)
	}
	if id := c.SessionID(); id == "" || id == oldID {
		t.Errorf("session id on the new server = %q, want a new one (the old was %q)", id, oldID)
	}
	// The new session works.
	if err := restarted.Send("alice", session.Payload{Kind: 2, Data: []byte("welcome back")}); err != nil {
		t.Fatal(err)
	}
	awaitEvent(t, events, at, "a message from the new server", func(m session.Payload) bool {
		return m.Kind == 2 && string(m.Data) == "welcome back"
	})
}

// TestResumeForgedToken resumes a session with raw sockets, as the player
// who owns it and as someone else, with its token and with another: only
// its player with its token gets it back.
func TestResumeForgedToken(t *testing.T) {
	srv, url := startServer(t, session.ServerOptions{ResumeWindow: 10 * time.Second})
	opened := rawSession(t, url, "alice", &gamesockv1.Envelope{Body: &gamesockv1.Envelope_Hello{
		Hello: &gamesockv1.Hello{ProtocolVersion: gamesockv1.ProtocolVersion_PROTOCOL_VERSION_1}}})
	sid, token := opened.GetSessionId(), opened.GetResumeToken()
	if sid == "" || len(token) == 0 {
		t.Fatalf("welcome without a session id or a token: %v", opened)
	}
	waitUntil(t, "the server to see alice's connection close", func() bool { return !srv.Session("alice").Connected() })
	forged := slices.Clone(token)
	forged[len(forged)-1] ^= 1

	// In order: the session must still be there for each step but the last.
	tests := []struct {
		name    string
		player  string
		token   []byte
		resumes bool
	}{
		{"OtherPlayerRightToken", "mallory", token, false},
		{"OwnerRightToken", "alice", token, true}, // what the rejections are measured against
		{"OwnerWrongToken", "alice", forged, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := rawSession(t, url, tt.player, &gamesockv1.Envelope{Body: &gamesockv1.Envelope_Resume{Resume: &gamesockv1.Resume{
				ProtocolVersion: gamesockv1.ProtocolVersion_PROTOCOL_VERSION_1, SessionId: sid, ResumeToken: tt.token}}})
			if w.GetPlayerId() != tt.player {
				t.Errorf("welcome for player %q, want %q", w.GetPlayerId(), tt.player)
			}
			if tt.resumes {
				if !w.GetResumed() || w.GetSessionId() != sid || w.GetResumeError() != nil {
					t.Fatalf("welcome %v, want session %q resumed", w, sid)
				}
				return
			}
			if w.GetResumed() || w.GetSessionId() == sid {
				t.Fatalf("welcome %v resumed session %q, want it refused", w, sid)
			}
			if code := w.GetResumeError().GetCode(); code != session.CodeResumeRejected {
				t.Errorf("resume error %v, want code %v", w.GetResumeError(), session.CodeResumeRejected)
			}
			if tt.player != "alice" {
				if ss := srv.Session("alice"); ss == nil || ss.ID() != sid {
					t.Errorf("after %s's forged resume, alice's session is %v, want %q untouched", tt.player, ss, sid)
				}
			}
		})
	}
	if st := srv.Stats(); st.Resumes != 1 || st.ResumesRejected != 2 {
		t.Errorf("server stats: %d resumes, %d rejected; want 1, 2", st.Resumes, st.ResumesRejected)
	}
}

// cutGaps returns how many messages each of n connections takes before it
// is cut: random, from 1 to twice the mean, from a seed the test logs.
func cutGaps(t *testing.T, mean, n int) []int {
	seed := rand.Uint64()
	t.Logf("cut gaps from seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	gaps := make([]int, n)
	for i := range gaps {
		gaps[i] = 1 + r.IntN(2*mean)
	}
	return gaps
}

// indexPayload is the i-th message of a sequence.
func indexPayload(i int) session.Payload {
	return session.Payload{Kind: 1, Data: binary.BigEndian.AppendUint32(nil, uint32(i))}
}

// sequenceCheck receives the messages 1 to count of indexPayload and
// checks that each arrives once, in order. It cuts the connection
// len(gaps) times, from the receiving goroutine, just after it took a
// message: the k-th time after gaps[k] messages on the k-th connection.
// The client's status tells it when a connection starts (see
// countConnected): what arrives between a cut and the next connection
// (from the sockets' buffers) is not counted, since that connection is
// already cut.
type sequenceCheck struct {
	count    int
	gaps     []int
	cut      func()
	done     chan struct{} // closed when the last message arrived, or on the first error
	progress chan struct{} // cap 1: a message arrived

	mu     sync.Mutex
	next   int // the index expected
	conns  int // connections started
	cutAt  int // conns at the last cut; -1 before the first
	cuts   int // cuts made
	taken  int // messages taken on the current connection
	stale  int // messages taken from cut connections
	errs   []string
	failed bool
}

func newSequenceCheck(count int, gaps []int, cut func()) *sequenceCheck {
	return &sequenceCheck{count: count, gaps: gaps, cut: cut, next: 1, cutAt: -1,
		done: make(chan struct{}), progress: make(chan struct{}, 1)}
}

// countConnected returns a client's OnStatus handler: it logs each status
// change in events, and counts the connections. A client is Connected on
// its read goroutine before it reads or sends anything on the connection.
func (s *sequenceCheck) countConnected(events *eventLog) func(session.StatusChange) {
	return func(ev session.StatusChange) {
		events.addStatus(ev)
		if ev.Status == session.Connected {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
}

func (s *sequenceCheck) receive(data []byte) {
	s.mu.Lock()
	i := int(binary.BigEndian.Uint32(data))
	if i != s.next {
		what := "a duplicate"
		if i > s.next {
			what = "a gap"
		}
		if len(s.errs) < 10 {
			s.errs = append(s.errs, fmt.Sprintf("got message %d, want %d: %s", i, s.next, what))
		}
		if !s.failed {
			s.failed = true
			close(s.done)
		}
		s.mu.Unlock()
		return
	}
	s.next++
	cut := false
	switch {
	case s.cutAt == s.conns:
		s.stale++
	case s.cuts < len(s.gaps):
		s.taken++
		if s.taken == s.gaps[s.cuts] {
			cut = true
			s.cuts++
			s.taken = 0
			s.cutAt = s.conns
		}
	}
	if i == s.count && !s.failed {
		close(s.done)
	}
	s.mu.Unlock()
	select {
	case s.progress <- struct{}{}:
	default:
	}
	if cut {
		s.cut()
	}
}

// waitRoom waits until message i is at most ahead beyond what arrived.
func (s *sequenceCheck) waitRoom(t *testing.T, events *eventLog, i, ahead int) {
	t.Helper()
	timeout := time.NewTimer(20 * time.Second)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		room := i-s.next < ahead
		s.mu.Unlock()
		if room {
			return
		}
		select {
		case <-s.progress:
		case <-s.done: // failed: verify will say why
			return
		case <-events.closed:
			s.stopped(t, events, "the client closed")
		case <-timeout.C:
			s.stopped(t, events, "timed out")
		}
	}
}

// wait waits for the last message, or the first error.
func (s *sequenceCheck) wait(t *testing.T, events *eventLog) {
	t.Helper()
	timeout := time.NewTimer(20 * time.Second)
	defer timeout.Stop()
	select {
	case <-s.done:
	case <-events.closed:
		s.stopped(t, events, "the client closed")
	case <-timeout.C:
		s.stopped(t, events, "timed out")
	}
}

// stopped fails the test with where the stream stopped, and the client's
// status changes, which say why.
func (s *sequenceCheck) stopped(t *testing.T, events *eventLog, why string) {
	t.Helper()
	events.logStatus(t)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.errs {
		t.Error(e)
	}
	t.Fatalf("%s at message %d of %d, after %d cuts", why, s.next-1, s.count, s.cuts)
}

// verify reports what went wrong: messages out of order, twice, missing, or
// cuts not made.
func (s *sequenceCheck) verify(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	t.Logf("%d cuts; %d messages still came from a cut connection", s.cuts, s.stale)
	for _, e := range s.errs {
		t.Error(e)
	}
	if s.next != s.count+1 {
		t.Errorf("received %d messages in order, want %d", s.next-1, s.count)
	}
	if s.cuts != len(s.gaps) {
		t.Errorf("made %d cuts, want %d: the messages ran out first", s.cuts, len(s.gaps))
	}
}

// eventLog records the events a client's handlers see, in the order they
// see them, for a test to wait on and inspect. Unlike the client's queue,
// it never fills up, so a client that changes status hundreds of times
// never blocks on it.
type eventLog struct {
	mu     sync.Mutex
	events []session.Event
	added  chan struct{} // cap 1: an event was added
	closed chan struct{} // closed when the client's status is Closed
}

func newEventLog() *eventLog {
	return &eventLog{added: make(chan struct{}, 1), closed: make(chan struct{})}
}

func (l *eventLog) add(ev session.Event) {
	l.mu.Lock()
	l.events = append(l.events, ev)
	if st, ok := ev.(session.StatusChange); ok && st.Status == session.Closed {
		select {
		case <-l.closed:
		default:
			close(l.closed)
		}
	}
	l.mu.Unlock()
	select {
	case l.added <- struct{}{}:
	default:
	}
}

// addStatus is an OnStatus handler.
func (l *eventLog) addStatus(ev session.StatusChange) { l.add(ev) }

// addPayload is an OnPayload handler.
func (l *eventLog) addPayload(m session.Payload) { l.add(m) }

func (l *eventLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.events)
}

func (l *eventLog) snapshot() []session.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// awaitEvent waits for the first event of type T, at index from or later,
// that match accepts, and returns it and its index.
func awaitEvent[T session.Event](t *testing.T, l *eventLog, from int, what string, match func(T) bool) (T, int) {
	t.Helper()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for {
		l.mu.Lock()
		for i := from; i < len(l.events); i++ {
			if ev, ok := l.events[i].(T); ok && match(ev) {
				l.mu.Unlock()
				return ev, i
			}
		}
		from = len(l.events)
		l.mu.Unlock()
		select {
		case <-l.added:
		case <-timeout.C:
			var zero T
			l.logStatus(t)
			t.Fatalf("timed out waiting for %s", what)
			return zero, 0
		}
	}
}

// logStatus logs the status changes, and how many other events came
// between them.
func (l *eventLog) logStatus(t *testing.T) {
	t.Helper()
	others := 0
	for _, ev := range l.snapshot() {
		st, ok := ev.(session.StatusChange)
		if !ok {
			others++
			continue
		}
		if others > 0 {
			t.Logf("(%d messages)", others)
			others = 0
		}
		t.Logf("status: %+v", st)
	}
	if others > 0 {
		t.Logf("(%d messages)", others)
	}
}

func statusChanges(events []session.Event) []session.StatusChange {
	var out []session.StatusChange
	for _, ev := range events {
		if st, ok := ev.(session.StatusChange); ok {
			out = append(out, st)
		}
	}
	return out
}

// serverAddr returns the host:port of a server's ws:// URL, for a proxy to
// forward to.
func serverAddr(t *testing.T, url string) string {
	t.Helper()
	hp, ok := strings.CutPrefix(url, "ws://")
	if !ok {
		t.Fatalf("not a ws:// URL: %q", url)
	}
	return strings.TrimSuffix(hp, "/")
}

// testServer is a session server on a listener the test made, whose
// shutdown the test controls.
type testServer struct {
	*session.Server
	url      string
	served   chan struct{} // closed when Serve returned
	serveErr error         // what it returned, once served is closed
	once     sync.Once
	err      error // Shutdown's
}

// serveOn serves sessions on ln, with tokenAuth unless opts say otherwise,
// and shuts the server down when the test ends if the test did not.
func serveOn(t *testing.T, ln net.Listener, opts session.ServerOptions) *testServer {
	t.Helper()
	if opts.Authenticate == nil {
		opts.Authenticate = tokenAuth
	}
	s := &testServer{Server: session.NewServer(opts), url: "ws://" + ln.Addr().String() + "/", served: make(chan struct{})}
	go func() {
		s.serveErr = s.Serve(ln)
		close(s.served)
	}()
	t.Cleanup(func() {
		if err := s.shutdown(); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return s
}

// shutdown shuts the server down once, and checks that Serve returned
// ErrServerClosed.
func (s *testServer) shutdown() error {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.err = s.Shutdown(ctx)
		<-s.served
		if s.err == nil && !errors.Is(s.serveErr, session.ErrServerClosed) {
			s.err = fmt.Errorf("Serve returned %v, want ErrServerClosed", s.serveErr)
		}
	})
	return s.err
}

// rawConnect opens a bare socket to a session server as player, for tests
// that speak the protocol by hand, and closes it when the test ends.
func rawConnect(t *testing.T, url, player string) *sdk.MessageWebSocket {
	t.Helper()
	ws := sdk.NewMessageWebSocket()
	ws.Control.MessageType = sdk.Binary
	ws.SetRequestHeader("Authorization", "Bearer player:"+player)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ws.Connect(ctx, url); err != nil {
		t.Fatalf("connecting as %s: %v", player, err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func rawSend(t *testing.T, ws *sdk.MessageWebSocket, env *gamesockv1.Envelope) {
	t.Helper()
	b, err := proto.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ws.Send(ctx, b); err != nil {
		t.Fatalf("sending %v: %v", env, err)
	}
}

func rawReceive(t *testing.T, ws *sdk.MessageWebSocket) *gamesockv1.Envelope {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := ws.Receive(ctx)
	if err != nil {
		t.Fatalf("receiving: %v", err)
	}
	env := &gamesockv1.Envelope{}
	if err := proto.Unmarshal(m.Data, env); err != nil {
		t.Fatalf("received %x, not an envelope: %v", m.Data, err)
	}
	return env
}

// rawSession connects as player, sends first (a Hello or a Resume), and
// returns the Welcome; then it closes the socket with 1001, going away,
// after which the session waits for a resume (1000 would end it).
func rawSession(t *testing.T, url, player string, first *gamesockv1.Envelope) *gamesockv1.Welcome {
	t.Helper()
	ws := rawConnect(t, url, player)
	defer ws.CloseWithStatus(sdk.CloseGoingAway, "away")
	rawSend(t, ws, first)
	reply := rawReceive(t, ws)
	w := reply.GetWelcome()
	if w == nil {
		t.Fatalf("reply %v, want a Welcome", reply)
	}
	return w
}
