package session

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// serverConn is one client connection on the server. Its fields without a
// lock belong to the socket's read goroutine.
type serverConn struct {
	srv    *Server
	l      *link
	player string // from Authenticate, at the upgrade
	remote string

	sess    *Session
	dec     decoder
	stopped bool // a violation closed the connection: ignore the rest

	reliable, states, requests, pings bucket
	refusedInRow                      int

	helloTimer *time.Timer
	greeted    bool        // a Hello or Resume was answered: no hello timeout
	endSession atomic.Bool // the server closed for good: end the session with the connection
	writing    atomic.Bool // the writer runs

	reqMu    sync.Mutex
	inflight int
	cancels  map[uint64]context.CancelFunc
	gone     bool
}

func (c *serverConn) authorize(req *sdk.UpgradeRequest) error {
	player, err := c.srv.opts.Authenticate(tokenFrom(req), req)
	if err == nil && player == "" {
		err = errors.New("no player id for the token")
	}
	if err == nil && !utf8.ValidString(player) {
		// The Welcome carries it in a protobuf string.
		return sdk.Reject(http.StatusInternalServerError, "the player id for the token is not UTF-8")
	}
	if err != nil {
		c.srv.count(func(st *ServerStats) { st.AuthRejected++ })
		var rej *sdk.Rejection
		if errors.As(err, &rej) {
			return err
		}
		return sdk.Reject(http.StatusUnauthorized, "unauthorized: "+err.Error())
	}
	c.player = player
	if req.RemoteAddr != nil {
		c.remote = req.RemoteAddr.String()
	}
	return nil
}

// started runs once the upgrade is done: the client has HelloTimeout to
// say Hello.
func (c *serverConn) started() {
	c.reqMu.Lock()
	defer c.reqMu.Unlock()
	if c.gone || c.greeted {
		// The socket's reader may have taken the Hello already, before
		// the upgrade call returned here: then there is nothing to time.
		return
	}
	c.helloTimer = time.AfterFunc(c.srv.opts.HelloTimeout, func() {
		c.endSession.Store(true)
		c.srv.count(func(st *ServerStats) { st.BadEnvelopes++ })
		c.l.close(CloseBadEnvelope, fmt.Sprintf("no hello or resume within %v", c.srv.opts.HelloTimeout))
	})
}

func (c *serverConn) onMessage(_ *sdk.MessageWebSocket, m sdk.Message) {
	if c.stopped {
		return
	}
	if err := c.handle(m); err != nil {
		c.stopped = true
		c.violated(err)
		c.l.closeWith(err)
	}
}

func (c *serverConn) violated(err error) {
	var v *violation
	if !errors.As(err, &v) {
		return
	}
	c.endSession.Store(v.code != CloseTooSlow)
	c.srv.count(func(st *ServerStats) {
		switch v.code {
		case CloseBadEnvelope:
			st.BadEnvelopes++
		case CloseRateLimited:
			st.RateLimited++
		case CloseProtocolVersion:
			st.VersionMismatches++
		}
	})
	c.srv.debug("closing a connection that broke the rules", "player", c.player, "remote", c.remote, "err", err)
}

