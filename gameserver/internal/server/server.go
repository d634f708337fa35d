// Package server is the arena's game server: the session endpoint, guest
// login, rooms of the arena game, the leaderboard, replays, and an admin
// listener for operators. The gameserver command is a thin main around it;
// tests run it in process.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gamesock/gamesock/gameserver/internal/auth"
	"github.com/gamesock/gamesock/gameserver/internal/game"
	"github.com/gamesock/gamesock/gameserver/internal/leaderboard"
	"github.com/gamesock/gamesock/gameserver/internal/replays"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/room"
	"github.com/gamesock/gamesock/sdk/session"
)

// Config configures a Server. The zero value of a field selects its default.
type Config struct {
	// TLS, when set, serves wss:// and https:// on the game listener.
	TLS *tls.Config
	// TickRate is the rooms' simulation rate. The arena's rules are tuned
	// for arena.TickRate (30); another rate speeds the game up or slows it
	// down. Default arena.TickRate.
	TickRate int
	// RoomSize is the players a room seats. Default 16.
	RoomSize int
	// Bots keeps each room flying this many ships: bots fill the seats
	// players leave empty. Default 0.
	Bots int
	// MatchLength is how long a match's playing phase lasts. Default the
	// arena's (3 minutes).
	MatchLength time.Duration
	// Warmup and Results are how long a match waits before it starts and
	// shows its results after. Default the arena's.
	Warmup, Results time.Duration
	// ReplayDir is where match replays are kept; ReplayKeep how many.
	// Required; default keep 100.
	ReplayDir  string
	ReplayKeep int
	// Secret signs the guest tokens; at least 32 bytes. Default: a random
	// one, so tokens die with the process.
	Secret []byte
	// ResumeWindow is how long a dropped player keeps its session and seat.
	// Default 30 s.
	ResumeWindow time.Duration
	// Logger receives the server's records. Default: none.
	Logger *slog.Logger
}

// Server is a running game server.
type Server struct {
	cfg       Config
	log       *slog.Logger
	issuer    *auth.Issuer
	board     *leaderboard.Board
	store     *replays.Store
	downloads *replays.Downloads
	sessions  *session.Server
	rooms     *room.Manager[*arena.World]
	saver     *replaySaver

	names names    // player id -> display name, from the token
	games sync.Map // room id -> *game.Arena

	mu      sync.Mutex
	servers []*http.Server
}

