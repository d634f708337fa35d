package session

import (
	"errors"
	"testing"
	"time"
)

func testEndpoint(refuse bool) *endpoint {
	return newEndpoint(endpointConfig{
		window: 2, windowBytes: 1 << 10, refuseWhenFull: refuse,
		maxLag: time.Minute, ackDelay: time.Hour, stateAckDelay: time.Hour, ackEvery: 32,
		controlCap: 2, now: time.Now,
	})
}

// TestEndpointOverflow checks what each bounded queue does when full: a
// server's reliable window breaks the session (what did not fit is lost),
// a client's refuses the message, and a full control queue closes only
// the connection (CloseTooSlow), leaving the session to be resumed.
func TestEndpointOverflow(t *testing.T) {
	t.Run("server window", func(t *testing.T) {
		ep := testEndpoint(false)
		defer ep.fail(ErrClosed)
		for range 2 {
			if err := ep.sendReliable([]byte("x")); err != nil {
				t.Fatal(err)
			}
		}
		err := ep.sendReliable([]byte("x"))
		var v *violation
		if !errors.As(err, &v) || v.code != CloseTooSlow {
			t.Fatalf("third message = %v, want a CloseTooSlow violation", err)
		}
		if err := ep.sendState(1, 1, []byte("s")); err == nil {
			t.Fatal("the session took a State after its window broke")
		}
	})
	t.Run("client window", func(t *testing.T) {
		ep := testEndpoint(true)
		defer ep.fail(ErrClosed)
		for range 2 {
			if err := ep.sendReliable([]byte("x")); err != nil {
				t.Fatal(err)
			}
		}
		if err := ep.sendReliable([]byte("x")); !errors.Is(err, ErrBehind) {
			t.Fatalf("third message = %v, want ErrBehind", err)
		}
		if err := ep.sendState(1, 1, []byte("s")); err != nil {
			t.Fatalf("a refused message broke the endpoint: %v", err)
		}
	})
	t.Run("control", func(t *testing.T) {
		ep := testEndpoint(false)
		defer ep.fail(ErrClosed)
		wake := make(chan struct{}, 1)
		if err := ep.attach(wake, 0); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := ep.sendControl([]byte("c"), noClass); err != nil {
				t.Fatal(err)
			}
		}
		var v *violation
		if err := ep.sendControl([]byte("c"), noClass); !errors.As(err, &v) || v.code != CloseTooSlow {
			t.Fatalf("third control message = %v, want a CloseTooSlow violation", err)
		}
		if _, _, err := ep.next(nil, wake); !errors.As(err, &v) || v.code != CloseTooSlow {
			t.Fatalf("next after the overflow = %v, want the CloseTooSlow violation", err)
		}
		// A new connection starts clean, with the session's messages intact.
		if err := ep.sendReliable([]byte("kept")); err != nil {
			t.Fatal(err)
		}
		ep.detach(wake)
		wake2 := make(chan struct{}, 1)
		if err := ep.attach(wake2, 0); err != nil {
			t.Fatalf("attach after the overflow: %v", err)
		}
		out, ok, err := ep.next(nil, wake2)
		if err != nil || !ok || string(out[len(out)-4:]) != "kept" {
			t.Fatalf("next on the new connection = %q, %v, %v; want the kept message", out, ok, err)
		}
		if _, _, err := ep.next(nil, wake); !errors.Is(err, errDetached) {
			t.Fatalf("the old connection's writer got %v, want errDetached", err)
		}
	})
}
