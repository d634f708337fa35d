package session

import (
	"context"
	"testing"
	"time"
)

// TestEventQueue checks the queue behind Client.Poll and Client.Next:
// States replace the queued State of their kind, the reliable events keep
// their order, and a full queue drops a State with no slot but makes a
// reliable event wait for room instead of dropping it.
func TestEventQueue(t *testing.T) {
	q := newEventQueue(4)
	quit := make(chan struct{})
	for tick := uint64(1); tick <= 10; tick++ {
		if !q.push(State{Kind: 1, Tick: tick}, quit) {
			t.Fatalf("State tick %d refused with room in the queue", tick)
		}
	}
	q.push(Notification{Subject: "a"}, quit)
	q.push(State{Kind: 2, Tick: 3}, quit)
	q.push(Notification{Subject: "b"}, quit)
	got := q.poll(nil)
	want := []Event{State{Kind: 1, Tick: 10}, Notification{Subject: "a"}, State{Kind: 2, Tick: 3}, Notification{Subject: "b"}}
	if len(got) != len(want) {
		t.Fatalf("poll = %v, want %v", got, want)
	}
	for i := range want {
		if !sameEvent(got[i], want[i]) {
			t.Fatalf("poll[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}

	// Full: a State of a new kind is dropped, a Notification waits.
	for i := range 4 {
		q.push(Payload{Kind: uint32(i)}, quit)
	}
	if q.push(State{Kind: 3, Tick: 1}, quit) {
		t.Fatal("a State with no slot was queued in a full queue")
	}
	pushed := make(chan bool)
	go func() { pushed <- q.push(Notification{Subject: "waits"}, quit) }()
	if ev, err := q.next(context.Background()); err != nil || !sameEvent(ev, Payload{Kind: 0}) {
		t.Fatalf("next = %v, %v; want the first payload", ev, err)
	}
	select {
	case ok := <-pushed:
		if !ok {
			t.Fatal("the waiting Notification was dropped")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the Notification still waits after next made room")
	}
	got = q.poll(got[:0])
	if n := len(got); n != 4 || !sameEvent(got[3], Notification{Subject: "waits"}) {
		t.Fatalf("after the wait, poll = %v; want 3 payloads, then the notification", got)
	}

	// Closing: a waiting push gives up on quit; next reports the end once
	// the queue is empty.
	for i := range 4 {
		q.push(Payload{Kind: uint32(i)}, quit)
	}
	go func() { pushed <- q.push(Notification{Subject: "never"}, quit) }()
	close(quit)
	if <-pushed {
		t.Fatal("a push waiting for room reported success after quit")
	}
	q.close()
	for range 4 {
		if _, err := q.next(context.Background()); err != nil {
			t.Fatalf("next on a closed queue with events left: %v", err)
		}
	}
	if _, err := q.next(context.Background()); err != ErrClosed {
		t.Fatalf("next on a closed, empty queue = %v, want ErrClosed", err)
	}
}

func sameEvent(a, b Event) bool {
	switch a := a.(type) {
	case State:
		b, ok := b.(State)
		return ok && a.Kind == b.Kind && a.Tick == b.Tick
	case Payload:
		b, ok := b.(Payload)
		return ok && a.Kind == b.Kind
	case Notification:
		b, ok := b.(Notification)
		return ok && a.Subject == b.Subject
	}
	return false
}
