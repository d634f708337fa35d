package sdk_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gamesock/gamesock/sdk"
)

// interopWait bounds every wait in these tests: long enough for a loaded CI
// machine, short enough that a hung test fails instead of hanging.
const interopWait = 30 * time.Second

func interopContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), interopWait)
	t.Cleanup(cancel)
	return ctx
}

// interopPayload returns n bytes that deflate cannot shrink much, so that
// every byte really crosses the wire.
func interopPayload(n int) []byte {
	p := make([]byte, n)
	x := uint32(2463534242)
	for i := range p {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		p[i] = byte(x)
	}
	return p
}

// interopCompressible returns about n bytes of repetitive game-state text.
func interopCompressible(n int) []byte {
	line := `{"entity":42,"pos":[10.5,20.25,0],"vel":[0,0,0],"state":"idle"}` + "\n"
	return []byte(strings.Repeat(line, n/len(line)+1)[:n])
}

// ---- gorilla server ----

// wireCounter counts the bytes a server reads from and writes to its
// clients' connections, as they travel on the wire.
type wireCounter struct {
	read, written atomic.Int64
}

type countingListener struct {
	net.Listener
	n *wireCounter
}

func (l countingListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{Conn: nc, n: l.n}, nil
}

type countingConn struct {
	net.Conn
	n *wireCounter
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.read.Add(int64(n))
	return n, err
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.n.written.Add(int64(n))
	return n, err
}

// gorillaServer is an httptest server that upgrades every request with
// gorilla and hands the connection to handle, on the request's goroutine.
type gorillaServer struct {
	url  string // ws:// URL of the server's /ws path
	wire *wireCounter
}

// startGorillaServer starts a gorilla server; handle runs until it returns,
// after which the connection is closed. At cleanup, the server and every
// connection still open are closed and the handlers waited for.
func startGorillaServer(t *testing.T, up websocket.Upgrader, handle func(c *websocket.Conn, r *http.Request)) *gorillaServer {
	t.Helper()
	var (
		mu       sync.Mutex
		conns    []*websocket.Conn
		handlers sync.WaitGroup
	)
	wire := &wireCounter{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("gorilla upgrade: %v", err)
			return
		}
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		defer c.Close()
		handle(c, r)
	}))
	srv.Listener = countingListener{Listener: srv.Listener, n: wire}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		handlers.Wait()
	})
	return &gorillaServer{url: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws", wire: wire}
}

// gorillaEcho echoes messages until the connection ends, and returns why it
// ended.
func gorillaEcho(c *websocket.Conn) error {
	for {
		mt, p, err := c.ReadMessage()
		if err != nil {
			return err
		}
		if err := c.WriteMessage(mt, p); err != nil {
			return err
		}
	}
}

