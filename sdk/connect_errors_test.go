package sdk_test

import (
	"bufio"
	"context"
	"errors"
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

// shortTimeout is the timeout the tests configure when they want one to
// expire. Nothing asserts how long it took.
const shortTimeout = 300 * time.Millisecond

// ---- listeners that misbehave on purpose ----

// tcpPeers accepts TCP connections on 127.0.0.1 and hands each to serve on
// its own goroutine. It closes every connection and waits for every
// goroutine at cleanup.
type tcpPeers struct {
	Addr string
	mu   sync.Mutex
	ncs  []net.Conn
	wg   sync.WaitGroup
}

func listenTCP(t *testing.T, serve func(nc net.Conn)) *tcpPeers {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpPeers{Addr: ln.Addr().String()}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.ncs = append(p.ncs, nc)
			p.mu.Unlock()
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				serve(nc)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, nc := range p.ncs {
			nc.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

// silentListener accepts connections and never answers. accepted receives
// each connection's remote address.
func silentListener(t *testing.T) (addr string, accepted <-chan string) {
	ch := make(chan string, 64)
	p := listenTCP(t, func(nc net.Conn) {
		select {
		case ch <- nc.RemoteAddr().String():
		default:
		}
	})
	return p.Addr, ch
}

// rawWebSocketPeer is a server that completes the WebSocket handshake with
// gobwas/ws and then hands the bare connection to the test through conns, to
// write, stall or drop as the test wishes.
func rawWebSocketPeer(t *testing.T) (url string, conns <-chan net.Conn) {
	ch := make(chan net.Conn, 16)
	p := listenTCP(t, func(nc net.Conn) {
		if _, err := ws.Upgrade(nc); err != nil {
			return
		}
		ch <- nc
	})
	return "ws://" + p.Addr + "/ws", ch
}

// nextConn waits for the raw peer's side of the next connection.
func nextConn(t *testing.T, conns <-chan net.Conn) net.Conn {
	t.Helper()
	select {
	case nc := <-conns:
		return nc
	case <-time.After(eventWait):
		t.Fatal("the raw peer got no connection")
		return nil
	}
}

// ---- connect ----

func TestConnectRefusesInvalidURLsBeforeAnyIO(t *testing.T) {
	addr, accepted := silentListener(t)
	cases := []struct {
		url, why string
	}{
		{"", "no scheme"},
		{"example.com/ws", "no scheme"},
		{"http://" + addr + "/ws", `scheme "http" is not ws or wss`},
		{"ws://" + addr + "/ws#frag", "fragment"},
		{"ws://", "no host"},
		{"ws://user:pw@" + addr + "/", "credentials in the URL"},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			c := sdk.NewMessageWebSocket()
			err := c.Connect(context.Background(), tc.url)
			var e *sdk.Error
			if !errors.As(err, &e) || e.Op != "connect" || !errors.Is(err, sdk.ErrInvalidURL) {
				t.Fatalf("Connect(%q) = %v; want a connect *sdk.Error wrapping ErrInvalidURL", tc.url, err)
			}
			if !strings.Contains(err.Error(), tc.why) {
				t.Errorf("error %q does not say %q", err, tc.why)
			}
			if err := c.Close(); err != nil {
				t.Errorf("Close after a failed Connect: %v", err)
			}
		})
	}
	// Connections are accepted in order: if any Connect above had reached the
	// listener, it would be accepted before this one.
	sentinel, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer sentinel.Close()
	select {
	case first := <-accepted:
		if first != sentinel.LocalAddr().String() {
			t.Errorf("the listener accepted %s before the sentinel %s: an invalid URL caused network I/O", first, sentinel.LocalAddr())
		}
	case <-time.After(eventWait):
		t.Fatal("the sentinel connection was never accepted")
	}
}

func TestConnectFailureStatus(t *testing.T) {
	closedPort := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "ws://" + addr + "/ws"
	}
	httpStatus := func(code int) func(t *testing.T) string {
		return func(t *testing.T) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "no websocket here", code)
			}))
			t.Cleanup(srv.Close)
			return "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
		}
	}
	garbage := func(t *testing.T) string {
		p := listenTCP(t, func(nc net.Conn) {
			// Read the request, then answer with something that is not HTTP.
			br := bufio.NewReader(nc)
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if line == "\r\n" {
					break
				}
			}
			_, _ = nc.Write([]byte("SSH-2.0-OpenSSH_9.2\r\n\r\n"))
		})
		return "ws://" + p.Addr + "/ws"
	}
	silent := func(t *testing.T) string {
		addr, _ := silentListener(t)
		return "ws://" + addr + "/ws"
	}
	cases := []struct {
		name   string
		url    func(t *testing.T) string
		ctl    sdk.Control
		want   sdk.WebErrorStatus
		prefix string // the start of the error message, after "connect <url>: "
	}{
		{"closed port", closedPort, sdk.Control{}, sdk.StatusCannotConnect, "cannot connect: "},
		{"unresolvable host name", func(*testing.T) string { return "ws://nonexistent.invalid/ws" },
			sdk.Control{}, sdk.StatusHostNameNotResolved, "host name not resolved: "},
		{"HTTP 404", httpStatus(http.StatusNotFound), sdk.Control{}, sdk.StatusNotFound, "HTTP 404 Not Found: "},
		{"HTTP 500", httpStatus(http.StatusInternalServerError), sdk.Control{}, sdk.StatusInternalServerError, "HTTP 500 Internal Server Error: "},
		{"not HTTP", garbage, sdk.Control{}, sdk.StatusErrorHTTPInvalidServerResponse, "invalid response from the peer: "},
		{"silent server, ConnectTimeout", silent, sdk.Control{ConnectTimeout: shortTimeout}, sdk.StatusTimeout, "timed out: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := tc.url(t)
			ctx, cancel := context.WithTimeout(context.Background(), eventWait)
			defer cancel()
			c := sdk.NewMessageWebSocket()
			c.Control = tc.ctl
			err := c.Connect(ctx, url)
			if got := sdk.GetStatus(err); got != tc.want {
				t.Fatalf("Connect(%s) = %v, status %d (%v); want %d (%v)", url, err, got, got, tc.want, tc.want)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("errors.Is(%v, %v) is false", err, tc.want)
			}
			if want := "connect " + url + ": " + tc.prefix; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message %q does not start with %q", err, want)
			}
			t.Logf("%s: %v", tc.name, err)
			if err := c.Send(ctx, []byte("x")); sdk.GetStatus(err) != sdk.StatusDisconnected {
				t.Errorf("Send after a failed Connect = %v; want StatusDisconnected", err)
			}
		})
	}
}

