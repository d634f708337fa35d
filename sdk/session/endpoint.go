package session

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// An endpoint is one end of a session: what it has to send, what it has
// received, and the acknowledgements between the two. It outlives
// connections: a session that reconnects keeps its endpoint, which is how
// nothing reliable is lost or delivered twice. The connection attached to
// it, if any, has one writer goroutine that takes envelopes from next.
type endpoint struct {
	cfg endpointConfig

	mu sync.Mutex

	// Reliable messages out. unacked holds every message from peerAck+1 to
	// nextSeq, in order; those up to sentSeq were written on the current
	// connection.
	nextSeq      uint64
	peerAck      uint64
	sentSeq      uint64
	unacked      []outMsg
	unackedBytes int

	// States out: one latest-wins slot per kind.
	states       []stateSlot
	maxTickSent  uint64
	peerStateAck uint64

	// Control bodies out (pongs, responses, errors, the welcome), in order.
	control []controlMsg

	// What was received: the last reliable sequence delivered and the
	// highest state tick, and what of them the peer was told.
	recvSeq     uint64
	recvTick    uint64
	ackedSeq    uint64
	ackedTick   uint64
	ackDue      bool      // the peer should be told soon
	ackAt       time.Time // when the armed ack timer fires; zero when not armed
	ackTimer    *time.Timer
	pendingAcks int

	// lagSince is when the oldest send the peer has not acknowledged went
	// out; zero when it acknowledged everything.
	lagSince time.Time

	wake    chan struct{} // the attached connection's writer, or nil
	broken  error         // set once the endpoint cannot go on (see fail)
	connErr error         // set when the attached connection must close; cleared by attach

	counters [numClasses]ClassCounters
}

type endpointConfig struct {
	window int // reliable messages unacknowledged, at most
	// refuseWhenFull makes a full window refuse the send (a client may try
	// later) instead of breaking the endpoint (a server cuts the peer).
	refuseWhenFull bool
	windowBytes    int           // and their bytes
	maxLag         time.Duration // 0: no lag check
	ackDelay       time.Duration // how long a reliable message's acknowledgement may wait for a ride
	// stateAckDelay is how long a state's acknowledgement may wait: it only
	// feeds lag checks and delta baselines, and a client that sends inputs
	// every tick carries it on them for free. Alone, each costs the server
	// a read; at 1,000 receive-only clients, acknowledging every 200 ms
	// rather than every state saves a sixth of the CPU.
	stateAckDelay time.Duration
	ackEvery      int // acknowledge at once after this many reliable messages
	controlCap    int
	now           func() time.Time
}

type controlMsg struct {
	body  []byte
	class Class // counted in this class; noClass for none
}

type outMsg struct {
	seq  uint64
	body []byte // shared by every recipient of a broadcast: never written to
}

type stateSlot struct {
	kind    uint32
	tick    uint64
	body    []byte // owned by the slot, reused
	pending bool
}

func newEndpoint(cfg endpointConfig) *endpoint {
	ep := &endpoint{cfg: cfg}
	ep.ackTimer = time.AfterFunc(time.Hour, ep.ackTimerFired)
	ep.ackTimer.Stop()
	return ep
}

// attach makes wake the writer's signal. peerAck is what the peer says it
// has received of our reliable messages: those after it are sent again.
func (ep *endpoint) attach(wake chan struct{}, peerAck uint64) error {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.broken != nil {
		return ep.broken
	}
	if peerAck > ep.nextSeq {
		return violationf(CloseBadEnvelope, "acknowledges reliable message %d, but only %d were sent", peerAck, ep.nextSeq)
	}
	ep.dropAckedLocked(peerAck)
	ep.sentSeq = ep.peerAck
	for i := range ep.states {
		ep.states[i].pending = ep.states[i].tick > ep.peerStateAck || ep.states[i].tick == 0
	}
	ep.control = ep.control[:0]
	ep.lagSince = time.Time{}
	ep.connErr = nil
	ep.wake = wake
	ep.ackDue = ep.recvSeq > 0 || ep.recvTick > 0
	signal(wake)
	return nil
}

// ackWithin makes acknowledgements wait at most d, for a peer that cuts
// connections that leave it unacknowledged for a few times d.
func (ep *endpoint) ackWithin(d time.Duration) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.cfg.ackDelay = min(ep.cfg.ackDelay, d)
	ep.cfg.stateAckDelay = min(ep.cfg.stateAckDelay, d)
}

