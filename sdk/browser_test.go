//go:build unix

package sdk_test

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// The browser tests drive Debian's chromium, headless, against the sdk
// server: testdata/browser/echo.html opens the WebSockets, checks every echo
// and close event, and POSTs what it saw to /report.

//go:embed testdata/browser/echo.html
var browserEchoPage []byte

// browserTimeout bounds the wait for the page's report and the server's close
// events, so that a broken browser fails the test instead of hanging it.
const browserTimeout = 60 * time.Second

// Close codes and reasons of the two sockets the page opens.
const (
	clientCloseCode   = 1000
	clientCloseReason = "bye"
	serverCloseCode   = 4001
	serverCloseReason = "server says bye"
)

// browserReport is what the page POSTs to /report.
type browserReport struct {
	Checks      []browserCheck     `json:"checks"`
	ClientClose *browserCloseEvent `json:"clientClose"` // /ws, closed by the page
	ServerClose *browserCloseEvent `json:"serverClose"` // /ws-close, closed by the server
	Error       string             `json:"error"`
}

type browserCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// browserCloseEvent is a JavaScript CloseEvent.
type browserCloseEvent struct {
	Code     int    `json:"code"`
	Reason   string `json:"reason"`
	WasClean bool   `json:"wasClean"`
}

// browserMessage is a message the page sends to /ws, as the server must
// receive it. The list mirrors `messages` in echo.html.
type browserMessage struct {
	name string
	typ  sdk.MessageType
	data []byte
}

func browserMessages() []browserMessage {
	byteRange := make([]byte, 256)
	for i := range byteRange {
		byteRange[i] = byte(i)
	}
	pattern := make([]byte, 1<<20)
	for i := range pattern {
		pattern[i] = byte(i*7 + i>>10)
	}
	return []browserMessage{
		{"text non-ASCII", sdk.UTF8, []byte("héllo wörld ✓ 🎮")},
		{"text 64 KiB", sdk.UTF8, browserBigText()},
		{"binary 0..255", sdk.Binary, byteRange},
		{"binary 1 MiB pattern", sdk.Binary, pattern},
		{"binary empty", sdk.Binary, nil},
	}
}

// browserBigText is 64 KiB of UTF-8 with multi-byte characters all along,
// built as bigText() in echo.html builds it.
func browserBigText() []byte {
	const size = 64 << 10
	unit := "gamesock héllo ✓ 🎮 "
	b := make([]byte, 0, size)
	for len(b)+len(unit) <= size {
		b = append(b, unit...)
	}
	return append(b, bytes.Repeat([]byte("."), size-len(b))...)
}

// wantBrowserChecks lists the checks the page must report, all passed.
func wantBrowserChecks() []string {
	names := []string{"echo socket opened"}
	for _, m := range browserMessages() {
		names = append(names, "echo "+m.name)
	}
	return append(names, "ws-close socket opened")
}

// browserPeer is the server side of the page's WebSockets: /ws echoes every
// message with its type, /ws-close is closed by the server with 4001 right
// after the handshake. It records what /ws receives and how every socket
// ended. Each accepted socket is owned by the goroutine that accepted it,
// which closes it when it ends or at shutdown.
type browserPeer struct {
	t        *testing.T
	ctx      context.Context // canceled at shutdown
	cancel   context.CancelFunc
	handlers sync.WaitGroup
	closed   chan endpointClosed

	mu       sync.Mutex
	received []browserMessage // by /ws, in order
}

// endpointClosed is the ClosedEvent of the socket accepted on an endpoint.
type endpointClosed struct {
	endpoint string
	ev       sdk.ClosedEvent
}

func newBrowserPeer(t *testing.T) *browserPeer {
	ctx, cancel := context.WithCancel(context.Background())
	p := &browserPeer{t: t, ctx: ctx, cancel: cancel, closed: make(chan endpointClosed, 8)}
	t.Cleanup(func() {
		p.cancel()
		p.handlers.Wait()
	})
	return p
}

// socket returns a socket that echoes and records what it receives, and
// reports its end under *endpoint, which must be set once the handshake is
// done. ended is closed when the socket has ended.
func (p *browserPeer) socket(ctl sdk.Control, endpoint *string) (ws *sdk.MessageWebSocket, ended <-chan struct{}) {
	ws = sdk.NewMessageWebSocket()
	ws.Control = ctl
	done := make(chan struct{})
	ws.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
		p.mu.Lock()
		p.received = append(p.received, browserMessage{name: *endpoint, typ: m.Type, data: bytes.Clone(m.Data)})
		p.mu.Unlock()
		s.SetMessageType(m.Type)
		if err := s.Send(context.Background(), m.Data); err != nil {
			p.t.Errorf("%s: echo: %v", *endpoint, err)
		}
	})
	ws.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) {
		select {
		case p.closed <- endpointClosed{*endpoint, e}:
		default:
			p.t.Errorf("%s: ClosedEvent dropped, far more sockets ended than the page opens: %+v", *endpoint, e)
		}
		close(done)
	})
	return ws, done
}

