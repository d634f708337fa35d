package arena

// Sizes and speeds, in sub-pixels and ticks. They are constants rather than
// Config fields so that the client's sprites and the bots can rely on them.
const (
	ShipRadius   = 14 * Sub
	ShipMaxSpeed = 8 * Sub // per tick
	ShipThrust   = Sub / 2 // per tick, per tick: full speed in about half a second
	ShipTurnRate = 1792    // angle units per tick: a full turn in 1.2 s
	BulletSpeed  = 16 * Sub
	BulletRadius = 3 * Sub
	PickupRadius = 16 * Sub

	// shipDragShift makes a ship lose 1/64 of its speed every tick (see
	// drag), so it coasts to a stop in a few seconds.
	shipDragShift = 6
	// wallBounceDiv is how much of its speed into a wall a ship keeps,
	// reversed: a soft bounce.
	wallBounceDiv = 2
	// muzzle is how far ahead of a ship's centre its bullets appear.
	muzzle = ShipRadius + 4*Sub
)

// AsteroidRadius is the radius of an asteroid of the given size (1-3).
func AsteroidRadius(size uint8) int32 {
	switch size {
	case 3:
		return 44 * Sub
	case 2:
		return 26 * Sub
	default:
		return 14 * Sub
	}
}

// asteroidHealth is the bullet hits an asteroid of the given size takes.
func asteroidHealth(size uint8) int8 {
	if size > 3 {
		return 3
	}
	return int8(size)
}

// asteroidSpeed is the range of an asteroid's speed by size: small ones
// are faster.
func asteroidSpeed(size uint8) (lo, hi int32) {
	switch size {
	case 3:
		return Sub, 3 * Sub / 2
	case 2:
		return 3 * Sub / 2, 5 * Sub / 2
	default:
		return 2 * Sub, 7 * Sub / 2
	}
}

// flyShip turns, thrusts, drags and moves an alive ship by its LastInput
// for one tick, and keeps it inside the walls.
func flyShip(s *Ship, cfg *Config) { s.Fly(cfg) }

// Fly moves s one tick on its LastInput as Step moves a live ship, walls
// of cfg's arena included; collisions with other things are Step's alone.
// A client predicts its own ship with it.
func (s *Ship) Fly(cfg *Config) {
	s.Steer()
	bounceShip(s, cfg)
}

// Steer flies s one tick on its LastInput as Step does, walls aside: it
// turns, thrusts, loses 1/64 of its speed, keeps under ShipMaxSpeed and
// moves. A client predicts ships with it, and the snapshot encoding sends
// only where ships differ from that prediction.
func (s *Ship) Steer() {
	in := s.LastInput
	if in&TurnLeft != 0 {
		s.Angle += ShipTurnRate
	}
	if in&TurnRight != 0 {
		s.Angle -= ShipTurnRate
	}
	if in&Thrust != 0 {
		d := Direction(s.Angle, ShipThrust)
		s.Vel.X += d.X
		s.Vel.Y += d.Y
	}
	s.Vel.X = drag(s.Vel.X)
	s.Vel.Y = drag(s.Vel.Y)
	s.Vel = capSpeed(s.Vel, ShipMaxSpeed)
	s.Pos.X += s.Vel.X
	s.Pos.Y += s.Vel.Y
}

// drag takes 1/64 of v, and at least 1, toward zero, the same way in both
// directions, so that a coasting ship does stop.
func drag(v int32) int32 {
	switch {
	case v > 0:
		return v - max(v>>shipDragShift, 1)
	case v < 0:
		return v + max((-v)>>shipDragShift, 1)
	}
	return 0
}

// capSpeed scales v down to length max if it is longer.
func capSpeed(v Vec, max int32) Vec {
	sq := uint64(int64(v.X)*int64(v.X) + int64(v.Y)*int64(v.Y))
	m := uint64(max)
	if sq <= m*m {
		return v
	}
	l := int64(isqrt(sq))
	if uint64(l*l) < sq {
		l++ // the ceiling, so that the result is never longer than max
	}
	return Vec{int32(int64(v.X) * int64(max) / l), int32(int64(v.Y) * int64(max) / l)}
}

// bounceShip clamps a ship inside the walls and reverses, softened, the
// part of its velocity that went into a wall.
func bounceShip(s *Ship, cfg *Config) {
	s.Pos.X, s.Vel.X = bounceAxis(s.Pos.X, s.Vel.X, ShipRadius, cfg.Width-ShipRadius, wallBounceDiv)
	s.Pos.Y, s.Vel.Y = bounceAxis(s.Pos.Y, s.Vel.Y, ShipRadius, cfg.Height-ShipRadius, wallBounceDiv)
}

// bounceAxis clamps p to [lo, hi] and, if it was out, turns v back inward,
// divided by div.
func bounceAxis(p, v, lo, hi, div int32) (int32, int32) {
	if hi < lo { // an arena smaller than the object: pin it in the middle
		return (lo + hi) / 2, 0
	}
	if p < lo {
		p = lo
		if v < 0 {
			v = -v / div
		}
	}
	if p > hi {
		p = hi
		if v > 0 {
			v = -v / div
		}
	}
	return p, v
}

// driftAsteroid moves an asteroid and bounces it off the walls without
// losing speed.
func driftAsteroid(a *Asteroid, cfg *Config) {
	r := AsteroidRadius(a.Size)
	a.Pos.X += a.Vel.X
	a.Pos.Y += a.Vel.Y
	a.Pos.X, a.Vel.X = bounceAxis(a.Pos.X, a.Vel.X, r, cfg.Width-r, 1)
	a.Pos.Y, a.Vel.Y = bounceAxis(a.Pos.Y, a.Vel.Y, r, cfg.Height-r, 1)
}

// distSq is the squared distance between a and b.
func distSq(a, b Vec) int64 {
	dx, dy := int64(a.X)-int64(b.X), int64(a.Y)-int64(b.Y)
	return dx*dx + dy*dy
}

// touches reports whether circles at a and b with radii ra and rb overlap.
func touches(a, b Vec, ra, rb int32) bool {
	r := int64(ra) + int64(rb)
	return distSq(a, b) <= r*r
}

// sweepHits reports whether the segment from a to b (a bullet's path this
// tick) passes within r of c, so fast bullets cannot skip over a ship.
func sweepHits(a, b, c Vec, r int32) bool {
	r64 := int64(r)
	// cheap rejection on the bounding box first
	if int64(c.X)+r64 < int64(min(a.X, b.X)) || int64(c.X)-r64 > int64(max(a.X, b.X)) ||
		int64(c.Y)+r64 < int64(min(a.Y, b.Y)) || int64(c.Y)-r64 > int64(max(a.Y, b.Y)) {
		return false
	}
	dx, dy := int64(b.X)-int64(a.X), int64(b.Y)-int64(a.Y)
	fx, fy := int64(c.X)-int64(a.X), int64(c.Y)-int64(a.Y)
	dd := dx*dx + dy*dy
	fd := fx*dx + fy*dy
	switch {
	case dd == 0 || fd <= 0:
		return fx*fx+fy*fy <= r64*r64
	case fd >= dd:
		return distSq(b, c) <= r64*r64
	}
	// squared distance from c to the line is |f|^2 - fd^2/dd; compare
	// multiplied by dd to stay in integers (the box test bounds |f|)
	return (fx*fx+fy*fy)*dd-fd*fd <= r64*r64*dd
}
