package ui

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

// The logical screen: every scene draws at this size and ebiten scales it
// to the window, keeping its aspect ratio.
const (
	ScreenWidth  = 1280
	ScreenHeight = 720
)

// Scene is one screen of the client. Update runs on ebiten's update
// goroutine at 60 TPS, owns the scene's state and returns the scene to run
// next (itself to stay); Draw only draws that state.
type Scene interface {
	Update(in *Input) (Scene, error)
	Draw(screen *ebiten.Image)
}

// Options configure the window client.
type Options struct {
	// Server and Name are the connect screen's defaults when the settings
	// file has none (or when AutoConnect is set: then they win).
	Server, Name string
	// ServerGiven and NameGiven say the player chose Server or Name for
	// this run (a command-line flag): then they win over the remembered.
	ServerGiven, NameGiven bool
	// SettingsPath is the JSON file the connect screen remembers the server
	// and name in; empty: nothing is remembered.
	SettingsPath string
	// Dial connects to a server.
	Dial Dialer
	// AutoConnect connects at start, without waiting for Enter.
	AutoConnect bool
	// Script names scripted input (see Scripts) played in the match
	// instead of the keyboard's; empty: the keyboard.
	Script string
	// ScreenshotDir, if set, receives PNGs of the match and the results.
	ScreenshotDir string
	// ExitAfter, if positive, ends the game that long after it starts.
	ExitAfter time.Duration
	// Mute runs silent.
	Mute bool
	// Logger logs; nil discards.
	Logger *slog.Logger
	// Stop, when closed, ends the game (a signal, say).
	Stop <-chan struct{}
}

// Game is the client as an ebiten.Game.
type Game struct {
	app     *app
	scene   Scene
	input   Input
	script  *script
	started time.Time

	frames    frameClock
	updateDur time.Duration // the Updates' time since the last Draw
}

// NewGame returns the client, showing the connect screen.
func NewGame(opts Options) (*Game, error) {
	if opts.Dial == nil {
		return nil, errors.New("ui: Options.Dial is nil")
	}
	var sc *script
	if opts.Script != "" {
		var err error
		if sc, err = newScript(opts.Script); err != nil {
			return nil, err
		}
	}
	a := newApp(opts)
	return &Game{app: a, scene: newConnectScene(a), script: sc, started: time.Now()}, nil
}

// Update implements ebiten.Game.
func (g *Game) Update() error {
	start := time.Now()
	defer func() { g.updateDur += time.Since(start) }()
	if d := g.app.opts.ExitAfter; d > 0 && time.Since(g.started) >= d {
		return ebiten.Termination
	}
	if g.app.opts.ScreenshotDir != "" && g.app.shots.took("match", "results") {
		// A scripted run with screenshots ends once it has them: the
		// time that takes depends on the machine, not on ExitAfter.
		return ebiten.Termination
	}
	select {
	case <-g.app.opts.Stop:
		return ebiten.Termination
	default:
	}
	g.input.reset()
	if g.script != nil && g.app.inMatch {
		g.script.fill(&g.input, time.Now())
	} else {
		g.input.readKeyboard()
	}
	g.app.tick()
	next, err := g.scene.Update(&g.input)
	if err != nil {
		return err
	}
	if next != nil {
		g.scene = next
	}
	return nil
}

// Draw implements ebiten.Game.
func (g *Game) Draw(screen *ebiten.Image) {
	start := time.Now()
	g.scene.Draw(screen)
	g.app.shots.capture(screen)
	g.frames.add(g.updateDur + time.Since(start))
	g.updateDur = 0
}

// Layout implements ebiten.Game: the logical screen has a fixed size.
func (g *Game) Layout(int, int) (int, int) { return ScreenWidth, ScreenHeight }

// Close ends what the game still runs (its connection, its sounds) and
// waits for the screenshots being written. Call it after ebiten.RunGame.
func (g *Game) Close() error {
	if c, ok := g.scene.(interface{ close() }); ok {
		c.close()
	}
	g.app.closeNetwork()
	g.app.sound.close()
	return g.app.shots.wait()
}

// FrameTimes are the mean and the 99th percentile of the time spent in
// Update and Draw per frame, and the frames counted.
func (g *Game) FrameTimes() (mean, p99 time.Duration, frames int) {
	return g.frames.summary()
}

// FrameReport is FrameTimes as a line of text.
func (g *Game) FrameReport() string {
	mean, p99, n := g.FrameTimes()
	return fmt.Sprintf("frame time (Update+Draw): mean %v, p99 %v over %d frames",
		mean.Round(time.Microsecond), p99.Round(time.Microsecond), n)
}
