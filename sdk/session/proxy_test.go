package session_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// proxyOptions configure a tcpProxy. The zero value forwards at once.
type proxyOptions struct {
	// ToServer and ToClient are fixed one-way delays: each chunk read from
	// one side is written to the other no earlier than its arrival plus the
	// delay of its direction, in the order it arrived.
	ToServer, ToClient time.Duration
}

// tcpProxy is a TCP proxy on 127.0.0.1 that forwards every connection to a
// target address. A test cuts its connections (as a network failure would),
// strands them (as a network that vanished would), refuses new ones (as a
// network that is down would), counts them, and delays them. It closes when
// the test ends, and every goroutine it started has ended by then.
type tcpProxy struct {
	ln     net.Listener
	target string
	opts   proxyOptions

	mu       sync.Mutex
	conns    map[*proxyConn]struct{}
	refuse   bool
	accepted int // connections forwarded
	refused  int // connections closed at once, while refusing
	closed   bool

	wg sync.WaitGroup // the accept loop and every connection's goroutines
}

// proxyConn is one proxied connection: the client's side, accepted, and
// the server's, dialed.
type proxyConn struct {
	client net.Conn
	ctx    context.Context    // ends at kill: every goroutine of the connection stops
	cancel context.CancelFunc // ends ctx
	ended  chan struct{}      // closed when every goroutine of the connection has returned

	mu     sync.Mutex
	server net.Conn // nil until dialed
	killed bool

	stranded atomic.Bool // the client's side is gone; the server's is left open, unanswered
}

// newTCPProxy starts a proxy to target and closes it when the test ends.
func newTCPProxy(t testing.TB, target string, opts proxyOptions) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target, opts: opts, conns: make(map[*proxyConn]struct{})}
	p.wg.Add(1)
	go p.acceptLoop()
	t.Cleanup(p.Close)
	return p
}

// Addr returns the proxy's address, host:port.
func (p *tcpProxy) Addr() string { return p.ln.Addr().String() }

// URL returns the ws:// URL of the proxied session server.
func (p *tcpProxy) URL() string { return "ws://" + p.Addr() + "/" }

// Connections returns how many connections the proxy has forwarded.
func (p *tcpProxy) Connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Refused returns how many connections the proxy closed at once because it
// was refusing them.
func (p *tcpProxy) Refused() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused
}

// Refuse makes the proxy close new connections as soon as it accepts them
// (on), or forward them again (off). Connections already forwarded are
// left alone: Cut ends them.
func (p *tcpProxy) Refuse(on bool) {
	p.mu.Lock()
	p.refuse = on
	p.mu.Unlock()
}

// Cut resets both sides of every current connection, as a failing network
// would, and returns when they are closed and their goroutines have
// returned. Either end sees its connection drop without a close frame;
// what the proxy held for either is lost.
func (p *tcpProxy) Cut() {
	p.mu.Lock()
	conns := make([]*proxyConn, 0, len(p.conns))
	for pc := range p.conns {
		conns = append(conns, pc)
	}
	p.mu.Unlock()
	for _, pc := range conns {
		pc.kill(true)
	}
	for _, pc := range conns {
		<-pc.ended
	}
}

// Strand drops every current connection the way a network that vanished
// does: the client's side is reset, so the client sees its connection
// drop, but the server's side is left open and silent; what the server
// writes to it is read and thrown away, and nothing tells the server the
// client is gone. Cut or Close ends what is left.
func (p *tcpProxy) Strand() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for pc := range p.conns {
		pc.strand()
	}
}

// Close stops the proxy: it stops listening, cuts every connection and
// waits for all its goroutines.
func (p *tcpProxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.ln.Close()
	p.Cut()
	p.wg.Wait()
}