// interopConnect connects an sdk client, closed at cleanup.
func interopConnect(t *testing.T, url string, setup func(*sdk.MessageWebSocket)) *sdk.MessageWebSocket {
	t.Helper()
	c := sdk.NewMessageWebSocket()
	if setup != nil {
		setup(c)
	}
	if err := c.Connect(interopContext(t), url); err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// interopReceive receives one whole message and copies its data.
func interopReceive(t *testing.T, c *sdk.MessageWebSocket) (sdk.MessageType, []byte) {
	t.Helper()
	m, err := c.Receive(interopContext(t))
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	if !m.IsMessageComplete {
		t.Fatal("received a message without IsMessageComplete in FullMessage mode")
	}
	return m.Type, bytes.Clone(m.Data)
}

// ---- sdk client, gorilla server ----

func TestInteropClientEchoWithGorilla(t *testing.T) {
	big := interopPayload(1 << 20)
	cases := []struct {
		name   string
		typ    sdk.MessageType
		frames [][]byte // one frame: Send; several: SendFrame
	}{
		{"text non-ASCII", sdk.UTF8, [][]byte{[]byte("héllo wörld, 你好, 🎮")}},
		{"binary", sdk.Binary, [][]byte{{0x00, 0xff, 0x10, 0x80, 0x7f}}},
		{"empty binary", sdk.Binary, [][]byte{{}}},
		{"empty text", sdk.UTF8, [][]byte{{}}},
		{"1 MiB binary", sdk.Binary, [][]byte{big}},
		{"fragmented binary", sdk.Binary, [][]byte{big[:1000], big[1000:1001], big[1001:5000], big[5000:70000]}},
		// The frames split a multi-byte character: only the whole message
		// has to be valid UTF-8.
		{"fragmented text", sdk.UTF8, [][]byte{[]byte("pla\xc3"), []byte("\xa9yer "), []byte("jo"), []byte("ined 🎮")}},
	}
	srv := startGorillaServer(t, websocket.Upgrader{}, func(c *websocket.Conn, _ *http.Request) { gorillaEcho(c) })
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := interopContext(t)
			c := interopConnect(t, srv.url, func(c *sdk.MessageWebSocket) { c.Control.MessageType = tc.typ })
			want := bytes.Join(tc.frames, nil)
			if len(tc.frames) == 1 {
				if err := c.Send(ctx, tc.frames[0]); err != nil {
					t.Fatalf("send: %v", err)
				}
			} else {
				for i, f := range tc.frames {
					if err := c.SendFrame(ctx, f, i == len(tc.frames)-1); err != nil {
						t.Fatalf("send frame %d: %v", i, err)
					}
				}
			}
			typ, got := interopReceive(t, c)
			if typ != tc.typ {
				t.Errorf("echo type = %v, want %v", typ, tc.typ)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("echo = %d bytes, want %d bytes equal to the message sent", len(got), len(want))
			}
		})
	}
}

func TestInteropClientPartialReceiveFromGorilla(t *testing.T) {
	binary := interopPayload(300 << 10)
	// 6-byte groups: 32 KiB pieces end inside a character.
	text := []byte(strings.Repeat("é🎮", 20000))
	writeInFrames := func(c *websocket.Conn, typ int, msg []byte) error {
		w, err := c.NextWriter(typ)
		if err != nil {
			return err
		}
		if _, err := w.Write(msg); err != nil {
			return err
		}
		return w.Close()
	}
	cases := []struct {
		name string
		up   websocket.Upgrader
		typ  sdk.MessageType
		msg  []byte
		send func(c *websocket.Conn, typ int, msg []byte) error
	}{
		{"binary, one frame", websocket.Upgrader{}, sdk.Binary, binary, (*websocket.Conn).WriteMessage},
		{"binary, many frames", websocket.Upgrader{WriteBufferSize: 1000}, sdk.Binary, binary, writeInFrames},
		{"text, one frame", websocket.Upgrader{}, sdk.UTF8, text, (*websocket.Conn).WriteMessage},
		{"text, many frames", websocket.Upgrader{WriteBufferSize: 1001}, sdk.UTF8, text, writeInFrames},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gorillaType := websocket.BinaryMessage
			if tc.typ == sdk.UTF8 {
				gorillaType = websocket.TextMessage
			}
			srv := startGorillaServer(t, tc.up, func(c *websocket.Conn, _ *http.Request) {
				if err := tc.send(c, gorillaType, tc.msg); err != nil {
					t.Errorf("gorilla send: %v", err)
					return
				}
				gorillaEcho(c)
			})
			c := interopConnect(t, srv.url, func(c *sdk.MessageWebSocket) { c.Control.ReceiveMode = sdk.PartialMessage })
			ctx := interopContext(t)
			var got []byte
			pieces := 0
			for pieces < len(tc.msg) {
				m, err := c.Receive(ctx)
				if err != nil {
					t.Fatalf("receive piece %d: %v", pieces, err)
				}
				pieces++
				if m.Type != tc.typ {
					t.Fatalf("piece %d type = %v, want %v", pieces, m.Type, tc.typ)
				}
				got = append(got, m.Data...)
				if m.IsMessageComplete {
					break
				}
			}
			if pieces < 2 {
				t.Errorf("message of %d bytes arrived in %d piece, want several", len(tc.msg), pieces)
			}
			if !bytes.Equal(got, tc.msg) {
				t.Errorf("pieces join to %d bytes, want the %d bytes sent", len(got), len(tc.msg))
			}
		})
	}
}

