package sdk_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// TestAcceptConnHandshakeTooLarge sends an upgrade request with an endless
// header: the server must answer 431 instead of buffering it.
func TestAcceptConnHandshakeTooLarge(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan error, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			accepted <- err
			return
		}
		ws := sdk.NewMessageWebSocket()
		accepted <- ws.AcceptConn(context.Background(), nc)
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	go func() {
		// The server stops reading at its limit; the write may then fail.
		fmt.Fprintf(c, "GET /ws HTTP/1.1\r\nHost: x\r\nX-Big: %s", strings.Repeat("a", 200<<10))
	}()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no HTTP answer to an oversize handshake: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status %d; want 431", resp.StatusCode)
	}
	if err := <-accepted; sdk.GetStatus(err) != sdk.WebErrorStatus(431) {
		t.Errorf("AcceptConn error %v (status %d); want 431", err, sdk.GetStatus(err))
	}
}

// TestConnectHandshakeTooLarge has a server answer the upgrade with an
// endless header: the client must give up with a clear status.
func TestConnectHandshakeTooLarge(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan struct{})
	go func() {
		defer close(served)
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
		line := strings.Repeat("a", 4096)
		fmt.Fprintf(nc, "HTTP/1.1 101 Switching Protocols\r\nX-Big: ")
		for i := 0; i < 64; i++ { // 256 KiB, well past the limit; bounded
			if _, err := nc.Write([]byte(line)); err != nil {
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws := sdk.NewMessageWebSocket()
	err = ws.Connect(ctx, "ws://"+ln.Addr().String()+"/ws")
	if sdk.GetStatus(err) != sdk.StatusErrorHTTPInvalidServerResponse || !strings.Contains(fmt.Sprint(err), "handshake larger than") {
		t.Errorf("Connect = %v (status %d); want an invalid-response error about the handshake size", err, sdk.GetStatus(err))
	}
	ln.Close()
	<-served
}
