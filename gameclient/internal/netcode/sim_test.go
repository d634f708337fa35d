package netcode

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
)

// tickDur is one tick at the arena's rate.
const tickDur = time.Second / arena.TickRate

// t0 is the synthetic clock's origin.
var t0 = time.Unix(1_000_000, 0)

// newWorld is a world in Playing with ships 1..n alive, no asteroids or
// pickups, so only the ships' flight shows.
func newWorld(t testing.TB, n int) *arena.World {
	t.Helper()
	cfg := arena.DefaultConfig()
	cfg.Asteroids, cfg.Pickups = 0, 0
	w := arena.New(cfg, 7)
	w.Match = arena.Match{Phase: arena.Playing, PhaseEnd: 1 << 30}
	for id := range n {
		if err := w.Join(arena.PlayerID(id+1), false); err != nil {
			t.Fatal(err)
		}
	}
	w.Step(nil, nil) // spawns everyone
	return w
}

// script is the controls of ship id at tick k: thrust most of the time,
// turning now one way, now the other, at full speed.
func script(id arena.PlayerID, k uint64) arena.Buttons {
	b := arena.Thrust
	switch phase := (k + uint64(id)*17) % 90; {
	case phase < 20:
		b |= arena.TurnLeft
	case phase >= 50 && phase < 62:
		b |= arena.TurnRight
	case phase >= 75:
		b = arena.TurnLeft
	}
	return b
}

// uniform is a random duration in [-j, j].
func uniform(rng *rand.Rand, j time.Duration) time.Duration {
	if j <= 0 {
		return 0
	}
	return time.Duration(rng.Int64N(int64(2*j+1))) - j
}

// timed is something that happens at a moment of the synthetic clock.
type timed struct {
	at   time.Time
	tick uint64
	seq  uint32
	w    *arena.World
	ack  uint32
}

// byTime sorts events by time, keeping the order of ties.
func byTime(ev []timed) {
	slices.SortStableFunc(ev, func(a, b timed) int { return a.at.Compare(b.at) })
}