func TestInteropClientAnswersGorillaPing(t *testing.T) {
	pongs := make(chan string, 1)
	srv := startGorillaServer(t, websocket.Upgrader{}, func(c *websocket.Conn, _ *http.Request) {
		c.SetPongHandler(func(data string) error {
			select {
			case pongs <- data:
			default:
			}
			return nil
		})
		if err := c.WriteControl(websocket.PingMessage, []byte("server-ping-1"), time.Now().Add(interopWait)); err != nil {
			t.Errorf("gorilla ping: %v", err)
			return
		}
		gorillaEcho(c)
	})
	interopConnect(t, srv.url, nil)
	select {
	case data := <-pongs:
		if data != "server-ping-1" {
			t.Errorf("pong payload = %q, want the ping's %q", data, "server-ping-1")
		}
	case <-time.After(interopWait):
		t.Fatal("gorilla's PongHandler never fired")
	}
}

func TestInteropCloseHandshakeWithGorilla(t *testing.T) {
	cases := []struct {
		name         string
		clientCloses bool
		code         int
		reason       string
	}{
		{"sdk client closes", true, 4000, "client done"},
		{"gorilla server closes", false, 4001, "server restarting"},
		{"sdk client closes going away", true, 1001, ""},
		{"gorilla server closes without a code", false, websocket.CloseNoStatusReceived, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gorillaEnd := make(chan error, 1)
			srv := startGorillaServer(t, websocket.Upgrader{}, func(c *websocket.Conn, _ *http.Request) {
				if !tc.clientCloses {
					msg := websocket.FormatCloseMessage(tc.code, tc.reason)
					if err := c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(interopWait)); err != nil {
						t.Errorf("gorilla close: %v", err)
					}
				}
				gorillaEnd <- gorillaEcho(c)
			})
			closed := make(chan sdk.ClosedEvent, 1)
			c := interopConnect(t, srv.url, func(c *sdk.MessageWebSocket) {
				c.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) { closed <- e })
			})
			if tc.clientCloses {
				if err := c.CloseWithStatus(sdk.CloseCode(tc.code), tc.reason); err != nil {
					t.Fatalf("close: %v", err)
				}
			}

			// gorilla's side.
			var gerr error
			select {
			case gerr = <-gorillaEnd:
			case <-time.After(interopWait):
				t.Fatal("gorilla never saw the connection end")
			}
			var ce *websocket.CloseError
			if !errors.As(gerr, &ce) {
				t.Fatalf("gorilla ended with %v, want a *websocket.CloseError", gerr)
			}
			if ce.Code != tc.code || ce.Text != tc.reason {
				t.Errorf("gorilla read close %d %q, want %d %q", ce.Code, ce.Text, tc.code, tc.reason)
			}

			// The sdk's side.
			_, err := c.Receive(interopContext(t))
			if got := sdk.CloseStatus(err); got != tc.code {
				t.Errorf("receive after close: CloseStatus(%v) = %d, want %d", err, got, tc.code)
			}
			var sce *sdk.CloseError
			if !errors.As(err, &sce) {
				t.Fatalf("receive after close: %v, want an *sdk.CloseError", err)
			}
			if sce.Reason != tc.reason || sce.Remote == tc.clientCloses {
				t.Errorf("sdk close error = %q remote=%v, want %q remote=%v", sce.Reason, sce.Remote, tc.reason, !tc.clientCloses)
			}
			select {
			case e := <-closed:
				if int(e.Code) != tc.code || e.Reason != tc.reason {
					t.Errorf("OnClosed saw %d %q, want %d %q", e.Code, e.Reason, tc.code, tc.reason)
				}
			case <-time.After(interopWait):
				t.Fatal("OnClosed never ran")
			}
		})
	}
}

