package replay_test

import (
	"fmt"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
)

// A server records a match as it steps the World; a client parses the file
// and plays it back, which re-simulates the match and checks it.
func Example() {
	cfg := arena.DefaultConfig()
	h := replay.Header{RoomID: "lobby", Match: 1, Config: cfg, Seed: 42, Started: time.Now()}
	w := arena.New(cfg, h.Seed)
	rec := replay.NewRecorder(h)

	_ = w.Join(1, false)
	rec.Join(1, false, "ada")
	inputs := []arena.PlayerInput{{Player: 1, Buttons: arena.Thrust | arena.TurnLeft}}
	for range 3 * arena.TickRate {
		w.Step(inputs, nil)
		rec.Step(inputs, w.Hash())
	}
	file, err := rec.Finish()
	if err != nil {
		panic(err)
	}

	r, err := replay.Parse(file)
	if err != nil {
		panic(err)
	}
	err = r.Play(func(w *arena.World, events []arena.Event) bool {
		return true // draw w here
	})
	fmt.Println(r.RoomID, r.Names(), r.TickCount, "ticks, play:", err)
	// Output: lobby [ada] 90 ticks, play: <nil>
}
