package sdk_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/internal/frame"
)

// waitFor fails the test if ch yields nothing within eventWait.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(eventWait):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// ---- Close ----

func TestCloseIsIdempotentAndWaitsForOnClosed(t *testing.T) {
	srv := newTestServer(t, serverOptions{})
	cases := []struct {
		name       string
		concurrent bool
	}{{"sequential", false}, {"concurrent", true}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := sdk.NewMessageWebSocket()
			var closedRuns atomic.Int32
			c.OnClosed(func(*sdk.MessageWebSocket, sdk.ClosedEvent) { closedRuns.Add(1) })
			if err := c.Connect(context.Background(), srv.URL); err != nil {
				t.Fatal(err)
			}
			closeAndCheck := func() {
				if err := c.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
				if n := closedRuns.Load(); n != 1 {
					t.Errorf("right after Close returned, OnClosed had run %d times, want 1", n)
				}
			}
			var wg sync.WaitGroup
			for range 3 {
				if tc.concurrent {
					wg.Go(closeAndCheck)
				} else {
					closeAndCheck()
				}
			}
			wg.Wait()
		})
	}
}

func TestCloseFromMessageHandlerDoesNotDeadlock(t *testing.T) {
	srv := newTestServer(t, serverOptions{})
	c := sdk.NewMessageWebSocket()
	closeErr := make(chan error, 1)
	closed := make(chan sdk.ClosedEvent, 1)
	c.OnMessageReceived(func(s *sdk.MessageWebSocket, _ sdk.Message) { closeErr <- s.Close() })
	c.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) { closed <- e })
	ctx := context.Background()
	if err := c.Connect(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(ctx, []byte("close me")); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, closeErr, "Close inside the handler to return"); err != nil {
		t.Errorf("Close inside the handler: %v", err)
	}
	if e := waitFor(t, closed, "OnClosed"); e.Code != sdk.CloseNormal {
		t.Errorf("OnClosed code %d, want 1000", e.Code)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestOnClosedFiresOnce(t *testing.T) {
	cases := []struct {
		name string
		// end ends the connection, from the client (c) or from the raw peer
		// (nil when the case uses the sdk echo server).
		end        func(t *testing.T, c *sdk.MessageWebSocket, peer net.Conn)
		rawPeer    bool
		wantCode   sdk.CloseCode
		wantReason string               // checked if not empty
		wantStatus []sdk.WebErrorStatus // any of these
	}{
		{"local Close", func(t *testing.T, c *sdk.MessageWebSocket, _ net.Conn) {
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}, false, sdk.CloseNormal, "", []sdk.WebErrorStatus{sdk.StatusDisconnected}},
		{"peer close frame", func(t *testing.T, _ *sdk.MessageWebSocket, peer net.Conn) {
			if _, err := peer.Write(unmaskedFrame(true, frame.OpClose, closePayload(4000, "bye"))); err != nil {
				t.Error(err)
			}
		}, true, 4000, "bye", []sdk.WebErrorStatus{sdk.StatusDisconnected}},
		{"peer drops without a close frame", func(t *testing.T, _ *sdk.MessageWebSocket, peer net.Conn) {
			peer.Close()
		}, true, sdk.CloseAbnormal, "", []sdk.WebErrorStatus{sdk.StatusConnectionAborted}},
		{"connection reset", func(t *testing.T, _ *sdk.MessageWebSocket, peer net.Conn) {
			if err := peer.(*net.TCPConn).SetLinger(0); err != nil {
				t.Error(err)
			}
			peer.Close()
		}, true, sdk.CloseAbnormal, "", []sdk.WebErrorStatus{sdk.StatusConnectionReset, sdk.StatusConnectionAborted}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url, conns := "", (<-chan net.Conn)(nil)
			if tc.rawPeer {
				url, conns = rawWebSocketPeer(t)
			} else {
				url = newTestServer(t, serverOptions{}).URL
			}
			c := sdk.NewMessageWebSocket()
			c.Control.CloseTimeout = shortTimeout // a raw peer may not answer a close
			var runs atomic.Int32
			closed := make(chan sdk.ClosedEvent, 4)
			c.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) {
				runs.Add(1)
				closed <- e
			})
			if err := c.Connect(context.Background(), url); err != nil {
				t.Fatal(err)
			}
			var peer net.Conn
			if tc.rawPeer {
				peer = nextConn(t, conns)
			}
			tc.end(t, c, peer)
			e := waitFor(t, closed, "OnClosed")
			if err := c.Close(); err != nil {
				t.Errorf("Close after the end: %v", err)
			}
			if n := runs.Load(); n != 1 {
				t.Errorf("OnClosed ran %d times, want 1", n)
			}
			if e.Code != tc.wantCode || tc.wantReason != "" && e.Reason != tc.wantReason {
				t.Errorf("ClosedEvent code %d reason %q; want %d %q", e.Code, e.Reason, tc.wantCode, tc.wantReason)
			}
			st := sdk.GetStatus(e.Err)
			ok := false
			for _, want := range tc.wantStatus {
				ok = ok || st == want
			}
			if !ok {
				t.Errorf("GetStatus(%v) = %v; want one of %v", e.Err, st, tc.wantStatus)
			}
			t.Logf("%s: code %d, status %v: %v", tc.name, e.Code, st, e.Err)
		})
	}
}

