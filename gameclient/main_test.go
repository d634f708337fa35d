package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestRunUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "windowed client is not built yet"},
		{[]string{"-bots", "2"}, "run with -headless"},
		{[]string{"-headless", "extra"}, "unexpected arguments"},
		{[]string{"-headless", "-log-level", "loud"}, "-log-level"},
		{[]string{"-bots", "many"}, "invalid value"},
	}
	for _, tt := range tests {
		err := run(context.Background(), tt.args, io.Discard, io.Discard)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want a usage error about %q", tt.args, err, tt.want)
		}
	}
}

func TestRunBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-headless", "-server", "http://127.0.0.1:1/session"}, "not ws or wss"},
		{[]string{"-headless", "-ca", "/nonexistent/ca.pem"}, "-ca"},
	}
	for _, tt := range tests {
		err := run(context.Background(), tt.args, io.Discard, io.Discard)
		if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want an error about %q", tt.args, err, tt.want)
		}
	}
}
