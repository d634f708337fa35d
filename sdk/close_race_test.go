package sdk_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// TestCloseRaces ends busy sockets in every way at random moments: the
// client closes, the server closes, or the server drops the TCP connection,
// while four goroutines send and the client receives by handler or by
// Receive. Whatever the order, every sender stops with an *sdk.Error,
// Close returns, OnClosed runs exactly once on each side, and nothing leaks
// (the package's goleak check).
func TestCloseRaces(t *testing.T) {
	const rounds = 24
	for i := range rounds {
		how := []string{"client closes", "server closes", "server drops"}[i%3]
		pull := i%2 == 0
		t.Run(fmt.Sprintf("%d %s pull=%v", i, how, pull), func(t *testing.T) {
			t.Parallel()
			closeRace(t, how, pull, rand.IntN(200))
		})
	}
}

func closeRace(t *testing.T, how string, pull bool, after int) {
	var (
		serverClosed atomic.Int32
		received     atomic.Int64
		trigger      = make(chan struct{})
		triggerOnce  sync.Once
		serverSock   = make(chan *sdk.MessageWebSocket, 1)
	)
	fire := func() { triggerOnce.Do(func() { close(trigger) }) }
	// The server keeps each raw connection, to drop it from under its socket.
	rawConn := make(chan net.Conn, 1)
	url := serveListener(t, "/race", func() *connKeeper {
		s := sdk.NewMessageWebSocket()
		s.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
			if received.Add(1) == int64(after) {
				fire()
			}
			_ = s.Send(context.Background(), m.Data)
		})
		s.OnClosed(func(*sdk.MessageWebSocket, sdk.ClosedEvent) { serverClosed.Add(1) })
		serverSock <- s
		return &connKeeper{MessageWebSocket: s, raw: rawConn}
	}, nil)
	var clientClosed atomic.Int32
	c := sdk.NewMessageWebSocket()
	c.Control.CloseTimeout = 2 * time.Second
	if !pull {
		c.OnMessageReceived(func(*sdk.MessageWebSocket, sdk.Message) {})
	}
	c.OnClosed(func(*sdk.MessageWebSocket, sdk.ClosedEvent) { clientClosed.Add(1) })
	ctx, cancel := context.WithTimeout(context.Background(), benchWait)
	defer cancel()
	if err := c.Connect(ctx, url); err != nil {
		t.Fatal(err)
	}
	srv := <-serverSock
	if after == 0 {
		fire()
	}

	var wg sync.WaitGroup
	sendErrs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			msg := make([]byte, 64+g*1000)
			for {
				if err := c.Send(ctx, msg); err != nil {
					sendErrs <- err
					return
				}
			}
		})
	}
	if pull {
		wg.Go(func() {
			for {
				if _, err := c.Receive(ctx); err != nil {
					return
				}
			}
		})
	}

	<-trigger
	switch how {
	case "client closes":
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	case "server closes":
		if err := srv.CloseWithStatus(sdk.CloseGoingAway, "shutting down"); err != nil {
			t.Errorf("server Close: %v", err)
		}
	case "server drops":
		// The TCP connection goes away under the server socket, with no
		// close frame.
		(<-rawConn).Close()
	}
	wg.Wait()
	close(sendErrs)
	for err := range sendErrs {
		var e *sdk.Error
		if !errors.As(err, &e) {
			t.Errorf("a sender stopped with %T %v; want *sdk.Error", err, err)
		}
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close after the end: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("server Close after the end: %v", err)
	}
	if n := clientClosed.Load(); n != 1 {
		t.Errorf("client OnClosed ran %d times", n)
	}
	if n := serverClosed.Load(); n != 1 {
		t.Errorf("server OnClosed ran %d times", n)
	}
}

// connKeeper is a server MessageWebSocket that hands over its raw
// connection when it accepts it.
type connKeeper struct {
	*sdk.MessageWebSocket
	raw chan<- net.Conn
}

func (k *connKeeper) AcceptConn(ctx context.Context, nc net.Conn) error {
	k.raw <- nc
	return k.MessageWebSocket.AcceptConn(ctx, nc)
}
