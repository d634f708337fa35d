// Command echoload runs closed-loop 64-byte echo traffic over many loopback
// connections against a raw TCP echo server and the sdk's echo server, in
// alternating rounds so that drifting machine load touches both alike, and
// prints round trips per second and the sdk's ratio to raw TCP.
//
//	go run ./sdk/internal/loadtest/cmd/echoload -conns 100 -duration 2s -rounds 3
//
// With -idle N it measures instead what N idle connections cost in memory.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/gamesock/gamesock/sdk/internal/loadtest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "echoload:", err)
		os.Exit(1)
	}
}

type target struct {
	name  string
	about string
	start func() (*loadtest.Server, error)
	dial  func(ctx context.Context, url string) (loadtest.Client, error)
}

var targets = []target{
	{"tcp", "raw TCP server, raw TCP clients", loadtest.StartTCPEcho, loadtest.DialTCP},
	{"sdk-server", "sdk server (AcceptConn, MessageReceived), lean WebSocket clients", loadtest.StartSDKEcho, loadtest.DialWS},
	{"sdk", "sdk server, sdk clients pulling (Send + Receive)", loadtest.StartSDKEcho, loadtest.DialSDK},
	{"sdk-events", "sdk server, sdk clients sending from MessageReceived", loadtest.StartSDKEcho, loadtest.DialSDKEvents},
}

func run() error {
	conns := flag.Int("conns", 100, "connections per server")
	duration := flag.Duration("duration", 2*time.Second, "length of one measurement")
	rounds := flag.Int("rounds", 3, "measurements per server, alternating between servers")
	idle := flag.Int("idle", 0, "if positive, instead measure the memory of this many idle connections per server")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *idle > 0 {
		return idleMemory(ctx, *idle)
	}

	type setup struct {
		srv     *loadtest.Server
		clients []loadtest.Client
		rates   []float64
		cpu     []float64 // CPU ns per round trip, whole process
	}
	setups := make([]*setup, len(targets))
	defer func() {
		for _, s := range setups {
			if s != nil {
				loadtest.CloseAll(s.clients)
				s.srv.Close()
			}
		}
	}()
	for i, t := range targets {
		srv, err := t.start()
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		s := &setup{srv: srv}
		setups[i] = s
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		s.clients, err = loadtest.Dial(dctx, *conns, func(ctx context.Context) (loadtest.Client, error) { return t.dial(ctx, srv.URL) })
		cancel()
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		// Warm every connection up.
		if err := loadtest.Run(ctx, s.clients, *conns); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	fmt.Printf("%d connections x %d-byte echo, %d rounds of %v each, alternating\n", *conns, loadtest.RecordSize, *rounds, *duration)
	ratios := make([][]float64, len(targets))
	for r := 0; r < *rounds; r++ {
		var tcp float64
		for i, s := range setups {
			cpu0 := cpuTime()
			n, err := loadtest.RunFor(ctx, s.clients, *duration)
			if err != nil {
				return fmt.Errorf("%s: %w", targets[i].name, err)
			}
			rate := float64(n) / duration.Seconds()
			s.rates = append(s.rates, rate)
			s.cpu = append(s.cpu, float64(cpuTime()-cpu0)/float64(n))
			if i == 0 {
				tcp = rate
			} else {
				ratios[i] = append(ratios[i], rate/tcp)
			}
		}
	}
	fmt.Printf("%-11s %12s %14s %12s  %s\n", "server", "rt/s median", "ratio vs tcp", "CPU ns/rt", "what")
	for i, s := range setups {
		ratio := "-"
		if i > 0 {
			ratio = fmt.Sprintf("%.3f", median(ratios[i]))
		}
		fmt.Printf("%-11s %12.0f %14s %12.0f  %s\n", targets[i].name, median(s.rates), ratio, median(s.cpu), targets[i].about)
	}
	fmt.Println("CPU ns/rt is the CPU time of the whole process (clients and server) per round trip.")
	return nil
}

// idleMemory measures what n idle connections cost the process, for the raw
// TCP server and for the sdk server, each with lean clients whose own cost is
// the same in both: heap and goroutine stacks in use, per connection, once
// every connection has done one round trip.
func idleMemory(ctx context.Context, n int) error {
	fmt.Printf("%d idle connections per server, each after one 64-byte round trip\n", n)
	fmt.Printf("%-11s %12s  %s\n", "server", "bytes/conn", "what")
	for _, t := range targets[:2] {
		before := memInUse()
		srv, err := t.start()
		if err != nil {
			return err
		}
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		clients, err := loadtest.Dial(dctx, n, func(ctx context.Context) (loadtest.Client, error) { return t.dial(ctx, srv.URL) })
		cancel()
		if err == nil {
			err = loadtest.Run(ctx, clients, n)
		}
		after := memInUse()
		loadtest.CloseAll(clients)
		srv.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		fmt.Printf("%-11s %12d  %s\n", t.name, (after-before)/uint64(n), t.about)
	}
	fmt.Println("bytes/conn counts the heap and goroutine stacks in use for a server connection and its lean client.")
	return nil
}

// memInUse is the heap and stack memory in use after a collection.
func memInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// cpuTime is the CPU time, user and system, the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
