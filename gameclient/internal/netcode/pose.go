package netcode

import (
	"math"

	"github.com/gamesock/gamesock/internal/arena"
)

// Pose is where to draw a thing: a position in sub-pixels and an angle in
// arena angle units (1/65536 of a turn, counterclockwise from +X as seen on
// the screen), in floating point since it lies between ticks.
type Pose struct {
	X, Y  float64
	Angle float64 // in [0, 65536)
}

// Pixels returns the position in pixels.
func (p Pose) Pixels() (x, y float64) { return p.X / arena.Sub, p.Y / arena.Sub }

// Radians returns the angle in radians, counterclockwise from +X as seen
// on the screen (+Y pointing down: rotate a sprite by -Radians).
func (p Pose) Radians() float64 { return p.Angle * (2 * math.Pi / 65536) }

// PoseOf is the pose of a thing at pos facing angle.
func PoseOf(pos arena.Vec, angle uint16) Pose {
	return Pose{X: float64(pos.X), Y: float64(pos.Y), Angle: float64(angle)}
}

// LerpPose is the pose a fraction t of the way from a to b, the angle
// turning the short way round.
func LerpPose(a, b Pose, t float64) Pose {
	return Pose{
		X:     a.X + (b.X-a.X)*t,
		Y:     a.Y + (b.Y-a.Y)*t,
		Angle: wrapAngle(a.Angle + angleDiff(a.Angle, b.Angle)*t),
	}
}

// angleDiff is the signed turn from a to b, the short way: in
// [-32768, 32768).
func angleDiff(a, b float64) float64 {
	d := math.Mod(b-a, 65536)
	switch {
	case d >= 32768:
		d -= 65536
	case d < -32768:
		d += 65536
	}
	return d
}

// wrapAngle brings a into [0, 65536).
func wrapAngle(a float64) float64 {
	a = math.Mod(a, 65536)
	if a < 0 {
		a += 65536
	}
	return a
}

// dist is the distance from a to b, in sub-pixels.
func dist(a, b arena.Vec) float64 {
	return math.Hypot(float64(a.X)-float64(b.X), float64(a.Y)-float64(b.Y))
}