// reset forgets a session that could not be resumed, for a new one: what
// was sent and not acknowledged is lost.
func (ep *endpoint) reset() {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.nextSeq, ep.peerAck, ep.sentSeq = 0, 0, 0
	clear(ep.unacked)
	ep.unacked, ep.unackedBytes = ep.unacked[:0], 0
	for i := range ep.states {
		ep.states[i].pending = ep.states[i].pending && len(ep.states[i].body) > 0
	}
	ep.maxTickSent, ep.peerStateAck = 0, 0
	ep.control = ep.control[:0]
	ep.recvSeq, ep.recvTick, ep.ackedSeq, ep.ackedTick = 0, 0, 0, 0
	ep.ackDue, ep.pendingAcks = false, 0
	ep.lagSince = time.Time{}
}

// detach ends the connection's part; sends wait for the next attach.
func (ep *endpoint) detach(wake chan struct{}) {
	ep.mu.Lock()
	if ep.wake == wake {
		ep.wake = nil
		ep.control = ep.control[:0]
		ep.lagSince = time.Time{}
	}
	ep.mu.Unlock()
}

// fail marks the endpoint as broken: every later send returns err.
func (ep *endpoint) fail(err error) {
	ep.mu.Lock()
	if ep.broken == nil {
		ep.broken = err
	}
	ep.mu.Unlock()
	ep.ackTimer.Stop()
}

func signal(c chan struct{}) {
	if c == nil {
		return
	}
	select {
	case c <- struct{}{}:
	default:
	}
}

// sendReliable queues an encoded body as the next reliable message. It
// fails with ErrBehind when the window is full: the peer is cut, since
// dropping a reliable message is not an option.
func (ep *endpoint) sendReliable(body []byte) error {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.broken != nil {
		return ep.broken
	}
	if len(ep.unacked) >= ep.cfg.window || ep.unackedBytes+len(body) > ep.cfg.windowBytes {
		if ep.cfg.refuseWhenFull {
			return fmt.Errorf("%w: window full, %d reliable messages (%d bytes) not acknowledged",
				ErrBehind, len(ep.unacked), ep.unackedBytes)
		}
		ep.broken = behindError(len(ep.unacked), ep.unackedBytes)
		signal(ep.wake)
		return ep.broken
	}
	ep.nextSeq++
	ep.unacked = append(ep.unacked, outMsg{seq: ep.nextSeq, body: body})
	ep.unackedBytes += len(body)
	signal(ep.wake)
	return nil
}

// sendState puts an encoded state body in its kind's slot, replacing an
// unsent older one.
func (ep *endpoint) sendState(kind uint32, tick uint64, body []byte) error {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.broken != nil {
		return ep.broken
	}
	var slot *stateSlot
	for i := range ep.states {
		if ep.states[i].kind == kind {
			slot = &ep.states[i]
			break
		}
	}
	if slot == nil {
		ep.states = append(ep.states, stateSlot{kind: kind})
		slot = &ep.states[len(ep.states)-1]
	}
	if slot.pending {
		ep.counters[ClassState].Dropped++
	}
	slot.tick = tick
	slot.body = append(slot.body[:0], body...)
	slot.pending = true
	signal(ep.wake)
	return nil
}

// sendControl queues a control body (seq 0) to go out before anything else.
// Control bodies belong to one connection: they are dropped on a detach.
func (ep *endpoint) sendControl(body []byte, class Class) error {
	return ep.sendControlFirst(body, class, false)
}

// sendControlFirst is sendControl, at the head of the queue when first.
func (ep *endpoint) sendControlFirst(body []byte, class Class, first bool) error {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.broken != nil {
		return ep.broken
	}
	if ep.wake == nil {
		return ErrNotConnected
	}
	if len(ep.control) >= ep.cfg.controlCap {
		// The connection's writer cannot keep up: the connection goes, the
		// session stays for a resume (control messages are not replayed).
		ep.connErr = violationf(CloseTooSlow, "fell too far behind: %d control messages not sent", len(ep.control))
		signal(ep.wake)
		return ep.connErr
	}
	m := controlMsg{body: body, class: class}
	if first {
		ep.control = append([]controlMsg{m}, ep.control...)
	} else {
		ep.control = append(ep.control, m)
	}
	signal(ep.wake)
	return nil
}