// ---- concurrent senders ----

// Self-describing test messages: sender id, sequence number and length in
// the first 12 bytes, then a pattern that depends on all three, so that a
// message cut, mixed with another or misdelivered shows.
const testMessageHeader = 12

func makeTestMessage(sender, seq, size int) []byte {
	b := make([]byte, size)
	binary.BigEndian.PutUint32(b[0:], uint32(sender))
	binary.BigEndian.PutUint32(b[4:], uint32(seq))
	binary.BigEndian.PutUint32(b[8:], uint32(size))
	for i := testMessageHeader; i < size; i++ {
		b[i] = byte(sender*31 + seq*7 + i)
	}
	return b
}

func parseTestMessage(b []byte) (sender, seq int, err error) {
	if len(b) < testMessageHeader {
		return 0, 0, fmt.Errorf("message of %d bytes is shorter than its header", len(b))
	}
	sender = int(binary.BigEndian.Uint32(b[0:]))
	seq = int(binary.BigEndian.Uint32(b[4:]))
	if size := int(binary.BigEndian.Uint32(b[8:])); size != len(b) {
		return sender, seq, fmt.Errorf("message %d/%d has %d bytes, says %d", sender, seq, len(b), size)
	}
	for i := testMessageHeader; i < len(b); i++ {
		if b[i] != byte(sender*31+seq*7+i) {
			return sender, seq, fmt.Errorf("message %d/%d corrupt at byte %d", sender, seq, i)
		}
	}
	return sender, seq, nil
}

// testMessageSize varies sizes up to 100 KB: mostly small, one in ten large.
func testMessageSize(sender, seq int) int {
	if seq%10 == 0 {
		return testMessageHeader + (sender*7919+seq*104729)%(100_000-testMessageHeader)
	}
	return testMessageHeader + (sender*131+seq*17)%4000
}

