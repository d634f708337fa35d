package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// ServerOptions configure a Server. The zero value of every field but
// Authenticate selects the default given in its comment.
//
// OnSessionStart, OnResume, OnPayload and OnState run on the connection's
// read goroutine: one connection's calls are in order and never
// concurrent, and a slow one delays only its own connection. A game hands
// the message to its loop and returns. Their Data is the handler's to
// keep.
type ServerOptions struct {
	// Authenticate turns the token a client presents at the upgrade (an
	// "Authorization: Bearer" header, or a "token" query parameter for
	// browsers) into its player id. An error refuses the upgrade with HTTP
	// 401 (or the status of an sdk.Reject error), so the client does not
	// retry. The player id is the session's identity: it never comes from
	// a message. Required.
	Authenticate func(token string, req *sdk.UpgradeRequest) (playerID string, err error)

	// OnSessionStart is called when a client opens a new session, before
	// any of its messages is handed to the game.
	OnSessionStart func(s *Session)
	// OnSessionEnd is called once when a session ends for good: closed by
	// the game, replaced, expired after its resume window, or at Shutdown.
	OnSessionEnd func(s *Session, err error)
	// OnDisconnect is called when a session's connection drops; the session
	// waits ResumeWindow for the client to come back.
	OnDisconnect func(s *Session, err error)
	// OnResume is called when a client reattached its session.
	OnResume func(s *Session)
	// OnPayload receives the client's reliable messages, each exactly once,
	// in order.
	OnPayload func(s *Session, p Payload)
	// OnState receives the client's states (inputs, usually), newest only.
	OnState func(s *Session, st State)
	// OnRequest answers the client's requests. It runs on a goroutine of
	// its own, at most Limits.MaxConcurrentRequests at a time per
	// connection; ctx ends at the client's deadline or when the connection
	// does. Return an *Error for a typed error. Nil: every request is
	// answered CodeUnimplemented.
	OnRequest func(ctx context.Context, s *Session, r Request) ([]byte, error)

	// Limits are enforced on every connection and told to the client.
	Limits Limits

	// ResumeWindow is how long a session whose connection dropped keeps
	// its unacknowledged reliable messages for a Resume. Default 30 s.
	ResumeWindow time.Duration

	// HelloTimeout bounds the wait for a new connection's Hello or Resume.
	// Default 10 s.
	HelloTimeout time.Duration

	// TickRate is the game's simulation rate, told to clients. Default 0:
	// not said.
	TickRate int

	// PingInterval is how often clients are asked to ping (those that do
	// not set their own ClientOptions.PingInterval). Pings feed the
	// clients' clocks and RTTs; each costs the server a read and a write.
	// Default 1 s.
	PingInterval time.Duration

	// Control holds the sockets' settings: TLS for Serve, OriginPatterns,
	// timeouts. The server sets its MessageType, MaxMessageSize and
	// Authorize itself.
	Control sdk.Control

	// Logger receives records of sessions opening, ending and breaking the
	// rules. Default: none.
	Logger *slog.Logger

	// Now is the server's clock, for the timestamps in pongs and the lag
	// checks. Default time.Now. Tests set it to skew the clock.
	Now func() time.Time
}

// Limits bound what one connection may do. The zero value of a field
// selects its default.
type Limits struct {
	// MaxMessageSize bounds one envelope: above it the connection closes
	// with 1009. Default 64 KiB.
	MaxMessageSize int
	// ReliableRate and ReliableBurst bound the client's reliable messages
	// (a token bucket). Above them the connection closes with
	// CloseRateLimited. Default 100 a second, bursts of 200.
	ReliableRate, ReliableBurst int
	// StateRate and StateBurst bound the client's states; states above
	// them are dropped and counted. Default 120 a second, bursts of 240.
	StateRate, StateBurst int
	// RequestRate and RequestBurst bound the client's requests; requests
	// above them are answered CodeResourceExhausted, and a client that
	// goes on regardless is closed with CloseRateLimited. Default 20 a
	// second, bursts of 40.
	RequestRate, RequestBurst int
	// MaxConcurrentRequests bounds the requests in flight on one
	// connection; more are answered CodeResourceExhausted. Default 8.
	MaxConcurrentRequests int
	// Window bounds the reliable messages sent to a client and not yet
	// acknowledged, in number and bytes, connected or not. A client that
	// lets it fill is closed with CloseTooSlow and its session ends: what
	// it missed cannot be kept. Default 4096 messages, 4 MiB.
	Window, WindowBytes int
	// MaxLag is how long a client may leave what it was sent
	// unacknowledged before it is closed with CloseTooSlow (it may resume).
	// Default 5 s.
	MaxLag time.Duration
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxMessageSize, 64<<10)
	def(&l.ReliableRate, 100)
	def(&l.ReliableBurst, 200)
	def(&l.StateRate, 120)
	def(&l.StateBurst, 240)
	def(&l.RequestRate, 20)
	def(&l.RequestBurst, 40)
	def(&l.MaxConcurrentRequests, 8)
	def(&l.Window, 4096)
	def(&l.WindowBytes, 4<<20)
	if l.MaxLag <= 0 {
		l.MaxLag = 5 * time.Second
	}
	return l
}