func behindError(n, bytes int) error {
	return violationf(CloseTooSlow, "fell too far behind: %d reliable messages (%d bytes) not acknowledged", n, bytes)
}

// errDetached tells a writer that its connection is no longer the
// endpoint's: a newer one took over.
var errDetached = errors.New("connection replaced")

// next appends the next envelope to send to b, or returns ok false when
// there is nothing to send. wake identifies the calling writer's
// connection: only the attached one may take envelopes, or a replaced
// connection's writer would steal what the new one must send. An error
// means the peer is too slow, the endpoint broke, or the connection was
// replaced (errDetached); the writer stops.
func (ep *endpoint) next(b []byte, wake chan struct{}) (out []byte, ok bool, err error) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.wake != wake {
		return b, false, errDetached
	}
	if ep.broken != nil {
		return b, false, ep.broken
	}
	if ep.connErr != nil {
		return b, false, ep.connErr
	}
	h := header{ack: ep.recvSeq, stateAck: ep.recvTick}
	switch {
	case len(ep.control) > 0:
		m := ep.control[0]
		ep.control[0] = controlMsg{}
		ep.control = ep.control[1:]
		b = append(appendHeader(b, h), m.body...)
		if m.class < numClasses {
			ep.count(m.class, len(b))
		}
	case ep.sentSeq < ep.nextSeq:
		if err := ep.checkLagLocked(); err != nil {
			return b, false, err
		}
		m := ep.unacked[ep.sentSeq-ep.peerAck]
		ep.sentSeq = m.seq
		h.seq = m.seq
		b = append(appendHeader(b, h), m.body...)
		ep.count(ClassReliable, len(b))
	default:
		slot := ep.pendingStateLocked()
		if slot == nil {
			if !ep.ackDue || (ep.recvSeq == ep.ackedSeq && ep.recvTick == ep.ackedTick) {
				return b, false, nil
			}
			b = appendHeader(b, h)
			break
		}
		if err := ep.checkLagLocked(); err != nil {
			return b, false, err
		}
		slot.pending = false
		if slot.tick > ep.maxTickSent {
			ep.maxTickSent = slot.tick
		}
		b = append(appendHeader(b, h), slot.body...)
		ep.count(ClassState, len(b))
	}
	ep.ackedSeq, ep.ackedTick = h.ack, h.stateAck
	ep.ackDue = false
	ep.pendingAcks = 0
	return b, true, nil
}

func (ep *endpoint) pendingStateLocked() *stateSlot {
	for i := range ep.states {
		if ep.states[i].pending {
			return &ep.states[i]
		}
	}
	return nil
}

// checkLagLocked fails when the peer has not acknowledged a send for longer
// than maxLag; otherwise it starts the lag clock for the send to come.
func (ep *endpoint) checkLagLocked() error {
	now := ep.cfg.now()
	if ep.lagSince.IsZero() {
		ep.lagSince = now
		return nil
	}
	if lag := now.Sub(ep.lagSince); ep.cfg.maxLag > 0 && lag > ep.cfg.maxLag {
		// The connection goes, the session stays: the peer may resume.
		return violationf(CloseTooSlow, "fell too far behind: nothing acknowledged for %v", lag.Round(time.Millisecond))
	}
	return nil
}

func (ep *endpoint) count(c Class, n int) {
	ep.counters[c].MessagesOut++
	ep.counters[c].BytesOut += uint64(n)
}

// onAck takes the peer's acknowledgements from an envelope header.
func (ep *endpoint) onAck(ack, stateAck uint64) error {
	if ack == 0 && stateAck == 0 {
		return nil
	}
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ack > ep.sentSeq {
		return violationf(CloseBadEnvelope, "acknowledges reliable message %d, but only %d were sent", ack, ep.sentSeq)
	}
	if stateAck > ep.maxTickSent {
		return violationf(CloseBadEnvelope, "acknowledges state tick %d, but the latest sent is %d", stateAck, ep.maxTickSent)
	}
	advanced := ack > ep.peerAck || stateAck > ep.peerStateAck
	ep.dropAckedLocked(ack)
	if stateAck > ep.peerStateAck {
		ep.peerStateAck = stateAck
	}
	switch {
	case ep.peerAck >= ep.sentSeq && ep.peerStateAck >= ep.maxTickSent:
		ep.lagSince = time.Time{}
	case advanced:
		ep.lagSince = ep.cfg.now()
	}
	return nil
}