func TestConnectInterrupted(t *testing.T) {
	cases := []struct {
		name string
		// interrupt stops the Connect in progress once the server has
		// accepted its connection; its ctx is Connect's.
		interrupt func(t *testing.T, c *sdk.MessageWebSocket, cancel context.CancelFunc)
		deadline  bool // Connect's ctx has a short deadline
		want      sdk.WebErrorStatus
		cause     error
	}{
		{"ctx canceled", func(_ *testing.T, _ *sdk.MessageWebSocket, cancel context.CancelFunc) { cancel() }, false,
			sdk.StatusOperationCanceled, context.Canceled},
		// The cause may be context.DeadlineExceeded or the connection's own
		// i/o timeout, whichever fires first; the status is the contract.
		{"ctx deadline", nil, true, sdk.StatusTimeout, nil},
		{"Close from another goroutine", func(t *testing.T, c *sdk.MessageWebSocket, _ context.CancelFunc) {
			if err := c.Close(); err != nil {
				t.Errorf("Close during Connect: %v", err)
			}
		}, false, sdk.StatusOperationCanceled, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr, accepted := silentListener(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.deadline {
				ctx, cancel = context.WithTimeout(ctx, shortTimeout)
				defer cancel()
			}
			c := sdk.NewMessageWebSocket() // default ConnectTimeout: 60 s
			done := make(chan error, 1)
			go func() { done <- c.Connect(ctx, "ws://"+addr+"/ws") }()
			if tc.interrupt != nil {
				select {
				case <-accepted:
				case <-time.After(eventWait):
					t.Fatal("the listener never accepted the connection")
				}
				tc.interrupt(t, c, cancel)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(eventWait):
				t.Fatal("Connect did not return")
			}
			if sdk.GetStatus(err) != tc.want || tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("Connect = %v (status %v); want %v, cause %v", err, sdk.GetStatus(err), tc.want, tc.cause)
			}
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// ---- send ----

// doneWatch is a context that reports when Send first asks for its Done
// channel, which it does right before writing to the network.
type doneWatch struct {
	context.Context
	once    sync.Once
	sending chan struct{}
}

func (d *doneWatch) Done() <-chan struct{} {
	d.once.Do(func() { close(d.sending) })
	return d.Context.Done()
}

func TestSendToAPeerThatNeverReads(t *testing.T) {
	// Larger than the kernel buffers between the two ends can hold (the
	// client's send buffer tops out at tcp_wmem's 4 MiB and the peer's
	// receive buffer is shrunk below), so the Send blocks for sure.
	big := make([]byte, 16<<20)
	cases := []struct {
		name   string
		ctl    sdk.Control
		cancel bool // cancel Send's ctx once it writes; otherwise let SendTimeout expire
		want   sdk.WebErrorStatus
	}{
		{"ctx canceled mid-send", sdk.Control{}, true, sdk.StatusOperationCanceled},
		{"SendTimeout", sdk.Control{SendTimeout: shortTimeout}, false, sdk.StatusTimeout},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url, conns := rawWebSocketPeer(t)
			c := sdk.NewMessageWebSocket()
			c.Control = tc.ctl
			if err := c.Connect(context.Background(), url); err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			peer := nextConn(t, conns)
			if err := peer.(*net.TCPConn).SetReadBuffer(4096); err != nil {
				t.Fatal(err)
			}
			base, cancel := context.WithCancel(context.Background())
			defer cancel()
			ctx := &doneWatch{Context: base, sending: make(chan struct{})}
			done := make(chan error, 1)
			go func() { done <- c.Send(ctx, big) }()
			if tc.cancel {
				select {
				case <-ctx.sending:
				case <-time.After(eventWait):
					t.Fatal("Send never started writing")
				}
				cancel()
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(eventWait):
				t.Fatal("Send did not return")
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Send = %v (status %v); want %v", err, sdk.GetStatus(err), tc.want)
			}
			if tc.cancel && !errors.Is(err, context.Canceled) {
				t.Errorf("Send = %v; want it to wrap context.Canceled", err)
			}
			// A frame was cut in the middle: the socket is done for.
			var e *sdk.Error
			if err := c.Send(context.Background(), []byte("after")); !errors.As(err, &e) {
				t.Errorf("Send after the failed one = %v; want an *sdk.Error", err)
			}
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// ---- receive ----

func TestReceiveTimeoutInsideAMessage(t *testing.T) {
	data := unmaskedFrame(true, frame.OpBinary, make([]byte, 100))
	ping := unmaskedFrame(true, frame.OpPing, []byte("are you there"))
	tests := []struct {
		name string
		sent []byte // what the peer sends before it stalls
	}{
		{"payload cut in half", data[:len(data)-50]},
		{"header cut after its first byte", data[:1]},
		{"ping cut inside its payload", ping[:4]},
		{"second fragment never comes", unmaskedFrame(false, frame.OpBinary, []byte("first half"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, conns := rawWebSocketPeer(t)
			c := sdk.NewMessageWebSocket()
			c.Control.ReceiveTimeout = shortTimeout
			closed := make(chan sdk.ClosedEvent, 1)
			c.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) { closed <- e })
			if err := c.Connect(context.Background(), url); err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			peer := nextConn(t, conns)
			if _, err := peer.Write(tt.sent); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), eventWait)
			defer cancel()
			_, err := c.Receive(ctx)
			if !errors.Is(err, sdk.StatusTimeout) {
				t.Errorf("Receive = %v (status %v); want StatusTimeout", err, sdk.GetStatus(err))
			}
			select {
			case e := <-closed:
				if sdk.GetStatus(e.Err) != sdk.StatusTimeout || e.Code != sdk.CloseAbnormal {
					t.Errorf("OnClosed code %d, err %v; want 1006 and StatusTimeout", e.Code, e.Err)
				}
			case <-time.After(eventWait):
				t.Fatal("OnClosed did not fire")
			}
		})
	}
}

func TestReceiveTimeoutSparesAnIdleConnection(t *testing.T) {
	url, conns := rawWebSocketPeer(t)
	c := sdk.NewMessageWebSocket()
	c.Control.ReceiveTimeout = shortTimeout
	c.Control.CloseTimeout = shortTimeout // the raw peer never answers Close
	if err := c.Connect(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer := nextConn(t, conns)
	// The one place where time itself is the event: stay idle for over three
	// receive timeouts.
	<-time.After(time.Second)
	if _, err := peer.Write(unmaskedFrame(true, frame.OpText, []byte("alive"))); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), eventWait)
	defer cancel()
	m, err := c.Receive(ctx)
	if err != nil || string(m.Data) != "alive" || m.Type != sdk.UTF8 {
		t.Fatalf("Receive after idling = %q (%v), %v; want \"alive\"", m.Data, m.Type, err)
	}
}

func TestPingKeepaliveTimesOutASilentPeer(t *testing.T) {
	url, conns := rawWebSocketPeer(t)
	c := sdk.NewMessageWebSocket()
	c.Control.PingInterval = 100 * time.Millisecond
	closed := make(chan sdk.ClosedEvent, 1)
	c.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) { closed <- e })
	if err := c.Connect(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	nextConn(t, conns) // held open, never read from or written to
	select {
	case e := <-closed:
		if !errors.Is(e.Err, sdk.StatusTimeout) {
			t.Errorf("OnClosed err %v (status %v); want StatusTimeout", e.Err, sdk.GetStatus(e.Err))
		}
	case <-time.After(eventWait):
		t.Fatal("the keepalive never gave up on a silent peer")
	}
}
