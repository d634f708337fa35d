package arenawire

import (
	"math"

	"github.com/gamesock/gamesock/internal/arena"
)

// A ship's wire fields, in mask bit order. The ones that change every tick
// for a ship in flight come first, so that their mask fits in one byte.
const (
	shipPosX = iota
	shipPosY
	shipVelX
	shipVelY
	shipAngle
	shipFlags // alive | bot<<1 | last input<<2
	shipHealth
	shipShield
	shipCooldown
	shipRapidFire
	shipRespawn
	shipFieldCount
)

const (
	flagAlive = 1 << iota
	flagBot
	flagInputShift = iota
)

var shipSpecs = []spec{
	shipPosX:      {"ship x", difference, math.MinInt32, math.MaxInt32},
	shipPosY:      {"ship y", difference, math.MinInt32, math.MaxInt32},
	shipVelX:      {"ship velocity x", difference, math.MinInt32, math.MaxInt32},
	shipVelY:      {"ship velocity y", difference, math.MinInt32, math.MaxInt32},
	shipAngle:     {"ship angle", turn, 0, math.MaxUint16},
	shipFlags:     {"ship flags", absolute, 0, 1<<flagInputShift*int64(arena.ValidButtons+1) - 1},
	shipHealth:    {"ship health", difference, math.MinInt8, math.MaxInt8},
	shipShield:    {"ship shield", difference, 0, math.MaxUint16},
	shipCooldown:  {"ship cooldown", difference, 0, math.MaxUint8},
	shipRapidFire: {"ship rapid fire", difference, 0, math.MaxUint16},
	shipRespawn:   {"ship respawn tick", absolute, 0, math.MaxInt64},
}

// The quanta of ships: the viewer's own is exact, since the client
// predicts it with the simulation; the others are drawn, so a pixel, a
// quarter of a pixel per tick and 1/256 of a turn are plenty.
var (
	exactShifts = shifts{}
	otherShifts = shifts{shipPosX: 4, shipPosY: 4, shipVelX: 2, shipVelY: 2, shipAngle: 8}
)

// shipShifts are the quanta of ship id as viewer sees it.
func shipShifts(id, viewer arena.PlayerID) *shifts {
	if id == viewer {
		return &exactShifts
	}
	return &otherShifts
}

// clientShip is s as the client holds it: quantized unless exact, and
// without what it does not need (stats, which go as stat updates; the fire
// timers of ships it does not fly).
func clientShip(s arena.Ship, exact bool) arena.Ship {
	s.Stats = arena.PlayerStats{}
	if !exact {
		q := &otherShifts
		s.Pos = arena.Vec{X: floor(s.Pos.X, q[shipPosX]), Y: floor(s.Pos.Y, q[shipPosY])}
		s.Vel = arena.Vec{X: floor(s.Vel.X, q[shipVelX]), Y: floor(s.Vel.Y, q[shipVelY])}
		s.Angle &^= 1<<q[shipAngle] - 1
		s.Cooldown = 0
		s.RapidFire = 0
	}
	return s
}

// floor rounds v down to a multiple of 1<<shift; it stays in range.
func floor(v int32, shift uint8) int32 { return v &^ (1<<shift - 1) }

// predictShip is where the client expects ship s (as it holds it) dt
// ticks later: flying on its last input, its timers running down.
func predictShip(s arena.Ship, dt uint64, exact bool) arena.Ship {
	if s.Alive {
		fly(&s, dt)
		s.Shield = uint16(countDown(uint64(s.Shield), dt))
		s.Cooldown = uint8(countDown(uint64(s.Cooldown), dt))
		s.RapidFire = uint16(countDown(uint64(s.RapidFire), dt))
	}
	return clientShip(s, exact)
}

func countDown(v, dt uint64) uint64 {
	if v <= dt {
		return 0
	}
	return v - dt
}

func shipFields(s *arena.Ship) fields {
	flags := int64(s.LastInput) << flagInputShift
	if s.Alive {
		flags |= flagAlive
	}
	if s.Bot {
		flags |= flagBot
	}
	return fields{
		shipPosX:      int64(s.Pos.X),
		shipPosY:      int64(s.Pos.Y),
		shipVelX:      int64(s.Vel.X),
		shipVelY:      int64(s.Vel.Y),
		shipAngle:     int64(s.Angle),
		shipFlags:     flags,
		shipHealth:    int64(s.Health),
		shipShield:    int64(s.Shield),
		shipCooldown:  int64(s.Cooldown),
		shipRapidFire: int64(s.RapidFire),
		shipRespawn:   int64(s.RespawnTick),
	}
}

// shipFromFields is the inverse of shipFields, for fields readRecord has
// range-checked.
func shipFromFields(id arena.PlayerID, f *fields) arena.Ship {
	return arena.Ship{
		ID:          id,
		Alive:       f[shipFlags]&flagAlive != 0,
		Bot:         f[shipFlags]&flagBot != 0,
		LastInput:   arena.Buttons(f[shipFlags] >> flagInputShift),
		Pos:         arena.Vec{X: int32(f[shipPosX]), Y: int32(f[shipPosY])},
		Vel:         arena.Vec{X: int32(f[shipVelX]), Y: int32(f[shipVelY])},
		Angle:       uint16(f[shipAngle]),
		Health:      int8(f[shipHealth]),
		Shield:      uint16(f[shipShield]),
		Cooldown:    uint8(f[shipCooldown]),
		RapidFire:   uint16(f[shipRapidFire]),
		RespawnTick: uint64(f[shipRespawn]),
	}
}
