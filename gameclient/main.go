// Command gameclient is the arena's game client. Without -headless it
// opens the game's window: a connect screen, the match, the results and
// the replays. With -headless it runs bot players without a window against
// a game server and prints what they saw: the load tool.
//
//	go run ./gameclient
//	go run ./gameclient -server ws://127.0.0.1:8080/session -name ada
//	go run ./gameclient -headless -bots 16 -duration 30s -server ws://127.0.0.1:8080/session
//	go run ./gameclient -headless -bots 4 -replay -json
//
// The window's test hooks: -script plays scripted input in the match (and
// connects at once), -screenshots saves PNGs of the match and the
// results, -exit-after ends the game; the frame time is printed at exit.
//
// SIGINT or SIGTERM stops the bots (or closes the window) early; the
// report covers what ran. The exit status is 1 when the run could not be
// set up or was not clean (errors, kills the bots disagree on, a replay
// that failed its check), 2 for a usage error.
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
	headlessMode := fs.Bool("headless", false, "run bot players without a window: the load tool")
	server := fs.String("server", "ws://127.0.0.1:8080/session", "the game server's session endpoint (ws:// or wss://)")
	bots := fs.Int("bots", 8, "bot players to run")
	duration := fs.Duration("duration", 30*time.Second, "how long to run")
	prefix := fs.String("name-prefix", "bot", "bot names: prefix-1, prefix-2, ...")
	seed := fs.Uint64("seed", 0, "seeds the bots' brains (bot n: seed+n)")
	replay := fs.Bool("replay", false, "after the run, download the newest replay, check its SHA-256 and play it")
	caFile := fs.String("ca", "", "PEM file of roots to trust for wss:// and https:// (default: the system's)")
	jsonOut := fs.Bool("json", false, "print the report as JSON")
	logLevel := fs.String("log-level", "warn", "debug, info, warn or error")
	var w windowFlags
	w.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if err := checkModeFlags(fs, *headlessMode); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("%w: -log-level: %w", errUsage, err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if !*headlessMode {
		fs.Visit(func(f *flag.Flag) {
			w.serverGiven = w.serverGiven || f.Name == "server"
			w.nameGiven = w.nameGiven || f.Name == "name"
		})
		return runWindow(ctx, &w, *server, *caFile, logger, stdout)
	}
	opts := headless.Options{
		Server: *server, Bots: *bots, Duration: *duration, NamePrefix: *prefix, Seed: *seed,
		DownloadReplay: *replay,
		Logger:         logger,
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