func TestInteropSubprotocolWithGorilla(t *testing.T) {
	cases := []struct {
		name           string
		client, server []string
		want           string
	}{
		{"server picks its preferred", []string{"game.v2", "game.v1"}, []string{"game.v1", "game.v2"}, "game.v1"},
		{"one in common", []string{"game.v3", "game.v2"}, []string{"game.v2"}, "game.v2"},
		{"none in common", []string{"game.v3"}, []string{"game.v1"}, ""},
		{"client offers none", nil, []string{"game.v1"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			serverSaw := make(chan string, 1)
			srv := startGorillaServer(t, websocket.Upgrader{Subprotocols: tc.server}, func(c *websocket.Conn, _ *http.Request) {
				serverSaw <- c.Subprotocol()
				gorillaEcho(c)
			})
			c := interopConnect(t, srv.url, func(c *sdk.MessageWebSocket) { c.Control.SupportedProtocols = tc.client })
			if got := c.Information().Protocol; got != tc.want {
				t.Errorf("Information().Protocol = %q, want %q", got, tc.want)
			}
			if got := <-serverSaw; got != tc.want {
				t.Errorf("gorilla's Subprotocol() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestInteropRequestHeadersSeenByGorilla(t *testing.T) {
	seen := make(chan http.Header, 1)
	srv := startGorillaServer(t, websocket.Upgrader{}, func(c *websocket.Conn, r *http.Request) {
		seen <- r.Header.Clone()
		gorillaEcho(c)
	})
	interopConnect(t, srv.url, func(c *sdk.MessageWebSocket) {
		c.SetRequestHeader("X-Game-Token", "t0k3n")
		c.SetRequestHeader("X-Client-Build", "1.2.3")
		c.SetRequestHeader("X-Client-Build", "linux-amd64")
	})
	h := <-seen
	if got := h.Get("X-Game-Token"); got != "t0k3n" {
		t.Errorf("X-Game-Token = %q, want %q", got, "t0k3n")
	}
	if got := strings.Join(h.Values("X-Client-Build"), ","); got != "1.2.3,linux-amd64" {
		t.Errorf("X-Client-Build values = %q, want both values in order", got)
	}
}

func TestInteropClientCompressionWithGorilla(t *testing.T) {
	msg := interopCompressible(100 << 10)
	cases := []struct {
		name           string
		serverCompress bool
	}{
		{"negotiated", true},
		{"refused by server", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			echoEnded := make(chan struct{})
			srv := startGorillaServer(t, websocket.Upgrader{EnableCompression: tc.serverCompress},
				func(c *websocket.Conn, _ *http.Request) {
					gorillaEcho(c)
					close(echoEnded)
				})
			c := interopConnect(t, srv.url, func(c *sdk.MessageWebSocket) {
				c.Control.Compression = true
				c.Control.MessageType = sdk.UTF8
			})
			if got := c.Information().Compression; got != tc.serverCompress {
				t.Errorf("Information().Compression = %v, want %v", got, tc.serverCompress)
			}
			if err := c.Send(interopContext(t), msg); err != nil {
				t.Fatalf("send: %v", err)
			}
			typ, got := interopReceive(t, c)
			if typ != sdk.UTF8 || !bytes.Equal(got, msg) {
				t.Fatalf("echo = %v of %d bytes, want the utf8 message of %d bytes", typ, len(got), len(msg))
			}
			// Short messages, which the sdk sends uncompressed but gorilla
			// compresses, and fragmented ones, whose frames the sdk sends
			// uncompressed.
			if err := c.Send(interopContext(t), []byte("hi")); err != nil {
				t.Fatalf("send: %v", err)
			}
			if _, got := interopReceive(t, c); string(got) != "hi" {
				t.Fatalf("echo = %q, want %q", got, "hi")
			}
			for i, f := range [][]byte{msg[:300], msg[300:5000], msg[5000:6000]} {
				if err := c.SendFrame(interopContext(t), f, i == 2); err != nil {
					t.Fatalf("send frame %d: %v", i, err)
				}
			}
			if _, got := interopReceive(t, c); !bytes.Equal(got, msg[:6000]) {
				t.Fatalf("echo of the fragmented message = %d bytes, want the 6000 sent", len(got))
			}
			// Compressed, the message crosses the wire in a small fraction of
			// its size each way; uncompressed, in full. The server's counts
			// are complete once its echo loop has ended.
			if err := c.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			select {
			case <-echoEnded:
			case <-time.After(interopWait):
				t.Fatal("gorilla's echo loop never ended")
			}
			read, written := srv.wire.read.Load(), srv.wire.written.Load()
			if tc.serverCompress && (read > int64(len(msg))/4 || written > int64(len(msg))/4) {
				t.Errorf("wire bytes read %d, written %d: want under %d each way for a compressed %d-byte message",
					read, written, len(msg)/4, len(msg))
			}
			if !tc.serverCompress && (read < int64(len(msg)) || written < int64(len(msg))) {
				t.Errorf("wire bytes read %d, written %d: want at least %d each way uncompressed", read, written, len(msg))
			}
		})
	}
}

// ---- gorilla client, sdk server ----

// interopServerSocket is what both server entry points need from a socket.
type interopServerSocket interface {
	Accept(w http.ResponseWriter, r *http.Request) error
	AcceptConn(ctx context.Context, nc net.Conn) error
	Close() error
}

// interopServerEntry starts an sdk server that accepts each connection on a
// socket from newSocket, and returns its host:port. Every socket, the
// server and its goroutines are closed and waited for at cleanup.
type interopServerEntry struct {
	name  string
	start func(t *testing.T, newSocket func() interopServerSocket) string
}

var interopServerEntries = []interopServerEntry{
	{"Accept", interopServeHTTP},
	{"AcceptConn", interopServeListener},
}

// interopSockets closes the server sockets a test created.
type interopSockets struct {
	mu   sync.Mutex
	list []interopServerSocket
}

func (s *interopSockets) add(ws interopServerSocket) {
	s.mu.Lock()
	s.list = append(s.list, ws)
	s.mu.Unlock()
}

func (s *interopSockets) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ws := range s.list {
		ws.Close()
	}
}

// interopServeHTTP serves newSocket's sockets with Accept under httptest.
func interopServeHTTP(t *testing.T, newSocket func() interopServerSocket) string {
	t.Helper()
	var (
		socks    interopSockets
		handlers sync.WaitGroup
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		ws := newSocket()
		socks.add(ws)
		if err := ws.Accept(w, r); err != nil {
			t.Logf("accept: %v", err)
		}
	}))
	t.Cleanup(func() {
		srv.Close()
		handlers.Wait()
		socks.closeAll()
	})
	return srv.Listener.Addr().String()
}

// interopServeListener serves newSocket's sockets with AcceptConn on a raw
// loopback listener, from an accept loop stopped at cleanup.
func interopServeListener(t *testing.T, newSocket func() interopServerSocket) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var (
		socks interopSockets
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			ws := newSocket()
			socks.add(ws)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := ws.AcceptConn(ctx, nc); err != nil {
					t.Logf("accept conn: %v", err)
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		cancel()
		wg.Wait()
		socks.closeAll()
	})
	return ln.Addr().String()
}

