package headless

import (
	"io"
	"net"
	"sync"
	"testing"
)

// relayThreshold is how many bytes from the target a connection relays
// before the proxy reports it flowing: past the upgrade and the Welcome,
// into the snapshots.
const relayThreshold = 1024

// cutProxy relays loopback TCP connections to a target, and cuts them all
// on demand, as a dropped network would.
type cutProxy struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu      sync.Mutex
	refuse  bool // hold: close new connections at once
	conns   []net.Conn
	flowing []chan struct{} // per accepted connection, in order
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

// flowingCh is closed once the i-th connection (from 0) relayed
// relayThreshold bytes from the target.
func (p *cutProxy) flowingCh(i int) chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.flowing) <= i {
		p.flowing = append(p.flowing, make(chan struct{}))
	}
	return p.flowing[i]
}

func (p *cutProxy) accept() {
	for i := 0; ; i++ {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		refuse := p.refuse
		p.mu.Unlock()
		if refuse {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		flowing := p.flowingCh(i)
		p.wg.Go(func() { pipe(up, c, nil) })
		p.wg.Go(func() { pipe(c, up, flowing) })
	}
}

// pipe copies src to dst, closing flowing (if not nil) once it copied
// relayThreshold bytes, then closes both.
func pipe(dst, src net.Conn, flowing chan struct{}) {
	defer dst.Close()
	defer src.Close()
	if flowing == nil {
		_, _ = io.Copy(dst, src)
		return
	}
	buf := make([]byte, 32<<10)
	total := 0
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			if total < relayThreshold && total+n >= relayThreshold {
				close(flowing)
			}
			total += n
		}
		if err != nil {
			return
		}
	}
}

// cut closes every connection relayed so far.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// hold makes the proxy close the connections it accepts at once, until
// release: the target is out of reach.
func (p *cutProxy) hold() {
	p.mu.Lock()
	p.refuse = true
	p.mu.Unlock()
}

func (p *cutProxy) release() {
	p.mu.Lock()
	p.refuse = false
	p.mu.Unlock()
}

func (p *cutProxy) close() {
	p.ln.Close()
	p.cut()
	p.wg.Wait()
}
