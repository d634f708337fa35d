package session_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
)

// tokenAuth accepts "player:<id>" tokens: the test's stand-in for a signed
// token.
func tokenAuth(token string, _ *sdk.UpgradeRequest) (string, error) {
	id, ok := strings.CutPrefix(token, "player:")
	if !ok || id == "" {
		return "", errors.New("token not valid")
	}
	return id, nil
}

// startServer serves sessions on a loopback listener with Serve, and shuts
// the server down when the test ends. It returns the ws:// URL.
func startServer(t testing.TB, opts session.ServerOptions) (*session.Server, string) {
	t.Helper()
	if opts.Authenticate == nil {
		opts.Authenticate = tokenAuth
	}
	srv := session.NewServer(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, session.ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return srv, "ws://" + ln.Addr().String() + "/"
}

// dial opens a client session for player and closes it when the test ends.
func dial(t testing.TB, url, player string, opts *session.ClientOptions) *session.Client {
	t.Helper()
	o := session.ClientOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Token == "" {
		o.Token = "player:" + player
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := session.Dial(ctx, url, &o)
	if err != nil {
		t.Fatalf("Dial %s as %s: %v", url, player, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// nextEvent waits for the next event of type T from c's queue, skipping
// status changes unless T is StatusChange.
func nextEvent[T session.Event](t testing.TB, c *session.Client) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		ev, err := c.Next(ctx)
		if err != nil {
			var zero T
			t.Fatalf("waiting for a %T: %v", zero, err)
		}
		if v, ok := ev.(T); ok {
			return v
		}
	}
}

// waitFor waits until cond holds, checking each time ch delivers, or fails
// after 10 s.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}
