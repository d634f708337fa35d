package session

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// TestHelloBeforeStarted plays the order a loaded server can see: the
// socket's reader takes the client's Hello and welcomes it before the
// upgrade call returns and started arms the hello timer. The timer must
// not be armed then, or it would cut a client in good standing
// HelloTimeout later.
func TestHelloBeforeStarted(t *testing.T) {
	srv := NewServer(ServerOptions{
		Authenticate: func(token string, _ *sdk.UpgradeRequest) (string, error) {
			if id, ok := strings.CutPrefix(token, "player:"); ok {
				return id, nil
			}
			return "", errors.New("bad token")
		},
		HelloTimeout: time.Hour,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan *serverConn, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		c, ws := srv.newConn()
		if err := ws.AcceptConn(context.Background(), nc); err != nil {
			srv.dropConn(c)
			return
		}
		accepted <- c // started is the test's to call, later
	}()

	client, err := Dial(t.Context(), "ws://"+ln.Addr().String()+"/", &ClientOptions{Token: "player:alice"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	c := <-accepted
	c.started() // after the Welcome, as when the reader won the race
	c.reqMu.Lock()
	armed := c.helloTimer != nil
	c.reqMu.Unlock()
	if armed {
		t.Error("started armed the hello timer of a connection already welcomed")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Error(err)
	}
}
