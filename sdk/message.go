package sdk

import (
	"context"
	"errors"
	"iter"
	"net"
	"net/http"
	"sync/atomic"

	"github.com/gamesock/gamesock/sdk/internal/bufpool"
	"github.com/gamesock/gamesock/sdk/internal/frame"
)

// Message is a received message, or a piece of one in PartialMessage mode.
type Message struct {
	Type MessageType
	// Data is the payload. It stays valid only until the MessageReceived
	// handler returns, or until the next call to Receive: copy what you keep.
	Data []byte
	// IsMessageComplete is true on the last piece of a message, and always in
	// FullMessage mode.
	IsMessageComplete bool
}

// ClosedEvent tells how a socket ended (UWP WebSocketClosedEventArgs).
type ClosedEvent struct {
	Code   CloseCode // the close code; CloseAbnormal if the connection dropped
	Reason string
	// Err is the full reason as an *Error: GetStatus(Err) tells what happened.
	Err error
}

// MessageWebSocket is a WebSocket that sends and receives whole messages
// (UWP MessageWebSocket). The same type serves both ends: a client calls
// Connect with a ws:// or wss:// URL, a server calls Accept from an
// http.Handler or AcceptConn on a connection from a net.Listener.
//
// Set Control and register handlers before connecting. Messages then arrive
// either through the MessageReceived handler, called on the socket's read
// goroutine, in order, never concurrently; or, if no handler is registered,
// by calling Receive, which takes them from a queue of 16 that the read
// goroutine fills (one goroutine hand-off per message: the handler is the
// faster way in). The Closed handler, if any, runs once, on the read
// goroutine, after the last MessageReceived.
//
// Send, SendFrame, SetMessageType, Information and Close are safe to call from
// any goroutine. Receive is for one goroutine at a time.
type MessageWebSocket struct {
	// Control is the socket's configuration, copied at Connect or Accept.
	Control Control

	onMessage func(*MessageWebSocket, Message)
	onClosed  func(*MessageWebSocket, ClosedEvent)
	header    http.Header
	msgType   atomic.Uint32
	sock      socket
	recvSem   chan struct{}
	recvLast  *[]byte // the buffer behind the last Message Receive returned
}

// NewMessageWebSocket returns an unconnected socket with a default Control.
func NewMessageWebSocket() *MessageWebSocket {
	return &MessageWebSocket{recvSem: make(chan struct{}, 1)}
}

// OnMessageReceived registers the handler for received messages (UWP
// MessageReceived). It must be called before Connect or Accept; it panics
// afterwards. msg.Data is valid until h returns. h runs on the socket's read
// goroutine and may call Send and Close. While h runs the socket reads
// nothing more, so pings wait and TCP pushes back on the peer: a game hands
// the message to its loop (say, on a buffered channel) and returns. Close
// waits for a running handler, so a handler must never wait for something
// that happens only after Close returns (select on a quit channel too).
func (s *MessageWebSocket) OnMessageReceived(h func(s *MessageWebSocket, msg Message)) {
	s.sock.mustBeNew("OnMessageReceived")
	s.onMessage = h
}

// OnClosed registers the handler called once when the socket has ended, for
// whatever reason, including a local Close (UWP Closed). It must be called
// before Connect or Accept; it panics afterwards.
func (s *MessageWebSocket) OnClosed(h func(s *MessageWebSocket, e ClosedEvent)) {
	s.sock.mustBeNew("OnClosed")
	s.onClosed = h
}

// SetRequestHeader adds an HTTP header to the client's upgrade request (UWP
// SetRequestHeader). Call it before Connect. Headers that the WebSocket
// handshake owns (Host, Upgrade, Connection, Sec-WebSocket-*) make Connect fail.
func (s *MessageWebSocket) SetRequestHeader(name, value string) {
	s.sock.mustBeNew("SetRequestHeader")
	if s.header == nil {
		s.header = http.Header{}
	}
	s.header.Add(name, value)
}

// SetMessageType changes the type of the messages Send writes from now on. It
// may be called at any time, as UWP's Control.MessageType.
func (s *MessageWebSocket) SetMessageType(t MessageType) { s.msgType.Store(uint32(t) + 1) }

func (s *MessageWebSocket) messageType() MessageType {
	if t := s.msgType.Load(); t != 0 {
		return MessageType(t - 1)
	}
	return s.Control.MessageType
}

