package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gamesock/gamesock/gameserver/internal/server"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
)

// TestAdminBroadcast has an operator message the players: a good message
// reaches a connected client as an OPERATOR notification, and a bad one is
// refused with a JSON error and reaches no one.
func TestAdminBroadcast(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{})
	p := ts.join(t, "Listener", session.Reconnect{})

	for _, tc := range []struct {
		name, contentType, body, want string
	}{
		{"plain text", "text/plain; charset=utf-8", "Server restarts in 5 minutes", "Server restarts in 5 minutes"},
		{"JSON", "application/json", `{"message": "  Double XP — all weekend  "}`, "Double XP — all weekend"},
		{"no content type", "", "Hello, pilots", "Hello, pilots"},
		{"500 characters", "text/plain", strings.Repeat("é", 500), strings.Repeat("é", 500)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var answer struct {
				SentTo int `json:"sent_to"`
			}
			status := postJSON(t, ts.admin+"/admin/broadcast", tc.contentType, tc.body, &answer)
			if status != http.StatusOK || answer.SentTo != 1 {
				t.Fatalf("status %d, sent to %d; want 200, sent to the 1 session", status, answer.SentTo)
			}
			n := waitNotification(t, p, arenav1.NotificationKind_NOTIFICATION_KIND_OPERATOR, nil)
			if n.Subject != tc.want {
				t.Errorf("the OPERATOR notification says %q, want %q", n.Subject, tc.want)
			}
		})
	}

	for _, tc := range []struct {
		name, contentType, body string
		status                  int
	}{
		{"empty", "text/plain", "", http.StatusBadRequest},
		{"only spaces", "text/plain", " \t\r\n ", http.StatusBadRequest},
		{"501 characters", "text/plain", strings.Repeat("a", 501), http.StatusBadRequest},
		{"invalid UTF-8", "text/plain", "hello \xff\xfe world", http.StatusBadRequest},
		{"bad JSON", "application/json", `{"message": `, http.StatusBadRequest},
		{"JSON without a message", "application/json", `{"text": "hi"}`, http.StatusBadRequest},
		{"over 4 KiB", "text/plain", strings.Repeat("a", 5<<10), http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var answer struct {
				Error string `json:"error"`
			}
			status := postJSON(t, ts.admin+"/admin/broadcast", tc.contentType, tc.body, &answer)
			if status != tc.status || answer.Error == "" {
				t.Errorf("status %d, error %q; want %d and a JSON error", status, answer.Error, tc.status)
			}
		})
	}

	// None of the refused messages went out: the next OPERATOR
	// notification is the next good one.
	const marker = "after the refusals"
	if status := postJSON(t, ts.admin+"/admin/broadcast", "text/plain", marker, nil); status != http.StatusOK {
		t.Fatalf("broadcast %q: status %d", marker, status)
	}
	if n := waitNotification(t, p, arenav1.NotificationKind_NOTIFICATION_KIND_OPERATOR, nil); n.Subject != marker {
		t.Errorf("the next OPERATOR notification after the refusals says %q, want %q", n.Subject, marker)
	}
}

// TestAdminStatsAndHealth reads the server's stats and health, and checks
// that the operators' endpoints are not on the game's listener.
func TestAdminStatsAndHealth(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Bots: 2})
	p := ts.join(t, "Watcher", session.Reconnect{})
	r := ts.roomOf(t, p)
	p.waitUntil(t, "the room ticking", func() bool { return r.Stats().Ticks >= 3 })

	var st server.Stats
	if status := getJSON(t, ts.admin+"/admin/stats", &st); status != http.StatusOK {
		t.Fatalf("GET /admin/stats: status %d", status)
	}
	if len(st.Rooms) != 1 {
		t.Fatalf("GET /admin/stats: rooms %+v, want the one room", st.Rooms)
	}
	if rs := st.Rooms[0]; rs.ID != r.ID() || rs.Players != 1 || rs.Ticks < 3 || rs.TickP50 == "" {
		t.Errorf("GET /admin/stats: room %+v, want room %s with 1 player, at least 3 ticks and tick times", rs, r.ID())
	}
	if st.Sessions.Sessions != 1 || st.Goroutines == 0 {
		t.Errorf("GET /admin/stats: %d sessions, %d goroutines; want 1 session", st.Sessions.Sessions, st.Goroutines)
	}

	for _, url := range []string{ts.admin + "/healthz", ts.base + "/healthz"} {
		var h struct {
			Status   string `json:"status"`
			Sessions int    `json:"sessions"`
			Rooms    int    `json:"rooms"`
		}
		if status := getJSON(t, url, &h); status != http.StatusOK || h.Status != "ok" || h.Sessions != 1 || h.Rooms != 1 {
			t.Errorf("GET %s: status %d, %+v; want 200, ok, 1 session, 1 room", url, status, h)
		}
	}

	// The game's listener serves players, not operators.
	for _, path := range []string{"/admin/stats", "/admin/broadcast"} {
		resp, err := http.Post(ts.base+path, "text/plain", strings.NewReader("hi"))
		if err != nil {
			t.Fatalf("POST %s on the game listener: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s on the game listener: status %d, want 404", path, resp.StatusCode)
		}
	}
}

// postJSON posts body and decodes a JSON answer into v (unless nil),
// returning the status.
func postJSON(t *testing.T, url, contentType, body string, v any) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	return decodeAnswer(t, "POST "+url, resp, v)
}

// getJSON gets url and decodes its JSON answer into v.
func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	return decodeAnswer(t, "GET "+url, resp, v)
}

func decodeAnswer(t *testing.T, what string, resp *http.Response, v any) int {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q, want application/json", what, ct)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading the answer: %v", what, err)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: status %d, answer %q is not JSON: %v", what, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}
