package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/internal/goid"
)

// ClientOptions configure a Client. The zero value of every field selects
// the default given in its comment.
type ClientOptions struct {
	// Token is presented at the upgrade as "Authorization: Bearer Token";
	// the server's Authenticate turns it into the player id.
	Token string
	// Name names the client software in Hello, for the server's logs.
	Name string

	// Handlers, each called on the connection's read goroutine, in order,
	// never concurrently; a slow one stops the reading of its connection.
	// A game hands the message to its loop (a buffered channel) and
	// returns. Events without a handler are queued for Poll and Next.
	OnNotification func(Notification)
	OnStats        func(StatUpdate)
	OnLeaderboard  func(LeaderboardPage)
	OnPayload      func(Payload)
	OnState        func(State)
	// OnStatus is called on each change of status. Default: queued for
	// Poll and Next, as the other events.
	OnStatus func(StatusChange)

	// QueueSize bounds the events queued for Poll and Next. Default 256.
	QueueSize int

	// Reconnect says how to come back after a dropped connection.
	Reconnect Reconnect

	// PingInterval is how often the client pings, for its Clock and so the
	// server knows it is alive. Default: what the server asks for in its
	// Welcome, 1 s if it does not say (the first pings come faster).
	// Unless Control.PingInterval says otherwise, a connection on which
	// nothing arrives for four intervals is dropped, and the client
	// reconnects.
	PingInterval time.Duration

	// HandshakeTimeout bounds each connection attempt: TCP, TLS, the
	// upgrade and the Welcome. Default 10 s.
	HandshakeTimeout time.Duration

	// Window bounds the reliable messages sent and not yet acknowledged by
	// the server, in number and bytes; Send fails with ErrBehind beyond
	// them. Default 1024 messages, 1 MiB.
	Window, WindowBytes int

	// MaxLag is how long the server may leave what it was sent
	// unacknowledged before the client drops the connection and
	// reconnects. Default 10 s.
	MaxLag time.Duration

	// Control holds the socket's settings: TLS roots, headers, timeouts.
	// The client sets MessageType itself.
	Control sdk.Control

	// Logger receives records of connections and reconnections. Default:
	// none.
	Logger *slog.Logger

	// Now is the client's clock. Default time.Now.
	Now func() time.Time
}

// Reconnect is a client's reconnection policy: exponential backoff with
// jitter, after a connection drops. A client never reconnects after an
// authentication failure or a close that says trying again will not help
// (see the Close constants).
type Reconnect struct {
	// Disabled turns reconnection off: a dropped connection closes the
	// client.
	Disabled bool
	// MinDelay is the first wait; each attempt doubles it, up to MaxDelay.
	// The actual wait is random in [delay/2, delay). Default 100 ms and 5 s.
	MinDelay, MaxDelay time.Duration
	// MaxAttempts bounds the attempts after one drop. Default 0: no bound.
	MaxAttempts int
}

// delay returns the wait before attempt (1, 2, ...): MinDelay doubled
// for each attempt after the first, up to MaxDelay, of which a random
// part, from half to all of it ("equal jitter"), so that clients dropped
// together do not come back together. randN(n) returns a number in [0, n).
func (r Reconnect) delay(attempt int, randN func(time.Duration) time.Duration) time.Duration {
	d := r.MinDelay
	for i := 1; i < attempt && d < r.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, r.MaxDelay)
	return d/2 + randN(d/2+1)
}

// Status is a client's connection status.
type Status uint8

const (
	Connecting   Status = iota // the first connection is being made
	Connected                  // the session has a connection
	Reconnecting               // the connection dropped; the client is trying again
	Closed                     // the client stopped, for good
)

func (s Status) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Connected:
		return "connected"
	case Reconnecting:
		return "reconnecting"
	case Closed:
		return "closed"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// StatusChange is an Event: the client's status changed.
type StatusChange struct {
	Status Status
	// Err is why the connection ended (Reconnecting, Closed) or why a
	// session could not be resumed (Connected with SessionLost).
	Err error
	// Resumed: connected again to the same session; nothing was missed.
	Resumed bool
	// SessionLost: connected, but to a new session, since the old one could
	// not be resumed (expired, or the server restarted). Reliable messages
	// sent while away are lost, both ways; the game should fetch its state
	// again.
	SessionLost bool
	// Attempt counts reconnection attempts (Reconnecting).
	Attempt int
}

