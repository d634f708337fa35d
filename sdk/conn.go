package sdk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gamesock/gamesock/sdk/internal/bufpool"
	"github.com/gamesock/gamesock/sdk/internal/frame"
	"github.com/gamesock/gamesock/sdk/internal/goid"
)

// inboundQueue is how many received messages (or stream chunks) wait for the
// application before the read loop stops reading from the network.
const inboundQueue = 16

// gatherStep is the first step by which a whole-message buffer grows; then
// it doubles with the data received.
const gatherStep = 64 << 10

// streamChunk is the largest piece a stream or a partial-mode socket hands to
// the application at once.
const streamChunk = 32 << 10

var aLongTimeAgo = time.Unix(1, 0)

// kind says what a conn delivers to the application.
type kind uint8

const (
	kindMessage kind = iota // whole messages
	kindPartial             // message pieces
	kindStream              // binary stream; text frames are refused
)

// inbound is a message or a piece of one, waiting for the application.
type inbound struct {
	typ      MessageType
	buf      *[]byte // pooled; nil for an empty piece
	complete bool
}

func (in inbound) data() []byte {
	if in.buf == nil {
		return nil
	}
	return *in.buf
}

// conn is the WebSocket connection shared by MessageWebSocket and
// StreamWebSocket: one read loop goroutine, synchronous writes under a lock,
// and an optional keepalive goroutine. It owns nc.
type conn struct {
	nc      net.Conn
	br      *bufio.Reader
	client  bool
	kind    kind
	ctl     Control // with defaults
	peer    string  // URL or remote address, for error messages
	info    Information
	deflate bool
	st      stats

	// Send side. sendSem is held for a whole message, wmu for one frame.
	sendSem   chan struct{}
	fragging  bool // a SendFrame message is in progress; guarded by fragMu
	fragMu    sync.Mutex
	wmu       sync.Mutex
	wdeadline time.Time // write deadline set on nc; guarded by wmu
	pong      pendingPong
	framesOut atomic.Uint64

	// Receive side, owned by the read loop.
	in       chan inbound
	framesIn atomic.Uint64
	inMsg    bool                              // a message has started and not ended
	unread   int64                             // payload bytes of the current frame not yet read
	ctrl     [frame.MaxControlPayloadSize]byte // a control frame's payload
	rdl      bool                              // a receive deadline is set on nc

	// Life cycle.
	closing   chan struct{} // closed when a local Close starts
	closeOnce sync.Once
	closeSent atomic.Bool
	failure   atomic.Pointer[Error] // why the socket ended; first one wins
	sendErr   atomic.Pointer[Error] // a write found the peer gone (see sendFailed)
	dropTimer atomic.Pointer[time.Timer]
	readDone  chan struct{}
	kaDone    chan struct{} // closed when the keepalive goroutine exits
	readGID   atomic.Uint64 // the read goroutine's id, which runs the handlers
	ev        events
}

// pendingPong is the payload of the latest ping, waiting to be answered by
// whichever goroutine next holds the write lock.
type pendingPong struct {
	mu   sync.Mutex
	set  atomic.Bool
	n    int
	data [frame.MaxControlPayloadSize]byte
}

func newConn(nc net.Conn, br *bufio.Reader, client bool, k kind, ctl Control, peer string) *conn {
	c := &conn{
		nc:       nc,
		br:       br,
		client:   client,
		kind:     k,
		ctl:      ctl,
		peer:     peer,
		sendSem:  make(chan struct{}, 1),
		closing:  make(chan struct{}),
		readDone: make(chan struct{}),
		kaDone:   make(chan struct{}),
	}
	c.info.LocalAddress = nc.LocalAddr()
	c.info.RemoteAddress = nc.RemoteAddr()
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(!ctl.Nagle)
	}
	return c
}

// bind attaches the socket's handlers, before start.
func (c *conn) bind(ev events) {
	c.ev = ev
	if ev.message != nil {
		// Messages go to the handler; the queue only signals the end.
		c.in = make(chan inbound)
	} else {
		c.in = make(chan inbound, inboundQueue)
	}
}