func (c *serverConn) handle(m sdk.Message) error {
	if m.Type != sdk.Binary {
		return violationf(CloseBadEnvelope, "text message: envelopes are binary protobuf")
	}
	env, err := c.dec.decode(m.Data)
	if err != nil {
		return err
	}
	if c.sess == nil {
		return c.hello(env)
	}
	ss := c.sess
	ss.deliverMu.Lock()
	defer ss.deliverMu.Unlock()
	if !ss.current(c) {
		// A newer connection took the session over; this one is closing.
		c.stopped = true
		return nil
	}
	if err := ss.ep.onAck(env.Ack, env.StateAck); err != nil {
		return err
	}
	if env.Seq != 0 && !isReliable(env) {
		return violationf(CloseBadEnvelope, "a %s has sequence number %d: only reliable messages have one", bodyName(env), env.Seq)
	}
	now := c.srv.opts.Now()
	n := len(m.Data)
	switch b := env.Body.(type) {
	case nil:
		return nil // acknowledgements only
	case *gamesockv1.Envelope_State:
		if !c.states.take(now) {
			ss.ep.countDrop(ClassState)
			c.srv.count(func(st *ServerStats) { st.RateLimited++ })
			return nil
		}
		st := State{Kind: b.State.GetKind(), Tick: b.State.GetTick(), Data: b.State.GetData()}
		if ss.ep.acceptTick(st.Tick, n) && c.srv.opts.OnState != nil {
			c.srv.opts.OnState(ss, st)
		}
	case *gamesockv1.Envelope_Payload:
		if env.Seq == 0 {
			return violationf(CloseBadEnvelope, "a payload without a sequence number")
		}
		if !c.reliable.take(now) {
			return violationf(CloseRateLimited, "reliable messages over %d a second", c.srv.limits.ReliableRate)
		}
		deliver, err := ss.ep.acceptSeq(env.Seq, n)
		if err != nil {
			return err
		}
		if deliver && c.srv.opts.OnPayload != nil {
			c.srv.opts.OnPayload(ss, Payload{Kind: b.Payload.GetKind(), Data: b.Payload.GetData()})
		}
	case *gamesockv1.Envelope_Ping:
		if !c.pings.take(now) {
			return violationf(CloseRateLimited, "pings over %d a second", pingRate)
		}
		ss.rttUS.Store(b.Ping.GetRttUs())
		recv := now.UnixMicro()
		pong := &gamesockv1.Pong{ClientSendUs: b.Ping.GetClientSendUs(), ServerReceiveUs: recv, ServerSendUs: c.srv.opts.Now().UnixMicro()}
		return ss.ep.sendControl(encodeBody(pong), noClass)
	case *gamesockv1.Envelope_Request:
		return c.request(ss, b.Request, now, n)
	case *gamesockv1.Envelope_Error:
		c.srv.debug("client reported an error", "player", c.player, "code", b.Error.GetCode(), "message", b.Error.GetMessage())
	case *gamesockv1.Envelope_Hello, *gamesockv1.Envelope_Resume:
		return violationf(CloseBadEnvelope, "a %s after the session started", bodyName(env))
	default:
		return violationf(CloseBadEnvelope, "a client may not send a %s", bodyName(env))
	}
	return nil
}

// hello handles the first envelope: Hello opens a session, Resume
// reattaches one.
func (c *serverConn) hello(env *gamesockv1.Envelope) error {
	var version gamesockv1.ProtocolVersion
	switch b := env.Body.(type) {
	case *gamesockv1.Envelope_Hello:
		version = b.Hello.GetProtocolVersion()
	case *gamesockv1.Envelope_Resume:
		version = b.Resume.GetProtocolVersion()
	default:
		return violationf(CloseBadEnvelope, "expected a hello or a resume, got a %s", bodyName(env))
	}
	if int(version) != ProtocolVersion {
		text := fmt.Sprintf("protocol version %d not supported: this server speaks %d", version, ProtocolVersion)
		// A typed error first, for clients that read it, then the close.
		_ = c.l.ws.Send(context.Background(), encodeBody(&gamesockv1.Error{Code: CodeProtocolVersion, Message: text}))
		return violationf(CloseProtocolVersion, "%s", text)
	}
	if r, ok := env.Body.(*gamesockv1.Envelope_Resume); ok {
		return c.resume(r.Resume, env.Ack)
	}
	if env.Ack != 0 || env.StateAck != 0 {
		return violationf(CloseBadEnvelope, "a hello acknowledges messages of a session that does not exist yet")
	}
	return c.open(nil)
}

// open starts a new session; resumeErr says why a Resume could not resume.
func (c *serverConn) open(resumeErr *Error) error {
	ss, old, err := c.srv.newSession(c.player)
	if err != nil {
		c.l.close(sdk.CloseGoingAway, "server shutting down; reconnect")
		return nil
	}
	if old != nil {
		old.endWith(CloseReplaced, "replaced by a new session of the same player", errors.New("replaced by a new session"))
	}
	if err := c.attach(ss, 0, false, resumeErr); err != nil {
		return err
	}
	for _, body := range c.srv.takeInbox(ss.player) {
		_ = ss.ep.sendReliable(body)
	}
	c.srv.debug("session started", "session", ss.id, "player", ss.player, "remote", c.remote)
	if f := c.srv.opts.OnSessionStart; f != nil {
		f(ss)
	}
	return nil
}

