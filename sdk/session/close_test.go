package session_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

// TestClientCloseEndsSession: a client that says goodbye (Close, 1000)
// will not resume, so the server ends its session at once rather than
// holding it, and the player's seat, for the resume window.
func TestClientCloseEndsSession(t *testing.T) {
	ended := make(chan error, 1)
	srv, url := startServer(t, session.ServerOptions{
		ResumeWindow: time.Hour,
		OnSessionEnd: func(s *session.Session, err error) { ended <- err },
	})
	c := dial(t, url, "alice", nil)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-ended:
		if err == nil || !strings.Contains(err.Error(), "1000") {
			t.Errorf("session ended with %v; want the client's 1000 close", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session outlived its client's Close by 10 s (resume window 1 h)")
	}
	if s := srv.Session("alice"); s != nil {
		t.Errorf("alice still has session %s after closing it", s.ID())
	}
}
