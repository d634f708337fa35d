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
		{[]string{"-bots", "2"}, "-bots is a flag of -headless"},
		{[]string{"-headless", "-script", "fly"}, "-script is a flag of the window"},
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