func (s *MessageWebSocket) kind() kind {
	if s.Control.ReceiveMode == PartialMessage {
		return kindPartial
	}
	return kindMessage
}

// Connect opens the connection to a ws:// or wss:// URL (UWP ConnectAsync). It
// resolves the host and tries up to Control.MaxConnectAddresses of its
// addresses in turn, each within Control.ConnectTimeout, and returns when the
// handshake is done or has failed. ctx bounds the whole call.
func (s *MessageWebSocket) Connect(ctx context.Context, url string) error {
	if t := s.msgType.Load(); t == 0 {
		s.msgType.Store(uint32(s.Control.MessageType) + 1)
	}
	return s.sock.connect(ctx, url, s.Control, s.kind(), s.header, s.events())
}

// Accept upgrades an HTTP request to a WebSocket on the server side. It
// answers a request that is not a WebSocket upgrade, or that
// Control.Authorize or the origin check refuses, with an HTTP error and
// returns an error. The socket is then independent of the handler, which may
// return.
func (s *MessageWebSocket) Accept(w http.ResponseWriter, r *http.Request) error {
	if t := s.msgType.Load(); t == 0 {
		s.msgType.Store(uint32(s.Control.MessageType) + 1)
	}
	return s.sock.acceptHTTP(w, r, s.Control, s.kind(), s.events())
}

// AcceptConn runs the server side of the handshake on nc, a connection from a
// net.Listener, with gobwas/ws's zero-copy upgrader: no net/http state is
// kept per connection. With Control.ServerTLSConfig set, it first runs a TLS
// handshake. The handshake must finish within ctx and Control.ConnectTimeout;
// on failure nc is closed. The socket owns nc from then on.
func (s *MessageWebSocket) AcceptConn(ctx context.Context, nc net.Conn) error {
	if t := s.msgType.Load(); t == 0 {
		s.msgType.Store(uint32(s.Control.MessageType) + 1)
	}
	return s.sock.acceptConn(ctx, nc, s.Control, s.kind(), s.events())
}

func (s *MessageWebSocket) events() events {
	ev := events{}
	if h := s.onMessage; h != nil {
		ev.message = func(m Message) { h(s, m) }
	}
	if h := s.onClosed; h != nil {
		ev.closed = func(e ClosedEvent) { h(s, e) }
	}
	return ev
}

// Send sends p as one message of the current MessageType, in one frame. It
// returns when the message is written to the network, or fails on ctx, on
// Control.SendTimeout, or when the socket has ended. A UTF8 message must be
// valid UTF-8; that is the caller's duty, as the peer will close with 1007
// otherwise. Send is safe to call from many goroutines; messages never
// interleave. With Background ctx it does not allocate.
func (s *MessageWebSocket) Send(ctx context.Context, p []byte) error {
	c := s.sock.conn()
	if c == nil {
		return s.sock.notConnected("send")
	}
	if err := c.acquire(ctx, "send"); err != nil {
		return err
	}
	defer c.release()
	op := frame.OpBinary
	if s.messageType() == UTF8 {
		op = frame.OpText
	}
	if c.deflate && len(p) >= minCompressSize {
		z, err := deflate(p)
		if err != nil {
			return &Error{Op: "send", URL: c.peer, Status: StatusUnknown, Err: err}
		}
		defer bufpool.Put(z)
		return c.writeMessage(ctx, op, frame.Rsv1, true, *z, len(p))
	}
	return c.writeMessage(ctx, op, 0, true, p, len(p))
}

// SendFrame sends p as one frame of a message built over several calls (UWP
// SendNonfinalFrameAsync / SendFinalFrameAsync): final=false for every frame
// but the last. The message's type is the MessageType at its first frame.
// Other senders wait until the final frame, so messages never interleave; the
// frames of one message must come from one goroutine at a time.
func (s *MessageWebSocket) SendFrame(ctx context.Context, p []byte, final bool) error {
	c := s.sock.conn()
	if c == nil {
		return s.sock.notConnected("send")
	}
	c.fragMu.Lock()
	first := !c.fragging
	c.fragMu.Unlock()
	op := frame.OpContinuation
	if first {
		if err := c.acquire(ctx, "send"); err != nil {
			return err
		}
		op = frame.OpBinary
		if s.messageType() == UTF8 {
			op = frame.OpText
		}
	}
	c.fragMu.Lock()
	c.fragging = !final
	c.fragMu.Unlock()
	err := c.writeMessage(ctx, op, 0, final, p, len(p))
	if final || err != nil {
		c.fragMu.Lock()
		c.fragging = false
		c.fragMu.Unlock()
		c.release()
	}
	return err
}

