package sdk

import (
	"errors"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want string // normalised URL when ok, part of the error otherwise
	}{
		{"ws://127.0.0.1:9001/ws", true, "ws://127.0.0.1:9001/ws"},
		{"WSS://example.com", true, "wss://example.com/"},
		{"ws://[::1]:80/a?b=c", true, "ws://[::1]:80/a?b=c"},
		{"", false, "no scheme"},
		{"example.com/ws", false, "no scheme"},
		{"http://example.com/ws", false, `scheme "http" is not ws or wss`},
		{"ws://example.com/ws#frag", false, "fragment"},
		{"ws://", false, "no host"},
		{"ws:///path", false, "no host"},
		{"ws://:80/", false, "no host"},
		{"ws://user:pw@example.com/", false, "credentials"},
		{"ws://example.com:99999/", false, "bad port"},
		{"ws:example.com", false, "no host"},
	}
	for _, tt := range tests {
		u, err := parseURL(tt.in)
		if tt.ok {
			if err != nil || u.String() != tt.want {
				t.Errorf("parseURL(%q) = %v, %v; want %s", tt.in, u, err, tt.want)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrInvalidURL) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseURL(%q) error = %v; want ErrInvalidURL mentioning %q", tt.in, err, tt.want)
		}
	}
}

// FuzzParseURL checks that whatever parseURL accepts is a URL Connect can
// dial: ws or wss, a host, no fragment, no credentials.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"ws://127.0.0.1:9001/ws", "wss://example.com", "ws://[::1]/", "http://x", "ws://#", "ws://a:b@c/", "ws://%zz/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := parseURL(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidURL) {
				t.Fatalf("parseURL(%q) error %v does not wrap ErrInvalidURL", s, err)
			}
			return
		}
		if u.Scheme != "ws" && u.Scheme != "wss" {
			t.Fatalf("parseURL(%q) accepted scheme %q", s, u.Scheme)
		}
		if u.Hostname() == "" || u.Fragment != "" || u.User != nil || strings.Contains(s, "#") {
			t.Fatalf("parseURL(%q) accepted %#v", s, u)
		}
	})
}

func TestCheckOrigin(t *testing.T) {
	tests := []struct {
		origin, host string
		patterns     []string
		ok           bool
	}{
		{"", "game.example", nil, true},
		{"https://game.example", "game.example", nil, true},
		{"https://GAME.example", "game.example", nil, true},
		{"https://evil.example", "game.example", nil, false},
		{"https://cdn.game.example", "game.example", []string{"*.game.example"}, true},
		{"http://127.0.0.1:8080", "127.0.0.1:9001", []string{"127.0.0.1:*"}, true},
		{"null", "game.example", nil, false},
		{"://bad", "game.example", nil, false},
	}
	for _, tt := range tests {
		err := checkOrigin(tt.origin, tt.host, tt.patterns)
		if (err == nil) != tt.ok {
			t.Errorf("checkOrigin(%q, %q, %v) = %v; want ok=%v", tt.origin, tt.host, tt.patterns, err, tt.ok)
		}
		var rej *Rejection
		if err != nil && (!errors.As(err, &rej) || rej.Status != 403) {
			t.Errorf("checkOrigin(%q) error %v is not a 403 Rejection", tt.origin, err)
		}
	}
}

// FuzzCheckOrigin checks that checkOrigin never panics and only ever
// refuses with a 403.
func FuzzCheckOrigin(f *testing.F) {
	f.Add("https://a.example", "a.example", "*.example")
	f.Add("", "", "[")
	f.Fuzz(func(t *testing.T, origin, host, pattern string) {
		err := checkOrigin(origin, host, []string{pattern})
		var rej *Rejection
		if err != nil && (!errors.As(err, &rej) || rej.Status != 403) {
			t.Fatalf("checkOrigin(%q, %q, %q) = %v", origin, host, pattern, err)
		}
		if origin == "" && err != nil {
			t.Fatalf("a request without Origin was refused: %v", err)
		}
	})
}
