package sdk_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gamesock/gamesock/sdk"
)

func TestSmokeEcho(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws := sdk.NewMessageWebSocket()
		ws.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
			s.SetMessageType(m.Type)
			if err := s.Send(context.Background(), m.Data); err != nil {
				t.Errorf("echo send: %v", err)
			}
		})
		if err := ws.Accept(w, r); err != nil {
			t.Errorf("accept: %v", err)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	c := sdk.NewMessageWebSocket()
	if err := c.Connect(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws"); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"hello", strings.Repeat("x", 100000)} {
		if err := c.Send(ctx, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		m, err := c.Receive(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if string(m.Data) != msg {
			t.Fatalf("got %d bytes, want %d", len(m.Data), len(msg))
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := c.Receive(ctx)
	t.Logf("after close: %v (status %v, code %d)", err, sdk.GetStatus(err), sdk.CloseStatus(err))
}