// serve runs an accepted socket until it ends: /ws-close is closed at once
// by the server, /ws when the page closes it or at shutdown.
func (p *browserPeer) serve(ws *sdk.MessageWebSocket, endpoint string, ended <-chan struct{}) {
	if endpoint == "/ws-close" {
		if err := ws.CloseWithStatus(serverCloseCode, serverCloseReason); err != nil {
			p.t.Errorf("%s: close: %v", endpoint, err)
		}
		return
	}
	select {
	case <-ended:
	case <-p.ctx.Done():
	}
	if err := ws.Close(); err != nil {
		p.t.Errorf("%s: close: %v", endpoint, err)
	}
}

// httpEndpoint serves endpoint with Accept.
func (p *browserPeer) httpEndpoint(endpoint string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p.handlers.Add(1)
		defer p.handlers.Done()
		ws, ended := p.socket(sdk.Control{}, &endpoint)
		if err := ws.Accept(w, r); err != nil {
			p.t.Errorf("accept %s: %v", endpoint, err)
			return
		}
		p.serve(ws, endpoint, ended)
	}
}

// listen serves both endpoints with AcceptConn on a listener of their own,
// which allows the page's origin, another port of 127.0.0.1.
func (p *browserPeer) listen(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() }) // before the peer's cleanup, which waits for the accept loop
	p.handlers.Go(func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			p.handlers.Go(func() { p.serveConn(nc) })
		}
	})
	return ln
}

func (p *browserPeer) serveConn(nc net.Conn) {
	var endpoint string
	ctl := sdk.Control{
		OriginPatterns: []string{"127.0.0.1:*"},
		Authorize: func(r *sdk.UpgradeRequest) error {
			endpoint = r.URL.Path
			if endpoint != "/ws" && endpoint != "/ws-close" {
				return sdk.Reject(http.StatusNotFound, "no WebSocket endpoint at "+endpoint)
			}
			return nil
		},
	}
	ws, ended := p.socket(ctl, &endpoint)
	if err := ws.AcceptConn(p.ctx, nc); err != nil {
		if p.ctx.Err() == nil {
			p.t.Errorf("server: %v", err)
		}
		return
	}
	p.serve(ws, endpoint, ended)
}

// verify checks the page's report against what the server saw.
func (p *browserPeer) verify(t *testing.T, rep browserReport) {
	t.Helper()
	if rep.Error != "" {
		t.Errorf("page error: %s", rep.Error)
	}
	reported := map[string]browserCheck{}
	for _, c := range rep.Checks {
		reported[c.Name] = c
		if !c.OK {
			t.Errorf("page check %q failed: %s", c.Name, c.Detail)
		}
	}
	for _, name := range wantBrowserChecks() {
		if _, ok := reported[name]; !ok {
			t.Errorf("page check %q missing from the report", name)
		}
	}
	wantClose := func(what string, got *browserCloseEvent, want browserCloseEvent) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s: browser saw close event %+v, want %+v", what, got, want)
		}
	}
	wantClose("/ws closed by the page", rep.ClientClose, browserCloseEvent{clientCloseCode, clientCloseReason, true})
	wantClose("/ws-close closed by the server", rep.ServerClose, browserCloseEvent{serverCloseCode, serverCloseReason, true})

	p.verifyReceived(t)
	p.verifyClosed(t, rep)
}

// verifyReceived checks that /ws got every message, type and bytes, in order.
func (p *browserPeer) verifyReceived(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	got := p.received
	p.mu.Unlock()
	want := browserMessages()
	if len(got) != len(want) {
		t.Errorf("server received %d messages, want %d", len(got), len(want))
		return
	}
	for i, w := range want {
		g := got[i]
		if g.name != "/ws" || g.typ != w.typ || !bytes.Equal(g.data, w.data) {
			t.Errorf("server received %s %v message of %d bytes on %s, want %v of %d bytes",
				w.name, g.typ, len(g.data), g.name, w.typ, len(w.data))
		}
	}
}