func (c *serverConn) resume(r *gamesockv1.Resume, peerAck uint64) error {
	s := c.srv
	s.mu.Lock()
	ss := s.sessions[r.GetSessionId()]
	why, expired := s.tombstones[r.GetSessionId()]
	s.mu.Unlock()
	var rerr *Error
	switch {
	case ss == nil && expired:
		rerr = Errorf(CodeSessionExpired, "session ended: %s", why)
	case ss == nil:
		rerr = Errorf(CodeResumeRejected, "no session %q on this server", r.GetSessionId())
	case ss.player != c.player:
		rerr = Errorf(CodeResumeRejected, "the session belongs to another player")
	case subtle.ConstantTimeCompare(ss.token, r.GetResumeToken()) != 1:
		rerr = Errorf(CodeResumeRejected, "the resume token does not match the session")
	}
	if rerr != nil {
		s.count(func(st *ServerStats) { st.ResumesRejected++ })
		s.debug("resume refused", "player", c.player, "err", rerr)
		return c.open(rerr)
	}
	if err := c.attach(ss, peerAck, true, nil); err != nil {
		var v *violation
		if errors.As(err, &v) {
			return err
		}
		// The session ended in the meantime.
		return c.open(Errorf(CodeSessionExpired, "session ended: %v", err))
	}
	s.count(func(st *ServerStats) { st.Resumes++ })
	if f := s.opts.OnResume; f != nil {
		f(ss)
	}
	return nil
}

// attach makes c the session's connection, queues the Welcome and starts
// the writer.
func (c *serverConn) attach(ss *Session, peerAck uint64, resumed bool, resumeErr *Error) error {
	ss.mu.Lock()
	if ss.ended {
		ss.mu.Unlock()
		return ErrClosed
	}
	old := ss.conn
	ss.conn = c
	if ss.expiry != nil {
		ss.expiry.Stop()
	}
	ss.mu.Unlock()
	if old != nil {
		c.srv.closeAsync(old.l, CloseReplaced, "session resumed on another connection")
	}
	// The connection is the session's from here on, even if attach fails:
	// its close then ends the session like any other violation.
	c.sess = ss
	if err := ss.ep.attach(c.l.wake, peerAck); err != nil {
		return err
	}
	c.reqMu.Lock()
	c.greeted = true
	if c.helloTimer != nil {
		c.helloTimer.Stop()
	}
	c.reqMu.Unlock()
	lim := c.srv.limits
	w := &gamesockv1.Welcome{
		ProtocolVersion: gamesockv1.ProtocolVersion(ProtocolVersion),
		SessionId:       ss.id,
		ResumeToken:     ss.token,
		PlayerId:        ss.player,
		Resumed:         resumed,
		Limits: &gamesockv1.Limits{
			MaxMessageSize:        uint32(lim.MaxMessageSize),
			ReliableRate:          uint32(lim.ReliableRate),
			ReliableBurst:         uint32(lim.ReliableBurst),
			StateRate:             uint32(lim.StateRate),
			StateBurst:            uint32(lim.StateBurst),
			RequestRate:           uint32(lim.RequestRate),
			RequestBurst:          uint32(lim.RequestBurst),
			MaxConcurrentRequests: uint32(lim.MaxConcurrentRequests),
			TickRate:              uint32(c.srv.opts.TickRate),
			ResumeWindowMs:        uint32(c.srv.opts.ResumeWindow / time.Millisecond),
			PingIntervalMs:        uint32(c.srv.opts.PingInterval / time.Millisecond),
			MaxLagMs:              uint32(lim.MaxLag / time.Millisecond),
		},
		ServerTime: timestamppb.New(c.srv.opts.Now()),
	}
	if resumeErr != nil {
		w.ResumeError = errorProto(resumeErr)
	}
	if err := ss.ep.sendControlFirst(encodeBody(w), noClass, true); err != nil {
		return err
	}
	c.writing.Store(true)
	c.srv.wg.Add(1)
	go func() {
		defer c.srv.wg.Done()
		c.l.writeLoop(ss.ep, nil)
	}()
	return nil
}

