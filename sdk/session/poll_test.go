package session_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

// TestPollGameLoop plays a client the way a game loop does: no handlers,
// one Poll a frame. The server sends 500 notifications and a State each
// time, faster than the small queue is drained: every notification
// arrives once and in order, the States that arrive are ever newer, and
// the last one is the newest sent.
func TestPollGameLoop(t *testing.T) {
	srv, url := startServer(t, session.ServerOptions{})
	c := dial(t, url, "looper", &session.ClientOptions{QueueSize: 8})
	if st := nextEvent[session.StatusChange](t, c); st.Status != session.Connected {
		t.Fatalf("first status %v, want connected", st.Status)
	}
	const n = 500
	sent := make(chan error, 1)
	go func() {
		for i := 1; i <= n; i++ {
			if err := srv.Send("looper", session.Notification{Subject: strconv.Itoa(i)}); err != nil {
				sent <- fmt.Errorf("Send notification %d: %w", i, err)
				return
			}
			if err := srv.Send("looper", session.State{Kind: 1, Tick: uint64(i)}); err != nil {
				sent <- fmt.Errorf("Send state %d: %w", i, err)
				return
			}
		}
		sent <- nil
	}()

	frame := time.NewTicker(time.Millisecond)
	defer frame.Stop()
	deadline := time.Now().Add(10 * time.Second)
	var events []session.Event
	next, lastTick, states := 1, uint64(0), 0
	for next <= n || lastTick < n {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %d notifications, last state tick %d", next-1, lastTick)
		}
		select {
		case err := <-sent:
			if err != nil {
				t.Fatal(err)
			}
		case <-frame.C:
		}
		events = c.Poll(events[:0])
		for _, ev := range events {
			switch ev := ev.(type) {
			case session.Notification:
				if ev.Subject != strconv.Itoa(next) {
					t.Fatalf("notification %q, want %d", ev.Subject, next)
				}
				next++
			case session.State:
				if ev.Tick <= lastTick {
					t.Fatalf("state tick %d after tick %d", ev.Tick, lastTick)
				}
				lastTick = ev.Tick
				states++
			default:
				t.Fatalf("unexpected event %T %+v", ev, ev)
			}
		}
	}
	t.Logf("%d notifications in order, %d of %d states (latest wins)", n, states, n)
	if got := c.Counters().Reliable.MessagesIn; got != n {
		t.Errorf("Counters().Reliable.MessagesIn = %d, want %d", got, n)
	}
}
