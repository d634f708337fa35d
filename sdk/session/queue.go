package session

import (
	"context"
	"sync"
)

// eventQueue holds a client's events for Poll and Next. A State replaces
// the queued State of its kind, where it stands. It is bounded: when it is
// full, anything else waits for room, which stops the socket's reading and
// pushes back on the server (which cuts a client that stays behind; see
// Limits.MaxLag). A State waits too, rather than be dropped: it may be the
// last one, and the game must see the freshest.
type eventQueue struct {
	mu     sync.Mutex
	items  []Event
	max    int
	closed bool
	ready  chan struct{} // cap 1: something was pushed
	space  chan struct{} // cap 1: something was taken
}

func newEventQueue(n int) *eventQueue {
	return &eventQueue{max: n, ready: make(chan struct{}, 1), space: make(chan struct{}, 1)}
}

// push queues ev. It returns false if ev was dropped because quit closed.
func (q *eventQueue) push(ev Event, quit <-chan struct{}) bool {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return false
		}
		if st, ok := ev.(State); ok {
			for i := len(q.items) - 1; i >= 0; i-- {
				if old, ok := q.items[i].(State); ok && old.Kind == st.Kind {
					q.items[i] = st // latest wins, even in the queue
					q.mu.Unlock()
					return true
				}
			}
		}
		if len(q.items) < q.max {
			q.items = append(q.items, ev)
			q.mu.Unlock()
			signal(q.ready)
			return true
		}
		q.mu.Unlock()
		select {
		case <-q.space:
		case <-quit:
			return false
		}
	}
}

// poll appends every queued event to dst.
func (q *eventQueue) poll(dst []Event) []Event {
	q.mu.Lock()
	dst = append(dst, q.items...)
	clear(q.items)
	q.items = q.items[:0]
	q.mu.Unlock()
	signal(q.space)
	return dst
}

// next waits for the next event.
func (q *eventQueue) next(ctx context.Context) (Event, error) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			ev := q.items[0]
			q.items[0] = nil
			q.items = q.items[1:]
			if len(q.items) == 0 {
				q.items = q.items[:0:0]
			}
			q.mu.Unlock()
			signal(q.space)
			return ev, nil
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return nil, ErrClosed
		}
		select {
		case <-q.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// close ends the queue once what is in it is taken.
func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	signal(q.ready)
}
