package session

import (
	"context"
	"testing"
	"time"
)

// TestEventQueue checks the queue behind Client.Poll and Client.Next:
// States replace the queued State of their kind, the reliable events keep
// their order, and a full queue makes events wait for room, States with
// no slot included, instead of dropping them.
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

	// Full: a Notification, and a State of a kind not queued, wait for
	// room; a State of a queued kind takes its place at once.
	q.push(State{Kind: 1, Tick: 11}, quit)
	for i := range 3 {
		q.push(Payload{Kind: uint32(i)}, quit)
	}
	if !q.push(State{Kind: 1, Tick: 12}, quit) {
		t.Fatal("a State of a queued kind was refused by a full queue")
	}
	for _, ev := range []Event{Notification{Subject: "waits"}, State{Kind: 3, Tick: 1}} {
		pushed := make(chan bool)
		go func() { pushed <- q.push(ev, quit) }()
		first, err := q.next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		select {
		case ok := <-pushed:
			if !ok {
				t.Fatalf("the waiting %T was dropped", ev)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the %T still waits after next took %+v", ev, first)
		}
	}
	got = q.poll(got[:0])
	want = []Event{Payload{Kind: 1}, Payload{Kind: 2}, Notification{Subject: "waits"}, State{Kind: 3, Tick: 1}}
	if len(got) != len(want) {
		t.Fatalf("after the waits, poll = %v, want %v", got, want)
	}
	for i := range want {
		if !sameEvent(got[i], want[i]) {
			t.Fatalf("after the waits, poll[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	pushed := make(chan bool)

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
