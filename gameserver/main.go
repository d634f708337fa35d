// Command gameserver runs the arena's game server: rooms of up to 16 ships
// at 30 Hz, bots in the empty seats, guest login, a leaderboard, match
// replays, and an admin listener.
//
//	go run ./gameserver                     # ws://127.0.0.1:8080/session
//	go run ./gameserver -addr :8443 -tls-cert cert.pem -tls-key key.pem
//	curl -d 'Server restarts in 5 minutes' 127.0.0.1:8081/admin/broadcast
//
// SIGINT or SIGTERM shuts it down gracefully: every player is told the
// server is going away, and the replays being written are finished.
package main

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gamesock/gamesock/gameserver/internal/server"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gameserver:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("gameserver", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "game listener: the session endpoint (/session), login, replays, health")
	adminAddr := fs.String("admin", "127.0.0.1:8081", "admin listener (operator broadcast, stats); empty: none")
	certFile := fs.String("tls-cert", "", "TLS certificate (PEM) to serve wss:// and https://")
	keyFile := fs.String("tls-key", "", "TLS key (PEM)")
	tickRate := fs.Int("tick-rate", 30, "room simulation rate, Hz (the arena is tuned for 30)")
	roomSize := fs.Int("room-size", 16, "players per room")
	bots := fs.Int("bots", 8, "bots keep each room at this many ships (0: no bots)")
	match := fs.Duration("match", 3*time.Minute, "length of a match's playing phase")
	warmup := fs.Duration("warmup", 0, "wait before a match starts (default: the arena's)")
	results := fs.Duration("results", 0, "how long a match's results show before the next (default: the arena's)")
	replayDir := fs.String("replays", filepath.Join(os.TempDir(), "gamesock-replays"), "directory for match replays")
	secretHex := fs.String("secret", "", "hex secret (>= 32 bytes) that signs guest tokens; default: random per run")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := server.Config{
		TickRate: *tickRate, RoomSize: *roomSize, Bots: *bots,
		MatchLength: *match, Warmup: *warmup, Results: *results,
		ReplayDir: *replayDir, Logger: log,
	}
	if *secretHex != "" {
		secret, err := hex.DecodeString(*secretHex)
		if err != nil {
			return fmt.Errorf("-secret: %w", err)
		}
		cfg.Secret = secret
	}
	if (*certFile == "") != (*keyFile == "") {
		return errors.New("-tls-cert and -tls-key go together")
	}
	if *certFile != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			return err
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if err := os.MkdirAll(*replayDir, 0o755); err != nil {
		return err
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	var admin net.Listener
	adminURL := "none"
	if *adminAddr != "" {
		if admin, err = net.Listen("tcp", *adminAddr); err != nil {
			ln.Close()
			return err
		}
		adminURL = "http://" + admin.Addr().String()
	}
	scheme := "ws"
	if cfg.TLS != nil {
		scheme = "wss"
	}
	log.Info("serving", "session", fmt.Sprintf("%s://%s/session", scheme, ln.Addr()),
		"admin", adminURL, "replays", *replayDir, "bots", *bots, "tick_rate", *tickRate)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = srv.Serve(ctx, ln, admin)
	log.Info("stopped", "err", err)
	return err
}
