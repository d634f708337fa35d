package sdk_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/internal/frame"
	"github.com/gobwas/ws"
)

// eventWait bounds every wait for an event, so that a missing event fails
// the test instead of hanging it.
const eventWait = 20 * time.Second

// ---- an sdk server that echoes, for misbehaving and well-behaved peers ----

// serverOptions configures a testServer.
type serverOptions struct {
	acceptConn bool // serve with AcceptConn on a net.Listener instead of Accept under httptest
	stream     bool // serve StreamWebSocket instead of MessageWebSocket
	ctl        sdk.Control
	observe    func(sdk.Message) // sees each message a MessageWebSocket server receives, before the echo
}

// serverSocket is what MessageWebSocket and StreamWebSocket have in common on
// the server side.
type serverSocket interface {
	Accept(w http.ResponseWriter, r *http.Request) error
	AcceptConn(ctx context.Context, nc net.Conn) error
	Close() error
	Information() sdk.Information
}

// keyed is an event about the peer at a remote address.
type keyed[T any] struct {
	remote string
	v      T
}

// eventsByPeer collects events of many connections and hands them out by the
// peer's address, whatever order they arrive in.
type eventsByPeer[T any] struct {
	ch      chan keyed[T]
	pending map[string]T
}

func newEventsByPeer[T any]() *eventsByPeer[T] {
	return &eventsByPeer[T]{ch: make(chan keyed[T], 256), pending: map[string]T{}}
}

// put records an event without ever blocking the socket's goroutine.
func (e *eventsByPeer[T]) put(t *testing.T, remote string, v T) {
	select {
	case e.ch <- keyed[T]{remote, v}:
	default:
		t.Errorf("event queue full; dropped the event of %s", remote)
	}
}

// wait returns the event of the peer at remote. Only the test goroutine calls it.
func (e *eventsByPeer[T]) wait(t *testing.T, remote string) T {
	t.Helper()
	timeout := time.NewTimer(eventWait)
	defer timeout.Stop()
	for {
		if v, ok := e.pending[remote]; ok {
			delete(e.pending, remote)
			return v
		}
		select {
		case k := <-e.ch:
			e.pending[k.remote] = k.v
		case <-timeout.C:
			t.Fatalf("no server event for peer %s", remote)
		}
	}
}

// testServer serves sdk sockets that echo what they receive: messages on a
// MessageWebSocket, bytes on a StreamWebSocket. It records each socket's
// Closed event and each failed AcceptConn by the peer's address.
type testServer struct {
	t          *testing.T
	opts       serverOptions
	URL        string // ws://127.0.0.1:port/ws
	Addr       string // 127.0.0.1:port
	closed     *eventsByPeer[sdk.ClosedEvent]
	acceptErrs *eventsByPeer[error]

	mu         sync.Mutex
	socks      []serverSocket
	handshakes sync.WaitGroup // accept loop, handshakes and HTTP handlers in progress
	copies     sync.WaitGroup // stream echo goroutines
}

func newTestServer(t *testing.T, opts serverOptions) *testServer {
	t.Helper()
	s := &testServer{t: t, opts: opts, closed: newEventsByPeer[sdk.ClosedEvent](), acceptErrs: newEventsByPeer[error]()}
	var stop func()
	if opts.acceptConn {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		s.Addr = ln.Addr().String()
		s.handshakes.Add(1)
		go s.acceptLoop(ctx, ln)
		stop = func() { cancel(); ln.Close() }
	} else {
		srv := httptest.NewServer(http.HandlerFunc(s.serveHTTP))
		s.Addr = srv.Listener.Addr().String()
		stop = srv.Close
	}
	s.URL = "ws://" + s.Addr + "/ws"
	t.Cleanup(func() {
		stop()
		s.handshakes.Wait()
		s.mu.Lock()
		socks := s.socks
		s.mu.Unlock()
		for _, sock := range socks {
			sock.Close()
		}
		s.copies.Wait()
	})
	return s
}

func (s *testServer) acceptLoop(ctx context.Context, ln net.Listener) {
	defer s.handshakes.Done()
	for {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		s.handshakes.Add(1)
		go func() {
			defer s.handshakes.Done()
			sock := s.newSocket()
			remote := nc.RemoteAddr().String()
			if err := sock.AcceptConn(ctx, nc); err != nil {
				s.acceptErrs.put(s.t, remote, err)
				return
			}
			s.started(sock)
		}()
	}
}

