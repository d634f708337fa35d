package conn

import (
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"
)

// latencyProxy relays loopback TCP connections to a target, delaying each
// chunk by a one-way latency plus or minus a random jitter, per direction.
// A chunk never overtakes the one before it: the byte stream keeps its
// order, as TCP does, so jitter shows as chunks held back together.
type latencyProxy struct {
	ln      net.Listener
	target  string
	latency time.Duration
	jitter  time.Duration
	done    chan struct{}
	wg      sync.WaitGroup

	mu    sync.Mutex
	conns []net.Conn
	seed  uint64
}

func newLatencyProxy(t *testing.T, target string, latency, jitter time.Duration) *latencyProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &latencyProxy{ln: ln, target: target, latency: latency, jitter: jitter, done: make(chan struct{})}
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	return p
}

func (p *latencyProxy) addr() string { return p.ln.Addr().String() }

func (p *latencyProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.seed++
		seed := p.seed
		p.mu.Unlock()
		p.relay(up, c, seed*2)
		p.relay(c, up, seed*2+1)
	}
}

// chunk is bytes read, and when to write them on.
type chunk struct {
	data []byte
	at   time.Time
}

// relay copies src to dst through a delay line: a reader stamps each chunk
// with its release time, a writer waits for it.
func (p *latencyProxy) relay(dst, src net.Conn, seed uint64) {
	line := make(chan chunk, 4096)
	rng := rand.New(rand.NewPCG(seed, 99))
	p.wg.Go(func() {
		defer close(line)
		var last time.Time
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				d := p.latency + time.Duration(rng.Int64N(int64(2*p.jitter+1))) - p.jitter
				at := time.Now().Add(d)
				if at.Before(last) {
					at = last // never overtake the chunk before
				}
				last = at
				select {
				case line <- chunk{buf[:n], at}:
				case <-p.done:
					return
				}
			}
			if err != nil {
				return
			}
		}
	})
	p.wg.Go(func() {
		defer dst.Close()
		defer src.Close()
		timer := time.NewTimer(0)
		defer timer.Stop()
		for c := range line {
			timer.Reset(time.Until(c.at))
			select {
			case <-timer.C:
			case <-p.done:
				return
			}
			if _, err := dst.Write(c.data); err != nil {
				return
			}
		}
	})
}

func (p *latencyProxy) close() {
	close(p.done)
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
