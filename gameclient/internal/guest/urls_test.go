package guest

import (
	"strings"
	"testing"
)

func TestLoginURL(t *testing.T) {
	tests := []struct {
		server, want string
	}{
		{"ws://127.0.0.1:8080/session", "http://127.0.0.1:8080/login"},
		{"wss://game.example.com/session", "https://game.example.com/login"},
		{"wss://game.example.com:8443/session/", "https://game.example.com:8443/login"},
		{"ws://host/arena/session?x=1#f", "http://host/arena/login"},
		{"ws://host", "http://host/login"},
		{"ws://[::1]:9000/session", "http://[::1]:9000/login"},
	}
	for _, tt := range tests {
		u, err := ParseServer(tt.server)
		if err != nil {
			t.Fatalf("ParseServer(%q): %v", tt.server, err)
		}
		if got := LoginURL(u); got != tt.want {
			t.Errorf("LoginURL(%q) = %q, want %q", tt.server, got, tt.want)
		}
	}
}

func TestReplayURL(t *testing.T) {
	tests := []struct {
		server, path, id, want string
	}{
		{"ws://127.0.0.1:8080/session", "/replays", "r-1", "ws://127.0.0.1:8080/replays/r-1"},
		{"wss://host/session?token=x", "/replays/", "abc", "wss://host/replays/abc"},
		{"ws://host/arena/session", "replays", "abc", "ws://host/arena/replays/abc"},
		{"ws://host/session", "/replays", "a/b c", "ws://host/replays/a%2Fb%20c"},
	}
	for _, tt := range tests {
		u, err := ParseServer(tt.server)
		if err != nil {
			t.Fatalf("ParseServer(%q): %v", tt.server, err)
		}
		if got := ReplayURL(u, tt.path, tt.id); got != tt.want {
			t.Errorf("ReplayURL(%q, %q, %q) = %q, want %q", tt.server, tt.path, tt.id, got, tt.want)
		}
	}
}

func TestParseServerRefuses(t *testing.T) {
	tests := []struct {
		server, why string
	}{
		{"http://127.0.0.1:8080/session", "scheme"},
		{"127.0.0.1:8080", "colon"},
		{"localhost:8080/session", "scheme"},
		{"ws:///session", "no host"},
		{"ws://host:bad/session", "invalid port"},
		{"", "scheme"},
	}
	for _, tt := range tests {
		_, err := ParseServer(tt.server)
		if err == nil || !strings.Contains(err.Error(), tt.why) {
			t.Errorf("ParseServer(%q) = %v, want an error about %s", tt.server, err, tt.why)
		}
	}
}