func (s *testServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// httptest's Close does not wait for a handler whose connection was
	// hijacked; the cleanup waits for it here. Add runs before the hijack, so
	// before Close returns.
	s.handshakes.Add(1)
	defer s.handshakes.Done()
	sock := s.newSocket()
	if err := sock.Accept(w, r); err != nil {
		s.acceptErrs.put(s.t, r.RemoteAddr, err)
		return
	}
	s.started(sock)
}

// newSocket makes a server socket and registers it for closing at cleanup.
func (s *testServer) newSocket() serverSocket {
	var sock serverSocket
	if s.opts.stream {
		st := sdk.NewStreamWebSocket()
		st.Control = s.opts.ctl
		st.OnClosed(func(st *sdk.StreamWebSocket, e sdk.ClosedEvent) {
			s.closed.put(s.t, st.Information().RemoteAddress.String(), e)
		})
		sock = st
	} else {
		m := sdk.NewMessageWebSocket()
		m.Control = s.opts.ctl
		m.OnMessageReceived(func(m *sdk.MessageWebSocket, msg sdk.Message) {
			if s.opts.observe != nil {
				s.opts.observe(msg)
			}
			m.SetMessageType(msg.Type)
			_ = m.Send(context.Background(), msg.Data) // fails only once the peer has gone
		})
		m.OnClosed(func(m *sdk.MessageWebSocket, e sdk.ClosedEvent) {
			s.closed.put(s.t, m.Information().RemoteAddress.String(), e)
		})
		sock = m
	}
	s.mu.Lock()
	s.socks = append(s.socks, sock)
	s.mu.Unlock()
	return sock
}

// started runs the echo of a stream socket once its handshake is done.
func (s *testServer) started(sock serverSocket) {
	if st, ok := sock.(*sdk.StreamWebSocket); ok {
		s.copies.Add(1)
		go func() {
			defer s.copies.Done()
			_, _ = io.Copy(st, st)
		}()
	}
}

// checkServesGoodClient proves the server still serves a well-behaved sdk
// client: one echo round trip.
func (s *testServer) checkServesGoodClient(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), eventWait)
	defer cancel()
	want := []byte("still serving")
	if s.opts.stream {
		c := sdk.NewStreamWebSocket()
		defer c.Close()
		if err := c.Connect(ctx, s.URL); err != nil {
			t.Fatalf("good client: %v", err)
		}
		if _, err := c.WriteContext(ctx, want); err != nil {
			t.Fatalf("good client write: %v", err)
		}
		got := make([]byte, len(want))
		c.SetReadDeadline(time.Now().Add(eventWait))
		if _, err := io.ReadFull(c, got); err != nil || string(got) != string(want) {
			t.Fatalf("good client read %q, %v; want %q", got, err, want)
		}
		return
	}
	c := sdk.NewMessageWebSocket()
	defer c.Close()
	if err := c.Connect(ctx, s.URL); err != nil {
		t.Fatalf("good client: %v", err)
	}
	if err := c.Send(ctx, want); err != nil {
		t.Fatalf("good client send: %v", err)
	}
	m, err := c.Receive(ctx)
	if err != nil || string(m.Data) != string(want) {
		t.Fatalf("good client got %q, %v; want %q", m.Data, err, want)
	}
}

// ---- a raw TCP WebSocket client that can break every rule ----

// rawClient is a WebSocket client written by hand over TCP.
type rawClient struct {
	nc net.Conn
	br *bufio.Reader
}

// dialRaw connects to addr over plain TCP. Every I/O on it fails after
// eventWait rather than hang.
func dialRaw(t *testing.T, addr string) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(eventWait))
	return &rawClient{nc: nc, br: bufio.NewReader(nc)}
}

// local is the client's address as the server sees it.
func (c *rawClient) local() string { return c.nc.LocalAddr().String() }

const (
	upgradeKey    = "dGhlIHNhbXBsZSBub25jZQ=="     // RFC 6455, section 1.3
	upgradeAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" // its expected answer
)