// start launches the read loop and, if configured, the keepalive goroutine.
func (c *conn) start() {
	c.st.start(time.Now())
	go c.readLoop()
	if c.ctl.PingInterval > 0 || c.ctl.UnsolicitedPongInterval > 0 {
		go c.keepalive()
	} else {
		close(c.kaDone)
	}
}

// ---- errors ----

// fail records why the socket ended, if nothing did before, and returns the
// recorded reason.
func (c *conn) fail(e *Error) *Error {
	if c.failure.CompareAndSwap(nil, e) {
		c.ctl.Logger.Debug("websocket ended", "peer", c.peer, "err", e)
		return e
	}
	return c.failure.Load()
}

// opError rewrites the socket's ending reason for operation op.
func (c *conn) opError(op string) error {
	f := c.failure.Load()
	if f == nil {
		return &Error{Op: op, URL: c.peer, Status: StatusDisconnected, Err: ErrClosed}
	}
	return &Error{Op: op, URL: c.peer, Status: f.Status, Err: f.Err}
}

// ioError turns an I/O error on nc into the socket's ending reason.
func (c *conn) ioError(op string, err error) *Error {
	if f := c.failure.Load(); f != nil {
		return f
	}
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Op: op, URL: c.peer, Status: StatusConnectionAborted,
			Err: &CloseError{Code: CloseAbnormal, Reason: "connection dropped without a close frame", Remote: true}}
	}
	return &Error{Op: op, URL: c.peer, Status: classify(err), Err: err}
}

func (c *conn) violation(code CloseCode, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	ce := &CloseError{Code: code, Reason: msg}
	return &Error{Op: "receive", URL: c.peer, Status: closeCodeStatus(ce), Err: ce}
}

// ---- read side ----

func (c *conn) readLoop() {
	c.readGID.Store(goid.Current())
	err := c.readFrames()
	var ce *CloseError
	if se := c.sendErr.Load(); se != nil && !(errors.As(err.Err, &ce) && ce.Remote) {
		err = se // the peer left without a close frame we could read
	}
	if t := c.dropTimer.Load(); t != nil {
		t.Stop()
	}
	f := c.fail(err)
	if errors.As(f.Err, &ce) && !ce.Remote && ce.Code != CloseAbnormal {
		// Our side found a violation (or the user closed): say so to the peer.
		c.writeClose(ce.Code, ce.Reason)
		select {
		case <-c.closing:
		default:
			c.drain()
		}
	}
	c.nc.Close()
	close(c.in)
	if c.ev.closed != nil {
		c.ev.closed(closedEvent(f))
	}
	close(c.readDone)
}

