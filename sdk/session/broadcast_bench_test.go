package session_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

// latencies records the delivery latencies of stamped states, one client's
// or many.
type latencies struct {
	mu        sync.Mutex
	ns        []int64
	delivered atomic.Int64
}

// record takes a state from stampedState and records how long it took to
// arrive.
func (l *latencies) record(st session.State) {
	now := time.Now().UnixNano()
	if len(st.Data) < 8 {
		return
	}
	sent := int64(binary.LittleEndian.Uint64(st.Data))
	l.mu.Lock()
	l.ns = append(l.ns, now-sent)
	l.mu.Unlock()
	l.delivered.Add(1)
}

// samples returns a copy of the latencies recorded so far.
func (l *latencies) samples() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ns)
}

// stampedState returns a State whose Data (size bytes, reused) starts with
// the sending time, for latencies.record.
func stampedState(tick uint64, data []byte) session.State {
	binary.LittleEndian.PutUint64(data, uint64(time.Now().UnixNano()))
	return session.State{Kind: 1, Tick: tick, Data: data}
}

// reportLatencies reports the 50th and 99th percentiles and the maximum of
// the samples, in milliseconds, under names prefixed with prefix.
func reportLatencies(b *testing.B, prefix string, ns []int64) {
	if len(ns) == 0 {
		b.Errorf("no %slatency samples", prefix)
		return
	}
	slices.Sort(ns)
	ms := func(v int64) float64 { return float64(v) / 1e6 }
	b.ReportMetric(ms(percentile(ns, 50)), prefix+"p50-ms")
	b.ReportMetric(ms(percentile(ns, 99)), prefix+"p99-ms")
	b.ReportMetric(ms(ns[len(ns)-1]), prefix+"max-ms")
}

// percentile returns the p-th percentile of sorted samples (nearest rank).
func percentile(sorted []int64, p float64) int64 {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// dialFleet opens n client sessions, players "<prefix>0" up to
// "<prefix>(n-1)", dialing up to 64 at a time, and closes them all (in
// parallel too) when the test ends. opts, if not nil, returns player i's
// options.
func dialFleet(tb testing.TB, url, prefix string, n int, opts func(i int) *session.ClientOptions) []*session.Client {
	tb.Helper()
	clients := make([]*session.Client, n)
	errs := make([]error, n)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			o := session.ClientOptions{}
			if opts != nil {
				if p := opts(i); p != nil {
					o = *p
				}
			}
			o.Token = fmt.Sprintf("player:%s%d", prefix, i)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			clients[i], errs[i] = session.Dial(ctx, url, &o)
		}()
	}
	wg.Wait()
	tb.Cleanup(func() { closeAll(clients) })
	for i, err := range errs {
		if err != nil {
			tb.Fatalf("dialing client %d of %d: %v", i, n, err)
		}
	}
	return clients
}

// closeAll closes the clients that are not nil, in parallel, and returns
// when all have.
func closeAll(clients []*session.Client) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for _, c := range clients {
		if c == nil {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c.Close()
		}()
	}
	wg.Wait()
}

// processCPU returns the CPU time, user and system, the process has used.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// waitDelivered waits, for at most limit, until delivered() reaches want.
// A benchmark reports what arrived rather than fail on what did not.
func waitDelivered(want int64, limit time.Duration, delivered func() int64) {
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for delivered() < want && time.Now().Before(deadline) {
		<-tick.C
	}
}

// reportDeliveries waits (at most 2 s) for want deliveries over lat, then
// reports their latencies, under names prefixed with prefix, and the
// fraction delivered.
func reportDeliveries(b *testing.B, prefix string, lat []latencies, want int64) {
	waitDelivered(want, 2*time.Second, func() int64 {
		var sum int64
		for i := range lat {
			sum += lat[i].delivered.Load()
		}
		return sum
	})
	var all []int64
	for i := range lat {
		all = append(all, lat[i].samples()...)
	}
	reportLatencies(b, prefix, all)
	b.ReportMetric(float64(len(all))/float64(want), "delivered/expected")
}

// BenchmarkBroadcast30Hz runs a server that broadcasts a 500-byte State at
// 30 Hz to many client sessions over loopback, all in this process. An
// iteration is one tick: a Broadcast, then the wait for the next tick of a
// 30 Hz ticker, which is the workload's pace. Run it with a fixed count of
// ticks:
//
//	go test -run '^$' -bench Broadcast30Hz -benchtime 300x ./sdk/session/
//
// It reports the delivery latency (Broadcast to the client's OnState) over
// all deliveries, the process's CPU time per tick (server and clients
// together: they share the process), the wall time spent inside Broadcast
// per tick (encoding once, queuing for each session; the writes happen on
// the connections' writer goroutines), and the fraction of states
// delivered (latest-wins may drop a state a slow writer had not sent yet).
//
// The server's goroutines carry the pprof label side=server and the
// clients' side=client, so a CPU profile splits the two:
//
//	go test -run '^$' -bench 'Broadcast30Hz/clients=1000' -benchtime 300x -cpuprofile cpu.out ./sdk/session/
//	go tool pprof -tagfocus side=server -top cpu.out
func BenchmarkBroadcast30Hz(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			benchmarkBroadcast(b, n)
		})
	}
}