// upgrade runs the opening handshake by hand and checks the 101 answer.
func (c *rawClient) upgrade(t *testing.T) {
	t.Helper()
	c.write(t, []byte("GET /ws HTTP/1.1\r\nHost: "+c.nc.RemoteAddr().String()+
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "+upgradeKey+
		"\r\nSec-WebSocket-Version: 13\r\n\r\n"))
	res := c.readResponse(t)
	if res.StatusCode != http.StatusSwitchingProtocols || res.Header.Get("Sec-WebSocket-Accept") != upgradeAccept {
		t.Fatalf("upgrade answered %s, accept %q", res.Status, res.Header.Get("Sec-WebSocket-Accept"))
	}
}

func (c *rawClient) write(t *testing.T, p []byte) {
	t.Helper()
	if _, err := c.nc.Write(p); err != nil {
		t.Fatalf("raw write: %v", err)
	}
}

func (c *rawClient) readResponse(t *testing.T) *http.Response {
	t.Helper()
	res, err := http.ReadResponse(c.br, nil)
	if err != nil {
		t.Fatalf("reading the HTTP answer: %v", err)
	}
	res.Body.Close()
	return res
}

// readFrame reads one frame from the server.
func (c *rawClient) readFrame(t *testing.T) ws.Frame {
	t.Helper()
	h, err := ws.ReadHeader(c.br)
	if err != nil {
		t.Fatalf("reading a frame header from the server: %v", err)
	}
	if h.Length > 1<<20 {
		t.Fatalf("server announced a %d-byte frame", h.Length)
	}
	f := ws.Frame{Header: h, Payload: make([]byte, h.Length)}
	if _, err := io.ReadFull(c.br, f.Payload); err != nil {
		t.Fatalf("reading a frame payload from the server: %v", err)
	}
	if f.Header.Masked {
		t.Fatalf("server sent a masked frame")
	}
	return f
}

// readClose reads frames until the server's close frame and returns its code
// and reason.
func (c *rawClient) readClose(t *testing.T) (sdk.CloseCode, string) {
	t.Helper()
	for range 64 {
		f := c.readFrame(t)
		if f.Header.OpCode != ws.OpClose {
			continue
		}
		if len(f.Payload) < 2 {
			t.Fatalf("close frame without a code: % x", f.Payload)
		}
		// Answer as RFC 6455 asks, which ends the server's closing handshake.
		c.write(t, maskedFrame(true, 0, frame.OpClose, f.Payload))
		return sdk.CloseCode(binary.BigEndian.Uint16(f.Payload)), string(f.Payload[2:])
	}
	t.Fatal("no close frame among 64 frames")
	return 0, ""
}

// ---- frame builders ----

var testMask = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// maskedFrame is a client frame with any header bits, masked as a client must.
func maskedFrame(fin bool, rsv byte, op frame.Op, payload []byte) []byte {
	return encodeFrame(frame.Header{Fin: fin, Rsv: rsv, Op: op, Masked: true, Mask: testMask, Length: int64(len(payload))}, payload)
}

// unmaskedFrame is a frame as a server sends it.
func unmaskedFrame(fin bool, op frame.Op, payload []byte) []byte {
	return encodeFrame(frame.Header{Fin: fin, Op: op, Length: int64(len(payload))}, payload)
}

func encodeFrame(h frame.Header, payload []byte) []byte {
	b := make([]byte, frame.MaxHeaderSize+len(payload))
	n := frame.Put(b, h)
	p := b[n : n+copy(b[n:], payload)]
	if h.Masked {
		frame.Cipher(p, h.Mask, 0)
	}
	return b[:n+len(p)]
}

func closePayload(code uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, code), reason...)
}

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// closeStatusOf is the WebErrorStatus a server reports for a violation it
// answered with code.
func closeStatusOf(code sdk.CloseCode) sdk.WebErrorStatus {
	if code == sdk.CloseMessageTooBig {
		return sdk.StatusRequestEntityTooLarge
	}
	return sdk.StatusErrorHTTPInvalidServerResponse
}

// ---- tests ----

// badInputMaxMessageSize is the servers' MaxMessageSize in the bad input tests.
const badInputMaxMessageSize = 1000

