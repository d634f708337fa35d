package headless

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/guest"
	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
)

// Options configure a Run. The zero value of every field but Server
// selects the default given in its comment.
type Options struct {
	// Server is the session endpoint's ws:// or wss:// URL, such as
	// ws://127.0.0.1:8080/session. The login endpoint is beside it (its
	// path's /session replaced by /login, over http or https).
	Server string
	// Bots is how many bot players run. Default 1.
	Bots int
	// Duration is how long the run lasts, from the first bot's start.
	// Default 30 s.
	Duration time.Duration
	// NamePrefix names the bots: prefix-1, prefix-2, ... Default "bot".
	NamePrefix string
	// Seed seeds the bots' brains: bot n flies with seed Seed+n, so a run
	// makes the same choices given the same worlds.
	Seed uint64
	// Stagger is the wait between two bots' starts, so that not every
	// login and handshake lands in the same millisecond. It shrinks so
	// that all bots start within the first quarter of Duration. Default
	// 5 ms.
	Stagger time.Duration

	// Control holds the sockets' settings (TLS roots for wss://, client
	// certificate), for the sessions, the logins and the replay download.
	Control sdk.Control
	// Reconnect is the sessions' reconnection policy. Default: the
	// session package's (on, backoff from 100 ms to 5 s).
	Reconnect session.Reconnect

	// DownloadReplay, after the run, lists the server's replays, downloads
	// the newest over a StreamWebSocket, checks its SHA-256 against the
	// listing and plays it (re-simulating every tick and checking the
	// recorded hashes). Report.Replay has the outcome.
	DownloadReplay bool

	// BotURL, if set, gives the session URL bot n (from 1) dials instead
	// of Server, for a test that routes some bots through a proxy. The
	// logins and the replay download still use Server.
	BotURL func(n int, server string) string
	// OnNotification, if set, sees each notification bot n (from 1)
	// receives, after the bot counted it, on that bot's session read
	// goroutine: tests use it to act at a point of the game.
	OnNotification func(n int, note session.Notification)

	// Logger receives records of the bots' logins, connections and
	// errors. Default: none.
	Logger *slog.Logger
}

// Defaults of Options.
const (
	defaultDuration   = 30 * time.Second
	defaultNamePrefix = "bot"
	defaultStagger    = 5 * time.Millisecond
	// defaultTickRate paces the bots until a room says its rate.
	defaultTickRate = 30
	// maxTickRate bounds the rate a hostile Joined may set.
	maxTickRate = 240
)

// resolve checks o and fills in its defaults.
func (o Options) resolve() (Options, *url.URL, error) {
	u, err := guest.ParseServer(o.Server)
	if err != nil {
		return o, nil, err
	}
	if o.Bots < 0 {
		return o, nil, fmt.Errorf("bots: %d is negative", o.Bots)
	}
	if o.Duration < 0 {
		return o, nil, errors.New("duration is negative")
	}
	if o.Bots == 0 {
		o.Bots = 1
	}
	if o.Duration == 0 {
		o.Duration = defaultDuration
	}
	if o.NamePrefix == "" {
		o.NamePrefix = defaultNamePrefix
	}
	if o.Stagger <= 0 {
		o.Stagger = defaultStagger
	}
	o.Stagger = min(o.Stagger, o.Duration/4/time.Duration(o.Bots))
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, u, nil
}

// botURL is the session URL bot n dials.
func (o *Options) botURL(n int) string {
	if o.BotURL != nil {
		return o.BotURL(n, o.Server)
	}
	return o.Server
}
