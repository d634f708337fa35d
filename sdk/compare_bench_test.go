package sdk_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	coder "github.com/coder/websocket"
	gorilla "github.com/gorilla/websocket"
	"github.com/lxzan/gws"
)

// This file measures the other Go WebSocket libraries the way
// BenchmarkEchoGobwas measures gobwas/ws: one client and one server of the
// same library over loopback TCP, a binary echo round trip per op, each
// library used the way its documentation recommends for speed. Compression
// is off everywhere, as in the sdk and gobwas benchmarks.

// peerEcho runs n echo round trips of p between one client and one server of
// a library. It checks the length of every echo and the content of the first
// and the last, so that a broken pair can never be measured as a fast one.
type peerEcho func(p []byte, n int) error

// peerLibraries drives TestEchoPeers and BenchmarkEchoPeers: each entry
// starts one echo pair, closed and waited for when tb ends.
var peerLibraries = []struct {
	name  string
	start func(tb testing.TB) peerEcho
}{
	{"gorilla", startGorillaEchoPair},
	{"coder", startCoderEchoPair},
	{"gws", startGWSEchoPair},
}

// peerReadLimit lets every library read the largest echoCases message (coder
// refuses messages over 32 KiB by default).
const peerReadLimit = 4 << 20

// checkEcho checks echo i of n against the message sent.
func checkEcho(i, n int, got, want []byte) error {
	if len(got) != len(want) {
		return fmt.Errorf("echo %d: %d bytes, want %d", i, len(got), len(want))
	}
	if (i == 0 || i == n-1) && !bytes.Equal(got, want) {
		return fmt.Errorf("echo %d: the %d bytes differ from those sent", i, len(got))
	}
	return nil
}