// Request is a client's request to the server.
type Request struct {
	Method uint32 // the game's code for what is asked
	Data   []byte
}

// The rate of pings a client may send: far above what Client sends.
const (
	pingRate  = 20
	pingBurst = 40
)

// ErrServerClosed is returned by Serve after Shutdown, and is the reason
// sessions end at Shutdown.
var ErrServerClosed = errors.New("session server closed")

// Server is the server end of sessions. It is an http.Handler, and Serve
// takes connections straight from a net.Listener. All its methods are safe
// from any goroutine.
//
// Each connection has one reader (the socket's) and one writer goroutine,
// and bounded queues in between: sending to a player never waits for that
// player's network, so a server tick never stalls on a slow client.
type Server struct {
	opts    ServerOptions
	limits  Limits
	control sdk.Control
	log     *slog.Logger

	mu         sync.Mutex
	sessions   map[string]*Session // by session id
	players    map[string]*Session // by player id
	conns      map[*serverConn]struct{}
	listeners  map[net.Listener]struct{}
	tombstones map[string]string // ended session id -> why, for a clear resume error
	tombOrder  []string
	inbox      map[string][][]byte // persistent notifications for players offline
	shutting   bool
	stats      ServerStats

	wg sync.WaitGroup // writers, request handlers, Serve's handshakes
}

// ServerStats count what a Server has seen.
type ServerStats struct {
	Sessions, Connections int // now
	SessionsStarted       uint64
	Resumes               uint64 // sessions reattached
	ResumesRejected       uint64 // forged, unknown or expired
	AuthRejected          uint64 // upgrades Authenticate refused
	BadEnvelopes          uint64 // connections closed with CloseBadEnvelope, or 1009 for an envelope too big
	VersionMismatches     uint64
	RateLimited           uint64 // states dropped, requests refused, connections closed for rate
	TooSlow               uint64 // connections closed with CloseTooSlow
}

// NewServer returns a Server. It panics if opts.Authenticate is nil: a
// session server without authentication is a mistake.
func NewServer(opts ServerOptions) *Server {
	if opts.Authenticate == nil {
		panic("session.NewServer: ServerOptions.Authenticate is nil")
	}
	if opts.ResumeWindow <= 0 {
		opts.ResumeWindow = 30 * time.Second
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = time.Second
	}
	if opts.HelloTimeout <= 0 {
		opts.HelloTimeout = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:       opts,
		limits:     opts.Limits.withDefaults(),
		log:        opts.Logger,
		sessions:   make(map[string]*Session),
		players:    make(map[string]*Session),
		conns:      make(map[*serverConn]struct{}),
		listeners:  make(map[net.Listener]struct{}),
		tombstones: make(map[string]string),
		inbox:      make(map[string][][]byte),
	}
	s.control = opts.Control
	s.control.MessageType = sdk.Binary
	s.control.MaxMessageSize = s.limits.MaxMessageSize
	if s.control.SendTimeout <= 0 || s.control.SendTimeout > s.limits.MaxLag {
		// A write blocked that long means a peer that is not reading.
		s.control.SendTimeout = s.limits.MaxLag
	}
	if s.control.PingInterval <= 0 {
		s.control.PingInterval = 5 * time.Second
	}
	return s
}

func (s *Server) endpointConfig() endpointConfig {
	return endpointConfig{
		window:        s.limits.Window,
		windowBytes:   s.limits.WindowBytes,
		maxLag:        s.limits.MaxLag,
		ackDelay:      20 * time.Millisecond,
		stateAckDelay: 100 * time.Millisecond,
		ackEvery:      32,
		controlCap:    s.limits.MaxConcurrentRequests + 2*pingBurst + 8,
		now:           s.opts.Now,
	}
}

