package replay

import (
	"fmt"

	"github.com/gamesock/gamesock/internal/arena"
)

// DivergenceError reports that re-simulating a replay gave a world whose
// hash differs from the recorded one: the rules, the build or the replay
// differ from the recording's. The world went wrong during one of the ticks
// after LastGood, up to Tick; a replay recorded with HashEvery 1 names the
// exact tick.
type DivergenceError struct {
	Tick     uint64 // the first tick whose recorded hash differs
	LastGood uint64 // the last tick whose hash matched; 0 for none
	Want     uint64 // the recorded hash
	Got      uint64 // the re-simulated world's
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("replay diverges by tick %d (after tick %d matched): world hash %016x, recorded %016x",
		e.Tick, e.LastGood, e.Got, e.Want)
}

// Play re-simulates the match from arena.New, applying each tick's joins,
// leaves and inputs, and checks the world's hash wherever one was recorded.
// After each step it calls each, if not nil, with the world and the step's
// events; both stay valid only until each returns, and each must not change
// the world. Returning false stops the replay early, with a nil error.
//
// The error is a *DivergenceError when a hash differs, and names the tick
// when a recorded join fails.
func (r *Replay) Play(each func(w *arena.World, events []arena.Event) bool) error {
	w := arena.New(r.Config, r.Seed)
	every := uint64(r.HashEvery)
	var (
		events   []arena.Event
		inputs   []arena.PlayerInput
		lastGood uint64
	)
	for t := range r.Ticks() {
		for _, c := range t.Changes {
			if c.Leave {
				w.Leave(c.Ship)
				continue
			}
			if err := w.Join(c.Ship, c.Bot); err != nil {
				return fmt.Errorf("replay tick %d: joining ship %d (%q): %w", t.Number, c.Ship, c.Name, err)
			}
		}
		// Step gets its own copy: the reader's buffer carries over to the
		// next tick.
		inputs = append(inputs[:0], t.Inputs...)
		events = w.Step(inputs, events[:0])
		if t.Number%every == 0 {
			if err := check(w, t.Number, r.Hashes[t.Number/every-1], &lastGood); err != nil {
				return err
			}
		}
		if t.Number == r.TickCount {
			if err := check(w, t.Number, r.FinalHash, &lastGood); err != nil {
				return err
			}
		}
		if each != nil && !each(w, events) {
			return nil
		}
	}
	return nil
}

// check compares w's hash after tick with the recorded one.
func check(w *arena.World, tick, want uint64, lastGood *uint64) error {
	if got := w.Hash(); got != want {
		return &DivergenceError{Tick: tick, LastGood: *lastGood, Want: want, Got: got}
	}
	*lastGood = tick
	return nil
}