func (p *tcpProxy) acceptLoop() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed; a loopback listener fails no other way in a test
		}
		p.mu.Lock()
		switch {
		case p.closed:
			p.mu.Unlock()
			c.Close()
			continue
		case p.refuse:
			p.refused++
			p.mu.Unlock()
			c.Close()
			continue
		}
		ctx, cancel := context.WithCancel(context.Background())
		pc := &proxyConn{client: c, ctx: ctx, cancel: cancel, ended: make(chan struct{})}
		p.accepted++
		p.conns[pc] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.serve(pc)
	}
}

// serve dials the target for pc and forwards both ways until both
// directions have ended or pc is killed.
func (p *tcpProxy) serve(pc *proxyConn) {
	defer p.wg.Done()
	defer close(pc.ended)
	defer func() {
		p.mu.Lock()
		delete(p.conns, pc)
		p.mu.Unlock()
	}()
	defer pc.kill(false)

	var d net.Dialer
	sc, err := d.DialContext(pc.ctx, "tcp", p.target) // a Cut ends the dial too
	if err != nil {
		return
	}
	pc.mu.Lock()
	if pc.killed {
		pc.mu.Unlock()
		sc.Close()
		return
	}
	pc.server = sc
	pc.mu.Unlock()

	var dirs sync.WaitGroup
	dirs.Add(2)
	go func() { defer dirs.Done(); pc.forward(pc.client, sc, p.opts.ToServer) }()
	go func() { defer dirs.Done(); pc.forward(sc, pc.client, p.opts.ToClient) }()
	dirs.Wait()
}

// kill closes both sides of pc and stops its goroutines; it is idempotent.
// An abort resets both connections, as a failing network would: what the
// proxy holds for either end is thrown away, not delivered.
func (pc *proxyConn) kill(abort bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.killed {
		return
	}
	pc.killed = true
	pc.cancel()
	for _, c := range []net.Conn{pc.client, pc.server} {
		if c == nil {
			continue
		}
		if tc, ok := c.(*net.TCPConn); ok && abort {
			tc.SetLinger(0)
		}
		c.Close()
	}
}

// strand resets the client's side of pc and leaves the server's open.
func (pc *proxyConn) strand() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.killed || pc.stranded.Swap(true) {
		return
	}
	if tc, ok := pc.client.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	pc.client.Close()
}

// chunk is what one read returned, and when it may be written on.
type chunk struct {
	data []byte
	due  time.Time
}