// readFrames reads until the connection ends and returns why.
func (c *conn) readFrames() *Error {
	var (
		msgType    MessageType
		msgLen     int64
		msgBuf     *[]byte // whole-message mode
		compressed bool
		text       frame.UTF8
	)
	defer func() { bufpool.Put(msgBuf) }()
	for {
		h, err := c.readHeader()
		if err != nil {
			return err
		}
		c.framesIn.Add(1)
		if h.Masked == c.client {
			if c.client {
				return c.violation(CloseProtocolError, "masked frame from server")
			}
			return c.violation(CloseProtocolError, "unmasked frame from client")
		}
		if h.Op.IsControl() {
			if h.Rsv != 0 {
				return c.violation(CloseProtocolError, "RSV bits set on a control frame")
			}
			if e := c.readControl(h); e != nil {
				return e
			}
			if !c.inMsg && c.rdl && !c.closeSent.Load() {
				// A control frame between messages has arrived whole.
				c.rdl = false
				_ = c.nc.SetReadDeadline(time.Time{})
			}
			continue
		}
		first := h.Op != frame.OpContinuation
		switch {
		case first && c.inMsg:
			return c.violation(CloseProtocolError, "new data frame inside a fragmented message")
		case !first && !c.inMsg:
			return c.violation(CloseProtocolError, "continuation frame without a message")
		case h.Rsv != 0 && !(first && h.Rsv == frame.Rsv1 && c.deflate):
			return c.violation(CloseProtocolError, "RSV bits set without a negotiated extension")
		}
		if first {
			c.inMsg = true
			msgType, msgLen, compressed = Binary, 0, h.Rsv == frame.Rsv1
			if h.Op == frame.OpText {
				msgType = UTF8
				if c.kind == kindStream {
					return c.violation(CloseUnsupportedData, "text message on a binary stream socket")
				}
			}
		}
		if (c.kind != kindStream || compressed) && msgLen+h.Length > int64(c.ctl.MaxMessageSize) {
			return c.violation(CloseMessageTooBig, "message exceeds %d bytes", c.ctl.MaxMessageSize)
		}
		if c.kind == kindMessage || compressed {
			// Gather the whole message, growing the buffer as data arrives
			// rather than as the peer announces it: a frame that claims
			// 16 MiB and sends 10 bytes costs 64 KiB, not 16 MiB.
			for pos := int64(0); pos < h.Length; {
				step := min(h.Length-pos, max(gatherStep, msgLen+pos))
				msgBuf = bufpool.Grow(msgBuf, int(msgLen+pos), int(msgLen+pos+step))
				if e := c.readPayloadAt((*msgBuf)[msgLen+pos:], h, pos); e != nil {
					return e
				}
				pos += step
			}
			if h.Length == 0 {
				msgBuf = bufpool.Grow(msgBuf, int(msgLen), int(msgLen))
			}
			p := (*msgBuf)[msgLen : msgLen+h.Length]
			if msgType == UTF8 && !compressed && !text.Write(p) {
				return c.violation(CloseInvalidPayload, "text message is not valid UTF-8")
			}
			msgLen += h.Length
			if !h.Fin {
				continue
			}
			if compressed {
				out, e := c.inflate((*msgBuf)[:msgLen])
				if e != nil {
					return e
				}
				bufpool.Put(msgBuf)
				msgBuf = out
				if msgType == UTF8 && !text.Write(*msgBuf) {
					return c.violation(CloseInvalidPayload, "text message is not valid UTF-8")
				}
			}
			if msgType == UTF8 && !text.Done() {
				return c.violation(CloseInvalidPayload, "text message ends inside a UTF-8 sequence")
			}
			c.endMessage()
			c.deliver(inbound{typ: msgType, buf: msgBuf, complete: true}, len(*msgBuf))
			msgBuf = nil
			continue
		}
		// Partial mode and streams: hand over pieces as they arrive.
		pos := int64(0)
		for {
			n := min(h.Length-pos, streamChunk)
			var piece *[]byte
			if n > 0 {
				piece = bufpool.Get(int(n))
				got, e := c.readPayloadSome(*piece, h, pos)
				if e != nil {
					bufpool.Put(piece)
					return e
				}
				*piece, n = (*piece)[:got], int64(got)
				if msgType == UTF8 && !text.Write(*piece) {
					bufpool.Put(piece)
					return c.violation(CloseInvalidPayload, "text message is not valid UTF-8")
				}
			}
			pos += n
			last := h.Fin && pos == h.Length
			if last {
				if msgType == UTF8 && !text.Done() {
					bufpool.Put(piece)
					return c.violation(CloseInvalidPayload, "text message ends inside a UTF-8 sequence")
				}
				c.endMessage()
			}
			if n > 0 || (last && c.kind == kindPartial) {
				c.deliver(inbound{typ: msgType, buf: piece, complete: last}, int(n))
			}
			if pos == h.Length {
				break
			}
		}
		msgLen += h.Length
	}
}

