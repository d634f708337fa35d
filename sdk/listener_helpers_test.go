package sdk_test

import (
	"context"
	"net"
	"sync"
	"testing"
)

// acceptingSocket is what serveListener accepts: a MessageWebSocket or a
// StreamWebSocket.
type acceptingSocket interface {
	AcceptConn(ctx context.Context, nc net.Conn) error
	Close() error
}

// serveListener accepts connections on a loopback listener until tb ends,
// upgrading each with AcceptConn on a socket from newSocket and then running
// serve (if not nil) on its own goroutine. It returns the ws:// URL, with
// path, to connect to. At the end it closes the listener and every socket and
// waits for its goroutines.
func serveListener[S acceptingSocket](tb testing.TB, path string, newSocket func() S, serve func(S)) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		socks []S
	)
	wg.Go(func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			s := newSocket()
			ctx, cancel := context.WithTimeout(context.Background(), benchWait)
			err = s.AcceptConn(ctx, nc)
			cancel()
			if err != nil {
				tb.Errorf("AcceptConn: %v", err)
				continue
			}
			mu.Lock()
			socks = append(socks, s)
			mu.Unlock()
			if serve != nil {
				wg.Go(func() { serve(s) })
			}
		}
	})
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, s := range socks {
			s.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "ws://" + ln.Addr().String() + path
}

// serveRawConns accepts TCP connections on a loopback listener until tb
// ends and runs handle on each, on its own goroutine; it returns the ws://
// URL, with path. At the end it closes the listener and every connection and
// waits for the handlers.
func serveRawConns(tb testing.TB, path string, handle func(nc net.Conn)) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Go(func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, nc)
			mu.Unlock()
			wg.Go(func() { handle(nc) })
		}
	})
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, nc := range conns {
			nc.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "ws://" + ln.Addr().String() + path
}
