package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/internal/goid"
)

// clientConn is one connection of a client. Its fields without a lock
// belong to the socket's read goroutine.
type clientConn struct {
	c        *Client
	l        *link
	dec      decoder
	attached bool
	stopped  bool
	gid      uint64     // the read goroutine's id
	welcomed chan error // the handshake's outcome, once

	mu        sync.Mutex
	ev        sdk.ClosedEvent
	serverErr *Error // an Error the server sent, usually before it closed
}

// connect makes one connection and runs the session handshake on it:
// Hello for a new session, Resume for the current one.
func (c *Client) connect(ctx context.Context) (*clientConn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.HandshakeTimeout)
	defer cancel()
	c.mu.Lock()
	select {
	case <-c.quit:
		c.mu.Unlock()
		return nil, ErrClosed
	default:
	}
	c.cancel = cancel
	sessionID, token := c.sessionID, c.token
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.cancel = nil
		c.mu.Unlock()
	}()

	ws := sdk.NewMessageWebSocket()
	ws.Control = c.opts.Control
	ws.Control.MessageType = sdk.Binary
	if ws.Control.PingInterval <= 0 {
		// The session's pings keep the server talking; silence for twice
		// this long means the server or the path is gone.
		ws.Control.PingInterval = 2 * c.opts.PingInterval
	}
	if c.opts.Token != "" {
		ws.SetRequestHeader("Authorization", "Bearer "+c.opts.Token)
	}
	cc := &clientConn{c: c, l: newLink(ws), welcomed: make(chan error, 1)}
	ws.OnMessageReceived(cc.onMessage)
	ws.OnClosed(cc.onClosed)
	if err := ws.Connect(ctx, c.url); err != nil {
		return nil, err
	}
	seq, tick := c.ep.received()
	var body []byte
	if sessionID == "" {
		body = encodeBody(&gamesockv1.Hello{ProtocolVersion: gamesockv1.ProtocolVersion(ProtocolVersion), Client: c.opts.Name})
		seq, tick = 0, 0
	} else {
		body = encodeBody(&gamesockv1.Resume{ProtocolVersion: gamesockv1.ProtocolVersion(ProtocolVersion),
			SessionId: sessionID, ResumeToken: token, Client: c.opts.Name})
	}
	msg := append(appendHeader(nil, header{ack: seq, stateAck: tick}), body...)
	if err := ws.Send(ctx, msg); err != nil {
		ws.Close()
		return nil, err
	}
	select {
	case err := <-cc.welcomed:
		if err == nil {
			return cc, nil
		}
		cc.l.closeWith(err)
		<-cc.l.done
		return nil, err
	case <-cc.l.done:
		select {
		case err := <-cc.welcomed:
			if err == nil {
				return cc, nil // welcomed, then closed: run reports the close
			}
		default:
		}
		return nil, cc.endErr()
	case <-ctx.Done():
		select {
		case err := <-cc.welcomed:
			if err == nil {
				return cc, nil // welcomed just in time
			}
		default:
		}
		ws.Close()
		return nil, fmt.Errorf("session handshake with %s: %w", c.url, ctx.Err())
	}
}

func (cc *clientConn) onMessage(_ *sdk.MessageWebSocket, m sdk.Message) {
	if cc.stopped {
		return
	}
	c := cc.c
	if cc.gid == 0 {
		// The read goroutine is the only one that runs handlers: Close
		// called on it must not wait for itself. goid.Current is costly,
		// so it is asked once per connection.
		cc.gid = goid.Current()
		c.readerGID.Store(cc.gid)
	}
	if err := cc.handle(m); err != nil {
		cc.stopped = true
		if !cc.attached {
			select {
			case cc.welcomed <- err:
			default:
			}
			return
		}
		if c.opts.Logger != nil {
			c.opts.Logger.Debug("closing a connection the server broke the rules on", "err", err)
		}
		cc.l.closeWith(err)
	}
}