// drain runs after a violation, once our close frame is sent: it signals the
// end of our stream and skips what the peer still sends until its close
// frame, its end of stream, CloseTimeout or 1 MiB, whichever comes first.
// Closing a TCP socket with unread data makes the kernel send a reset, which
// can destroy our close frame before the peer reads it.
func (c *conn) drain() {
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	c.rdl = true
	_ = c.nc.SetReadDeadline(time.Now().Add(c.ctl.CloseTimeout))
	const budget = 1 << 20
	// First the rest of the frame the violation was found in.
	skipped, err := c.br.Discard(int(min(max(c.unread, 0), budget)))
	if err != nil {
		return
	}
	for int64(skipped) < budget {
		h, e := c.readHeader()
		if e != nil || h.Op == frame.OpClose {
			return
		}
		n, err := c.br.Discard(int(min(h.Length, budget-int64(skipped))))
		skipped += n + 2
		if err != nil {
			return
		}
	}
}

// endMessage marks the end of a message: the receive timeout stops.
func (c *conn) endMessage() {
	c.inMsg = false
	if c.rdl && !c.closeSent.Load() {
		c.rdl = false
		_ = c.nc.SetReadDeadline(time.Time{})
	}
}

// fill makes sure n bytes are buffered, arming the receive timeout first if
// the read would block inside a message or a frame (a frame has started once
// any of its bytes is buffered).
func (c *conn) fill(n int) ([]byte, error) {
	if c.br.Buffered() < n && (c.inMsg || c.br.Buffered() > 0) && !c.rdl {
		c.rdl = true
		_ = c.nc.SetReadDeadline(time.Now().Add(c.ctl.ReceiveTimeout))
	}
	return c.br.Peek(n)
}

func (c *conn) readHeader() (frame.Header, *Error) {
	// Wait for the first byte without a deadline (the connection may be
	// idle), then for the rest of the header with one.
	if _, err := c.fill(1); err != nil {
		return frame.Header{}, c.readErr(err)
	}
	b, err := c.fill(2)
	if err != nil {
		return frame.Header{}, c.readErr(err)
	}
	n := frame.Size(b[0], b[1])
	if b, err = c.fill(n); err != nil {
		return frame.Header{}, c.readErr(err)
	}
	h, _, perr := frame.Parse(b)
	_, _ = c.br.Discard(n)
	c.unread = h.Length
	if perr != nil {
		return h, c.violation(CloseProtocolError, "%v", perr)
	}
	return h, nil
}

func (c *conn) readErr(err error) *Error {
	if errors.Is(err, bufio.ErrBufferFull) {
		return c.violation(CloseProtocolError, "frame header larger than the read buffer")
	}
	return c.ioError("receive", err)
}

func (c *conn) readPayload(p []byte, h frame.Header) *Error {
	return c.readPayloadAt(p, h, 0)
}

// readPayloadAt reads len(p) payload bytes of a frame starting at offset pos
// of its payload, and unmasks them.
func (c *conn) readPayloadAt(p []byte, h frame.Header, pos int64) *Error {
	if len(p) == 0 {
		return nil
	}
	if c.br.Buffered() < len(p) && !c.rdl {
		c.rdl = true
		_ = c.nc.SetReadDeadline(time.Now().Add(c.ctl.ReceiveTimeout))
	}
	if _, err := io.ReadFull(c.br, p); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return c.ioError("receive", err)
	}
	c.unread -= int64(len(p))
	if h.Masked {
		frame.Cipher(p, h.Mask, pos)
	}
	return nil
}

// readPayloadSome reads what has arrived of the next len(p) payload bytes
// of a frame, at offset pos of its payload, waiting for at least one: a
// partial or stream reader hands over what came, so a connection that
// drops mid-frame loses nothing it received.
func (c *conn) readPayloadSome(p []byte, h frame.Header, pos int64) (int, *Error) {
	if c.br.Buffered() == 0 && !c.rdl {
		c.rdl = true
		_ = c.nc.SetReadDeadline(time.Now().Add(c.ctl.ReceiveTimeout))
	}
	n := 0
	for n == 0 {
		var err error
		n, err = c.br.Read(p)
		if n == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return 0, c.ioError("receive", err)
		}
	}
	c.unread -= int64(n)
	if h.Masked {
		frame.Cipher(p[:n], h.Mask, pos)
	}
	return n, nil
}