// readWhole reads r to its end into buf's storage, grown when too small, and
// returns the message: io.ReadAll without an allocation per message.
func readWhole(r io.Reader, buf []byte) ([]byte, error) {
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// serveHTTPPeer serves handler on a loopback listener until tb ends and
// returns the ws:// URL. handler runs on the request's goroutine, may hijack
// the connection and returns when it ends. At the end the server and every
// connection it accepted, hijacked or not, are closed, and every handler has
// returned.
func serveHTTPPeer(tb testing.TB, handler http.HandlerFunc) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		conns  []net.Conn
		closed bool
	)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			if closed {
				mu.Unlock()
				return
			}
			wg.Add(1)
			mu.Unlock()
			defer wg.Done()
			handler(w, r)
		}),
		ConnState: func(nc net.Conn, state http.ConnState) {
			if state == http.StateNew {
				mu.Lock()
				conns = append(conns, nc)
				mu.Unlock()
			}
		},
		ReadHeaderTimeout: benchWait,
	}
	wg.Go(func() { _ = srv.Serve(ln) })
	tb.Cleanup(func() {
		srv.Close()
		mu.Lock()
		closed = true
		for _, nc := range conns {
			nc.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "ws://" + ln.Addr().String() + "/echo"
}

// ---- gorilla/websocket ----

// gorillaWriteBuffer holds the largest benchmarked message and its header,
// as gorilla's documentation advises for speed ("Buffers"): gorilla sends a
// frame in write-buffer-sized pieces, and with its 4 KiB default a 16 KiB
// echo takes about twice as long, split over several writes and wake-ups.
// The read buffer keeps the default, the size gobwasEcho reads with.
const gorillaWriteBuffer = 32 << 10

// startGorillaEchoPair reads with NextReader into a reused buffer at both
// ends: ReadMessage would allocate each message with io.ReadAll. It writes
// with WriteMessage, which is allocation-free on the server side.
func startGorillaEchoPair(tb testing.TB) peerEcho {
	tb.Helper()
	up := gorilla.Upgrader{WriteBufferSize: gorillaWriteBuffer}
	url := serveHTTPPeer(tb, func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			tb.Errorf("gorilla upgrade: %v", err)
			return
		}
		defer c.Close()
		c.SetReadLimit(peerReadLimit)
		var buf []byte
		for {
			typ, rd, err := c.NextReader()
			if err != nil {
				return // the client's close frame, or its connection closing
			}
			if buf, err = readWhole(rd, buf); err != nil {
				return
			}
			if err := c.WriteMessage(typ, buf); err != nil {
				return
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), benchWait)
	defer cancel()
	d := gorilla.Dialer{WriteBufferSize: gorillaWriteBuffer}
	c, _, err := d.DialContext(ctx, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	c.SetReadLimit(peerReadLimit)
	tb.Cleanup(func() {
		msg := gorilla.FormatCloseMessage(gorilla.CloseNormalClosure, "")
		_ = c.WriteControl(gorilla.CloseMessage, msg, time.Now().Add(benchWait))
		c.Close()
	})
	var buf []byte
	return func(p []byte, n int) error {
		for i := range n {
			if err := c.WriteMessage(gorilla.BinaryMessage, p); err != nil {
				return err
			}
			_, rd, err := c.NextReader()
			if err != nil {
				return err
			}
			if buf, err = readWhole(rd, buf); err != nil {
				return err
			}
			if err := checkEcho(i, n, buf, p); err != nil {
				return err
			}
		}
		return nil
	}
}

// ---- coder/websocket ----

// startCoderEchoPair reads with Reader into a reused buffer at both ends
// (Read allocates each message with io.ReadAll) and writes with Write. The
// context is Background, which has no Done channel: coder arms no timer for
// it. coder has no buffer size option: its client masks and writes a frame
// in 4 KiB pieces.
func startCoderEchoPair(tb testing.TB) peerEcho {
	tb.Helper()
	url := serveHTTPPeer(tb, func(w http.ResponseWriter, r *http.Request) {
		c, err := coder.Accept(w, r, &coder.AcceptOptions{CompressionMode: coder.CompressionDisabled})
		if err != nil {
			tb.Errorf("coder accept: %v", err)
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(peerReadLimit)
		ctx := context.Background()
		var buf []byte
		for {
			typ, rd, err := c.Reader(ctx)
			if err != nil {
				return // Reader has answered the client's close frame
			}
			if buf, err = readWhole(rd, buf); err != nil {
				return
			}
			if err := c.Write(ctx, typ, buf); err != nil {
				return
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), benchWait)
	defer cancel()
	transport := &http.Transport{}
	c, _, err := coder.Dial(ctx, url, &coder.DialOptions{
		HTTPClient:      &http.Client{Transport: transport},
		CompressionMode: coder.CompressionDisabled,
	})
	if err != nil {
		tb.Fatal(err)
	}
	c.SetReadLimit(peerReadLimit)
	tb.Cleanup(func() {
		// The close handshake: the server's Reader answers it.
		_ = c.Close(coder.StatusNormalClosure, "")
		transport.CloseIdleConnections()
	})
	bg := context.Background()
	var buf []byte
	return func(p []byte, n int) error {
		for i := range n {
			if err := c.Write(bg, coder.MessageBinary, p); err != nil {
				return err
			}
			_, rd, err := c.Reader(bg)
			if err != nil {
				return err
			}
			if buf, err = readWhole(rd, buf); err != nil {
				return err
			}
			if err := checkEcho(i, n, buf, p); err != nil {
				return err
			}
		}
		return nil
	}
}

// ---- lxzan/gws ----

// gwsEchoServer sends every message back from OnMessage, on the connection's
// read goroutine (ParallelEnabled is off).
type gwsEchoServer struct{ gws.BuiltinEventHandler }

func (gwsEchoServer) OnMessage(s *gws.Conn, m *gws.Message) {
	defer m.Close() // gives the buffer back to gws's pool
	_ = s.WriteMessage(m.Opcode, m.Bytes())
}

// gwsRun is one call of the client's peerEcho: the client's OnMessage checks
// each echo and sends the next message itself, and sends on done after the
// last one or the first failure.
type gwsRun struct {
	p    []byte
	n, i int // i is touched only by the read goroutine
	err  error
	done chan struct{}
}

// gwsEchoClient drives the round trips from its OnMessage, the event-driven
// way: no goroutine hand-off at either end.
type gwsEchoClient struct {
	gws.BuiltinEventHandler
	run    atomic.Pointer[gwsRun]
	closed chan struct{} // closed by OnClose
}

func (h *gwsEchoClient) OnMessage(s *gws.Conn, m *gws.Message) {
	defer m.Close()
	r := h.run.Load()
	if r == nil {
		return // the server echoes only what the client sent
	}
	r.err = checkEcho(r.i, r.n, m.Bytes(), r.p)
	r.i++
	if r.err == nil && r.i < r.n {
		if r.err = s.WriteMessage(gws.OpcodeBinary, r.p); r.err == nil {
			return
		}
	}
	h.run.Store(nil)
	r.done <- struct{}{}
}

func (h *gwsEchoClient) OnClose(*gws.Conn, error) { close(h.closed) }

// startGWSEchoPair serves gws connections from its own accept loop, with
// Upgrader.UpgradeFromConn, rather than Server.RunListener: RunListener
// never returns once its listener is closed (it retries Accept forever), so
// it cannot be shut down.
func startGWSEchoPair(tb testing.TB) peerEcho {
	tb.Helper()
	url := serveGWS(tb)
	h := &gwsEchoClient{closed: make(chan struct{})}
	c, _, err := gws.NewClient(h, &gws.ClientOption{Addr: url, ReadMaxPayloadSize: peerReadLimit, HandshakeTimeout: benchWait})
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(c.ReadLoop)
	tb.Cleanup(func() {
		// Sends a close frame and closes the connection: ReadLoop ends.
		_ = c.WriteClose(1000, nil)
		wg.Wait()
	})
	return func(p []byte, n int) error {
		r := &gwsRun{p: p, n: n, done: make(chan struct{}, 1)}
		h.run.Store(r)
		if err := c.WriteMessage(gws.OpcodeBinary, p); err != nil {
			return err
		}
		select {
		case <-r.done:
			return r.err
		case <-h.closed:
			return errors.New("gws: connection closed during the echoes")
		case <-time.After(benchWait):
			return errors.New("gws: echoes timed out")
		}
	}
}

// serveGWS upgrades connections on a loopback listener with gws until tb
// ends, each read by its own goroutine, and returns the ws:// URL.
func serveGWS(tb testing.TB) string {
	tb.Helper()
	up := gws.NewUpgrader(gwsEchoServer{}, &gws.ServerOption{ReadMaxPayloadSize: peerReadLimit, HandshakeTimeout: benchWait})
	return serveRawConns(tb, "/echo", func(nc net.Conn) {
		br := bufio.NewReaderSize(nc, 4<<10)
		req, err := http.ReadRequest(br)
		if err != nil {
			nc.Close()
			return
		}
		s, err := up.UpgradeFromConn(nc, br, req)
		if err != nil {
			tb.Errorf("gws upgrade: %v", err)
			return
		}
		s.ReadLoop()
	})
}

// ---- tests and benchmarks ----

// TestEchoPeers runs each library's echo pair twice per echoCases size and
// checks that both echoes come back byte for byte: the code that
// BenchmarkEchoPeers measures works.
func TestEchoPeers(t *testing.T) {
	for _, lib := range peerLibraries {
		t.Run(lib.name, func(t *testing.T) {
			echo := lib.start(t)
			for _, tc := range echoCases {
				t.Run(tc.name, func(t *testing.T) {
					if err := echo(echoPayload(tc.size), 2); err != nil {
						t.Fatal(err)
					}
				})
			}
		})
	}
}

// BenchmarkEchoPeers is BenchmarkEchoGobwas for gorilla/websocket,
// coder/websocket and lxzan/gws: one round trip per op between a client and
// a server of the same library; MB/s counts the message one way, allocs/op
// both ends.
func BenchmarkEchoPeers(b *testing.B) {
	for _, lib := range peerLibraries {
		for _, tc := range echoCases {
			if !tc.bench {
				continue
			}
			p := echoPayload(tc.size)
			b.Run(lib.name+"/"+tc.name, func(b *testing.B) {
				echo := lib.start(b)
				b.ReportAllocs()
				b.SetBytes(int64(tc.size))
				b.ResetTimer()
				if err := echo(p, b.N); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
			})
		}
	}
}
