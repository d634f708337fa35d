package conn

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
)

// maxRequestLine bounds the HTTP request line the cut proxy reads.
const maxRequestLine = 4 << 10

// cutProxy relays loopback TCP connections to a target and lets a test
// break them the way a network does: cut drops every connection open,
// hold refuses new ones (accepted, then closed at once) until release,
// and cutAfter drops the next connection for a path once it has relayed
// so many bytes to the client. It records each relayed connection's HTTP
// request line, which tells a session from a download and carries the
// download's offset.
type cutProxy struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu        sync.Mutex
	conns     map[net.Conn]bool // both ends of every relayed connection; true: the client's
	closed    bool
	held      bool
	refused   int
	lines     []string // request lines, in the order they came
	cutPrefix string   // cutAfter's request line prefix; "" when none is set
	cutLimit  int64
	limitCuts int // connections cutAfter cut
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, conns: make(map[net.Conn]bool)}
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

// hold makes the proxy refuse new connections until release.
func (p *cutProxy) hold() {
	p.mu.Lock()
	p.held = true
	p.mu.Unlock()
}

func (p *cutProxy) release() {
	p.mu.Lock()
	p.held = false
	p.mu.Unlock()
}

// cut closes every connection the proxy relays, both ends, and returns
// how many client connections that was.
func (p *cutProxy) cut() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for c, client := range p.conns {
		c.Close()
		if client {
			n++
		}
	}
	clear(p.conns)
	return n
}

// cutAfter arms a cut: the next connection whose request line starts with
// prefix is dropped once limit bytes past the HTTP response's head have
// gone from the server to the client (the WebSocket stream, framing
// included), the limit-th byte being the last one relayed.
func (p *cutProxy) cutAfter(prefix string, limit int64) {
	p.mu.Lock()
	p.cutPrefix, p.cutLimit = prefix, limit
	p.mu.Unlock()
}

// stats returns the request lines relayed so far, the connections
// refused while held and those cut by cutAfter.
func (p *cutProxy) stats() (lines []string, refused, limitCuts int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines...), p.refused, p.limitCuts
}

func (p *cutProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		// Registered under the lock that hold and cut take, so that no
		// connection accepted before a hold slips past the cut after it.
		p.mu.Lock()
		switch {
		case p.closed:
			c.Close()
		case p.held:
			p.refused++
			c.Close()
		default:
			p.conns[c] = true
			p.wg.Go(func() { p.serve(c) })
		}
		p.mu.Unlock()
	}
}

// serve reads the request line, connects to the target and relays both
// ways until either side ends, then closes both.
func (p *cutProxy) serve(c net.Conn) {
	br := bufio.NewReaderSize(c, maxRequestLine)
	line, err := br.ReadSlice('\n')
	if err != nil {
		p.drop(c)
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		p.drop(c)
		return
	}
	limit, ok := p.register(c, up, strings.TrimRight(string(line), "\r\n"))
	if !ok { // cut while dialling
		p.drop(c, up)
		return
	}
	p.wg.Go(func() {
		defer p.drop(c, up)
		if _, err := up.Write(line); err != nil {
			return
		}
		_, _ = io.Copy(up, br)
	})
	defer p.drop(c, up)
	if relayUpTo(c, up, limit) {
		p.mu.Lock()
		p.limitCuts++
		p.mu.Unlock()
	}
}

// register records a connection's request line and its upstream end, and
// returns the byte limit cutAfter armed for it (0: none); false if the
// client end was cut meanwhile.
func (p *cutProxy) register(c, up net.Conn, line string) (limit int64, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.conns[c]; !ok {
		return 0, false
	}
	p.conns[up] = false
	p.lines = append(p.lines, line)
	if p.cutPrefix != "" && strings.HasPrefix(line, p.cutPrefix) {
		limit = p.cutLimit
		p.cutPrefix, p.cutLimit = "", 0
	}
	return limit, true
}

// drop closes connection ends and forgets them.
func (p *cutProxy) drop(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		c.Close()
		delete(p.conns, c)
	}
}

// relayUpTo copies src, an HTTP response, to dst, stopping once limit
// bytes past the response's head have gone through (0: no limit); it
// reports whether it stopped at the limit.
func relayUpTo(dst, src net.Conn, limit int64) bool {
	buf := make([]byte, 32<<10)
	head := 0 // bytes of the head's "\r\n\r\n" matched; -1 once past it
	var sent int64
	for {
		n, err := src.Read(buf)
		data := buf[:n]
		if head >= 0 {
			i := endOfHead(data, &head)
			if _, werr := dst.Write(data[:i]); werr != nil {
				return false
			}
			data = data[i:]
		}
		if limit > 0 && sent+int64(len(data)) >= limit {
			_, _ = dst.Write(data[:limit-sent])
			return true
		}
		if len(data) > 0 {
			if _, werr := dst.Write(data); werr != nil {
				return false
			}
			sent += int64(len(data))
		}
		if err != nil {
			return false
		}
	}
}

// endOfHead looks for the end of an HTTP head in b, *matched bytes of its
// "\r\n\r\n" having been seen before b; it returns the length of b's part
// of the head, and sets *matched to -1 once the head has ended.
func endOfHead(b []byte, matched *int) int {
	const end = "\r\n\r\n"
	for i, c := range b {
		switch {
		case c == end[*matched]:
			*matched++
		case c == end[0]:
			*matched = 1
		default:
			*matched = 0
		}
		if *matched == len(end) {
			*matched = -1
			return i + 1
		}
	}
	return len(b)
}

func (p *cutProxy) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.ln.Close()
	p.cut()
	p.wg.Wait()
}
