package session

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// Session is the server's side of one client's session. It outlives
// connections: when the client's connection drops, the session keeps what
// the client has not acknowledged for ServerOptions.ResumeWindow, and a
// client that resumes in time gets it all, once. Its methods are safe from
// any goroutine.
type Session struct {
	srv    *Server
	id     string
	player string
	token  []byte
	ep     *endpoint

	// deliverMu orders deliveries to the game: a replaced connection's
	// reader may still be running when the new one starts.
	deliverMu sync.Mutex

	mu     sync.Mutex
	conn   *serverConn // attached connection; nil while waiting for a resume
	expiry *time.Timer
	ended  bool
	rttUS  atomic.Uint32
}

// ID returns the session's id.
func (s *Session) ID() string { return s.id }

// PlayerID returns the player id Authenticate gave the session's client.
func (s *Session) PlayerID() string { return s.player }

// current reports whether c is the session's connection.
func (s *Session) current(c *serverConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn == c
}

// Connected reports whether the session has a connection now.
func (s *Session) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn != nil
}

// RTT returns the round-trip time the client last reported in its pings.
func (s *Session) RTT() time.Duration {
	return time.Duration(s.rttUS.Load()) * time.Microsecond
}

// StateAck returns the highest State tick the client has acknowledged: the
// baseline a game may encode its next state as a delta against.
func (s *Session) StateAck() uint64 {
	s.ep.mu.Lock()
	defer s.ep.mu.Unlock()
	return s.ep.peerStateAck
}

// Counters returns the session's traffic counters.
func (s *Session) Counters() Counters { return s.ep.snapshot() }

// Send queues m for the client and returns at once. A State replaces the
// unsent State of its kind; other messages are reliable: kept until the
// client acknowledges them, across reconnects. When the client's window of
// unacknowledged reliable messages is full, Send fails with an error
// matching ErrBehind and the session ends (CloseTooSlow). After the session
// ended, Send fails with an error matching ErrClosed.
func (s *Session) Send(m Message) error {
	body, enc, err := s.srv.encodeMessage(m)
	if err != nil {
		return err
	}
	defer enc.release()
	return s.sendBody(m, body)
}

func (s *Session) sendBody(m Message, body []byte) error {
	var err error
	if st, ok := m.(State); ok {
		err = s.ep.sendState(st.Kind, st.Tick, body)
	} else {
		err = s.ep.sendReliable(body)
	}
	if err == nil {
		return nil
	}
	var v *violation
	if errors.As(err, &v) && v.code == CloseTooSlow {
		s.endWith(v.code, v.text, err)
		return errors.Join(ErrBehind, err)
	}
	return err
}

// Close ends the session for good: its connection is closed with code and
// reason (CloseKicked, say), and the client does not come back (unless code
// is one it reconnects after; see the Close constants). It does not wait
// for the closing handshake.
func (s *Session) Close(code sdk.CloseCode, reason string) {
	s.endWith(code, reason, errors.New(reason))
}

func (s *Session) endWith(code sdk.CloseCode, reason string, err error) {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c != nil {
		c.endSession.Store(true)
		s.srv.closeAsync(c.l, code, reason)
	}
	s.end(err)
}

// end ends the session: it leaves the server, sends fail, and
// OnSessionEnd runs, once.
func (s *Session) end(err error) {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.ended = true
	if s.expiry != nil {
		s.expiry.Stop()
	}
	s.mu.Unlock()
	s.ep.fail(errors.Join(ErrClosed, err))
	s.srv.forget(s, err.Error())
	s.srv.debug("session ended", "session", s.id, "player", s.player, "err", err)
	if f := s.srv.opts.OnSessionEnd; f != nil {
		f(s, err)
	}
}

// errExpired ends a session nobody resumed.
var errExpired = errors.New("resume window passed")

// waitForResume starts the resume window of a session whose connection
// dropped.
func (s *Session) waitForResume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	if s.expiry != nil {
		s.expiry.Stop()
	}
	s.expiry = time.AfterFunc(s.srv.opts.ResumeWindow, func() {
		s.mu.Lock()
		waiting := s.conn == nil
		s.mu.Unlock()
		if waiting {
			s.end(errExpired)
		}
	})
}
