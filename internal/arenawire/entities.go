package arenawire

import (
	"math"

	"github.com/gamesock/gamesock/internal/arena"
)

// Bullets, asteroids and pickups are exact on the client (it predicts its
// ship's collisions with them), and sent only when the prediction (a
// straight line for bullets and asteroids, standing still for pickups)
// misses: when they appear, bounce, split or are taken.

// A bullet's wire fields, in mask bit order.
const (
	bulletPosX = iota
	bulletPosY
	bulletVelX
	bulletVelY
	bulletTTL
)

var bulletSpecs = []spec{
	bulletPosX: {"bullet x", difference, math.MinInt32, math.MaxInt32},
	bulletPosY: {"bullet y", difference, math.MinInt32, math.MaxInt32},
	bulletVelX: {"bullet velocity x", difference, math.MinInt32, math.MaxInt32},
	bulletVelY: {"bullet velocity y", difference, math.MinInt32, math.MaxInt32},
	bulletTTL:  {"bullet ttl", difference, 0, math.MaxUint16},
}

// muzzle is how far ahead of its ship a bullet appears (the simulation's
// own constant is not exported; a wrong guess costs bytes, not accuracy).
const muzzle = arena.ShipRadius + 4*arena.Sub

// predictBullet is where the client expects b dt ticks later, and whether
// it is still flying: a bullet with TTL n has n more steps to live.
func predictBullet(b arena.Bullet, dt uint64) (arena.Bullet, bool) {
	t := int32(min(dt, math.MaxInt32))
	b.Pos.X += b.Vel.X * t
	b.Pos.Y += b.Vel.Y * t
	if uint64(b.TTL) <= dt {
		return b, false
	}
	b.TTL -= uint16(dt)
	return b, true
}

// newBullet is what the client expects of a bullet it has not seen, fired
// by owner (nil: not in view) and with the TTL of the previous new bullet
// of the same snapshot, if any.
func newBullet(id uint32, owner arena.PlayerID, ship *arena.Ship, prevTTL uint16) arena.Bullet {
	b := arena.Bullet{ID: id, Owner: owner, TTL: prevTTL}
	if ship != nil {
		nose := arena.Direction(ship.Angle, muzzle)
		b.Vel = arena.Direction(ship.Angle, arena.BulletSpeed)
		b.Pos = arena.Vec{X: ship.Pos.X + nose.X, Y: ship.Pos.Y + nose.Y}
	}
	return b
}

func bulletFields(b *arena.Bullet) fields {
	return fields{
		bulletPosX: int64(b.Pos.X),
		bulletPosY: int64(b.Pos.Y),
		bulletVelX: int64(b.Vel.X),
		bulletVelY: int64(b.Vel.Y),
		bulletTTL:  int64(b.TTL),
	}
}

func bulletFromFields(id uint32, owner arena.PlayerID, f *fields) arena.Bullet {
	return arena.Bullet{
		ID:    id,
		Owner: owner,
		Pos:   arena.Vec{X: int32(f[bulletPosX]), Y: int32(f[bulletPosY])},
		Vel:   arena.Vec{X: int32(f[bulletVelX]), Y: int32(f[bulletVelY])},
		TTL:   uint16(f[bulletTTL]),
	}
}

// An asteroid's wire fields, in mask bit order.
const (
	asteroidPosX = iota
	asteroidPosY
	asteroidVelX
	asteroidVelY
	asteroidSize
	asteroidHealth
)

var asteroidSpecs = []spec{
	asteroidPosX:   {"asteroid x", difference, math.MinInt32, math.MaxInt32},
	asteroidPosY:   {"asteroid y", difference, math.MinInt32, math.MaxInt32},
	asteroidVelX:   {"asteroid velocity x", difference, math.MinInt32, math.MaxInt32},
	asteroidVelY:   {"asteroid velocity y", difference, math.MinInt32, math.MaxInt32},
	asteroidSize:   {"asteroid size", absolute, 0, math.MaxUint8},
	asteroidHealth: {"asteroid health", difference, math.MinInt8, math.MaxInt8},
}

func predictAsteroid(a arena.Asteroid, dt uint64) arena.Asteroid {
	t := int32(min(dt, math.MaxInt32))
	a.Pos.X += a.Vel.X * t
	a.Pos.Y += a.Vel.Y * t
	return a
}

func asteroidFields(a *arena.Asteroid) fields {
	return fields{
		asteroidPosX:   int64(a.Pos.X),
		asteroidPosY:   int64(a.Pos.Y),
		asteroidVelX:   int64(a.Vel.X),
		asteroidVelY:   int64(a.Vel.Y),
		asteroidSize:   int64(a.Size),
		asteroidHealth: int64(a.Health),
	}
}

func asteroidFromFields(id uint32, f *fields) arena.Asteroid {
	return arena.Asteroid{
		ID:     id,
		Pos:    arena.Vec{X: int32(f[asteroidPosX]), Y: int32(f[asteroidPosY])},
		Vel:    arena.Vec{X: int32(f[asteroidVelX]), Y: int32(f[asteroidVelY])},
		Size:   uint8(f[asteroidSize]),
		Health: int8(f[asteroidHealth]),
	}
}

// A pickup's wire fields, in mask bit order.
const (
	pickupPosX = iota
	pickupPosY
	pickupKind
)

var pickupSpecs = []spec{
	pickupPosX: {"pickup x", difference, math.MinInt32, math.MaxInt32},
	pickupPosY: {"pickup y", difference, math.MinInt32, math.MaxInt32},
	pickupKind: {"pickup kind", absolute, 0, math.MaxUint8},
}

func pickupFields(p *arena.Pickup) fields {
	return fields{
		pickupPosX: int64(p.Pos.X),
		pickupPosY: int64(p.Pos.Y),
		pickupKind: int64(p.Kind),
	}
}

func pickupFromFields(id uint32, f *fields) arena.Pickup {
	return arena.Pickup{
		ID:   id,
		Pos:  arena.Vec{X: int32(f[pickupPosX]), Y: int32(f[pickupPosY])},
		Kind: arena.PickupKind(f[pickupKind]),
	}
}

// atViewer is the reference position of a new asteroid or pickup: the
// viewer's ship, since what it sees is near it.
func atViewer(ships []arena.Ship, viewer arena.PlayerID) arena.Vec {
	if s := findShip(ships, viewer); s != nil {
		return s.Pos
	}
	return arena.Vec{}
}