// request runs the game's handler for a request on a goroutine of its own,
// within the connection's limits.
func (c *serverConn) request(ss *Session, r *gamesockv1.Request, now time.Time, n int) error {
	ss.ep.countIn(ClassRequest, n)
	refuse := func(e *Error) error {
		ss.ep.countDrop(ClassRequest)
		c.srv.count(func(st *ServerStats) { st.RateLimited++ })
		c.refusedInRow++
		if c.refusedInRow > 2*c.srv.limits.RequestBurst {
			return violationf(CloseRateLimited, "request flood: %d refused in a row", c.refusedInRow)
		}
		return ss.ep.sendControl(encodeBody(&gamesockv1.Response{Id: r.GetId(), Error: errorProto(e)}), ClassRequest)
	}
	if !c.requests.take(now) {
		return refuse(&Error{Code: CodeResourceExhausted, Message: fmt.Sprintf("requests over %d a second", c.srv.limits.RequestRate),
			RetryAfter: uint32(1000 / max(1, c.srv.limits.RequestRate))})
	}
	c.reqMu.Lock()
	if c.inflight >= c.srv.limits.MaxConcurrentRequests {
		c.reqMu.Unlock()
		return refuse(Errorf(CodeResourceExhausted, "%d requests already in flight", c.srv.limits.MaxConcurrentRequests))
	}
	if _, dup := c.cancels[r.GetId()]; dup {
		c.reqMu.Unlock()
		return violationf(CloseBadEnvelope, "request id %d is already in flight", r.GetId())
	}
	if c.gone {
		c.reqMu.Unlock()
		return nil
	}
	c.refusedInRow = 0
	ctx, cancel := context.WithCancel(context.Background())
	if ms := r.GetTimeoutMs(); ms > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), time.Duration(ms)*time.Millisecond)
	}
	if c.cancels == nil {
		c.cancels = make(map[uint64]context.CancelFunc)
	}
	c.cancels[r.GetId()] = cancel
	c.inflight++
	c.reqMu.Unlock()

	req := Request{Method: r.GetMethod(), Data: r.GetData()}
	id := r.GetId()
	c.srv.wg.Add(1)
	go func() {
		defer c.srv.wg.Done()
		resp := &gamesockv1.Response{Id: id}
		if h := c.srv.opts.OnRequest; h == nil {
			resp.Error = errorProto(Errorf(CodeUnimplemented, "this server answers no requests"))
		} else if data, err := callRequest(ctx, h, ss, req); err != nil {
			if ctx.Err() != nil && !errors.As(err, new(*Error)) {
				err = Errorf(CodeDeadlineExceeded, "%v", err)
			}
			resp.Error = errorProto(err)
		} else {
			resp.Data = data
		}
		c.reqMu.Lock()
		delete(c.cancels, id)
		c.inflight--
		c.reqMu.Unlock()
		cancel()
		_ = ss.ep.sendControl(encodeBody(resp), ClassRequest)
	}()
	return nil
}

// callRequest calls the game's handler, turning a panic into an internal
// error: a bad request must not take the server down.
func callRequest(ctx context.Context, h func(context.Context, *Session, Request) ([]byte, error), ss *Session, r Request) (data []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			data, err = nil, Errorf(CodeInternal, "request handler panicked")
		}
	}()
	return h(ctx, ss, r)
}

// shutdown drains the connection: what is queued goes out, then 1001.
func (c *serverConn) shutdown(reason string) {
	c.l.drain(reason)
	if !c.writing.Load() {
		// No writer to drain: no session yet.
		c.srv.closeAsync(c.l, sdk.CloseGoingAway, reason)
	}
}

func (c *serverConn) onClosed(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) {
	c.l.ended()
	c.reqMu.Lock()
	c.gone = true
	if c.helloTimer != nil {
		c.helloTimer.Stop()
	}
	for _, cancel := range c.cancels {
		cancel()
	}
	c.reqMu.Unlock()
	c.srv.dropConn(c)
	ss := c.sess
	if ss == nil {
		return
	}
	ss.mu.Lock()
	mine := ss.conn == c
	if mine {
		ss.conn = nil
	}
	ss.mu.Unlock()
	if !mine {
		return // replaced by a newer connection
	}
	ss.ep.detach(c.l.wake)
	if e.Code == CloseTooSlow && !closedByPeer(e) {
		// Cut by its writer or by a full window: counted here, once.
		c.srv.count(func(st *ServerStats) { st.TooSlow++ })
	}
	if e.Code == sdk.CloseMessageTooBig {
		// The socket layer closed it: an envelope over Limits.MaxMessageSize.
		c.srv.count(func(st *ServerStats) { st.BadEnvelopes++ })
		c.endSession.Store(true)
	}
	if e.Code == sdk.CloseNormal && closedByPeer(e) {
		// The client said goodbye (Client.Close): it will not resume, so
		// its seat and resources are freed now, not after ResumeWindow.
		c.endSession.Store(true)
	}
	err := e.Err
	if err == nil {
		err = fmt.Errorf("connection closed with %d %s", e.Code, e.Reason)
	}
	if c.endSession.Load() {
		ss.end(err)
		return
	}
	ss.waitForResume()
	if f := c.srv.opts.OnDisconnect; f != nil {
		f(ss, err)
	}
}

// closedByPeer reports whether the peer sent the close e reports.
func closedByPeer(e sdk.ClosedEvent) bool {
	var ce *sdk.CloseError
	return errors.As(e.Err, &ce) && ce.Remote
}
