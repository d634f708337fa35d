package sdk

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/gamesock/gamesock/sdk/internal/bufpool"
	"github.com/gamesock/gamesock/sdk/internal/frame"
)

// StreamWebSocket carries binary data as a byte stream over a WebSocket (UWP
// StreamWebSocket), for large transfers such as replays, asset packs and
// uploads. It is an io.Reader, an io.Writer and a net.Conn.
//
// Writes map to messages one to one: each Write(p) sends p as one binary
// message in one frame, written to the network in pieces of at most
// Control.OutboundBufferSize bytes; io.Copy therefore sends one message per
// 32 KiB buffer. Reads ignore message boundaries: the stream is the
// concatenation of every binary message received, so any WebSocket peer that
// sends binary messages can feed it. A text message is a protocol error for a
// stream and closes the socket with 1003. Read returns io.EOF after the peer
// closes with 1000 or 1001, and an *Error otherwise.
//
// Read is for one goroutine at a time; Write, Information and Close are safe
// from any goroutine. The Closed handler, if any, runs on the socket's read
// goroutine once the socket has ended.
type StreamWebSocket struct {
	// Control is the socket's configuration, copied at Connect or Accept.
	// MessageType, ReceiveMode and MaxMessageSize do not apply to streams.
	Control Control

	onClosed func(*StreamWebSocket, ClosedEvent)
	header   http.Header
	sock     socket

	rmu   sync.Mutex // held by Read
	cur   *[]byte    // the chunk being read
	off   int
	rerr  error
	dlMu  sync.Mutex
	rdl   time.Time // read deadline
	wdl   time.Time // write deadline
	rwake chan struct{}
}

// NewStreamWebSocket returns an unconnected stream socket with a default
// Control.
func NewStreamWebSocket() *StreamWebSocket {
	return &StreamWebSocket{rwake: make(chan struct{}, 1)}
}

// OnClosed registers the handler called once when the socket has ended (UWP
// Closed). It must be called before Connect or Accept; it panics afterwards.
func (s *StreamWebSocket) OnClosed(h func(s *StreamWebSocket, e ClosedEvent)) {
	s.sock.mustBeNew("OnClosed")
	s.onClosed = h
}

// SetRequestHeader adds an HTTP header to the client's upgrade request. Call
// it before Connect.
func (s *StreamWebSocket) SetRequestHeader(name, value string) {
	s.sock.mustBeNew("SetRequestHeader")
	if s.header == nil {
		s.header = http.Header{}
	}
	s.header.Add(name, value)
}

func (s *StreamWebSocket) events() events {
	if h := s.onClosed; h != nil {
		return events{closed: func(e ClosedEvent) { h(s, e) }}
	}
	return events{}
}

// Connect opens the connection to a ws:// or wss:// URL, as
// MessageWebSocket.Connect does.
func (s *StreamWebSocket) Connect(ctx context.Context, url string) error {
	return s.sock.connect(ctx, url, s.Control, kindStream, s.header, s.events())
}

// Accept upgrades an HTTP request, as MessageWebSocket.Accept does.
func (s *StreamWebSocket) Accept(w http.ResponseWriter, r *http.Request) error {
	return s.sock.acceptHTTP(w, r, s.Control, kindStream, s.events())
}

// AcceptConn runs the server handshake on a raw connection, as
// MessageWebSocket.AcceptConn does.
func (s *StreamWebSocket) AcceptConn(ctx context.Context, nc net.Conn) error {
	return s.sock.acceptConn(ctx, nc, s.Control, kindStream, s.events())
}

// Read reads stream data into p. It waits until data arrives, the read
// deadline passes, or the socket ends.
func (s *StreamWebSocket) Read(p []byte) (int, error) {
	return s.read(context.Background(), p)
}

// ReadContext is Read bounded by ctx.
func (s *StreamWebSocket) ReadContext(ctx context.Context, p []byte) (int, error) {
	return s.read(ctx, p)
}