// readControl handles a ping, pong or close frame.
func (c *conn) readControl(h frame.Header) *Error {
	p := c.ctrl[:h.Length]
	if e := c.readPayload(p, h); e != nil {
		return e
	}
	switch h.Op {
	case frame.OpPing:
		c.queuePong(p)
	case frame.OpPong:
		// Any frame counts as a sign of life; nothing else to do.
	case frame.OpClose:
		code, reason, err := frame.ParseClose(p)
		if err != nil {
			return c.violation(CloseProtocolError, "%v", err)
		}
		if c.closeSent.CompareAndSwap(false, true) {
			// Echo the peer's code, as RFC 6455 section 5.5.1 asks.
			if code == frame.CloseNoStatus {
				c.writeControl(frame.OpClose, nil, time.Now().Add(c.ctl.CloseTimeout))
			} else {
				var cb [frame.MaxControlPayloadSize]byte
				n := frame.PutClose(cb[:], code, reason)
				c.writeControl(frame.OpClose, cb[:n], time.Now().Add(c.ctl.CloseTimeout))
			}
		}
		ce := &CloseError{Code: CloseCode(code), Reason: reason, Remote: true}
		st := StatusDisconnected
		if ce.Code != CloseNormal && ce.Code != CloseGoingAway && ce.Code != CloseNoStatus {
			st = closeCodeStatus(ce)
		}
		return &Error{Op: "receive", URL: c.peer, Status: st, Err: ce}
	}
	return nil
}

// deliver hands a message or piece to the application, waiting while the
// queue is full. After a local Close it drops data instead.
func (c *conn) deliver(in inbound, n int) {
	c.st.bytesIn.Add(uint64(n))
	if in.complete || c.kind == kindStream {
		c.st.msgsIn.Add(1)
	}
	// Non-blocking checks first: on this per-message path they are much
	// cheaper than the select that waits.
	select {
	case <-c.closing:
		bufpool.Put(in.buf)
		return
	default:
	}
	if h := c.ev.message; h != nil {
		h(Message{Type: in.typ, Data: in.data(), IsMessageComplete: in.complete})
		bufpool.Put(in.buf)
		return
	}
	select {
	case c.in <- in:
		return
	default:
	}
	select {
	case c.in <- in:
	case <-c.closing:
		bufpool.Put(in.buf)
	}
}

// ---- write side ----

// acquire takes the message lock, honouring ctx.
func (c *conn) acquire(ctx context.Context, op string) error {
	select {
	case c.sendSem <- struct{}{}:
		return nil
	default:
	}
	select {
	case c.sendSem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &Error{Op: op, URL: c.peer, Status: classify(ctx.Err()), Err: ctx.Err()}
	case <-c.readDone:
		return c.opError(op)
	}
}

func (c *conn) release() { <-c.sendSem }

// writeMessage writes one data frame carrying p, which stands for appLen bytes
// of the application's data (they differ when p is compressed). The caller
// holds the message lock. A failure ends the socket, since a partly written
// frame cannot be taken back.
func (c *conn) writeMessage(ctx context.Context, op frame.Op, rsv byte, fin bool, p []byte, appLen int) error {
	if err := ctx.Err(); err != nil {
		return &Error{Op: "send", URL: c.peer, Status: classify(err), Err: err}
	}
	deadline := time.Now().Add(c.ctl.SendTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.failure.Load() != nil || c.closeSent.Load() {
		return c.opError("send")
	}
	if se := c.sendErr.Load(); se != nil {
		return se
	}
	if ctx.Done() != nil {
		fired := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			_ = c.nc.SetWriteDeadline(aLongTimeAgo)
			close(fired)
		})
		defer func() {
			if !stop() {
				// The deadline was moved to the past behind our back, maybe
				// after the write succeeded: make the next send set it again.
				<-fired
				c.wdeadline = time.Time{}
			}
		}()
	}
	c.setWriteDeadline(deadline)
	h := frame.Header{Fin: fin, Rsv: rsv, Op: op, Length: int64(len(p))}
	if err := c.writeLocked(h, p); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			err = cerr
		}
		return c.sendFailed(err)
	}
	c.flushPongLocked()
	c.st.bytesOut.Add(uint64(appLen))
	if fin {
		c.st.msgsOut.Add(1)
	}
	return nil
}

