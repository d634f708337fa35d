package arenawire

import (
	"testing"

	"github.com/gamesock/gamesock/internal/arena"
)

// match is a recorded bot match: the world after every tick.
type match struct {
	worlds []*arena.World
}

// playMatch runs ships bots in cfg from seed for at most ticks steps (or
// until the match is over) and records every world.
func playMatch(tb testing.TB, cfg arena.Config, ships int, seed uint64, ticks int) *match {
	tb.Helper()
	w := arena.New(cfg, seed)
	bots := make([]*arena.Bot, ships)
	for i := range bots {
		if err := w.Join(arena.PlayerID(i+1), true); err != nil {
			tb.Fatalf("Join(%d): %v", i+1, err)
		}
		bots[i] = arena.NewBot(seed + uint64(i)*7919)
	}
	m := &match{worlds: []*arena.World{w.Clone()}}
	inputs := make([]arena.PlayerInput, ships)
	var events []arena.Event
	for range ticks {
		if w.Match.Phase == arena.Over {
			break
		}
		for i, b := range bots {
			id := arena.PlayerID(i + 1)
			inputs[i] = arena.PlayerInput{Player: id, Buttons: b.Think(w, id)}
		}
		events = w.Step(inputs, events[:0])
		m.worlds = append(m.worlds, w.Clone())
	}
	return m
}

// shortConfig is the default rules with a short match, for tests.
func shortConfig() arena.Config {
	cfg := arena.DefaultConfig()
	cfg.WarmupTicks = 30
	cfg.MatchTicks = 20 * arena.TickRate
	cfg.ResultsTicks = 30
	return cfg
}
