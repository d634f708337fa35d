package session_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

func TestSessionRoundTrip(t *testing.T) {
	payloads := make(chan session.Payload, 4)
	srv, url := startServer(t, session.ServerOptions{
		OnPayload: func(s *session.Session, p session.Payload) { payloads <- p },
		OnRequest: func(ctx context.Context, s *session.Session, r session.Request) ([]byte, error) {
			if r.Method == 2 {
				return nil, session.Errorf(session.CodeNotFound, "no such thing")
			}
			return append([]byte(s.PlayerID()+":"), r.Data...), nil
		},
	})
	c := dial(t, url, "alice", nil)
	if st := nextEvent[session.StatusChange](t, c); st.Status != session.Connected {
		t.Fatalf("first status %v, want connected", st.Status)
	}
	if c.PlayerID() != "alice" {
		t.Fatalf("PlayerID %q", c.PlayerID())
	}
	waitUntil(t, "alice's session on the server", func() bool { return srv.Session("alice") != nil })

	if err := srv.Send("alice", session.Notification{Kind: 7, Subject: "hello alice"}); err != nil {
		t.Fatal(err)
	}
	n := nextEvent[session.Notification](t, c)
	if n.Subject != "hello alice" || n.Kind != 7 {
		t.Fatalf("notification %+v", n)
	}
	if err := srv.Send("alice", session.State{Kind: 1, Tick: 5, Data: []byte("world")}); err != nil {
		t.Fatal(err)
	}
	st := nextEvent[session.State](t, c)
	if st.Tick != 5 || string(st.Data) != "world" {
		t.Fatalf("state %+v", st)
	}
	if err := c.Send(session.Payload{Kind: 3, Data: []byte("fire")}); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-payloads:
		if p.Kind != 3 || string(p.Data) != "fire" {
			t.Fatalf("payload %+v", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no payload on the server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := c.Request(ctx, 1, []byte("ping"))
	if err != nil || string(got) != "alice:ping" {
		t.Fatalf("Request = %q, %v", got, err)
	}
	_, err = c.Request(ctx, 2, nil)
	if !errors.Is(err, &session.Error{Code: session.CodeNotFound}) {
		t.Fatalf("Request 2 error = %v, want not found", err)
	}
	waitUntil(t, "a clock estimate", func() bool { return c.Clock().Samples > 0 })
	waitUntil(t, "the server to see the state acknowledged", func() bool { return srv.Session("alice").StateAck() == 5 })
}

func TestPersistentNotificationWaitsForThePlayer(t *testing.T) {
	srv, url := startServer(t, session.ServerOptions{})
	if err := srv.Send("carol", session.Notification{Subject: "you were invited", Persistent: true}); err != nil {
		t.Fatalf("Send to an offline player, persistent: %v", err)
	}
	err := srv.Send("carol", session.Notification{Subject: "gone with the wind"})
	if !errors.Is(err, &session.Error{Code: session.CodeNotFound}) {
		t.Fatalf("Send to an offline player, not persistent: %v, want not found", err)
	}
	c := dial(t, url, "carol", nil)
	n := nextEvent[session.Notification](t, c)
	if n.Subject != "you were invited" || !n.Persistent || n.ID == "" || n.Created.IsZero() {
		t.Fatalf("kept notification = %+v", n)
	}
}