// ServeHTTP upgrades a request to a session connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, ws := s.newConn()
	if c == nil {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	if err := ws.Accept(w, r); err != nil {
		s.dropConn(c)
		return
	}
	c.started()
}

// Serve accepts connections from ln and runs the session handshake on
// each (with Control.ServerTLSConfig, after TLS), without net/http. It
// returns ErrServerClosed after Shutdown, or the listener's error.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.shutting {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
	}()
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			shutting := s.shutting
			s.mu.Unlock()
			if shutting {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Out of file descriptors or similar: wait, as net/http does.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				t := time.NewTimer(delay)
				<-t.C
				continue
			}
			return err
		}
		delay = 0
		c, ws := s.newConn()
		if c == nil {
			nc.Close()
			return ErrServerClosed
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := ws.AcceptConn(context.Background(), nc); err != nil {
				s.dropConn(c)
				return
			}
			c.started()
		}()
	}
}

// Shutdown stops accepting connections, sends every client what is queued
// for it, then closes its connection with 1001 and a reason that tells it
// to come back, and ends every session. It waits for all that, and for
// request handlers to return, or for ctx; on ctx's end it closes what is
// left at once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutting = true
	for ln := range s.listeners {
		ln.Close()
	}
	conns := make([]*serverConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	const reason = "server shutting down; reconnect"
	for _, c := range conns {
		c.shutdown(reason)
	}
	var err error
	for _, c := range conns {
		select {
		case <-c.l.done:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
	}
	for _, c := range conns {
		s.closeAsync(c.l, sdk.CloseGoingAway, reason)
	}
	s.mu.Lock()
	sessions := make([]*Session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		sessions = append(sessions, ss)
	}
	s.mu.Unlock()
	for _, ss := range sessions {
		ss.end(ErrServerClosed)
	}
	s.wg.Wait()
	return err
}

// Session returns the session of a player, or nil.
func (s *Server) Session(playerID string) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.players[playerID]
}

// Sessions returns the sessions, connected or waiting for a resume.
func (s *Server) Sessions() []*Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		out = append(out, ss)
	}
	return out
}

// Stats returns the server's counters.
func (s *Server) Stats() ServerStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Sessions, st.Connections = len(s.sessions), len(s.conns)
	return st
}

// Send sends m to one player. See Session.Send. A persistent Notification
// for a player without a session is kept (in memory, up to 100 per player)
// and delivered when the player next opens one; anything else fails with
// CodeNotFound.
func (s *Server) Send(playerID string, m Message) error {
	ss := s.Session(playerID)
	if ss == nil {
		if n, ok := m.(Notification); ok && n.Persistent {
			body, enc, err := s.encodeMessage(m)
			if err != nil {
				return err
			}
			defer enc.release()
			return s.keep(playerID, body)
		}
		return Errorf(CodeNotFound, "no session for player %q", playerID)
	}
	return ss.Send(m)
}

// Bounds of the inbox of persistent notifications for offline players.
const (
	maxInboxPerPlayer = 100
	maxInboxPlayers   = 10000
)

func (s *Server) keep(player string, body []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	box, ok := s.inbox[player]
	if !ok && len(s.inbox) >= maxInboxPlayers || len(box) >= maxInboxPerPlayer {
		return Errorf(CodeResourceExhausted, "inbox of player %q full", player)
	}
	s.inbox[player] = append(box, body)
	return nil
}

// takeInbox returns and forgets a player's kept notifications.
func (s *Server) takeInbox(player string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	box := s.inbox[player]
	delete(s.inbox, player)
	return box
}

// SendTo sends m to each of the players that has a session, encoding it
// once. Players without a session are skipped; a player whose window is
// full is cut (see Limits.Window). It fails only if m does not encode.
func (s *Server) SendTo(playerIDs []string, m Message) error {
	body, enc, err := s.encodeMessage(m)
	if err != nil {
		return err
	}
	defer enc.release()
	s.mu.Lock()
	targets := make([]*Session, 0, len(playerIDs))
	for _, id := range playerIDs {
		if ss := s.players[id]; ss != nil {
			targets = append(targets, ss)
		}
	}
	s.mu.Unlock()
	for _, ss := range targets {
		_ = ss.sendBody(m, body)
	}
	if n, ok := m.(Notification); ok && n.Persistent && len(targets) < len(playerIDs) {
		for _, id := range playerIDs {
			if s.Session(id) == nil {
				_ = s.keep(id, body)
			}
		}
	}
	return nil
}