// setWriteDeadline moves nc's write deadline to d, skipping the update when
// the current one is already a little before d (up to a second, and up to
// an eighth of SendTimeout, so that it is never in the past): a send
// timeout that is that much short is cheaper than a timer update per
// message.
func (c *conn) setWriteDeadline(d time.Time) {
	slack := min(time.Second, c.ctl.SendTimeout/8)
	if c.wdeadline.After(d) || c.wdeadline.Before(d.Add(-slack)) {
		c.wdeadline = d
		_ = c.nc.SetWriteDeadline(d)
	}
}

// writeLocked writes a frame: header and payload assembled in one pooled
// buffer and written with one call when they fit in OutboundBufferSize.
// The caller holds wmu and has set the write deadline.
func (c *conn) writeLocked(h frame.Header, p []byte) error {
	h.Masked = c.client
	if h.Masked {
		r := rand.Uint32()
		h.Mask = [4]byte{byte(r), byte(r >> 8), byte(r >> 16), byte(r >> 24)}
	}
	hs := frame.HeaderSize(h.Length, h.Masked)
	total := hs + len(p)
	size := min(total, c.ctl.OutboundBufferSize)
	bp := bufpool.Get(max(size, frame.MaxHeaderSize))
	defer bufpool.Put(bp)
	buf := (*bp)[:cap(*bp)]
	frame.Put(buf, h)
	n := hs + copy(buf[hs:size], p)
	sent := n - hs
	if h.Masked {
		frame.Cipher(buf[hs:n], h.Mask, 0)
	}
	c.framesOut.Add(1)
	if _, err := c.nc.Write(buf[:n]); err != nil {
		return err
	}
	for sent < len(p) {
		if !h.Masked {
			// Nothing to transform: write the rest straight from p.
			_, err := c.nc.Write(p[sent:])
			return err
		}
		n = copy(buf, p[sent:])
		frame.Cipher(buf[:n], h.Mask, int64(sent))
		if _, err := c.nc.Write(buf[:n]); err != nil {
			return err
		}
		sent += n
	}
	return nil
}

// sendFailed records a failed write and returns the error for the sender.
// Most failures end the socket at once. But when the peer is gone (it
// closed or reset the connection), what it sent before, its close frame
// with the reason maybe, may still wait in the receive buffer: the reader
// gets up to CloseTimeout to take it, so that the socket ends with the
// peer's close code rather than a broken pipe. Later sends fail at once.
func (c *conn) sendFailed(err error) *Error {
	e := &Error{Op: "send", URL: c.peer, Status: classify(err), Err: err}
	if !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) {
		e = c.fail(e)
		c.nc.Close()
		return e
	}
	if c.sendErr.CompareAndSwap(nil, e) {
		c.dropTimer.Store(time.AfterFunc(c.ctl.CloseTimeout, func() { c.nc.Close() }))
	}
	return c.sendErr.Load()
}

// writeControl writes a control frame with its own deadline, waiting for the
// write lock. Errors end the socket through the read loop.
func (c *conn) writeControl(op frame.Op, p []byte, deadline time.Time) {
	// Unblock a send stuck on a peer that does not read, so that the lock is
	// released by the deadline at the latest.
	_ = c.nc.SetWriteDeadline(deadline)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.wdeadline = deadline
	_ = c.nc.SetWriteDeadline(deadline)
	if err := c.writeLocked(frame.Header{Fin: true, Op: op, Length: int64(len(p))}, p); err != nil {
		c.sendFailed(err)
	}
}

// queuePong answers a ping: at once if the write lock is free, otherwise the
// sender holding it answers when it is done. Only the latest ping is
// answered, which RFC 6455 section 5.5.3 allows.
func (c *conn) queuePong(p []byte) {
	c.pong.mu.Lock()
	c.pong.n = copy(c.pong.data[:], p)
	c.pong.set.Store(true)
	c.pong.mu.Unlock()
	for c.pong.set.Load() && c.wmu.TryLock() {
		c.setWriteDeadline(time.Now().Add(c.ctl.SendTimeout))
		c.flushPongLocked()
		c.wmu.Unlock()
	}
}

