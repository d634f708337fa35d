package sdk_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gamesock/gamesock/sdk"
)

// TestConnectRefusalCarriesTheReason: when a server refuses the upgrade,
// the client's error says why, in the server's words, as well as the
// status; whatever the server answers, the text stays one bounded line.
func TestConnectRefusalCarriesTheReason(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		status  sdk.WebErrorStatus
		want    string
	}{
		{"Reject", func(w http.ResponseWriter, r *http.Request) {
			ws := sdk.NewMessageWebSocket()
			ws.Control.Authorize = func(*sdk.UpgradeRequest) error {
				return sdk.Reject(http.StatusNotFound, "replay r-1 not found")
			}
			_ = ws.Accept(w, r)
		}, 404, "server answered the upgrade with HTTP 404: replay r-1 not found"},
		{"no body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
		}, 403, "server answered the upgrade with HTTP 403"},
		{"long body with control characters", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTeapot)
			_, _ = w.Write([]byte("line one\nline\x00two\x1b[31m " + strings.Repeat("ab", 5_000)))
		}, 418, "server answered the upgrade with HTTP 418: line one linetwo[31m abab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			ws := sdk.NewMessageWebSocket()
			err := ws.Connect(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/")
			if err == nil {
				ws.Close()
				t.Fatal("connected; want a refusal")
			}
			if got := sdk.GetStatus(err); got != tt.status {
				t.Errorf("status %v, want %v", got, tt.status)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not contain %q", msg, tt.want)
			}
			if strings.ContainsAny(msg, "\n\x00\x1b") || len(msg) > 400 {
				t.Errorf("error %q (%d bytes): want one bounded line of printable text", msg, len(msg))
			}
		})
	}
}