// forward copies src to dst, each chunk no earlier than its arrival plus
// delay. An end of file is passed on as a half close, so that a WebSocket
// closing handshake crosses the proxy as it would the network; any other
// failure kills the whole connection. Once pc is stranded, nothing more is
// written either way, and forward returns when src ends.
func (pc *proxyConn) forward(src, dst net.Conn, delay time.Duration) {
	chunks := make(chan chunk, 256)
	readErr := make(chan error, 1)
	go func() { // The reader: it timestamps what arrives.
		defer close(chunks)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				select {
				case chunks <- chunk{data: buf[:n], due: time.Now().Add(delay)}:
				case <-pc.ctx.Done():
					readErr <- net.ErrClosed
					return
				}
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()
	// The writer: it holds each chunk until it is due.
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for c := range chunks {
		if wait := time.Until(c.due); wait > 0 {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			select {
			case <-timer.C:
			case <-pc.ctx.Done():
				drain(chunks)
				return
			}
		}
		if pc.stranded.Load() {
			continue // lost with the network
		}
		if _, err := dst.Write(c.data); err != nil {
			if pc.stranded.Load() {
				continue
			}
			pc.kill(true)
			drain(chunks)
			return
		}
	}
	err := <-readErr
	if pc.stranded.Load() {
		return // the server closed its side at last, or the client's side was reset
	}
	if !errors.Is(err, io.EOF) {
		pc.kill(true)
		return
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
}

// drain waits for a killed connection's reader to give up.
func drain(chunks <-chan chunk) {
	for range chunks {
	}
}

// TestTCPProxy checks the proxy the resilience tests rely on: it forwards
// both ways, counts connections, refuses them on demand, cuts them, and
// delays each direction without reordering.
func TestTCPProxy(t *testing.T) {
	// An echo server: what a connection sends comes back.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var echoes sync.WaitGroup
	t.Cleanup(func() { ln.Close(); echoes.Wait() })
	echoes.Add(1)
	go func() {
		defer echoes.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			echoes.Add(1)
			go func() {
				defer echoes.Done()
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()

	dialProxy := func(t *testing.T, p *tcpProxy) net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(10 * time.Second))
		return c
	}
	echo := func(t *testing.T, c net.Conn, msg []byte) {
		t.Helper()
		if _, err := c.Write(msg); err != nil {
			t.Fatalf("write through the proxy: %v", err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatalf("read through the proxy: %v", err)
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("echo through the proxy = %q, want %q", got, msg)
		}
	}

	t.Run("ForwardCutRefuse", func(t *testing.T) {
		p := newTCPProxy(t, ln.Addr().String(), proxyOptions{})
		a, b := dialProxy(t, p), dialProxy(t, p)
		echo(t, a, []byte("hello"))
		echo(t, b, []byte("world"))
		if n := p.Connections(); n != 2 {
			t.Fatalf("Connections = %d, want 2", n)
		}
		p.Cut()
		for _, c := range []net.Conn{a, b} {
			if n, err := c.Read(make([]byte, 1)); err == nil {
				t.Fatalf("read %d bytes from a cut connection", n)
			}
		}
		p.Refuse(true)
		c := dialProxy(t, p) // the kernel completes the connect; the proxy closes it
		if n, err := c.Read(make([]byte, 1)); err == nil {
			t.Fatalf("read %d bytes from a refused connection", n)
		}
		if n := p.Refused(); n != 1 {
			t.Fatalf("Refused = %d, want 1", n)
		}
		p.Refuse(false)
		echo(t, dialProxy(t, p), []byte("again"))
		if n := p.Connections(); n != 3 {
			t.Fatalf("Connections = %d, want 3", n)
		}
	})

	t.Run("Strand", func(t *testing.T) {
		// A target whose side of the connection the test holds.
		target, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer target.Close()
		p := newTCPProxy(t, target.Addr().String(), proxyOptions{})
		c := dialProxy(t, p)
		if _, err := c.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		sc, err := target.Accept()
		if err != nil {
			t.Fatal(err)
		}
		defer sc.Close()
		sc.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.ReadFull(sc, make([]byte, 1)); err != nil {
			t.Fatal(err)
		}
		p.Strand()
		if n, err := c.Read(make([]byte, 1)); err == nil {
			t.Fatalf("read %d bytes from a stranded client", n)
		}
		// The server's side is still open: its writes go into the void.
		for range 3 {
			if _, err := sc.Write(make([]byte, 1000)); err != nil {
				t.Fatalf("server write on a stranded connection: %v", err)
			}
		}
		p.Cut()
		if _, err := io.ReadAll(sc); err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("server read after the cut: %v, want the end of the stream", err)
		}
	})

	t.Run("Delay", func(t *testing.T) {
		const delay = 20 * time.Millisecond
		p := newTCPProxy(t, ln.Addr().String(), proxyOptions{ToServer: delay, ToClient: delay})
		c := dialProxy(t, p)
		// Each write crosses the proxy twice: it comes back no earlier than
		// two delays later, and the writes come back in order.
		const writes = 20
		var want []byte
		start := time.Now()
		for i := range writes {
			msg := []byte{byte('a' + i)}
			want = append(want, msg...)
			if _, err := c.Write(msg); err != nil {
				t.Fatal(err)
			}
		}
		got := make([]byte, writes)
		if _, err := io.ReadFull(c, got[:1]); err != nil {
			t.Fatal(err)
		}
		if rtt := time.Since(start); rtt < 2*delay {
			t.Fatalf("first byte back after %v, before the two %v delays", rtt, delay)
		}
		if _, err := io.ReadFull(c, got[1:]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("delayed echo = %q, want %q", got, want)
		}
	})
}