func (cc *clientConn) handle(m sdk.Message) error {
	c := cc.c
	if m.Type != sdk.Binary {
		return violationf(CloseBadEnvelope, "text message: envelopes are binary protobuf")
	}
	env, err := cc.dec.decode(m.Data)
	if err != nil {
		return err
	}
	if !cc.attached {
		switch b := env.Body.(type) {
		case *gamesockv1.Envelope_Welcome:
			return cc.welcome(b.Welcome, env.Ack)
		case *gamesockv1.Envelope_Error:
			cc.setServerErr(errorFrom(b.Error))
			return nil
		}
		return violationf(CloseBadEnvelope, "expected a welcome, got a %s", bodyName(env))
	}
	if err := c.ep.onAck(env.Ack, env.StateAck); err != nil {
		return err
	}
	if env.Seq != 0 && !isReliable(env) {
		return violationf(CloseBadEnvelope, "a %s has sequence number %d: only reliable messages have one", bodyName(env), env.Seq)
	}
	n := len(m.Data)
	switch b := env.Body.(type) {
	case nil:
	case *gamesockv1.Envelope_State:
		if c.ep.acceptTick(b.State.GetTick(), n) {
			c.deliver(State{Kind: b.State.GetKind(), Tick: b.State.GetTick(), Data: b.State.GetData()})
		}
	case *gamesockv1.Envelope_Payload, *gamesockv1.Envelope_Notification,
		*gamesockv1.Envelope_StatUpdate, *gamesockv1.Envelope_LeaderboardPage:
		if env.Seq == 0 {
			return violationf(CloseBadEnvelope, "a %s without a sequence number", bodyName(env))
		}
		deliver, err := c.ep.acceptSeq(env.Seq, n)
		if err != nil {
			return err
		}
		if deliver {
			c.deliver(messageFrom(env))
		}
	case *gamesockv1.Envelope_Pong:
		p := b.Pong
		t3 := c.now().UnixMicro()
		if p.GetClientSendUs() <= 0 || p.GetClientSendUs() > t3 {
			return violationf(CloseBadEnvelope, "a pong for a ping never sent")
		}
		c.clock.add(p.GetClientSendUs(), p.GetServerReceiveUs(), p.GetServerSendUs(), t3)
	case *gamesockv1.Envelope_Response:
		c.ep.countIn(ClassRequest, n)
		res := reqResult{data: b.Response.GetData()}
		if e := b.Response.GetError(); e != nil {
			res = reqResult{err: errorFrom(e)}
		}
		if !c.resolve(b.Response.GetId(), res) {
			c.ep.countDrop(ClassRequest) // its caller gave up
		}
	case *gamesockv1.Envelope_Error:
		cc.setServerErr(errorFrom(b.Error))
	default:
		return violationf(CloseBadEnvelope, "a server may not send a %s", bodyName(env))
	}
	return nil
}

// welcome attaches the connection to the session the server welcomed it
// to, on the read goroutine, so that what follows the Welcome finds the
// session ready.
func (cc *clientConn) welcome(w *gamesockv1.Welcome, peerAck uint64) error {
	c := cc.c
	if int(w.GetProtocolVersion()) != ProtocolVersion {
		return violationf(CloseProtocolVersion, "server speaks protocol version %d, this client %d", w.GetProtocolVersion(), ProtocolVersion)
	}
	if w.GetSessionId() == "" {
		return violationf(CloseBadEnvelope, "a welcome without a session id")
	}
	c.mu.Lock()
	had := c.sessionID != ""
	resumed := w.GetResumed() && had && w.GetSessionId() == c.sessionID
	if w.GetResumed() && !resumed {
		c.mu.Unlock()
		return violationf(CloseBadEnvelope, "a welcome resumes a session this client never had")
	}
	c.sessionID, c.token, c.playerID, c.limits = w.GetSessionId(), w.GetResumeToken(), w.GetPlayerId(), w.GetLimits()
	c.mu.Unlock()
	if !resumed {
		c.ep.reset()
		if had {
			c.clock.reset()
		}
	}
	if ms := w.GetLimits().GetMaxLagMs(); ms > 0 {
		c.ep.ackWithin(time.Duration(ms) * time.Millisecond / 4)
	}
	if err := c.ep.attach(cc.l.wake, peerAck); err != nil {
		return err
	}
	cc.attached = true
	interval := c.opts.PingInterval
	if ms := w.GetLimits().GetPingIntervalMs(); c.pingFromServer && ms > 0 {
		interval = max(time.Duration(ms)*time.Millisecond, 50*time.Millisecond)
	}
	p := &pinger{interval: interval, body: func() []byte {
		return encodeBody(&gamesockv1.Ping{ClientSendUs: c.now().UnixMicro(), RttUs: uint32(c.clock.clock().RTT.Microseconds())})
	}}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		cc.l.writeLoop(c.ep, p)
	}()
	ev := StatusChange{Status: Connected, Resumed: resumed, SessionLost: had && !resumed}
	if e := w.GetResumeError(); e != nil {
		ev.Err = errorFrom(e)
	}
	c.setStatus(ev)
	cc.welcomed <- nil
	return nil
}

func (cc *clientConn) setServerErr(e *Error) {
	cc.mu.Lock()
	cc.serverErr = e
	cc.mu.Unlock()
}

func (cc *clientConn) onClosed(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) {
	cc.mu.Lock()
	cc.ev = e
	cc.mu.Unlock()
	cc.c.ep.detach(cc.l.wake)
	cc.l.ended()
}

func (cc *clientConn) closeEvent() sdk.ClosedEvent {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.ev
}

// endErr says why the connection ended: the server's typed error if it
// sent one, with the close.
func (cc *clientConn) endErr() error {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	err := cc.ev.Err
	if err == nil {
		err = fmt.Errorf("connection closed with %d %s", cc.ev.Code, cc.ev.Reason)
	}
	if cc.serverErr != nil {
		return errors.Join(cc.serverErr, err)
	}
	return err
}