// interopPeer is a server-side sdk socket and the event it ended with. It
// announces itself on peers once its handshake has succeeded.
type interopPeer struct {
	ws     *sdk.MessageWebSocket
	closed chan sdk.ClosedEvent
	peers  chan<- *interopPeer
}

func (p *interopPeer) Accept(w http.ResponseWriter, r *http.Request) error {
	err := p.ws.Accept(w, r)
	if err == nil {
		p.peers <- p
	}
	return err
}

func (p *interopPeer) AcceptConn(ctx context.Context, nc net.Conn) error {
	err := p.ws.AcceptConn(ctx, nc)
	if err == nil {
		p.peers <- p
	}
	return err
}

func (p *interopPeer) Close() error { return p.ws.Close() }

// interopEchoPeers returns a socket factory for interopServerEntry.start
// whose sockets echo every message, and the channel that announces them.
func interopEchoPeers(t *testing.T, ctl sdk.Control) (func() interopServerSocket, <-chan *interopPeer) {
	peers := make(chan *interopPeer, 16)
	return func() interopServerSocket {
		p := &interopPeer{ws: sdk.NewMessageWebSocket(), closed: make(chan sdk.ClosedEvent, 1), peers: peers}
		p.ws.Control = ctl
		p.ws.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
			s.SetMessageType(m.Type)
			if err := s.Send(context.Background(), m.Data); err != nil {
				t.Errorf("server echo: %v", err)
			}
		})
		p.ws.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) { p.closed <- e })
		return p
	}, peers
}

