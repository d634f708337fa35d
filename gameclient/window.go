package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/gamesock/gamesock/gameclient/internal/ui"
)

// windowFlags are the flags of the window client.
type windowFlags struct {
	name        string
	script      string
	screenshots string
	exitAfter   time.Duration
	settings    string
	mute        bool

	serverGiven, nameGiven bool // -server or -name was on the command line
}

// headlessOnly and windowOnly are the flags that make sense in one mode.
var (
	headlessOnly = []string{"bots", "duration", "name-prefix", "seed", "replay", "json"}
	windowOnly   = []string{"name", "script", "screenshots", "exit-after", "settings", "mute"}
)

func (w *windowFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&w.name, "name", "", "window: the player name (default: the one remembered, or \"pilot\")")
	fs.StringVar(&w.script, "script", "", "window: connect at once and play this scripted input in the match ("+ui.ScriptNames()+")")
	fs.StringVar(&w.screenshots, "screenshots", "", "window: save PNGs of the match and the results screen in this directory")
	fs.DurationVar(&w.exitAfter, "exit-after", 0, "window: close after this long (0: when the player quits)")
	fs.StringVar(&w.settings, "settings", "", "window: the settings file (default: the user config dir's gamesock/client.json)")
	fs.BoolVar(&w.mute, "mute", false, "window: no sound")
}

// checkModeFlags refuses the flags of the other mode.
func checkModeFlags(fs *flag.FlagSet, headless bool) error {
	wrong, mode := windowOnly, "the window (without -headless)"
	if !headless {
		wrong, mode = headlessOnly, "-headless"
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		for _, n := range wrong {
			if f.Name == n && err == nil {
				err = fmt.Errorf("%w: -%s is a flag of %s", errUsage, n, mode)
			}
		}
	})
	return err
}

// runWindow opens the game's window and runs it until the player quits,
// -exit-after passes or ctx ends.
func runWindow(ctx context.Context, w *windowFlags, server, caFile string, log *slog.Logger, stdout io.Writer) error {
	settings := w.settings
	if settings == "" {
		p, err := ui.SettingsPath()
		if err != nil {
			log.Warn("settings will not be remembered", "err", err)
		}
		settings = p
	}
	dial, err := newDialer(caFile, log)
	if err != nil {
		return err
	}
	name := w.name
	if name == "" {
		name = "pilot"
	}
	g, err := ui.NewGame(ui.Options{
		Server: server, Name: name, ServerGiven: w.serverGiven, NameGiven: w.nameGiven,
		SettingsPath: settings, Dial: dial,
		AutoConnect: w.script != "", Script: w.script, ScreenshotDir: w.screenshots,
		ExitAfter: w.exitAfter, Mute: w.mute, Logger: log, Stop: ctx.Done(),
	})
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	ebiten.SetWindowSize(ui.ScreenWidth, ui.ScreenHeight)
	ebiten.SetWindowTitle("gamesock arena")
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	runErr := ebiten.RunGame(g)
	closeErr := g.Close()
	if _, _, frames := g.FrameTimes(); frames == 0 && runErr != nil {
		return fmt.Errorf("cannot open the game's window: %w\n"+
			"  On a machine without a display, play headless (-headless -bots N)"+
			" or run the window under a virtual display (xvfb-run)", runErr)
	}
	fmt.Fprintln(stdout, g.FrameReport())
	if runErr != nil {
		return fmt.Errorf("window: %w", runErr)
	}
	return closeErr
}
