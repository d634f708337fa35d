// Command gameclient is the arena's game client. The windowed client is
// not built yet; with -headless it runs bot players without a window
// against a game server and prints what they saw: the load tool.
//
//	go run ./gameclient -headless -bots 16 -duration 30s -server ws://127.0.0.1:8080/session
//	go run ./gameclient -headless -bots 4 -replay -json
//
// SIGINT or SIGTERM stops the bots early; the report covers what ran. The
// exit status is 1 when the run could not be set up or was not clean
// (errors, kills the bots disagree on, a replay that failed its check),
// 2 for a usage error (and without -headless).
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/headless"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gameclient:", err)
		}
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// errUsage marks the errors of a command line that cannot run.
var errUsage = errors.New("usage error")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gameclient", flag.ContinueOnError)
	fs.SetOutput(stderr)
	headlessMode := fs.Bool("headless", false, "run bot players without a window (the only mode built so far)")
	server := fs.String("server", "ws://127.0.0.1:8080/session", "the game server's session endpoint (ws:// or wss://)")
	bots := fs.Int("bots", 8, "bot players to run")
	duration := fs.Duration("duration", 30*time.Second, "how long to run")
	prefix := fs.String("name-prefix", "bot", "bot names: prefix-1, prefix-2, ...")
	seed := fs.Uint64("seed", 0, "seeds the bots' brains (bot n: seed+n)")
	replay := fs.Bool("replay", false, "after the run, download the newest replay, check its SHA-256 and play it")
	caFile := fs.String("ca", "", "PEM file of roots to trust for wss:// and https:// (default: the system's)")
	jsonOut := fs.Bool("json", false, "print the report as JSON")
	logLevel := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if !*headlessMode {
		return fmt.Errorf("%w: the windowed client is not built yet; run with -headless", errUsage)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("%w: -log-level: %w", errUsage, err)
	}
	opts := headless.Options{
		Server: *server, Bots: *bots, Duration: *duration, NamePrefix: *prefix, Seed: *seed,
		DownloadReplay: *replay,
		Logger:         slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	}
	if *caFile != "" {
		roots, err := loadRoots(*caFile)
		if err != nil {
			return err
		}
		opts.Control.RootCAs = roots
	}

	rep, err := headless.Run(ctx, opts)
	if err != nil {
		return err
	}
	if *jsonOut {
		if err := rep.WriteJSON(stdout); err != nil {
			return err
		}
	} else {
		rep.Write(stdout)
	}
	if !rep.OK() {
		return errors.New("the run was not clean: see the report")
	}
	return nil
}

// loadRoots reads a PEM file of root certificates.
func loadRoots(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-ca: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("-ca: %s holds no PEM certificate", path)
	}
	return roots, nil
}