func benchmarkBroadcast(b *testing.B, n int) {
	var srv *session.Server
	var url string
	pprof.Do(context.Background(), pprof.Labels("side", "server"), func(context.Context) {
		srv, url = startServer(b, session.ServerOptions{})
	})
	lat := make([]latencies, n)
	var clients []*session.Client
	pprof.Do(context.Background(), pprof.Labels("side", "client"), func(context.Context) {
		clients = dialFleet(b, url, "p", n, func(i int) *session.ClientOptions {
			return &session.ClientOptions{OnState: lat[i].record}
		})
	})
	_ = clients
	if got := srv.Stats().Sessions; got != n {
		b.Fatalf("%d sessions on the server, want %d", got, n)
	}
	data := make([]byte, 500)
	ticker := time.NewTicker(time.Second / 30)
	defer ticker.Stop()
	var ticks uint64
	var inBroadcast time.Duration
	cpu0 := processCPU(b)
	pprof.Do(context.Background(), pprof.Labels("side", "server"), func(context.Context) {
		for b.Loop() {
			ticks++
			t0 := time.Now()
			if err := srv.Broadcast(stampedState(ticks, data)); err != nil {
				b.Fatal(err)
			}
			inBroadcast += time.Since(t0)
			<-ticker.C
		}
	})
	cpu := processCPU(b) - cpu0
	reportDeliveries(b, "", lat, int64(ticks)*int64(n))
	b.ReportMetric(float64(cpu.Microseconds())/float64(ticks), "process-cpu-us/tick")
	b.ReportMetric(float64(inBroadcast.Microseconds())/float64(ticks), "broadcast-us/tick")
}

// BenchmarkFanoutRawTCP30Hz is the floor BenchmarkBroadcast30Hz is
// measured against: the same fan-out with no WebSocket, no session and no
// protobuf. A server writes the same 500 bytes, stamped, to n loopback TCP
// connections at 30 Hz, each through a writer goroutine of its own woken
// by a one-slot channel (the session server's shape), and n reader
// goroutines in this process record the latency:
//
//	go test -run '^$' -bench 'Broadcast30Hz|FanoutRawTCP30Hz' -benchtime 300x ./sdk/session/
func BenchmarkFanoutRawTCP30Hz(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("conns=%d", n), func(b *testing.B) {
			benchmarkFanoutRawTCP(b, n)
		})
	}
}

func benchmarkFanoutRawTCP(b *testing.B, n int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, n)
	go func() {
		for range n {
			c, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	lat := make([]latencies, n)
	var readers, writers sync.WaitGroup
	var clientConns, serverConns []net.Conn
	defer func() {
		for _, c := range append(clientConns, serverConns...) {
			c.Close()
		}
		readers.Wait()
		writers.Wait()
	}()
	for i := range n {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		clientConns = append(clientConns, c)
		readers.Add(1)
		go func() {
			defer readers.Done()
			buf := make([]byte, 500)
			for {
				if _, err := io.ReadFull(c, buf); err != nil {
					return
				}
				lat[i].record(session.State{Data: buf})
			}
		}()
	}
	wakes := make([]chan []byte, n)
	for i := range n {
		c, ok := <-accepted
		if !ok {
			b.Fatal("the listener failed")
		}
		serverConns = append(serverConns, c)
		wakes[i] = make(chan []byte, 1)
		writers.Add(1)
		go func() {
			defer writers.Done()
			for p := range wakes[i] {
				if _, err := c.Write(p); err != nil {
					return
				}
			}
		}()
	}
	defer func() {
		for _, w := range wakes {
			close(w)
		}
	}()

	ticker := time.NewTicker(time.Second / 30)
	defer ticker.Stop()
	var ticks int64
	cpu0 := processCPU(b)
	for b.Loop() {
		ticks++
		msg := make([]byte, 500)
		stampedState(uint64(ticks), msg)
		for _, w := range wakes {
			select {
			case w <- msg:
			default: // the writer is behind: latest wins, as for States
			}
		}
		<-ticker.C
	}
	cpu := processCPU(b) - cpu0
	reportDeliveries(b, "", lat, ticks*int64(n))
	b.ReportMetric(float64(cpu.Microseconds())/float64(ticks), "process-cpu-us/tick")
}