// verifyClosed waits for the server's ClosedEvent of the sockets the browser
// saw close. The browser sees a close only after the server has dropped the
// connection, so those events are due; a close the browser missed is
// reported by verify.
func (p *browserPeer) verifyClosed(t *testing.T, rep browserReport) {
	t.Helper()
	want := map[string]sdk.CloseError{}
	if rep.ClientClose != nil {
		want["/ws"] = sdk.CloseError{Code: clientCloseCode, Reason: clientCloseReason, Remote: true}
	}
	if rep.ServerClose != nil {
		want["/ws-close"] = sdk.CloseError{Code: serverCloseCode, Reason: serverCloseReason, Remote: false}
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	for range len(want) {
		var got endpointClosed
		select {
		case got = <-p.closed:
		case <-ctx.Done():
			t.Errorf("server sockets still open after %v; missing the end of %v", browserTimeout, want)
			return
		}
		w, ok := want[got.endpoint]
		if !ok {
			t.Errorf("unexpected or second ClosedEvent on %q: %+v", got.endpoint, got.ev)
			continue
		}
		delete(want, got.endpoint)
		var ce *sdk.CloseError
		if got.ev.Code != w.Code || got.ev.Reason != w.Reason || !errors.As(got.ev.Err, &ce) || *ce != w {
			t.Errorf("%s: server ClosedEvent {Code:%d Reason:%q Err:%v}, want code %d, reason %q, CloseError %+v",
				got.endpoint, got.ev.Code, got.ev.Reason, got.ev.Err, w.Code, w.Reason, w)
		}
	}
}

// startPageServer serves the page at / and takes its report at /report,
// besides whatever mux already serves.
func startPageServer(t *testing.T, mux *http.ServeMux) (*httptest.Server, <-chan browserReport) {
	reports := make(chan browserReport, 1)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(browserEchoPage)
	})
	mux.HandleFunc("POST /report", func(w http.ResponseWriter, r *http.Request) {
		var rep browserReport
		if err := json.NewDecoder(r.Body).Decode(&rep); err != nil {
			t.Errorf("report: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case reports <- rep:
		default:
			t.Errorf("the page reported twice; second report: %+v", rep)
		}
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, reports
}

// chromiumPath finds chromium, or skips the test, or fails it when
// GAMESOCK_REQUIRE_BROWSER=1 (as `make test` sets).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "chromium is not installed: run `make deps`"
	if os.Getenv("GAMESOCK_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// headlessChromium is a chromium process showing one page. The test's
// cleanup kills its process group and waits for it.
type headlessChromium struct {
	stderr bytes.Buffer  // read only after exited is closed
	exited chan struct{} // closed when the process has been waited for
	err    error         // the exit status, set before exited is closed
}

func startChromium(t *testing.T, bin, pageURL string) *headlessChromium {
	t.Helper()
	profile := t.TempDir() // removed after the cleanup below has waited for chromium
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir="+profile, pageURL)
	b := &headlessChromium{exited: make(chan struct{})}
	cmd.Stderr = &b.stderr // D-Bus complaints and the like, shown only on failure
	// Chromium runs a dozen processes: kill them all, not only the browser.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start chromium: %v", err)
	}
	go func() {
		b.err = cmd.Wait()
		close(b.exited)
	}()
	t.Cleanup(func() {
		cancel()
		<-b.exited
		if t.Failed() {
			out := b.stderr.Bytes()
			if len(out) > 16<<10 {
				out = out[len(out)-16<<10:]
			}
			t.Logf("chromium stderr (end):\n%s", out)
		}
	})
	return b
}

// waitReport waits for the page's report, failing the test if chromium exits
// first or nothing comes within browserTimeout.
func (b *headlessChromium) waitReport(t *testing.T, reports <-chan browserReport) browserReport {
	t.Helper()
	timer := time.NewTimer(browserTimeout)
	defer timer.Stop()
	select {
	case rep := <-reports:
		return rep
	case <-b.exited:
		t.Fatalf("chromium exited before the page reported: %v", b.err)
	case <-timer.C:
		t.Fatalf("no report from the page within %v", browserTimeout)
	}
	return browserReport{}
}

// TestBrowserEcho runs the page against sockets accepted from net/http.
func TestBrowserEcho(t *testing.T) {
	bin := chromiumPath(t)
	p := newBrowserPeer(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", p.httpEndpoint("/ws"))
	mux.HandleFunc("/ws-close", p.httpEndpoint("/ws-close"))
	srv, reports := startPageServer(t, mux)
	rep := startChromium(t, bin, srv.URL+"/").waitReport(t, reports)
	p.verify(t, rep)
}

// TestBrowserAcceptConn runs the page against sockets accepted by AcceptConn
// on a listener of their own: a cross-origin WebSocket for the browser.
func TestBrowserAcceptConn(t *testing.T) {
	bin := chromiumPath(t)
	p := newBrowserPeer(t)
	ln := p.listen(t)
	srv, reports := startPageServer(t, http.NewServeMux())
	pageURL := srv.URL + "/?ws=" + url.QueryEscape("ws://"+ln.Addr().String())
	rep := startChromium(t, bin, pageURL).waitReport(t, reports)
	p.verify(t, rep)
}

// TestAcceptOriginPatterns checks the origin check of Accept and AcceptConn
// with raw upgrade requests: a browser origin other than the request's host
// is refused with 403 unless Control.OriginPatterns matches its host:port
// (path.Match, case-insensitive).
func TestAcceptOriginPatterns(t *testing.T) {
	const foreign = "http://127.0.0.1:1" // another port than the server's
	tests := []struct {
		name     string
		patterns []string
		origin   string // "self" stands for the server's own host
		want     int
	}{
		{"no Origin header", nil, "", http.StatusSwitchingProtocols},
		{"same host", nil, "self", http.StatusSwitchingProtocols},
		{"other port, no patterns", nil, foreign, http.StatusForbidden},
		{"other port, matching pattern", []string{"127.0.0.1:*"}, foreign, http.StatusSwitchingProtocols},
		{"pattern without port", []string{"127.0.0.1"}, foreign, http.StatusForbidden},
		{"pattern of another host", []string{"localhost:*"}, foreign, http.StatusForbidden},
		{"pattern case-insensitive", []string{"*.Example.com"}, "https://Game.EXAMPLE.com", http.StatusSwitchingProtocols},
		{"malformed Origin", nil, "http://[::1", http.StatusForbidden},
	}
	servers := []struct {
		name  string
		start func(t *testing.T, ctl sdk.Control) (addr string, accepted <-chan error)
	}{
		{"Accept", startOriginHTTPServer},
		{"AcceptConn", startOriginConnServer},
	}
	for _, tc := range tests {
		for _, s := range servers {
			t.Run(tc.name+"/"+s.name, func(t *testing.T) {
				addr, accepted := s.start(t, sdk.Control{OriginPatterns: tc.patterns})
				origin := tc.origin
				if origin == "self" {
					origin = "http://" + addr
				}
				nc, res := rawUpgrade(t, addr, origin)
				nc.Close() // the server's socket, if any, ends on EOF
				if res.StatusCode != tc.want {
					t.Errorf("upgrade with Origin %q: HTTP %d, want %d", origin, res.StatusCode, tc.want)
				}
				err := <-accepted
				switch {
				case tc.want == http.StatusSwitchingProtocols && err != nil:
					t.Errorf("server: %v, want the upgrade accepted", err)
				case tc.want == http.StatusForbidden && sdk.GetStatus(err) != sdk.StatusForbidden:
					t.Errorf("server: %v (status %v), want %v", err, sdk.GetStatus(err), sdk.StatusForbidden)
				}
			})
		}
	}
}

// startOriginHTTPServer accepts one socket with Accept and sends the result
// once the socket, if accepted, has ended.
func startOriginHTTPServer(t *testing.T, ctl sdk.Control) (string, <-chan error) {
	accepted := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws := sdk.NewMessageWebSocket()
		ws.Control = ctl
		err := ws.Accept(w, r)
		if err == nil {
			_ = ws.Close()
		}
		accepted <- err
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), accepted
}

// startOriginConnServer accepts one socket with AcceptConn and sends the
// result once the socket, if accepted, has ended.
func startOriginConnServer(t *testing.T, ctl sdk.Control) (string, <-chan error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		nc, err := ln.Accept()
		if err != nil {
			accepted <- err
			return
		}
		ws := sdk.NewMessageWebSocket()
		ws.Control = ctl
		err = ws.AcceptConn(context.Background(), nc)
		if err == nil {
			_ = ws.Close()
		}
		accepted <- err
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return ln.Addr().String(), accepted
}

// rawUpgrade sends a WebSocket upgrade request with the given Origin ("" for
// none) and returns the connection and the server's response.
func rawUpgrade(t *testing.T, addr, origin string) (net.Conn, *http.Response) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if err := req.Write(nc); err != nil {
		nc.Close()
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(nc), req)
	if err != nil {
		nc.Close()
		t.Fatal(err)
	}
	res.Body.Close()
	return nc, res
}