func TestBadFramesAreRefusedWithTheRightCloseCode(t *testing.T) {
	fragment400 := make([]byte, 400)
	cases := []struct {
		name string
		wire []byte
		want sdk.CloseCode
	}{
		{"unmasked client frame", unmaskedFrame(true, frame.OpText, []byte("hi")), sdk.CloseProtocolError},
		{"reserved opcode 0x3", maskedFrame(true, 0, 0x3, []byte("x")), sdk.CloseProtocolError},
		{"RSV1 without compression", maskedFrame(true, frame.Rsv1, frame.OpText, []byte("x")), sdk.CloseProtocolError},
		{"continuation without start", maskedFrame(true, 0, frame.OpContinuation, []byte("x")), sdk.CloseProtocolError},
		{"new text frame inside a fragmented message", concat(
			maskedFrame(false, 0, frame.OpText, []byte("a")),
			maskedFrame(true, 0, frame.OpText, []byte("b"))), sdk.CloseProtocolError},
		{"control frame over 125 bytes", maskedFrame(true, 0, frame.OpPing, make([]byte, 126)), sdk.CloseProtocolError},
		{"fragmented ping", maskedFrame(false, 0, frame.OpPing, []byte("p")), sdk.CloseProtocolError},
		{"64-bit length with the top bit set", concat(
			[]byte{0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 1}, testMask[:]), sdk.CloseProtocolError},
		{"close code 1005 on the wire", maskedFrame(true, 0, frame.OpClose, closePayload(1005, "")), sdk.CloseProtocolError},
		{"close code 999", maskedFrame(true, 0, frame.OpClose, closePayload(999, "")), sdk.CloseProtocolError},
		{"close frame with a 1-byte payload", maskedFrame(true, 0, frame.OpClose, []byte{0x03}), sdk.CloseProtocolError},
		{"invalid UTF-8 in a text frame", maskedFrame(true, 0, frame.OpText, []byte{'a', 0xff, 'b'}), sdk.CloseInvalidPayload},
		{"invalid UTF-8 split across fragments", concat(
			maskedFrame(false, 0, frame.OpText, []byte{'a', 0xe2, 0x82}),
			maskedFrame(true, 0, frame.OpContinuation, []byte{0x28, 'b'})), sdk.CloseInvalidPayload},
		{"truncated rune at the end of a text message", maskedFrame(true, 0, frame.OpText, []byte{'a', 0xe2, 0x82}), sdk.CloseInvalidPayload},
		{"message over MaxMessageSize across fragments", concat(
			maskedFrame(false, 0, frame.OpBinary, fragment400),
			maskedFrame(false, 0, frame.OpContinuation, fragment400),
			maskedFrame(true, 0, frame.OpContinuation, fragment400)), sdk.CloseMessageTooBig},
	}
	for _, path := range []struct {
		name       string
		acceptConn bool
	}{{"Accept", false}, {"AcceptConn", true}} {
		t.Run(path.name, func(t *testing.T) {
			srv := newTestServer(t, serverOptions{acceptConn: path.acceptConn,
				ctl: sdk.Control{MaxMessageSize: badInputMaxMessageSize}})
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					c := dialRaw(t, srv.Addr)
					c.upgrade(t)
					// One write, so the server reads the whole crafted input
					// before it refuses it.
					c.write(t, tc.wire)
					code, reason := c.readClose(t)
					if code != tc.want {
						t.Errorf("server closed with %d (%s), want %d", code, reason, tc.want)
					}
					ev := srv.closed.wait(t, c.local())
					if ev.Code != tc.want || sdk.GetStatus(ev.Err) != closeStatusOf(tc.want) {
						t.Errorf("server OnClosed: code %d, status %v (%v); want %d, %v",
							ev.Code, sdk.GetStatus(ev.Err), ev.Err, tc.want, closeStatusOf(tc.want))
					}
					var ce *sdk.CloseError
					if !errors.As(ev.Err, &ce) || ce.Remote {
						t.Errorf("server OnClosed error %v: want a local *sdk.CloseError", ev.Err)
					}
					srv.checkServesGoodClient(t)
				})
			}
		})
	}
}

