package sdk

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gamesock/gamesock/sdk/internal/frame"
)

// socket is the life cycle shared by MessageWebSocket and StreamWebSocket:
// new, then connecting or accepting, then running a conn, then ended.
type socket struct {
	mu      sync.Mutex
	started bool
	ended   bool // closed before or while connecting, or failed to connect
	cancel  context.CancelFunc
	c       atomic.Pointer[conn]
}

// events are the handlers registered on a socket, bound to it.
type events struct {
	message func(Message)
	closed  func(ClosedEvent)
}

func (s *socket) conn() *conn { return s.c.Load() }

func (s *socket) mustBeNew(what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		panic("sdk: " + what + " called after Connect or Accept")
	}
}

// begin moves a new socket to connecting; the returned context is canceled by
// a Close during the handshake.
func (s *socket) begin(ctx context.Context, op, peer string) (context.Context, context.CancelFunc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return nil, nil, &Error{Op: op, URL: peer, Status: StatusOperationCanceled, Err: ErrClosed}
	}
	if s.started {
		return nil, nil, &Error{Op: op, URL: peer, Status: StatusUnknown, Err: ErrAlreadyStarted}
	}
	s.started = true
	ctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	return ctx, cancel, nil
}

// run starts c, unless Close was called during the handshake.
func (s *socket) run(c *conn, ev events, op string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cancel = nil
	if s.ended {
		c.nc.Close()
		return &Error{Op: op, URL: c.peer, Status: StatusOperationCanceled, Err: ErrClosed}
	}
	c.bind(ev)
	s.c.Store(c)
	c.start()
	return nil
}

// failed records a failed handshake: the socket cannot be used again.
func (s *socket) failed() {
	s.mu.Lock()
	s.ended = true
	s.cancel = nil
	s.mu.Unlock()
}

func (s *socket) connect(ctx context.Context, url string, ctl Control, k kind, header http.Header, ev events) error {
	ctx, cancel, err := s.begin(ctx, "connect", url)
	if err != nil {
		return err
	}
	defer cancel()
	ctl = ctl.withDefaults()
	r, err := dial(ctx, url, &ctl, header)
	if err != nil {
		s.failed()
		return err
	}
	c := newConn(r.nc, r.br, true, k, ctl, url)
	c.deflate = r.deflate
	c.info.Protocol = r.protocol
	c.info.Compression = r.deflate
	r.tls.fill(&c.info)
	return s.run(c, ev, "connect")
}

func (s *socket) acceptHTTP(w http.ResponseWriter, r *http.Request, ctl Control, k kind, ev events) error {
	_, cancel, err := s.begin(r.Context(), "accept", r.RemoteAddr)
	if err != nil {
		http.Error(w, "socket already in use", http.StatusInternalServerError)
		return err
	}
	defer cancel()
	ctl = ctl.withDefaults()
	res, err := upgradeHTTP(w, r, &ctl)
	if err != nil {
		s.failed()
		return err
	}
	c := newConn(res.nc, res.br, false, k, ctl, r.RemoteAddr)
	c.deflate = res.deflate
	c.info.Protocol = res.protocol
	c.info.Compression = res.deflate
	return s.run(c, ev, "accept")
}

func (s *socket) acceptConn(ctx context.Context, nc net.Conn, ctl Control, k kind, ev events) error {
	peer := nc.RemoteAddr().String()
	ctx, cancel, err := s.begin(ctx, "accept", peer)
	if err != nil {
		nc.Close()
		return err
	}
	defer cancel()
	ctl = ctl.withDefaults()
	res, err := upgradeConn(ctx, nc, &ctl)
	if err != nil {
		s.failed()
		return err
	}
	c := newConn(res.nc, res.br, false, k, ctl, peer)
	c.deflate = res.deflate
	c.info.Protocol = res.protocol
	c.info.Compression = res.deflate
	return s.run(c, ev, "accept")
}

func (s *socket) notConnected(op string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return &Error{Op: op, Status: StatusDisconnected, Err: ErrClosed}
	}
	return &Error{Op: op, Status: StatusUnknown, Err: ErrNotConnected}
}

func (s *socket) information() Information {
	c := s.c.Load()
	if c == nil {
		return Information{}
	}
	info := c.info
	info.ServerIntermediateCertificates = append(info.ServerIntermediateCertificates[:0:0], info.ServerIntermediateCertificates...)
	info.ServerCertificateErrors = append(info.ServerCertificateErrors[:0:0], info.ServerCertificateErrors...)
	info.BandwidthStatistics = c.st.snapshot(time.Now())
	return info
}

func (s *socket) close(code CloseCode, reason string) error {
	if !frame.ValidCloseCode(uint16(code)) {
		return &Error{Op: "close", Status: StatusUnknown, Err: fmt.Errorf("close code %d may not be sent", code)}
	}
	s.mu.Lock()
	c := s.c.Load()
	if c == nil {
		// Not connected yet: stop a handshake in progress, and the socket
		// for good.
		s.ended = true
		if s.cancel != nil {
			s.cancel()
		}
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	c.close(code, reason)
	return nil
}

func closedEvent(f *Error) ClosedEvent {
	ev := ClosedEvent{Code: CloseAbnormal}
	if f == nil {
		return ev
	}
	ev.Err = f
	if ce, ok := f.Err.(*CloseError); ok {
		ev.Code, ev.Reason = ce.Code, ce.Reason
	}
	return ev
}
