package session

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// A link is one connection of a session: the socket, and the one goroutine
// that writes to it. The socket's read goroutine (the sdk's) decodes and
// dispatches; the writer takes envelopes from the endpoint and writes them.
// Nothing else writes to the socket, so a slow peer only ever stalls its
// own writer.
type link struct {
	ws   *sdk.MessageWebSocket
	wake chan struct{} // cap 1: the endpoint signals new work
	done chan struct{} // closed when the socket has ended

	drainReason atomic.Pointer[string] // set: send what is queued, then close with 1001 and this reason

	endOnce sync.Once
	closeMu sync.Mutex
	closed  bool // a close was started (closeMu)
}

func newLink(ws *sdk.MessageWebSocket) *link {
	return &link{ws: ws, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// ended marks the socket as ended; called from its Closed handler.
func (l *link) ended() { l.endOnce.Do(func() { close(l.done) }) }

// closeWith closes the socket with the close code err calls for: a
// violation's own code, 1011 for anything else. It does not wait when called
// from the socket's read goroutine.
func (l *link) closeWith(err error) {
	code, reason := sdk.CloseInternalError, err.Error()
	var v *violation
	if errors.As(err, &v) {
		code, reason = v.code, v.text
	}
	l.close(code, reason)
}

func (l *link) close(code sdk.CloseCode, reason string) {
	l.closeMu.Lock()
	if l.closed {
		l.closeMu.Unlock()
		return
	}
	l.closed = true
	l.closeMu.Unlock()
	_ = l.ws.CloseWithStatus(code, reason)
}

// drain makes the writer send what is queued, then close with 1001 and
// reason.
func (l *link) drain(reason string) {
	l.drainReason.Store(&reason)
	signal(l.wake)
}

// pinger makes the writer send a ping now and then: quickly at first, for a
// first clock estimate, then every interval.
type pinger struct {
	interval time.Duration
	body     func() []byte
}

// writeLoop is the link's writer. It runs until the socket ends, or until
// the endpoint says the peer is too slow, which closes the socket.
func (l *link) writeLoop(ep *endpoint, p *pinger) {
	buf := make([]byte, 0, 2048)
	var pingC <-chan time.Time
	var pingT *time.Timer
	delay := 50 * time.Millisecond
	if p != nil {
		pingT = time.NewTimer(0)
		defer pingT.Stop()
		pingC = pingT.C
	}
	for {
		for {
			out, ok, err := ep.next(buf[:0], l.wake)
			if errors.Is(err, errDetached) {
				return // whoever replaced the connection closes it
			}
			if err != nil {
				l.closeWith(err)
				return
			}
			if !ok {
				break
			}
			buf = out
			if err := l.ws.Send(context.Background(), out); err != nil {
				return // the socket ended; its Closed handler does the rest
			}
		}
		if reason := l.drainReason.Load(); reason != nil {
			l.close(sdk.CloseGoingAway, *reason)
			return
		}
		select {
		case <-l.wake:
		case <-pingC:
			_ = ep.sendControl(p.body(), noClass)
			if delay < p.interval {
				delay *= 2
			}
			pingT.Reset(min(delay, p.interval))
		case <-l.done:
			return
		}
	}
}