func TestUTF8SplitAcrossFragmentsIsAccepted(t *testing.T) {
	for _, acceptConn := range []bool{false, true} {
		srv := newTestServer(t, serverOptions{acceptConn: acceptConn})
		c := dialRaw(t, srv.Addr)
		c.upgrade(t)
		// "€!" with the euro sign's three bytes in three fragments.
		c.write(t, concat(
			maskedFrame(false, 0, frame.OpText, []byte{0xe2}),
			maskedFrame(false, 0, frame.OpContinuation, []byte{0x82}),
			maskedFrame(true, 0, frame.OpContinuation, []byte{0xac, '!'})))
		f := c.readFrame(t)
		if f.Header.OpCode != ws.OpText || !f.Header.Fin || string(f.Payload) != "€!" {
			t.Fatalf("acceptConn=%v: echo op %v fin %v payload %q; want a text frame \"€!\"",
				acceptConn, f.Header.OpCode, f.Header.Fin, f.Payload)
		}
		c.write(t, maskedFrame(true, 0, frame.OpClose, closePayload(1000, "done")))
		if code, _ := c.readClose(t); code != sdk.CloseNormal {
			t.Errorf("acceptConn=%v: close answered with %d, want 1000", acceptConn, code)
		}
		if ev := srv.closed.wait(t, c.local()); ev.Code != sdk.CloseNormal || ev.Reason != "done" {
			t.Errorf("acceptConn=%v: server OnClosed %d %q, want 1000 \"done\"", acceptConn, ev.Code, ev.Reason)
		}
	}
}

func TestTextFrameOnStreamServerIsRefusedWith1003(t *testing.T) {
	for _, acceptConn := range []bool{false, true} {
		srv := newTestServer(t, serverOptions{acceptConn: acceptConn, stream: true})
		c := dialRaw(t, srv.Addr)
		c.upgrade(t)
		c.write(t, maskedFrame(true, 0, frame.OpText, []byte("text")))
		if code, reason := c.readClose(t); code != sdk.CloseUnsupportedData {
			t.Errorf("acceptConn=%v: server closed with %d (%s), want 1003", acceptConn, code, reason)
		}
		ev := srv.closed.wait(t, c.local())
		if ev.Code != sdk.CloseUnsupportedData || sdk.GetStatus(ev.Err) != sdk.StatusErrorHTTPInvalidServerResponse {
			t.Errorf("acceptConn=%v: server OnClosed code %d status %v, want 1003, %v",
				acceptConn, ev.Code, sdk.GetStatus(ev.Err), sdk.StatusErrorHTTPInvalidServerResponse)
		}
		srv.checkServesGoodClient(t)
	}
}

func TestBadHandshakeGetsAnHTTPError(t *testing.T) {
	cases := []struct {
		name       string
		acceptConn bool
		request    string
		want       int // the exact status, or 0 for any 4xx
	}{
		{"Accept/garbage", false, "this is not HTTP\r\n\r\n", 0},
		{"AcceptConn/garbage", true, "this is not HTTP\r\n\r\n", 0},
		{"Accept/GET without upgrade headers", false, "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusUpgradeRequired},
		{"AcceptConn/GET without upgrade headers", true, "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTestServer(t, serverOptions{acceptConn: tc.acceptConn})
			c := dialRaw(t, srv.Addr)
			c.write(t, []byte(tc.request))
			res := c.readResponse(t)
			t.Logf("answered %q", res.Status)
			if tc.want != 0 && res.StatusCode != tc.want || res.StatusCode < 400 || res.StatusCode > 499 {
				t.Errorf("answered %q; want 4xx (exactly %d if not 0)", res.Status, tc.want)
			}
			srv.checkServesGoodClient(t)
		})
	}
}

func TestAcceptConnDropsASilentPeerAfterConnectTimeout(t *testing.T) {
	srv := newTestServer(t, serverOptions{acceptConn: true, ctl: sdk.Control{ConnectTimeout: 300 * time.Millisecond}})
	c := dialRaw(t, srv.Addr)
	// The server must close the connection: ReadAll ends on EOF, not on the
	// client's own deadline.
	if _, err := io.ReadAll(c.nc); err != nil {
		t.Fatalf("waiting for the server to drop the silent peer: %v", err)
	}
	err := srv.acceptErrs.wait(t, c.local())
	var e *sdk.Error
	if !errors.As(err, &e) || e.Op != "accept" || !errors.Is(err, sdk.StatusTimeout) {
		t.Errorf("AcceptConn returned %v; want an accept *sdk.Error with StatusTimeout", err)
	}
	if !strings.Contains(err.Error(), "timed out") {
		t.Errorf("AcceptConn error %q does not say it timed out", err)
	}
	srv.checkServesGoodClient(t)
}