// New builds a server; Serve runs it.
func New(cfg Config) (*Server, error) {
	if cfg.ReplayDir == "" {
		return nil, errors.New("server: no replay directory")
	}
	if cfg.TickRate == 0 {
		cfg.TickRate = arena.TickRate
	}
	if cfg.RoomSize == 0 {
		cfg.RoomSize = 16
	}
	if cfg.ReplayKeep == 0 {
		cfg.ReplayKeep = 100
	}
	if cfg.ResumeWindow == 0 {
		cfg.ResumeWindow = 30 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	secret := cfg.Secret
	if secret == nil {
		var err error
		if secret, err = auth.NewSecret(); err != nil {
			return nil, err
		}
	}
	issuer, err := auth.NewIssuer(secret, 0, nil)
	if err != nil {
		return nil, err
	}
	store, err := replays.NewStore(cfg.ReplayDir, cfg.ReplayKeep, log.With("part", "replays"))
	if err != nil {
		return nil, err
	}
	arenaCfg, err := arenaConfig(cfg)
	if err != nil {
		return nil, err
	}

	s := &Server{
		cfg:    cfg,
		log:    log,
		issuer: issuer,
		board:  leaderboard.New("best-scores", 1000, nil),
		store:  store,
	}
	s.saver = newReplaySaver(store, log)
	s.downloads = store.Handler(s.verify, log.With("part", "replays"))
	s.sessions = session.NewServer(session.ServerOptions{
		Authenticate:   s.authenticate,
		OnSessionStart: s.onSessionStart,
		OnSessionEnd:   s.onSessionEnd,
		OnState:        func(ss *session.Session, st session.State) { s.rooms.HandleState(ss, st) },
		OnRequest:      s.onRequest,
		ResumeWindow:   cfg.ResumeWindow,
		TickRate:       cfg.TickRate,
		Control:        sdk.Control{ServerTLSConfig: cfg.TLS},
		Logger:         log.With("part", "sessions"),
	})
	svc := &game.Services{
		Sessions:    s.sessions,
		Leaderboard: s.board,
		SaveReplay:  s.saver.save,
		Name:        s.name,
		Seed:        rand.Uint64,
		Now:         time.Now,
		Logger:      log.With("part", "game"),
	}
	gcfg := game.Config{Arena: arenaCfg, Bots: cfg.Bots}
	s.rooms = room.NewManager(room.ManagerOptions[*arena.World]{
		NewGame: func(id string) room.Game[*arena.World] {
			g := game.New(id, gcfg, svc)
			s.games.Store(id, g)
			return g
		},
		Room: room.Options{
			TickRate:   cfg.TickRate,
			MaxPlayers: cfg.RoomSize,
			Logger:     log.With("part", "rooms"),
		},
	})
	return s, nil
}

// arenaConfig applies the match timings to the arena's defaults.
func arenaConfig(cfg Config) (arena.Config, error) {
	c := arena.DefaultConfig()
	ticks := func(d time.Duration) int { return int(d * arena.TickRate / time.Second) }
	if cfg.MatchLength > 0 {
		c.MatchTicks = ticks(cfg.MatchLength)
	}
	if cfg.Warmup > 0 {
		c.WarmupTicks = ticks(cfg.Warmup)
	}
	if cfg.Results > 0 {
		c.ResultsTicks = ticks(cfg.Results)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("server: match settings: %w", err)
	}
	return c, nil
}

// Handler serves the game's HTTP endpoints: GET /session (the session
// upgrade), POST /login (a guest token), GET /replays/{id} (a replay over a
// StreamWebSocket) and GET /healthz.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /session", s.sessions)
	mux.Handle("/login", s.issuer.LoginHandler())
	mux.Handle("GET /replays/", s.downloads)
	mux.HandleFunc("GET /healthz", s.healthz)
	return mux
}

// Serve serves the game on ln and the admin endpoints on admin (nil: none)
// until ctx ends, then shuts down: every client is told the server is
// going away (1001), the rooms stop, and the replays being saved are
// written. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln, admin net.Listener) error {
	errc := make(chan error, 2)
	game := s.newHTTPServer(s.Handler())
	go func() {
		if s.cfg.TLS != nil {
			ln = tls.NewListener(ln, s.cfg.TLS)
		}
		errc <- game.Serve(ln)
	}()
	if admin != nil {
		as := s.newHTTPServer(s.AdminHandler())
		go func() { errc <- as.Serve(admin) }()
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			s.shutdown()
			return err
		}
	}
	return s.shutdown()
}

// shutdown stops the server gracefully, within 10 s.
func (s *Server) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.log.Info("shutting down")
	// The sessions first, so clients hear why (1001, reconnect) while the
	// rooms still tick.
	err := s.sessions.Shutdown(ctx)
	s.mu.Lock()
	servers := s.servers
	s.mu.Unlock()
	for _, hs := range servers {
		err = errors.Join(err, hs.Shutdown(ctx))
	}
	err = errors.Join(err, s.downloads.Shutdown(ctx))
	err = errors.Join(err, s.rooms.Close(ctx))
	s.saver.close()
	return err
}

func (s *Server) newHTTPServer(h http.Handler) *http.Server {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.mu.Lock()
	s.servers = append(s.servers, hs)
	s.mu.Unlock()
	return hs
}

// game returns the game of a room. Its methods are for the room's
// goroutine (room.Do).
func (s *Server) game(roomID string) *game.Arena {
	g, _ := s.games.Load(roomID)
	a, _ := g.(*game.Arena)
	return a
}

// Sessions returns the session server, for tests and tools.
func (s *Server) Sessions() *session.Server { return s.sessions }

// Rooms returns the room manager, for tests and tools.
func (s *Server) Rooms() *room.Manager[*arena.World] { return s.rooms }

// Replays returns the replay store.
func (s *Server) Replays() *replays.Store { return s.store }

// Issuer returns the guest token issuer, for tests and tools.
func (s *Server) Issuer() *auth.Issuer { return s.issuer }
