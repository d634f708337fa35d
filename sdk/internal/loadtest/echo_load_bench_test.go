package loadtest

import (
	"context"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// clients is how many connections run the load at once.
const clients = 100

// runWait bounds a whole run, so that a stuck connection fails it instead of
// hanging it.
const runWait = 5 * time.Minute

// target is one kind of echo server with its matching clients.
type target struct {
	name  string
	start func() (*Server, error)
	dial  func(ctx context.Context, url string) (Client, error)
}

var targets = []target{
	{"tcp", StartTCPEcho, DialTCP},
	// The sdk server with lean WebSocket clients: the server's cost.
	{"sdk-server", StartSDKEcho, DialWS},
	// The sdk at both ends, clients pulling with Receive.
	{"sdk", StartSDKEcho, DialSDK},
}

// startLoad starts t's server and connects the clients, and stops both when
// tb ends.
func startLoad(tb testing.TB, t target) []Client {
	tb.Helper()
	srv, err := t.start()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Errorf("server: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cs, err := Dial(ctx, clients, func(ctx context.Context) (Client, error) { return t.dial(ctx, srv.URL) })
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { CloseAll(cs) })
	return cs
}

// TestEchoLoad runs a short load against each server: every client's
// records must come back intact and in order, and the server must shut down
// without leaving a goroutine behind.
func TestEchoLoad(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			cs := startLoad(t, tg)
			ctx, cancel := context.WithTimeout(context.Background(), runWait)
			defer cancel()
			if err := Run(ctx, cs, 20*clients); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestEchoLoadEventClients runs event-driven sdk clients, which loop from
// their MessageReceived handler, against the sdk server for a moment: every
// echo must match its request (a mismatch ends the loop with an error) and
// each client must have made progress.
func TestEchoLoadEventClients(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	cs := startLoad(t, target{"sdk-events", StartSDKEcho, DialSDKEvents})
	ctx, cancel := context.WithTimeout(context.Background(), runWait)
	defer cancel()
	for range 2 { // twice: a loop must start cleanly after another
		n, err := RunFor(ctx, cs, 200*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if n < int64(len(cs)) {
			t.Fatalf("%d round trips for %d clients", n, len(cs))
		}
	}
}

// cpuTime returns the CPU time, user and system, the process has used so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEchoLoad runs 100 closed-loop clients exchanging 64-byte records
// with an echo server: raw TCP first (tcp), then the sdk server with lean
// WebSocket clients (sdk-server), then sdk MessageWebSockets at both ends
// (sdk).
// One op is one round trip by any client; rt/s is round trips per second
// over all clients, and ratio_vs_tcp divides a run's rt/s by tcp's from
// the same run. cpu-ns/op is the CPU time the whole process (clients and
// server) spent per round trip, a figure that other load on the machine
// disturbs less than rt/s.
func BenchmarkEchoLoad(b *testing.B) {
	var tcpRate float64
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			cs := startLoad(b, tg)
			ctx, cancel := context.WithTimeout(context.Background(), runWait)
			defer cancel()
			// One round trip per client first, so that the clock starts
			// with every connection warm.
			if err := Run(ctx, cs, len(cs)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(RecordSize)
			cpu0 := cpuTime(b)
			b.ResetTimer()
			if err := Run(ctx, cs, b.N); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			rate := float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "rt/s")
			b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			switch {
			case tg.name == "tcp":
				tcpRate = rate
			case tcpRate > 0:
				b.ReportMetric(rate/tcpRate, "ratio_vs_tcp")
			}
		})
	}
}
