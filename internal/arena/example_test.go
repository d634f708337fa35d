package arena_test

import (
	"fmt"

	"github.com/gamesock/gamesock/internal/arena"
)

// A match between four bots, stepped to its end. The same seeds give the
// same match on every machine, so its output, down to the final hash, is
// the same everywhere: a change to it is a change to the rules.
func Example() {
	cfg := arena.DefaultConfig()
	cfg.MatchTicks = 30 * arena.TickRate
	w := arena.New(cfg, 1)
	bots := map[arena.PlayerID]*arena.Bot{}
	for id := arena.PlayerID(1); id <= 4; id++ {
		if err := w.Join(id, true); err != nil {
			fmt.Println(err)
			return
		}
		bots[id] = arena.NewBot(uint64(id))
	}
	var events []arena.Event
	inputs := make([]arena.PlayerInput, 0, 4)
	for w.Match.Phase != arena.Over {
		inputs = inputs[:0]
		for _, s := range w.Ships { // in id order: never range over the map
			inputs = append(inputs, arena.PlayerInput{Player: s.ID, Buttons: bots[s.ID].Think(w, s.ID)})
		}
		events = w.Step(inputs, events[:0])
		for _, e := range events {
			if e.Kind == arena.EventMatchEnded {
				fmt.Printf("tick %d: player %d won with %d points\n", e.Tick, e.Player, w.Ship(e.Player).Stats.Score)
			}
		}
	}
	fmt.Printf("over at tick %d, hash %016x\n", w.Tick, w.Hash())
	// Output:
	// tick 1050: player 2 won with 400 points
	// over at tick 1290, hash d4eac95744b5bcc1
}
