package server_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameserver/internal/server"
	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
)

// TestServeShutsDownGracefully ends Serve's context with a player
// connected: the player hears that the server is going away (1001, with a
// reason) and Serve returns nil.
func TestServeShutsDownGracefully(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Bots: 1})
	p := ts.join(t, "Pilot", session.Reconnect{MaxAttempts: 1, MinDelay: 10 * time.Millisecond, MaxDelay: 20 * time.Millisecond})
	p.next(t)

	ts.stop()
	select {
	case err := <-ts.done:
		if err != nil {
			t.Errorf("Serve after its context ended: %v, want nil", err)
		}
		ts.done <- nil // for the cleanup's own check
	case <-time.After(2 * waitTimeout):
		t.Fatalf("Serve did not return within %v of its context's end", 2*waitTimeout)
	}

	timeout := time.After(waitTimeout)
	for {
		select {
		case st := <-p.status:
			if st.Err == nil {
				continue // the connection's start
			}
			if code := sdk.CloseStatus(st.Err); code != int(sdk.CloseGoingAway) {
				t.Fatalf("status %v: the connection ended with %v (close code %d), want 1001", st.Status, st.Err, code)
			}
			var ce *sdk.CloseError
			if !errors.As(st.Err, &ce) || ce.Reason == "" || !ce.Remote {
				t.Errorf("the close %v (%#v) lacks the server's reason", st.Err, ce)
			}
			if st.Status != session.Reconnecting && st.Status != session.Closed {
				t.Errorf("status %v after the server went away, want reconnecting (1001 says come back) or closed", st.Status)
			}
			t.Logf("the player heard: %v", st.Err)
			return
		case <-timeout:
			t.Fatalf("the player heard nothing of the shutdown within %v", waitTimeout)
		}
	}
}