func (StatusChange) isEvent() {}

// Client is the client end of a session. Its methods are safe from any
// goroutine.
type Client struct {
	opts  ClientOptions
	url   string
	ep    *endpoint
	clock clockFilter
	queue *eventQueue
	now   func() time.Time

	mu        sync.Mutex
	status    Status
	sessionID string
	token     []byte
	playerID  string
	limits    *gamesockv1.Limits
	cancel    context.CancelFunc // the connection attempt under way
	reqID     uint64
	pending   map[uint64]chan reqResult
	closeErr  error

	readerGID      atomic.Uint64 // the current connection's read goroutine, which runs the handlers
	pingFromServer bool          // ping as often as the server asks
	runGID         atomic.Uint64 // the goroutine that reconnects
	quit           chan struct{}
	quitOnce       sync.Once
	done           chan struct{}
	wg             sync.WaitGroup // writers
}

type reqResult struct {
	data []byte
	err  error
}

// Dial connects to a session server at a ws:// or wss:// URL and opens a
// session. It returns when the server has welcomed the client, or with
// the error that prevented it; it does not retry. Once connected, the
// client reconnects by itself as Reconnect says, and resumes its session.
func Dial(ctx context.Context, url string, opts *ClientOptions) (*Client, error) {
	c := &Client{url: url, quit: make(chan struct{}), done: make(chan struct{}), pending: make(map[uint64]chan reqResult)}
	if opts != nil {
		c.opts = *opts
	}
	o := &c.opts
	if o.QueueSize <= 0 {
		o.QueueSize = 256
	}
	c.pingFromServer = o.PingInterval <= 0
	if o.PingInterval <= 0 {
		o.PingInterval = time.Second // until a server says otherwise
	}
	if o.HandshakeTimeout <= 0 {
		o.HandshakeTimeout = 10 * time.Second
	}
	if o.Window <= 0 {
		o.Window = 1024
	}
	if o.WindowBytes <= 0 {
		o.WindowBytes = 1 << 20
	}
	if o.MaxLag <= 0 {
		o.MaxLag = 10 * time.Second
	}
	if o.Reconnect.MinDelay <= 0 {
		o.Reconnect.MinDelay = 100 * time.Millisecond
	}
	if o.Reconnect.MaxDelay <= 0 {
		o.Reconnect.MaxDelay = 5 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Name = validUTF8(o.Name) // Hello carries it in a protobuf string
	c.now = o.Now
	c.queue = newEventQueue(o.QueueSize)
	c.ep = newEndpoint(endpointConfig{
		window: o.Window, windowBytes: o.WindowBytes, refuseWhenFull: true,
		maxLag: o.MaxLag, ackDelay: 20 * time.Millisecond, stateAckDelay: 200 * time.Millisecond, ackEvery: 32,
		controlCap: 1024, now: o.Now,
	})
	c.status = Connecting
	cc, err := c.connect(ctx)
	if err != nil {
		c.ep.fail(ErrClosed)
		return nil, err
	}
	go c.run(cc)
	return c, nil
}

// Status returns the client's status now.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

// SessionID returns the id of the session, which changes only when a
// session is lost.
func (c *Client) SessionID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessionID
}

// PlayerID returns the player id the server gave the token.
func (c *Client) PlayerID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.playerID
}

// Clock returns the round-trip and clock-offset estimates.
func (c *Client) Clock() Clock { return c.clock.clock() }

// ServerNow returns the server's clock now, as estimated.
func (c *Client) ServerNow() time.Time { return c.now().Add(c.clock.clock().Offset) }

// Counters returns the session's traffic counters.
func (c *Client) Counters() Counters { return c.ep.snapshot() }