// flushPongLocked writes the pending pong, if any. The caller holds wmu.
func (c *conn) flushPongLocked() {
	if !c.pong.set.Load() || c.closeSent.Load() {
		return
	}
	var buf [frame.MaxControlPayloadSize]byte
	c.pong.mu.Lock()
	n := copy(buf[:], c.pong.data[:c.pong.n])
	c.pong.set.Store(false)
	c.pong.mu.Unlock()
	if err := c.writeLocked(frame.Header{Fin: true, Op: frame.OpPong, Length: int64(n)}, buf[:n]); err != nil {
		c.sendFailed(err)
	}
}

// writeClose sends a close frame once.
func (c *conn) writeClose(code CloseCode, reason string) {
	if !c.closeSent.CompareAndSwap(false, true) {
		return
	}
	var buf [frame.MaxControlPayloadSize]byte
	n := frame.PutClose(buf[:], uint16(code), reason)
	c.writeControl(frame.OpClose, buf[:n], time.Now().Add(c.ctl.CloseTimeout))
}

// ---- keepalive ----

func (c *conn) keepalive() {
	defer close(c.kaDone)
	every := c.ctl.PingInterval
	if every <= 0 || (c.ctl.UnsolicitedPongInterval > 0 && c.ctl.UnsolicitedPongInterval < every) {
		every = c.ctl.UnsolicitedPongInterval
	}
	t := time.NewTicker(every)
	defer t.Stop()
	lastIn, lastOut := c.framesIn.Load(), c.framesOut.Load()
	var silent time.Duration
	for {
		select {
		case <-c.readDone:
			return
		case <-t.C:
		}
		if in := c.framesIn.Load(); in != lastIn {
			lastIn, silent = in, 0
		} else {
			silent += every
		}
		if c.ctl.PingInterval > 0 && silent >= 2*c.ctl.PingInterval {
			c.fail(&Error{Op: "receive", URL: c.peer, Status: StatusTimeout,
				Err: fmt.Errorf("nothing received for %v", silent)})
			c.nc.Close()
			return
		}
		if out := c.framesOut.Load(); out != lastOut {
			lastOut = out
			continue
		}
		op := frame.OpPong
		if c.ctl.PingInterval > 0 {
			op = frame.OpPing
		}
		if c.wmu.TryLock() {
			if c.failure.Load() == nil && !c.closeSent.Load() {
				c.setWriteDeadline(time.Now().Add(c.ctl.SendTimeout))
				if err := c.writeLocked(frame.Header{Fin: true, Op: op}, nil); err != nil {
					c.sendFailed(err)
				}
			}
			c.wmu.Unlock()
		}
		lastOut = c.framesOut.Load()
	}
}

// ---- closing ----

// close runs the closing handshake once and waits for the socket's
// goroutines. Called from a handler, which runs on the read goroutine, it
// starts the handshake and returns: the read goroutine finishes it once the
// handler returns, within CloseTimeout.
func (c *conn) close(code CloseCode, reason string) {
	onReader := c.readGID.Load() == goid.Current()
	c.closeOnce.Do(func() {
		close(c.closing)
		select {
		case <-c.readDone:
			return
		default:
		}
		c.fail(&Error{Op: "receive", URL: c.peer, Status: StatusDisconnected,
			Err: &CloseError{Code: code, Reason: reason}})
		c.writeClose(code, reason)
		if onReader {
			_ = c.nc.SetReadDeadline(time.Now().Add(c.ctl.CloseTimeout))
			c.rdl = true
			return
		}
		t := time.NewTimer(c.ctl.CloseTimeout)
		select {
		case <-c.readDone:
		case <-t.C:
			c.nc.Close()
		}
		t.Stop()
	})
	if onReader {
		return
	}
	<-c.readDone
	<-c.kaDone
}