func TestConcurrentSendsArriveWhole(t *testing.T) {
	const (
		senders      = 8
		perSender    = 100
		fragmenter   = senders // the id of the goroutine using SendFrame
		fragMessages = 5
		fragFrames   = 10
		fragSize     = 50_000
		total        = senders*perSender + fragMessages
	)
	srv := newTestServer(t, serverOptions{})
	c := sdk.NewMessageWebSocket()
	next := make([]int, senders+1) // next expected seq per sender; event goroutine only
	var received atomic.Int32
	allIn := make(chan struct{})
	c.OnMessageReceived(func(_ *sdk.MessageWebSocket, m sdk.Message) {
		sender, seq, err := parseTestMessage(m.Data)
		switch {
		case err != nil:
			t.Error(err)
			return
		case sender > fragmenter || seq != next[sender]:
			t.Errorf("got message %d/%d, want seq %d of that sender", sender, seq, next[sender])
			return
		}
		next[sender]++
		if received.Add(1) == total {
			close(allIn)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*eventWait)
	defer cancel()
	if err := c.Connect(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			for seq := range perSender {
				if err := c.Send(ctx, makeTestMessage(g, seq, testMessageSize(g, seq))); err != nil {
					t.Errorf("sender %d: %v", g, err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for seq := range fragMessages {
			msg := makeTestMessage(fragmenter, seq, fragSize)
			step := fragSize / fragFrames
			for off := 0; off < fragSize; off += step {
				if err := c.SendFrame(ctx, msg[off:off+step], off+step == fragSize); err != nil {
					t.Errorf("fragmenter: %v", err)
					return
				}
			}
		}
	})
	wg.Wait()
	select {
	case <-allIn:
	case <-ctx.Done():
		t.Fatalf("only %d of %d echoes arrived", received.Load(), total)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for g, n := range next {
		want := perSender
		if g == fragmenter {
			want = fragMessages
		}
		if n != want {
			t.Errorf("sender %d: %d echoes, want %d", g, n, want)
		}
	}
}

func TestSetMessageTypeAfterConnect(t *testing.T) {
	seen := make(chan sdk.MessageType, 2)
	srv := newTestServer(t, serverOptions{observe: func(m sdk.Message) { seen <- m.Type }})
	c := sdk.NewMessageWebSocket()
	c.Control.MessageType = sdk.UTF8
	ctx, cancel := context.WithTimeout(context.Background(), eventWait)
	defer cancel()
	if err := c.Connect(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, want := range []sdk.MessageType{sdk.UTF8, sdk.Binary} {
		c.SetMessageType(want)
		if err := c.Send(ctx, []byte("typed")); err != nil {
			t.Fatal(err)
		}
		if got := waitFor(t, seen, "the server to receive"); got != want {
			t.Errorf("server received a %v message, want %v", got, want)
		}
		if m, err := c.Receive(ctx); err != nil || m.Type != want {
			t.Errorf("echo: type %v, %v; want %v", m.Type, err, want)
		}
	}
}

func TestHandlerRules(t *testing.T) {
	srv := newTestServer(t, serverOptions{})
	c := sdk.NewMessageWebSocket()
	c.OnMessageReceived(func(*sdk.MessageWebSocket, sdk.Message) {})
	ctx, cancel := context.WithTimeout(context.Background(), eventWait)
	defer cancel()
	if err := c.Connect(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err := c.Receive(ctx)
	var e *sdk.Error
	if !errors.Is(err, sdk.ErrHandlerRegistered) || !errors.As(err, &e) || e.Op != "receive" {
		t.Errorf("Receive with a handler = %v; want a receive *sdk.Error wrapping ErrHandlerRegistered", err)
	}
	for name, register := range map[string]func(){
		"OnMessageReceived": func() { c.OnMessageReceived(func(*sdk.MessageWebSocket, sdk.Message) {}) },
		"OnClosed":          func() { c.OnClosed(func(*sdk.MessageWebSocket, sdk.ClosedEvent) {}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s after Connect did not panic", name)
				}
			}()
			register()
		}()
	}
}

func TestEventsRunInOrderOnOneGoroutine(t *testing.T) {
	const messages = 1000
	srv := newTestServer(t, serverOptions{})
	c := sdk.NewMessageWebSocket()
	var (
		inHandler atomic.Int32
		next      int // event goroutine only
		allIn     = make(chan struct{})
		closedRan = make(chan struct{})
	)
	enter := func(what string) {
		if n := inHandler.Add(1); n != 1 {
			t.Errorf("%s runs while %d other handlers run", what, n-1)
		}
	}
	c.OnMessageReceived(func(_ *sdk.MessageWebSocket, m sdk.Message) {
		enter("OnMessageReceived")
		defer inHandler.Add(-1)
		if seq := int(binary.BigEndian.Uint32(m.Data)); seq != next {
			t.Errorf("message %d arrived when %d was due", seq, next)
			next = seq
		}
		if next++; next == messages {
			close(allIn)
		}
	})
	c.OnClosed(func(*sdk.MessageWebSocket, sdk.ClosedEvent) {
		enter("OnClosed")
		defer inHandler.Add(-1)
		if next != messages {
			t.Errorf("OnClosed ran after %d messages, want after all %d", next, messages)
		}
		close(closedRan)
	})
	ctx, cancel := context.WithTimeout(context.Background(), eventWait)
	defer cancel()
	if err := c.Connect(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var msg [4]byte
	for seq := range messages {
		binary.BigEndian.PutUint32(msg[:], uint32(seq))
		if err := c.Send(ctx, msg[:]); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, (<-chan struct{})(allIn), "all messages")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closedRan:
	default:
		t.Error("OnClosed had not run when Close returned")
	}
}