func (ep *endpoint) dropAckedLocked(ack uint64) {
	if ack <= ep.peerAck {
		return
	}
	n := int(ack - ep.peerAck)
	for i := range n {
		ep.unackedBytes -= len(ep.unacked[i].body)
		ep.unacked[i] = outMsg{}
	}
	ep.unacked = ep.unacked[n:]
	if len(ep.unacked) == 0 {
		ep.unacked = ep.unacked[:0:0]
	}
	ep.peerAck = ack
}

// acceptSeq checks the sequence number of a received reliable message:
// deliver it (the next one), drop it (one already delivered), or fail (a
// gap, which over one ordered stream only a broken peer makes).
func (ep *endpoint) acceptSeq(seq uint64, n int) (deliver bool, err error) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	switch {
	case seq == ep.recvSeq+1:
		ep.recvSeq = seq
		ep.counters[ClassReliable].MessagesIn++
		ep.counters[ClassReliable].BytesIn += uint64(n)
		ep.pendingAcks++
		ep.ackSoonLocked(ep.cfg.ackDelay)
		return true, nil
	case seq <= ep.recvSeq:
		ep.counters[ClassReliable].Dropped++
		return false, nil
	}
	return false, violationf(CloseBadEnvelope, "reliable message %d is from the future: expected %d", seq, ep.recvSeq+1)
}

// acceptTick records a received state's tick; a state older than one
// already received is dropped.
func (ep *endpoint) acceptTick(tick uint64, n int) (deliver bool) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if tick != 0 && tick < ep.recvTick {
		ep.counters[ClassState].Dropped++
		return false
	}
	if tick > ep.recvTick {
		ep.recvTick = tick
		ep.ackSoonLocked(ep.cfg.stateAckDelay)
	}
	ep.counters[ClassState].MessagesIn++
	ep.counters[ClassState].BytesIn += uint64(n)
	return true
}

// ackSoonLocked makes sure the peer hears of what was received: at once
// after ackEvery reliable messages, otherwise within delay, riding on
// whatever goes out first. Acknowledgements are batched because each one
// costs the peer a read: at 30 states a second, acknowledging each would
// double the server's reads.
func (ep *endpoint) ackSoonLocked(delay time.Duration) {
	if ep.pendingAcks >= ep.cfg.ackEvery {
		ep.ackDue = true
		signal(ep.wake)
		return
	}
	at := ep.cfg.now().Add(delay)
	if ep.ackAt.IsZero() || at.Before(ep.ackAt) {
		ep.ackAt = at
		ep.ackTimer.Reset(delay)
	}
}

func (ep *endpoint) ackTimerFired() {
	ep.mu.Lock()
	ep.ackAt = time.Time{}
	if ep.recvSeq != ep.ackedSeq || ep.recvTick != ep.ackedTick {
		ep.ackDue = true
		signal(ep.wake)
	}
	ep.mu.Unlock()
}

// received returns the last reliable sequence delivered and the highest
// state tick received, for a Resume or a Welcome.
func (ep *endpoint) received() (seq, tick uint64) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	return ep.recvSeq, ep.recvTick
}

func (ep *endpoint) countIn(c Class, n int) {
	ep.mu.Lock()
	ep.counters[c].MessagesIn++
	ep.counters[c].BytesIn += uint64(n)
	ep.mu.Unlock()
}

func (ep *endpoint) countDrop(c Class) {
	ep.mu.Lock()
	ep.counters[c].Dropped++
	ep.mu.Unlock()
}

// snapshot returns the counters and the backlog of unacknowledged reliable
// messages.
func (ep *endpoint) snapshot() (c Counters) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	c.State, c.Reliable, c.Request = ep.counters[ClassState], ep.counters[ClassReliable], ep.counters[ClassRequest]
	c.Unacknowledged = len(ep.unacked)
	return c
}

// Counters count a session's traffic per class, over all its connections.
type Counters struct {
	State, Reliable, Request ClassCounters
	// Unacknowledged is how many reliable messages sent are not yet
	// acknowledged by the peer.
	Unacknowledged int
}

// ClassCounters count one class's messages and bytes (whole envelopes)
// each way, and the messages dropped: states replaced before they were sent
// or received out of date, reliable duplicates, requests refused.
type ClassCounters struct {
	MessagesOut, MessagesIn uint64
	BytesOut, BytesIn       uint64
	Dropped                 uint64
}