// Send queues m for the server and returns at once. A State replaces the
// unsent State of its kind. Other messages are reliable: queued while
// reconnecting, sent again after a resume, delivered once; beyond
// ClientOptions.Window unacknowledged, Send fails with ErrBehind.
func (c *Client) Send(m Message) error {
	body, enc, err := encodePooled(m)
	if err != nil {
		return err
	}
	defer enc.release()
	c.mu.Lock()
	lim, status := c.limits, c.status
	c.mu.Unlock()
	if status == Closed {
		return c.closedErr()
	}
	if lim != nil && len(body)+32 > int(lim.GetMaxMessageSize()) {
		return fmt.Errorf("%w: %d bytes, the server takes %d", ErrTooLarge, len(body), lim.GetMaxMessageSize())
	}
	if st, ok := m.(State); ok {
		return c.ep.sendState(st.Kind, st.Tick, body)
	}
	return c.ep.sendReliable(body)
}

// Request sends a request and waits for its response, the ctx's end, or
// the connection's. The deadline of ctx goes to the server, whose handler
// stops then. A server's typed error is an *Error; a request made while
// reconnecting fails at once with ErrNotConnected.
func (c *Client) Request(ctx context.Context, method uint32, data []byte) ([]byte, error) {
	c.mu.Lock()
	if c.status != Connected {
		status := c.status
		c.mu.Unlock()
		if status == Closed {
			return nil, c.closedErr()
		}
		return nil, fmt.Errorf("request %d: %w", method, ErrNotConnected)
	}
	c.reqID++
	id := c.reqID
	ch := make(chan reqResult, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	r := &gamesockv1.Request{Id: id, Method: method, Data: data}
	if dl, ok := ctx.Deadline(); ok {
		ms := time.Until(dl).Milliseconds()
		if ms <= 0 {
			c.unpend(id)
			return nil, fmt.Errorf("request %d: %w", method, context.DeadlineExceeded)
		}
		r.TimeoutMs = uint32(min(ms, 1<<31))
	}
	if err := c.ep.sendControl(encodeBody(r), ClassRequest); err != nil {
		c.unpend(id)
		return nil, fmt.Errorf("request %d: %w", method, err)
	}
	select {
	case res := <-ch:
		if res.err != nil {
			return nil, fmt.Errorf("request %d: %w", method, res.err)
		}
		return res.data, nil
	case <-ctx.Done():
		c.unpend(id)
		return nil, fmt.Errorf("request %d: %w", method, ctx.Err())
	}
}

func (c *Client) unpend(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *Client) resolve(id uint64, res reqResult) bool {
	c.mu.Lock()
	ch := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if ch == nil {
		return false
	}
	ch <- res
	return true
}

func (c *Client) failPending(err error) {
	c.mu.Lock()
	pending := c.pending
	c.pending = make(map[uint64]chan reqResult)
	c.mu.Unlock()
	for _, ch := range pending {
		ch <- reqResult{err: err}
	}
}

// Poll appends the queued events to dst without waiting, for a game loop
// that drains them once a frame:
//
//	events = client.Poll(events[:0])
//	for _, ev := range events {
//		switch ev := ev.(type) {
//		case session.Notification: ...
//		case session.State: ...
//		}
//	}
func (c *Client) Poll(dst []Event) []Event { return c.queue.poll(dst) }

// Next waits for the next queued event. After Close, and once the queue is
// empty, it returns an error matching ErrClosed.
func (c *Client) Next(ctx context.Context) (Event, error) {
	ev, err := c.queue.next(ctx)
	if errors.Is(err, ErrClosed) {
		return nil, c.closedErr()
	}
	return ev, err
}

// Close ends the session: the connection closes with 1000, the client does
// not reconnect, and the server ends the session at once rather than
// keeping it for a resume. It returns when the client's goroutines have
// exited, except when called from a handler, which cannot wait for itself.
func (c *Client) Close() error {
	c.quitOnce.Do(func() { close(c.quit) })
	c.mu.Lock()
	if c.cancel != nil {
		c.cancel()
	}
	c.mu.Unlock()
	if g := goid.Current(); c.readerGID.Load() == g || c.runGID.Load() == g {
		return nil // called from a handler, which cannot wait for itself
	}
	<-c.done
	return nil
}

func (c *Client) closedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeErr == nil || errors.Is(c.closeErr, ErrClosed) {
		return ErrClosed
	}
	return fmt.Errorf("%w: %w", ErrClosed, c.closeErr)
}