// Receive waits for the next message, or the next piece of one in
// PartialMessage mode, and returns it. msg.Data stays valid until the next
// call to Receive. When the socket has ended it returns an error carrying the
// close code (see CloseStatus). It is an error to call Receive on a socket
// with a MessageReceived handler: the handler gets every message.
func (s *MessageWebSocket) Receive(ctx context.Context) (Message, error) {
	c := s.sock.conn()
	if c == nil {
		return Message{}, s.sock.notConnected("receive")
	}
	if s.onMessage != nil {
		return Message{}, &Error{Op: "receive", URL: c.peer, Status: StatusUnknown, Err: ErrHandlerRegistered}
	}
	// Plain channel operations where they suffice: a select costs more, and
	// this is the per-message path.
	done := ctx.Done()
	select {
	case s.recvSem <- struct{}{}:
	default:
		select {
		case s.recvSem <- struct{}{}:
		case <-done:
			return Message{}, &Error{Op: "receive", URL: c.peer, Status: classify(ctx.Err()), Err: ctx.Err()}
		}
	}
	defer func() { <-s.recvSem }()
	bufpool.Put(s.recvLast)
	s.recvLast = nil
	var (
		in inbound
		ok bool
	)
	if done == nil {
		in, ok = <-c.in
	} else {
		select {
		case in, ok = <-c.in:
		case <-done:
			return Message{}, &Error{Op: "receive", URL: c.peer, Status: classify(ctx.Err()), Err: ctx.Err()}
		}
	}
	if !ok {
		return Message{}, c.opError("receive")
	}
	s.recvLast = in.buf
	return Message{Type: in.typ, Data: in.data(), IsMessageComplete: in.complete}, nil
}

// Messages returns the received messages as an iterator, for a range loop
// that calls Receive:
//
//	for m, err := range ws.Messages(ctx) {
//		if err != nil {
//			return err // the socket failed, or ctx ended
//		}
//		handle(m) // m.Data is valid until the next iteration
//	}
//
// The loop ends when the socket ends. If it ended with a normal close
// (1000 or 1001 from the peer, or a local Close), the loop just stops;
// otherwise its last pair carries the error, as does an ended ctx.
func (s *MessageWebSocket) Messages(ctx context.Context) iter.Seq2[Message, error] {
	return func(yield func(Message, error) bool) {
		for {
			m, err := s.Receive(ctx)
			if err != nil {
				if !normalEnd(err) {
					yield(Message{}, err)
				}
				return
			}
			if !yield(m, nil) {
				return
			}
		}
	}
}

// normalEnd reports whether err says the socket ended with a normal close.
func normalEnd(err error) bool {
	var ce *CloseError
	if !errors.As(err, &ce) {
		return false
	}
	if ce.Remote {
		return ce.Code == CloseNormal || ce.Code == CloseGoingAway
	}
	// A local close: the application's own Close, not a violation found.
	return GetStatus(err) == StatusDisconnected
}

// Information returns a snapshot of the socket's addresses, protocol,
// certificate and traffic (UWP Information).
func (s *MessageWebSocket) Information() Information { return s.sock.information() }

// Close closes the socket with CloseNormal (1000). See CloseWithStatus.
func (s *MessageWebSocket) Close() error { return s.sock.close(CloseNormal, "") }

// CloseWithStatus runs the closing handshake with code and reason (UWP
// Close(code, reason)): it sends a close frame, waits up to
// Control.CloseTimeout for the peer's, closes the connection, and returns
// when the socket's goroutines have exited and the Closed handler has run
// (except when called from a handler, which cannot wait for itself). Messages
// still queued for the application are dropped. It is idempotent: later
// calls wait for the first one and return nil. code must be one a close
// frame may carry (1000-1003, 1007-1014, 3000-4999).
func (s *MessageWebSocket) CloseWithStatus(code CloseCode, reason string) error {
	return s.sock.close(code, reason)
}