func interopNextPeer(t *testing.T, peers <-chan *interopPeer) *interopPeer {
	t.Helper()
	select {
	case p := <-peers:
		return p
	case <-time.After(interopWait):
		t.Fatal("no connection reached the sdk server")
		return nil
	}
}

func interopPeerClosed(t *testing.T, p *interopPeer) sdk.ClosedEvent {
	t.Helper()
	select {
	case e := <-p.closed:
		return e
	case <-time.After(interopWait):
		t.Fatal("the server socket's OnClosed never ran")
		return sdk.ClosedEvent{}
	}
}

// interopDialGorilla connects a gorilla client, closed at cleanup.
func interopDialGorilla(t *testing.T, d websocket.Dialer, url string) (*websocket.Conn, *http.Response) {
	t.Helper()
	c, resp, err := d.DialContext(interopContext(t), url, nil)
	if err != nil {
		t.Fatalf("gorilla dial %s: %v", url, err)
	}
	t.Cleanup(func() { c.Close() })
	return c, resp
}

// gorillaCloseNormally runs gorilla's side of a close handshake it starts.
func gorillaCloseNormally(t *testing.T, c *websocket.Conn) {
	t.Helper()
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")
	if err := c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(interopWait)); err != nil {
		t.Fatalf("gorilla close: %v", err)
	}
	c.SetReadDeadline(time.Now().Add(interopWait))
	for range 1000 {
		if _, _, err := c.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				t.Errorf("gorilla close handshake ended with %v, want the echoed 1000", err)
			}
			return
		}
	}
	t.Error("server kept sending after the close frame")
}

func TestInteropGorillaClientEcho(t *testing.T) {
	big := interopPayload(1 << 20)
	cases := []struct {
		name     string
		typ      int
		msg      []byte
		writeBuf int  // gorilla's write buffer: a smaller message goes in several frames
		compress bool // gorilla and the sdk server both enable compression
	}{
		{"text non-ASCII", websocket.TextMessage, []byte("héllo wörld, 你好, 🎮"), 0, false},
		{"binary", websocket.BinaryMessage, []byte{0x00, 0xff, 0x10, 0x80}, 0, false},
		{"empty", websocket.BinaryMessage, []byte{}, 0, false},
		{"1 MiB", websocket.BinaryMessage, big, 0, false},
		{"fragmented binary", websocket.BinaryMessage, big[:20000], 512, false},
		{"fragmented text", websocket.TextMessage, []byte(strings.Repeat("ünïcödé ", 500)), 300, false},
		{"compressed text", websocket.TextMessage, interopCompressible(100 << 10), 0, true},
		{"compressed and fragmented", websocket.BinaryMessage, interopPayload(50 << 10), 1000, true},
	}
	for _, entry := range interopServerEntries {
		t.Run(entry.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					newSocket, peers := interopEchoPeers(t, sdk.Control{Compression: tc.compress})
					addr := entry.start(t, newSocket)
					d := websocket.Dialer{WriteBufferSize: tc.writeBuf, EnableCompression: tc.compress}
					c, resp := interopDialGorilla(t, d, "ws://"+addr+"/ws")
					peer := interopNextPeer(t, peers)
					if got := peer.ws.Information().Compression; got != tc.compress {
						t.Errorf("server Information().Compression = %v, want %v", got, tc.compress)
					}
					ext := resp.Header.Get("Sec-WebSocket-Extensions")
					if strings.Contains(ext, "permessage-deflate") != tc.compress {
						t.Errorf("server answered extensions %q, want permessage-deflate %v", ext, tc.compress)
					}
					if err := c.WriteMessage(tc.typ, tc.msg); err != nil {
						t.Fatalf("gorilla send: %v", err)
					}
					c.SetReadDeadline(time.Now().Add(interopWait))
					typ, got, err := c.ReadMessage()
					if err != nil {
						t.Fatalf("gorilla receive: %v", err)
					}
					if typ != tc.typ || !bytes.Equal(got, tc.msg) {
						t.Errorf("echo = type %d, %d bytes; want type %d and the %d bytes sent", typ, len(got), tc.typ, len(tc.msg))
					}
				})
			}
		})
	}
}

