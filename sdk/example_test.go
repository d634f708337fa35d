package sdk_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// A game client opens a text socket, registers its handlers, says hello and
// closes when it is done, as UWP's Game::InitWebSockets sample does.
func Example() {
	url, stop := startExampleEchoServer()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	ws := sdk.NewMessageWebSocket()
	ws.Control.MessageType = sdk.UTF8
	echoed := make(chan struct{}, 1)
	ws.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
		// m.Data is valid until the handler returns: copy what you keep.
		fmt.Printf("received %s message: %s\n", m.Type, m.Data)
		echoed <- struct{}{}
	})
	ws.OnClosed(func(s *sdk.MessageWebSocket, e sdk.ClosedEvent) {
		fmt.Printf("closed: %d %s\n", e.Code, e.Reason)
	})
	if err := ws.Connect(ctx, url); err != nil {
		fmt.Println(err)
		return
	}
	if err := ws.Send(ctx, []byte("Hello, gamesock")); err != nil {
		fmt.Println(err)
		return
	}
	select {
	case <-echoed:
	case <-ctx.Done():
		fmt.Println("no echo:", ctx.Err())
	}
	// CloseWithStatus returns after the Closed handler has run.
	if err := ws.CloseWithStatus(sdk.CloseNormal, "done"); err != nil {
		fmt.Println(err)
	}
	// Output:
	// received utf8 message: Hello, gamesock
	// closed: 1000 done
}

// Without a MessageReceived handler, the application pulls messages with
// Receive, for example from its game loop's network goroutine.
func ExampleMessageWebSocket_Receive() {
	url, stop := startExampleEchoServer()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	ws := sdk.NewMessageWebSocket()
	if err := ws.Connect(ctx, url); err != nil {
		fmt.Println(err)
		return
	}
	defer ws.Close()
	for _, move := range []string{"e2e4", "g1f3"} {
		if err := ws.Send(ctx, []byte(move)); err != nil {
			fmt.Println(err)
			return
		}
		m, err := ws.Receive(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		// m.Data is valid until the next Receive.
		fmt.Printf("%s %q\n", m.Type, m.Data)
	}
	// Output:
	// binary "e2e4"
	// binary "g1f3"
}

// A server can take connections straight from a net.Listener: AcceptConn
// runs the upgrade without net/http.
func ExampleMessageWebSocket_AcceptConn() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	var server sync.WaitGroup
	server.Go(func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return // the listener is closed
			}
			ws := sdk.NewMessageWebSocket()
			ws.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
				_ = s.Send(ctx, append([]byte("pong "), m.Data...))
			})
			ended := make(chan struct{})
			ws.OnClosed(func(*sdk.MessageWebSocket, sdk.ClosedEvent) { close(ended) })
			if err := ws.AcceptConn(ctx, nc); err != nil {
				continue
			}
			<-ended // one client at a time keeps the example short
		}
	})
	defer server.Wait()
	defer ln.Close()

	ws := sdk.NewMessageWebSocket()
	if err := ws.Connect(ctx, "ws://"+ln.Addr().String()+"/play"); err != nil {
		fmt.Println(err)
		return
	}
	defer ws.Close()
	if err := ws.Send(ctx, []byte("ping")); err != nil {
		fmt.Println(err)
		return
	}
	m, err := ws.Receive(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", m.Data)
	// Output:
	// pong ping
}

// A StreamWebSocket moves bulk data, such as a replay file, with io.Copy.
func ExampleStreamWebSocket() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type upload struct {
		n   int64
		sum []byte
		err error
	}
	uploads := make(chan upload, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws := sdk.NewStreamWebSocket()
		if err := ws.Accept(w, r); err != nil {
			return
		}
		h := sha256.New()
		// Read returns io.EOF once the client closes with 1000.
		n, err := io.Copy(h, ws)
		ws.Close()
		uploads <- upload{n, h.Sum(nil), err}
	}))
	defer srv.Close()

	ws := sdk.NewStreamWebSocket()
	if err := ws.Connect(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/replays"); err != nil {
		fmt.Println(err)
		return
	}
	replay := io.LimitReader(rand.NewChaCha8([32]byte{'r', 'e', 'p', 'l', 'a', 'y'}), 1<<20)
	sent := sha256.New()
	if _, err := io.Copy(ws, io.TeeReader(replay, sent)); err != nil {
		fmt.Println(err)
		return
	}
	// Close sends what was written, then waits for the server's close.
	if err := ws.Close(); err != nil {
		fmt.Println(err)
		return
	}
	select {
	case u := <-uploads:
		fmt.Printf("server received %d bytes, sha256 %x..., err %v\n", u.n, u.sum[:4], u.err)
		fmt.Println("intact:", string(u.sum) == string(sent.Sum(nil)))
	case <-ctx.Done():
		fmt.Println("upload not finished:", ctx.Err())
	}
	// Output:
	// server received 1048576 bytes, sha256 ad29e96b..., err <nil>
	// intact: true
}

// GetStatus tells why an operation failed, in UWP's WebErrorStatus terms.
func ExampleGetStatus() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens on addr any more

	ws := sdk.NewMessageWebSocket()
	err = ws.Connect(context.Background(), "ws://"+addr+"/")
	st := sdk.GetStatus(err)
	fmt.Println(st, int(st))
	fmt.Println(errors.Is(err, sdk.StatusCannotConnect))
	// Output:
	// cannot connect 14
	// true
}

// startExampleEchoServer starts a loopback server whose WebSocket sends every
// message back as it came. stop shuts it down and waits for its sockets.
func startExampleEchoServer() (url string, stop func()) {
	var sockets sync.WaitGroup
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws := sdk.NewMessageWebSocket()
		ws.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
			s.SetMessageType(m.Type)
			_ = s.Send(context.Background(), m.Data)
		})
		ws.OnClosed(func(*sdk.MessageWebSocket, sdk.ClosedEvent) { sockets.Done() })
		sockets.Add(1)
		if ws.Accept(w, r) != nil {
			sockets.Done()
		}
	}))
	return "ws" + strings.TrimPrefix(srv.URL, "http"), func() { srv.Close(); sockets.Wait() }
}
