package auth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
)

func TestAuthenticate(t *testing.T) {
	iss, clk := newTestIssuer(t, testSecret)
	tok, c, _ := iss.Issue("ann")
	id, err := iss.Authenticate(tok, &sdk.UpgradeRequest{})
	if err != nil || id != c.PlayerID {
		t.Errorf("Authenticate(good) = %q, %v; want %q", id, err, c.PlayerID)
	}
	clk.t = c.Expires
	for _, tt := range []struct {
		token string
		want  error
	}{{tok, ErrExpired}, {"x.y", ErrMalformed}, {tok[:len(tok)-2] + "AA", ErrBadSignature}} {
		id, err := iss.Authenticate(tt.token, nil)
		var rej *sdk.Rejection
		if !errors.As(err, &rej) || rej.Status != http.StatusUnauthorized || id != "" {
			t.Errorf("Authenticate(%q) = %q, %v; want an HTTP 401 rejection", tt.token, id, err)
			continue
		}
		_, verr := iss.Verify(tt.token)
		if !errors.Is(err, tt.want) || rej.Reason != verr.Error() {
			t.Errorf("Authenticate(%q) error %v (reason %q), want one matching %v with reason %q", tt.token, err, rej.Reason, tt.want, verr)
		}
	}
}

// TestAuthenticateSession dials a real session server: a good token opens a
// session as its player, a bad one is refused with 401.
func TestAuthenticateSession(t *testing.T) {
	iss, clk := newTestIssuer(t, testSecret)
	srv := session.NewServer(session.ServerOptions{Authenticate: iss.Authenticate})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		waitNoConnections(t, ctx, srv)
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, session.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	}()
	url := "ws://" + ln.Addr().String() + "/"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	tok, c, _ := iss.Issue("ann")
	cl, err := session.Dial(ctx, url, &session.ClientOptions{Token: tok})
	if err != nil {
		t.Fatalf("Dial with a good token: %v", err)
	}
	if s := srv.Session(c.PlayerID); s == nil {
		t.Errorf("no session for player %s", c.PlayerID)
	}
	cl.Close()

	clk.t = c.Expires
	for name, token := range map[string]string{"expired": tok, "garbage": "garbage", "empty": ""} {
		cl, err := session.Dial(ctx, url, &session.ClientOptions{Token: token})
		if err == nil {
			cl.Close()
			t.Errorf("Dial with a %s token succeeded", name)
			continue
		}
		if st := sdk.GetStatus(err); st != sdk.StatusUnauthorized {
			t.Errorf("Dial with a %s token: %v (status %v), want %v", name, err, st, sdk.StatusUnauthorized)
		}
	}
}

// waitNoConnections waits until srv counts no connections. It works around
// a race in session.Server: a refused upgrade stays in the server's
// connection set until its accept goroutine drops it, which may be after
// the client has its 401, and a Shutdown that finds it there waits for its
// link to end, which a refused link never does, until ctx expires.
func waitNoConnections(t *testing.T, ctx context.Context, srv *session.Server) {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for srv.Stats().Connections > 0 {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("server still has %d connections", srv.Stats().Connections)
		}
	}
}