func TestInteropSDKServerAnswersGorillaPing(t *testing.T) {
	for _, entry := range interopServerEntries {
		t.Run(entry.name, func(t *testing.T) {
			newSocket, _ := interopEchoPeers(t, sdk.Control{})
			addr := entry.start(t, newSocket)
			c, _ := interopDialGorilla(t, websocket.Dialer{}, "ws://"+addr+"/ws")
			pongs := make(chan string, 1)
			c.SetPongHandler(func(data string) error {
				select {
				case pongs <- data:
				default:
				}
				return nil
			})
			// Pong handlers run inside gorilla's reads: keep reading until
			// the connection closes at cleanup.
			readerDone := make(chan struct{})
			go func() {
				defer close(readerDone)
				for {
					if _, _, err := c.ReadMessage(); err != nil {
						return
					}
				}
			}()
			t.Cleanup(func() { c.Close(); <-readerDone })
			if err := c.WriteControl(websocket.PingMessage, []byte("client-ping-7"), time.Now().Add(interopWait)); err != nil {
				t.Fatalf("gorilla ping: %v", err)
			}
			select {
			case data := <-pongs:
				if data != "client-ping-7" {
					t.Errorf("pong payload = %q, want %q", data, "client-ping-7")
				}
			case <-time.After(interopWait):
				t.Fatal("the sdk server never answered gorilla's ping")
			}
		})
	}
}

func TestInteropSDKServerBandwidthStatistics(t *testing.T) {
	msgs := []struct {
		typ int
		p   []byte
	}{
		{websocket.TextMessage, []byte("héllo")},
		{websocket.BinaryMessage, interopPayload(1000)},
		{websocket.BinaryMessage, nil},
		{websocket.BinaryMessage, interopPayload(70000)},
		{websocket.TextMessage, []byte("bye")},
	}
	var total uint64
	for _, m := range msgs {
		total += uint64(len(m.p))
	}
	for _, entry := range interopServerEntries {
		t.Run(entry.name, func(t *testing.T) {
			newSocket, peers := interopEchoPeers(t, sdk.Control{})
			addr := entry.start(t, newSocket)
			c, _ := interopDialGorilla(t, websocket.Dialer{}, "ws://"+addr+"/ws")
			peer := interopNextPeer(t, peers)
			c.SetReadDeadline(time.Now().Add(interopWait))
			for i, m := range msgs {
				if err := c.WriteMessage(m.typ, m.p); err != nil {
					t.Fatalf("gorilla send %d: %v", i, err)
				}
				if _, p, err := c.ReadMessage(); err != nil || !bytes.Equal(p, m.p) {
					t.Fatalf("echo %d: %d bytes, %v; want the %d bytes sent", i, len(p), err, len(m.p))
				}
			}
			gorillaCloseNormally(t, c)
			// Once closed, every echo has been counted.
			if e := interopPeerClosed(t, peer); e.Code != sdk.CloseNormal {
				t.Errorf("server closed with %d, want 1000", e.Code)
			}
			got := peer.ws.Information().BandwidthStatistics
			want := sdk.BandwidthStatistics{
				MessagesReceived: uint64(len(msgs)), MessagesSent: uint64(len(msgs)),
				BytesReceived: total, BytesSent: total,
			}
			got.InboundBitsPerSecond, got.OutboundBitsPerSecond = 0, 0
			if got != want {
				t.Errorf("server statistics = %+v, want %+v", got, want)
			}
		})
	}
}

func TestInteropSDKServerCloseHandshakeWithGorilla(t *testing.T) {
	for _, entry := range interopServerEntries {
		t.Run(entry.name, func(t *testing.T) {
			newSocket, peers := interopEchoPeers(t, sdk.Control{})
			addr := entry.start(t, newSocket)
			c, _ := interopDialGorilla(t, websocket.Dialer{}, "ws://"+addr+"/ws")
			peer := interopNextPeer(t, peers)
			// The close handshake needs gorilla to read: close from another
			// goroutine.
			closeErr := make(chan error, 1)
			go func() { closeErr <- peer.ws.CloseWithStatus(4002, "match over") }()
			c.SetReadDeadline(time.Now().Add(interopWait))
			_, _, err := c.ReadMessage()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != 4002 || ce.Text != "match over" {
				t.Errorf("gorilla read %v, want close 4002 \"match over\"", err)
			}
			if err := <-closeErr; err != nil {
				t.Errorf("server close: %v", err)
			}
			if e := interopPeerClosed(t, peer); e.Code != 4002 || e.Reason != "match over" {
				t.Errorf("server OnClosed saw %d %q, want 4002 \"match over\"", e.Code, e.Reason)
			}
		})
	}
}

