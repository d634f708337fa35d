package headless

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/guest"
)

// Run runs opts.Bots bot players against the server for opts.Duration, or
// until ctx ends, and reports what they saw. Each bot logs in, opens a
// session (reconnecting and resuming as the session package does), waits to
// be seated, decodes every snapshot and flies its ship at the room's tick
// rate; at the end it closes its session, and Run returns when every bot's
// goroutines have exited.
//
// Run fails only when the run could not be set up: options that do not
// make sense, a login the server refused (a *LoginError), or no bot able to
// open a session. What goes wrong for single bots is in their reports.
func Run(ctx context.Context, opts Options) (*Report, error) {
	o, server, err := opts.resolve()
	if err != nil {
		return nil, fmt.Errorf("headless: %w", err)
	}
	hc := guest.NewHTTPClient(o.Control)
	defer hc.CloseIdleConnections()

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	runCtx, stop := context.WithTimeout(runCtx, o.Duration)
	defer stop()

	login := guest.LoginURL(server)
	o.Logger.Info("run starting", "server", o.Server, "login", login, "bots", o.Bots, "duration", o.Duration)
	start := time.Now()
	bots := make([]*bot, o.Bots)
	var wg sync.WaitGroup
	for i := range bots {
		b := newBot(i+1, &o)
		bots[i] = b
		wg.Go(func() { b.run(runCtx, cancel, hc, login, time.Duration(i)*o.Stagger) })
	}
	wg.Wait()

	rep := &Report{Duration: time.Since(start), Bots: make([]BotReport, len(bots))}
	for i, b := range bots {
		rep.Bots[i] = b.report()
		if rep.TickRate == 0 {
			rep.TickRate = rep.Bots[i].TickRate
		}
	}
	if err := setupError(bots, context.Cause(runCtx)); err != nil {
		return nil, fmt.Errorf("headless: %w", err)
	}
	if o.DownloadReplay {
		rep.Replay = checkReplay(ctx, &o, server, hc)
	}
	rep.summarize()
	o.Logger.Info("run done", "duration", rep.Duration, "snapshots", rep.Snapshots, "errors", rep.Errors)
	return rep, nil
}

// setupError is why the run could not be set up: a refused login (cause),
// or every bot failing to open a session for a reason other than the run's
// end. It is nil when some bot had a session.
func setupError(bots []*bot, cause error) error {
	if _, ok := errors.AsType[*LoginError](cause); ok {
		return cause
	}
	var first *bot
	for _, b := range bots {
		if b.opened {
			return nil
		}
		if first == nil && b.startErr != nil && !errors.Is(b.startErr, context.Canceled) && !errors.Is(b.startErr, context.DeadlineExceeded) {
			first = b
		}
	}
	if first == nil {
		return nil // stopped before any bot could start
	}
	return fmt.Errorf("none of the %d bots could open a session; %s: %w", len(bots), first.rep.Name, first.startErr)
}
