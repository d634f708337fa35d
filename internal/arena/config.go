package arena

import (
	"errors"
	"fmt"
)

// Config is a match's rules. It travels inside the World, so every field is
// plain data; the zero value is not usable, start from DefaultConfig.
type Config struct {
	Width, Height int32 // the arena, in sub-pixels; walls on all four sides

	WarmupTicks  int // the Warmup phase's length
	MatchTicks   int // the Playing phase's length
	ResultsTicks int // the Results phase's length
	RespawnTicks int // how long a destroyed ship waits to come back

	Asteroids int // large asteroids at the start; kept topped up over time
	Pickups   int // pickups on the field at once, when all have respawned
	MaxShips  int // ships a world holds at most (1-255)

	ShipHealth       int // hits a fresh ship takes (1-100)
	SpawnShieldTicks int // invulnerability after (re)spawning
	ShieldTicks      int // invulnerability from a shield pickup
	RapidFireTicks   int // halved fire cooldown from a rapid-fire pickup
	FireCooldown     int // ticks between shots (1-255)
	BulletTTL        int // ticks a bullet flies (1-65535)

	// PickupRespawnTicks is how often a missing pickup comes back: every
	// PickupRespawnTicks ticks, one more appears while fewer than Pickups
	// are on the field. Being a period of the tick, not a timer, it needs
	// no state outside the World's fields.
	PickupRespawnTicks int
	// AsteroidRespawnTicks is how often a large asteroid drifts in while the
	// field holds less rock than Asteroids large ones (a large asteroid
	// counts 4, a medium 2, a small 1).
	AsteroidRespawnTicks int
}

// DefaultConfig is a 3200x2000 pixel arena with 3-minute matches, tuned so
// that a dozen or so ships meet often.
func DefaultConfig() Config {
	return Config{
		Width:                3200 * Sub,
		Height:               2000 * Sub,
		WarmupTicks:          5 * TickRate,
		MatchTicks:           180 * TickRate,
		ResultsTicks:         8 * TickRate,
		RespawnTicks:         2 * TickRate,
		Asteroids:            8,
		Pickups:              6,
		MaxShips:             255,
		ShipHealth:           3,
		SpawnShieldTicks:     2 * TickRate,
		ShieldTicks:          5 * TickRate,
		RapidFireTicks:       8 * TickRate,
		FireCooldown:         6,
		BulletTTL:            39, // 1.3 s, 624 px
		PickupRespawnTicks:   8 * TickRate,
		AsteroidRespawnTicks: 4 * TickRate,
	}
}

// Limits that keep the integer arithmetic far from overflow and the
// per-tick work bounded, whatever a Config says.
const (
	minSide      = 400 * Sub
	maxSide      = 1 << 20 // 65536 px: squared distances stay below 2^43
	maxPhase     = 24 * 3600 * TickRate
	maxObjects   = 1000
	maxTimer     = 1<<16 - 1
	maxShipLimit = 255
)

// ErrInvalidConfig is the error Validate wraps.
var ErrInvalidConfig = errors.New("invalid arena config")

// Validate reports the first field out of its range.
func (c Config) Validate() error {
	checks := []struct {
		name      string
		v, lo, hi int64
	}{
		{"Width", int64(c.Width), minSide, maxSide},
		{"Height", int64(c.Height), minSide, maxSide},
		{"WarmupTicks", int64(c.WarmupTicks), 1, maxPhase},
		{"MatchTicks", int64(c.MatchTicks), 1, maxPhase},
		{"ResultsTicks", int64(c.ResultsTicks), 1, maxPhase},
		{"RespawnTicks", int64(c.RespawnTicks), 0, maxTimer},
		{"Asteroids", int64(c.Asteroids), 0, maxObjects / 8},
		{"Pickups", int64(c.Pickups), 0, maxObjects},
		{"MaxShips", int64(c.MaxShips), 1, maxShipLimit},
		{"ShipHealth", int64(c.ShipHealth), 1, 100},
		{"SpawnShieldTicks", int64(c.SpawnShieldTicks), 0, maxTimer},
		{"ShieldTicks", int64(c.ShieldTicks), 0, maxTimer},
		{"RapidFireTicks", int64(c.RapidFireTicks), 0, maxTimer},
		{"FireCooldown", int64(c.FireCooldown), 1, 255},
		{"BulletTTL", int64(c.BulletTTL), 1, maxTimer},
		{"PickupRespawnTicks", int64(c.PickupRespawnTicks), 1, maxPhase},
		{"AsteroidRespawnTicks", int64(c.AsteroidRespawnTicks), 1, maxPhase},
	}
	for _, ch := range checks {
		if ch.v < ch.lo || ch.v > ch.hi {
			return fmt.Errorf("%w: %s is %d, want %d to %d", ErrInvalidConfig, ch.name, ch.v, ch.lo, ch.hi)
		}
	}
	return nil
}
