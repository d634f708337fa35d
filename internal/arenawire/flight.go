package arenawire

import (
	"math"

	"github.com/gamesock/gamesock/internal/arena"
)

// The client predicts a ship's flight the way the simulation flies it:
// holding its last input, turning, thrusting, losing 1/64 of its speed a
// tick and keeping under top speed. Walls, hits and new inputs are left
// to the snapshot. This mirrors the rules rather than calling them (they
// are not exported, and the wire must not change when they do): if they
// drift apart, snapshots grow, but stay exact, as the encoder checks
// every prediction.

// flightSteps is how many ticks of a prediction are flown step by step;
// the rest, for an old baseline, are a straight line, to bound the work
// whatever dt a snapshot claims.
const flightSteps = 64

const (
	dragShift = 6 // the simulation's shipDragShift
)

// fly moves s, which is alive, dt ticks ahead on its last input.
func fly(s *arena.Ship, dt uint64) {
	in := s.LastInput
	steps := min(dt, flightSteps)
	for range steps {
		if in&arena.TurnLeft != 0 {
			s.Angle += arena.ShipTurnRate
		}
		if in&arena.TurnRight != 0 {
			s.Angle -= arena.ShipTurnRate
		}
		if in&arena.Thrust != 0 {
			d := arena.Direction(s.Angle, arena.ShipThrust)
			s.Vel.X += d.X
			s.Vel.Y += d.Y
		}
		s.Vel.X -= s.Vel.X >> dragShift
		s.Vel.Y -= s.Vel.Y >> dragShift
		s.Vel = capSpeed(s.Vel, arena.ShipMaxSpeed)
		s.Pos.X += s.Vel.X
		s.Pos.Y += s.Vel.Y
	}
	t := int32(min(dt-steps, math.MaxInt32))
	s.Pos.X += s.Vel.X * t
	s.Pos.Y += s.Vel.Y * t
}

// capSpeed scales v down to length limit if it is longer.
func capSpeed(v arena.Vec, limit int32) arena.Vec {
	sq := uint64(int64(v.X)*int64(v.X) + int64(v.Y)*int64(v.Y))
	m := uint64(limit)
	if sq <= m*m {
		return v
	}
	l := int64(isqrt(sq))
	if l <= 0 {
		return v
	}
	return arena.Vec{X: int32(int64(v.X) * int64(limit) / l), Y: int32(int64(v.Y) * int64(limit) / l)}
}

// isqrt is the integer square root of v, rounded down.
func isqrt(v uint64) uint64 {
	var r uint64
	bit := uint64(1) << 62
	for bit > v {
		bit >>= 2
	}
	for bit != 0 {
		if v >= r+bit {
			v -= r + bit
			r = r>>1 + bit
		} else {
			r >>= 1
		}
		bit >>= 2
	}
	return r
}
