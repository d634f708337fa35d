package session_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
)

// TestNonUTF8FromTheGame checks that text a game hands the session that is
// not UTF-8, which protobuf strings refuse, never takes the server down: a
// request handler's error message arrives with the bad bytes replaced, a
// client Name is cleaned before its Hello, and a player id from
// Authenticate that is not UTF-8 refuses the upgrade.
func TestNonUTF8FromTheGame(t *testing.T) {
	srv, url := startServer(t, session.ServerOptions{
		Authenticate: func(token string, r *sdk.UpgradeRequest) (string, error) {
			if token == "player:bad" {
				return "bad\xff", nil
			}
			return tokenAuth(token, r)
		},
		OnRequest: func(ctx context.Context, s *session.Session, r session.Request) ([]byte, error) {
			if r.Method == 1 {
				return nil, session.Errorf(session.CodeNotFound, "no \xffthing")
			}
			return nil, errors.New("broken \xfe")
		},
	})
	c := dial(t, url, "alice", &session.ClientOptions{Name: "client \xff1.0"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for method, want := range map[uint32]*session.Error{
		1: {Code: session.CodeNotFound, Message: "no \uFFFDthing"},
		2: {Code: session.CodeInternal, Message: "broken \uFFFD"},
	} {
		_, err := c.Request(ctx, method, nil)
		var got *session.Error
		if !errors.As(err, &got) || got.Code != want.Code || got.Message != want.Message {
			t.Errorf("request %d: %v, want %v", method, err, want)
		}
	}

	_, err := session.Dial(ctx, url, &session.ClientOptions{Token: "player:bad"})
	if st := sdk.GetStatus(err); st != sdk.WebErrorStatus(http.StatusInternalServerError) || !strings.Contains(err.Error(), "500") {
		t.Errorf("Dial with a token whose player id is not UTF-8: %v (status %v), want HTTP 500", err, st)
	}
	if srv.Stats().Sessions != 1 {
		t.Errorf("%d sessions, want alice's only", srv.Stats().Sessions)
	}
}