func (c *Client) setStatus(ch StatusChange) {
	c.mu.Lock()
	c.status = ch.Status
	c.mu.Unlock()
	if c.opts.Logger != nil {
		c.opts.Logger.Debug("session status", "status", ch.Status, "err", ch.Err, "resumed", ch.Resumed, "lost", ch.SessionLost)
	}
	if h := c.opts.OnStatus; h != nil {
		h(ch)
		return
	}
	c.queue.push(ch, c.quit)
}

// deliver hands a received message to its handler or the queue.
func (c *Client) deliver(m Message) {
	switch m := m.(type) {
	case State:
		if h := c.opts.OnState; h != nil {
			h(m)
			return
		}
	case Payload:
		if h := c.opts.OnPayload; h != nil {
			h(m)
			return
		}
	case Notification:
		if h := c.opts.OnNotification; h != nil {
			h(m)
			return
		}
	case StatUpdate:
		if h := c.opts.OnStats; h != nil {
			h(m)
			return
		}
	case LeaderboardPage:
		if h := c.opts.OnLeaderboard; h != nil {
			h(m)
			return
		}
	}
	if !c.queue.push(m.(Event), c.quit) {
		c.ep.countDrop(m.class())
	}
}

// run watches the connection and reconnects when it drops, until Close or
// a close that says not to.
func (c *Client) run(cc *clientConn) {
	c.runGID.Store(goid.Current())
	defer close(c.done)
	defer c.wg.Wait()
	for {
		select {
		case <-cc.l.done:
		case <-c.quit:
			cc.l.close(sdk.CloseNormal, "client closing")
			<-cc.l.done
			c.finish(ErrClosed)
			return
		}
		err := cc.endErr()
		c.failPending(fmt.Errorf("%w: connection lost before the answer: %w", ErrNotConnected, err))
		if c.opts.Reconnect.Disabled || !reconnectAfter(cc.closeEvent()) {
			c.finish(err)
			return
		}
		next, err := c.reconnect(err)
		if err != nil {
			c.finish(err)
			return
		}
		cc = next
	}
}

// reconnect tries until a connection is welcomed, Close, a permanent
// failure, or Reconnect.MaxAttempts.
func (c *Client) reconnect(cause error) (*clientConn, error) {
	r := c.opts.Reconnect
	for attempt := 1; ; attempt++ {
		c.setStatus(StatusChange{Status: Reconnecting, Err: cause, Attempt: attempt})
		t := time.NewTimer(r.delay(attempt, rand.N[time.Duration]))
		select {
		case <-t.C:
		case <-c.quit:
			t.Stop()
			return nil, ErrClosed
		}
		cc, err := c.connect(context.Background())
		if err == nil {
			return cc, nil
		}
		select {
		case <-c.quit:
			return nil, ErrClosed
		default:
		}
		if permanent(err) {
			return nil, err
		}
		if r.MaxAttempts > 0 && attempt >= r.MaxAttempts {
			return nil, fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
		cause = err
	}
}

func (c *Client) finish(err error) {
	c.ep.fail(ErrClosed)
	c.mu.Lock()
	c.closeErr = err
	c.mu.Unlock()
	c.failPending(fmt.Errorf("%w: %w", ErrClosed, err))
	ev := StatusChange{Status: Closed}
	if !errors.Is(err, ErrClosed) {
		ev.Err = err
	}
	c.setStatus(ev)
	c.queue.close()
}

// reconnectAfter reports whether a connection that ended with e is worth
// making again.
func reconnectAfter(e sdk.ClosedEvent) bool {
	switch e.Code {
	case sdk.CloseGoingAway, sdk.CloseAbnormal, sdk.CloseNoStatus, sdk.CloseInternalError,
		sdk.CloseServiceRestart, sdk.CloseTryAgainLater, CloseTooSlow:
		return true
	}
	return false
}

// permanent reports whether a failed connection attempt would fail the same
// way again: refused credentials, or a close that says so.
func permanent(err error) bool {
	switch sdk.GetStatus(err) {
	case sdk.StatusUnauthorized, sdk.StatusForbidden, sdk.StatusNotFound:
		return true
	}
	var v *violation
	if errors.Is(err, sdk.ErrInvalidURL) || errors.As(err, &v) {
		return true
	}
	if code := sdk.CloseStatus(err); code > 0 && !reconnectAfter(sdk.ClosedEvent{Code: sdk.CloseCode(code)}) {
		return true
	}
	return false
}
