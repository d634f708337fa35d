package ui

import (
	"log/slog"
	"sync"
	"time"
)

// app is what every scene shares: the options, the font and sprites, the
// sounds, the screenshots, and the connection while there is one.
type app struct {
	opts  Options
	log   *slog.Logger
	font  *font
	art   *art
	sound *sounds
	shots *shooter

	// now is this Update's time, read once per Update so that a scene sees
	// one instant throughout.
	now time.Time
	// inMatch says the match scene (or one over it) runs: the script
	// drives the input only then.
	inMatch bool

	mu  sync.Mutex // guards net: the connect goroutine hands it over
	net Network
}

func newApp(opts Options) *app {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &app{
		opts:  opts,
		log:   opts.Logger,
		font:  loadFont(),
		art:   newArt(),
		sound: newSounds(opts.Mute, opts.Logger),
		shots: newShooter(opts.ScreenshotDir, opts.Logger),
		now:   time.Now(),
	}
}

// tick starts an Update.
func (a *app) tick() { a.now = time.Now() }

// setNetwork records the connection in use, for closeNetwork.
func (a *app) setNetwork(n Network) {
	a.mu.Lock()
	a.net = n
	a.mu.Unlock()
}

// closeNetwork closes the connection in use, if any.
func (a *app) closeNetwork() {
	a.mu.Lock()
	n := a.net
	a.net = nil
	a.mu.Unlock()
	if n != nil {
		n.Close()
	}
}