// Broadcast sends m to every session, encoding it once.
func (s *Server) Broadcast(m Message) error {
	body, enc, err := s.encodeMessage(m)
	if err != nil {
		return err
	}
	defer enc.release()
	for _, ss := range s.Sessions() {
		_ = ss.sendBody(m, body)
	}
	return nil
}

// encodeMessage encodes m's body once, for any number of recipients, and
// returns it with the pooled encoder to release. A State's body is in the
// encoder's buffer, valid until release: sendState copies it into its slot,
// so the latest-wins path allocates nothing. Any other body is kept until
// acknowledged, so it is allocated and release leaves it alone. A
// Notification gets an id and a creation time if it has none.
func (s *Server) encodeMessage(m Message) (body []byte, enc *pooledEncoder, err error) {
	if n, ok := m.(Notification); ok && (n.ID == "" || n.Created.IsZero()) {
		if n.ID == "" {
			n.ID = randomID(8)
		}
		if n.Created.IsZero() {
			n.Created = s.opts.Now()
		}
		m = n
	}
	return encodePooled(m)
}

// newConn returns the state of a new connection and its socket, or nil
// when shutting down.
func (s *Server) newConn() (*serverConn, *sdk.MessageWebSocket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting {
		return nil, nil
	}
	ws := sdk.NewMessageWebSocket()
	c := &serverConn{srv: s, l: newLink(ws)}
	c.reliable = newBucket(s.limits.ReliableRate, s.limits.ReliableBurst)
	c.states = newBucket(s.limits.StateRate, s.limits.StateBurst)
	c.requests = newBucket(s.limits.RequestRate, s.limits.RequestBurst)
	c.pings = newBucket(pingRate, pingBurst)
	ws.Control = s.control
	ws.Control.Authorize = c.authorize
	ws.OnMessageReceived(c.onMessage)
	ws.OnClosed(c.onClosed)
	s.conns[c] = struct{}{}
	return c, ws
}

// closeAsync closes a link without waiting for its closing handshake, for
// callers that must not block: a game's tick, another connection's reader.
func (s *Server) closeAsync(l *link, code sdk.CloseCode, reason string) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		l.close(code, reason)
	}()
}

// dropConn forgets a connection whose upgrade failed or was refused. Its
// socket never started, so nothing else will mark its link ended, and a
// Shutdown that already took it in its list would wait for it.
func (s *Server) dropConn(c *serverConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.l.ended()
}

func (s *Server) count(f func(st *ServerStats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

func (s *Server) debug(msg string, args ...any) {
	if s.log != nil {
		s.log.Debug(msg, args...)
	}
}

// tokenFrom returns the token of an upgrade request: a bearer token, or the
// "token" query parameter that browsers, which cannot set headers on a
// WebSocket, use.
func tokenFrom(req *sdk.UpgradeRequest) string {
	if h := req.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
	}
	if req.URL != nil {
		return req.URL.Query().Get("token")
	}
	return ""
}

// newSession registers a new session for player, replacing the player's
// previous one.
func (s *Server) newSession(player string) (*Session, *Session, error) {
	ss := &Session{
		srv:    s,
		id:     randomID(16),
		player: player,
		token:  []byte(randomID(32)),
		ep:     newEndpoint(s.endpointConfig()),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting {
		return nil, nil, ErrServerClosed
	}
	old := s.players[player]
	s.sessions[ss.id] = ss
	s.players[player] = ss
	s.stats.SessionsStarted++
	return ss, old, nil
}

// forget removes an ended session, leaving a tombstone that says why.
func (s *Server) forget(ss *Session, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions[ss.id] != ss {
		return
	}
	delete(s.sessions, ss.id)
	if s.players[ss.player] == ss {
		delete(s.players, ss.player)
	}
	const maxTombstones = 4096
	if len(s.tombOrder) >= maxTombstones {
		delete(s.tombstones, s.tombOrder[0])
		s.tombOrder = s.tombOrder[1:]
	}
	s.tombstones[ss.id] = why
	s.tombOrder = append(s.tombOrder, ss.id)
}

func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
