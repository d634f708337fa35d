package session_test

import (
	"context"
	"crypto/tls"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/internal/testcert"
	"github.com/gamesock/gamesock/sdk/session"
)

// TestSessionOverTLS runs sessions over wss://, through both server entry
// points: Serve on a plain listener with Control.ServerTLSConfig, and
// ServeHTTP behind an HTTPS server. A client that does not trust the
// certificate is refused before any session starts.
func TestSessionOverTLS(t *testing.T) {
	cert, roots := testcert.SelfSigned(t)
	check := func(t *testing.T, srv *session.Server, url string) {
		t.Helper()
		c := dial(t, url, "secure", &session.ClientOptions{Control: sdk.Control{RootCAs: roots}})
		waitUntil(t, "the session on the server", func() bool { return srv.Session("secure") != nil })
		if err := srv.Send("secure", session.Notification{Subject: "over TLS"}); err != nil {
			t.Fatal(err)
		}
		if n := nextEvent[session.Notification](t, c); n.Subject != "over TLS" {
			t.Fatalf("notification %q", n.Subject)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := session.Dial(ctx, url, &session.ClientOptions{Token: "player:untrusting"})
		if st := sdk.GetStatus(err); st != sdk.StatusCertificateIsInvalid {
			t.Fatalf("Dial without trusting the certificate: %v (status %v), want %v", err, st, sdk.StatusCertificateIsInvalid)
		}
		if srv.Session("untrusting") != nil {
			t.Fatal("a session started for a client that refused the certificate")
		}
	}

	t.Run("Serve", func(t *testing.T) {
		srv, url := startServer(t, session.ServerOptions{
			Control: sdk.Control{ServerTLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}},
		})
		check(t, srv, strings.Replace(url, "ws://", "wss://", 1))
	})
	t.Run("ServeHTTP", func(t *testing.T) {
		srv := session.NewServer(session.ServerOptions{Authenticate: tokenAuth})
		web := httptest.NewUnstartedServer(srv)
		web.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		web.StartTLS()
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			web.Close()
		})
		check(t, srv, "wss"+strings.TrimPrefix(web.URL, "https")+"/session")
	})
}
