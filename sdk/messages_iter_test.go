package sdk_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gamesock/gamesock/sdk"
)

// TestMessagesIterator ranges over a socket's messages until the peer
// closes: every message arrives in order, and how the loop ends depends on
// the close.
func TestMessagesIterator(t *testing.T) {
	tests := []struct {
		name    string
		code    sdk.CloseCode
		wantErr bool
	}{
		{"normal close ends the loop", sdk.CloseNormal, false},
		{"going away ends the loop", sdk.CloseGoingAway, false},
		{"application code is reported", 4000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := startSDKServer(t, func(s *sdk.MessageWebSocket) {
				s.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
					if string(m.Data) != "go" {
						return
					}
					for i := range 5 {
						_ = s.Send(context.Background(), fmt.Appendf(nil, "msg %d", i))
					}
					_ = s.CloseWithStatus(tt.code, "done")
				})
			})
			c := connectSDK(t, url, nil)
			ctx, cancel := context.WithTimeout(context.Background(), benchWait)
			defer cancel()
			if err := c.Send(ctx, []byte("go")); err != nil {
				t.Fatal(err)
			}
			var got []string
			var last error
			for m, err := range c.Messages(ctx) {
				if err != nil {
					last = err
					continue
				}
				got = append(got, string(m.Data))
			}
			if fmt.Sprint(got) != "[msg 0 msg 1 msg 2 msg 3 msg 4]" {
				t.Errorf("messages = %q", got)
			}
			if (last != nil) != tt.wantErr || (last != nil && sdk.CloseStatus(last) != int(tt.code)) {
				t.Errorf("loop ended with %v (close %d); want error: %v", last, sdk.CloseStatus(last), tt.wantErr)
			}
		})
	}
}

// TestMessagesIteratorLocalClose stops a range loop from another goroutine
// with Close: the loop ends without an error.
func TestMessagesIteratorLocalClose(t *testing.T) {
	url := startSDKServer(t, sdkEcho)
	c := connectSDK(t, url, nil)
	ctx, cancel := context.WithTimeout(context.Background(), benchWait)
	defer cancel()
	if err := c.Send(ctx, []byte("one")); err != nil {
		t.Fatal(err)
	}
	n := 0
	for m, err := range c.Messages(ctx) {
		if err != nil {
			t.Fatalf("loop ended with %v", err)
		}
		n++
		if string(m.Data) == "one" {
			go c.Close()
		}
	}
	if n != 1 {
		t.Errorf("%d messages; want 1", n)
	}
}
