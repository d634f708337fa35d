package conn

import (
	"net/url"
	"testing"
)

func TestReplayURL(t *testing.T) {
	tests := []struct {
		server, path, id string
		want             string
	}{
		{"ws://127.0.0.1:8080/session", "/replays", "room-1-3", "ws://127.0.0.1:8080/replays/room-1-3"},
		{"wss://game.example:443/prefix/session?x=1", "/replays", "abc", "wss://game.example:443/replays/abc"},
		{"ws://h:1/session", "replays/", "abc", "ws://h:1/replays/abc"},
		{"ws://h:1/session", "", "abc", "ws://h:1/abc"},
		// An id cannot climb out of the download path, nor add a query.
		{"ws://h:1/session", "/replays", "../admin?x=1", "ws://h:1/replays/..%2Fadmin%3Fx=1"},
		{"ws://h:1/session", "/replays", "a b", "ws://h:1/replays/a%20b"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.server)
		if err != nil {
			t.Fatal(err)
		}
		c := &Conn{server: u, token: "tok"}
		if got := c.ReplayURL(tt.path, tt.id); got != tt.want {
			t.Errorf("ReplayURL(%q, %q) on %s = %q, want %q", tt.path, tt.id, tt.server, got, tt.want)
		}
		if c.Token() != "tok" {
			t.Errorf("Token() = %q, want the login's", c.Token())
		}
	}
}