func (s *StreamWebSocket) read(ctx context.Context, p []byte) (int, error) {
	c := s.sock.conn()
	if c == nil {
		return 0, s.sock.notConnected("receive")
	}
	s.rmu.Lock()
	defer s.rmu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	for s.cur == nil {
		if s.rerr != nil {
			return 0, s.rerr
		}
		var timeout <-chan time.Time
		if dl := s.readDeadline(); !dl.IsZero() {
			d := time.Until(dl)
			if d <= 0 {
				return 0, os.ErrDeadlineExceeded
			}
			t := time.NewTimer(d)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case in, ok := <-c.in:
			if !ok {
				s.rerr = streamEnd(c)
				return 0, s.rerr
			}
			if in.buf != nil {
				s.cur, s.off = in.buf, 0
			}
		case <-ctx.Done():
			return 0, &Error{Op: "receive", URL: c.peer, Status: classify(ctx.Err()), Err: ctx.Err()}
		case <-timeout:
			return 0, os.ErrDeadlineExceeded
		case <-s.rwake:
			// The deadline changed: look again.
		}
	}
	n := copy(p, (*s.cur)[s.off:])
	s.off += n
	if s.off == len(*s.cur) {
		bufpool.Put(s.cur)
		s.cur = nil
	}
	return n, nil
}

// streamEnd is what Read returns once the socket has ended: io.EOF for a
// normal close by the peer or a local Close, the error otherwise.
func streamEnd(c *conn) error {
	f := c.failure.Load()
	var ce *CloseError
	if f == nil || errors.As(f.Err, &ce) && (ce.Code == CloseNormal || ce.Code == CloseGoingAway) {
		return io.EOF
	}
	return &Error{Op: "receive", URL: c.peer, Status: f.Status, Err: f.Err}
}

// Write sends p as one binary message. It fails after Control.SendTimeout,
// at the write deadline, or when the socket has ended.
func (s *StreamWebSocket) Write(p []byte) (int, error) {
	ctx := context.Background()
	if dl := s.writeDeadline(); !dl.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl)
		defer cancel()
	}
	return s.WriteContext(ctx, p)
}

// WriteContext is Write bounded by ctx.
func (s *StreamWebSocket) WriteContext(ctx context.Context, p []byte) (int, error) {
	c := s.sock.conn()
	if c == nil {
		return 0, s.sock.notConnected("send")
	}
	if len(p) == 0 {
		return 0, nil
	}
	if err := c.acquire(ctx, "send"); err != nil {
		return 0, err
	}
	defer c.release()
	if err := c.writeMessage(ctx, frame.OpBinary, 0, true, p, len(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Information returns a snapshot of the socket's addresses, protocol,
// certificate and traffic. Message counts count Writes out and chunks in.
func (s *StreamWebSocket) Information() Information { return s.sock.information() }

// LocalAddr returns the local network address, or nil before connecting.
func (s *StreamWebSocket) LocalAddr() net.Addr { return s.Information().LocalAddress }

// RemoteAddr returns the remote network address, or nil before connecting.
func (s *StreamWebSocket) RemoteAddr() net.Addr { return s.Information().RemoteAddress }

// SetDeadline sets the read and write deadlines, as net.Conn does.
func (s *StreamWebSocket) SetDeadline(t time.Time) error {
	s.setDeadlines(&t, &t)
	return nil
}

// SetReadDeadline sets the deadline for Read calls, including a pending one.
func (s *StreamWebSocket) SetReadDeadline(t time.Time) error {
	s.setDeadlines(&t, nil)
	return nil
}

// SetWriteDeadline sets the deadline for later Write calls. A write that
// misses it ends the socket, as any failed send does.
func (s *StreamWebSocket) SetWriteDeadline(t time.Time) error {
	s.setDeadlines(nil, &t)
	return nil
}

func (s *StreamWebSocket) setDeadlines(r, w *time.Time) {
	s.dlMu.Lock()
	if r != nil {
		s.rdl = *r
	}
	if w != nil {
		s.wdl = *w
	}
	s.dlMu.Unlock()
	if r != nil {
		select {
		case s.rwake <- struct{}{}:
		default:
		}
	}
}

func (s *StreamWebSocket) readDeadline() time.Time {
	s.dlMu.Lock()
	defer s.dlMu.Unlock()
	return s.rdl
}

func (s *StreamWebSocket) writeDeadline() time.Time {
	s.dlMu.Lock()
	defer s.dlMu.Unlock()
	return s.wdl
}

// Close closes the socket with CloseNormal (1000); see CloseWithStatus.
func (s *StreamWebSocket) Close() error { return s.sock.close(CloseNormal, "") }

// CloseWithStatus runs the closing handshake with code and reason, as
// MessageWebSocket.CloseWithStatus does.
func (s *StreamWebSocket) CloseWithStatus(code CloseCode, reason string) error {
	return s.sock.close(code, reason)
}

var _ net.Conn = (*StreamWebSocket)(nil)
