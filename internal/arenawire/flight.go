package arenawire

import (
	"math"

	"github.com/gamesock/gamesock/internal/arena"
)

// The client predicts a ship's flight the way the simulation flies it,
// holding its last input (arena's Ship.Steer); walls, hits and new inputs
// are left to the snapshot. Both ends predict alike, and the encoder checks
// every prediction against the world, so a wrong guess costs bytes, never
// accuracy.

// flightSteps is how many ticks of a prediction are flown step by step;
// the rest, for an old baseline, are a straight line, to bound the work
// whatever dt a snapshot claims.
const flightSteps = 64

// fly moves s, which is alive, dt ticks ahead on its last input.
func fly(s *arena.Ship, dt uint64) {
	steps := min(dt, flightSteps)
	for range steps {
		s.Steer()
	}
	t := int32(min(dt-steps, math.MaxInt32))
	s.Pos.X += s.Vel.X * t
	s.Pos.Y += s.Vel.Y * t
}