func TestInteropSDKServerMessageTooBig(t *testing.T) {
	const limit = 1024
	cases := []struct {
		name     string
		msg      []byte
		writeBuf int
		compress bool
	}{
		// Sizes are such that the server has read every byte sent when it
		// closes, so that the close frame is not lost to a TCP reset.
		{"one frame", interopPayload(2000), 0, false},
		{"fragments under the limit, message over it", interopPayload(1100), 400, false},
		{"compressed, over the limit once inflated", make([]byte, 64<<10), 0, true},
	}
	for _, entry := range interopServerEntries {
		t.Run(entry.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					newSocket, peers := interopEchoPeers(t, sdk.Control{MaxMessageSize: limit, Compression: tc.compress})
					addr := entry.start(t, newSocket)
					d := websocket.Dialer{WriteBufferSize: tc.writeBuf, EnableCompression: tc.compress}
					c, _ := interopDialGorilla(t, d, "ws://"+addr+"/ws")
					peer := interopNextPeer(t, peers)
					if err := c.WriteMessage(websocket.BinaryMessage, tc.msg); err != nil {
						t.Fatalf("gorilla send: %v", err)
					}
					c.SetReadDeadline(time.Now().Add(interopWait))
					_, _, err := c.ReadMessage()
					if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
						t.Errorf("gorilla read %v, want close 1009 (CloseMessageTooBig)", err)
					}
					if e := interopPeerClosed(t, peer); e.Code != sdk.CloseMessageTooBig {
						t.Errorf("server OnClosed code = %d (%v), want 1009", e.Code, e.Err)
					}
				})
			}
		})
	}
}

func TestInteropSDKServerRefusesBadData(t *testing.T) {
	cases := []struct {
		name   string
		stream bool // the server is a StreamWebSocket
		msg    []byte
		want   int
	}{
		{"invalid UTF-8 byte", false, []byte("ok \xff\xfe not ok"), websocket.CloseInvalidFramePayloadData},
		{"truncated UTF-8 sequence", false, []byte("cut \xe2\x82"), websocket.CloseInvalidFramePayloadData},
		{"UTF-16 surrogate", false, []byte("\xed\xa0\x80"), websocket.CloseInvalidFramePayloadData},
		{"text on a stream socket", true, []byte("hello"), websocket.CloseUnsupportedData},
	}
	for _, entry := range interopServerEntries {
		t.Run(entry.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					closed := make(chan sdk.ClosedEvent, 1)
					newSocket := func() interopServerSocket {
						if tc.stream {
							s := sdk.NewStreamWebSocket()
							s.OnClosed(func(_ *sdk.StreamWebSocket, e sdk.ClosedEvent) { closed <- e })
							return s
						}
						s := sdk.NewMessageWebSocket()
						s.OnMessageReceived(func(*sdk.MessageWebSocket, sdk.Message) {
							t.Error("the server delivered a message it should have refused")
						})
						s.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) { closed <- e })
						return s
					}
					addr := entry.start(t, newSocket)
					c, _ := interopDialGorilla(t, websocket.Dialer{}, "ws://"+addr+"/ws")
					if err := c.WriteMessage(websocket.TextMessage, tc.msg); err != nil {
						t.Fatalf("gorilla send: %v", err)
					}
					c.SetReadDeadline(time.Now().Add(interopWait))
					_, _, err := c.ReadMessage()
					if !websocket.IsCloseError(err, tc.want) {
						t.Errorf("gorilla read %v, want close %d", err, tc.want)
					}
					select {
					case e := <-closed:
						if int(e.Code) != tc.want {
							t.Errorf("server OnClosed code = %d (%v), want %d", e.Code, e.Err, tc.want)
						}
					case <-time.After(interopWait):
						t.Fatal("the server socket's OnClosed never ran")
					}
				})
			}
		})
	}
}
