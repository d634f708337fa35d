// Package arena is the demo game's rules: a top-down space arena where ships
// turn, thrust and fire among drifting asteroids and pickups, in matches of a
// few minutes.
//
// It is a pure, deterministic simulation with a fixed time step: no clock,
// no network, no rendering, no protobuf. The same World and the same inputs
// give the same World, bit for bit, on every machine, since all of it is
// integer arithmetic. The server runs it as the authority; a client runs it
// to predict its own ship; a replay is a seed and the inputs.
package arena

// Fixed-point units. Positions are in sub-pixels: Sub of them make a pixel.
// Velocities are in sub-pixels per tick. Angles are in 1/65536 of a turn,
// counterclockwise from +X, with +Y pointing down the screen.
const Sub = 16

// TickRate is the simulation's steps per second.
const TickRate = 30

// PlayerID names a ship in a world (1-255; 0 means none, such as the
// killer of a ship that flew into an asteroid).
type PlayerID uint8

// Buttons is one tick's input: the controls held down.
type Buttons uint8

// The controls.
const (
	TurnLeft Buttons = 1 << iota
	TurnRight
	Thrust
	Fire
)

// ValidButtons are all the bits an input may have; any other bit makes it
// invalid.
const ValidButtons = TurnLeft | TurnRight | Thrust | Fire

// PlayerInput is one player's input for one step.
type PlayerInput struct {
	Player  PlayerID
	Buttons Buttons
}

// Vec is a point or a velocity in sub-pixels.
type Vec struct{ X, Y int32 }

// Phase is a match's phase.
type Phase uint8

// The phases of a match, in order.
const (
	Warmup  Phase = iota // ships fly, nothing counts
	Playing              // kills and deaths count
	Results              // the match is over; scores are final
	Over                 // the results were shown; start the next match
)

// Match is the match's progress.
type Match struct {
	Phase    Phase
	PhaseEnd uint64 // the tick at which the phase ends
}

// PlayerStats are a ship's stats in the current match.
type PlayerStats struct {
	Score, Kills, Deaths int32
	Streak, BestStreak   int32 // kills without dying
	Shots, Hits          int32 // accuracy is Hits/Shots
	AliveTicks           int32
}

// Ship is a player's ship. A dead ship waits for RespawnTick.
type Ship struct {
	ID          PlayerID
	Bot         bool // flown by the server's bot brain
	Alive       bool
	Pos, Vel    Vec
	Angle       uint16
	Health      int8   // hits it can take; 0 when dead
	Shield      uint16 // ticks of invulnerability left (spawn, pickup)
	Cooldown    uint8  // ticks until it can fire again
	RespawnTick uint64 // when dead: the tick it comes back
	LastInput   Buttons
	Stats       PlayerStats
}

// Bullet is a shot in flight.
type Bullet struct {
	ID       uint32
	Owner    PlayerID
	Pos, Vel Vec
	TTL      uint16 // ticks left
}

// Asteroid drifts and splits when shot.
type Asteroid struct {
	ID       uint32
	Pos, Vel Vec
	Size     uint8 // 3 large, 2 medium, 1 small
	Health   int8
}

// PickupKind is what a pickup gives.
type PickupKind uint8

// The pickups.
const (
	PickupShield PickupKind = iota + 1
	PickupRapidFire
	PickupHealth
)

// Pickup sits still until a ship takes it.
type Pickup struct {
	ID   uint32
	Kind PickupKind
	Pos  Vec
}

// World is the whole state of a match: everything Step reads or writes is
// here, so a copy of a World is a complete save.
type World struct {
	Config    Config
	Tick      uint64
	Match     Match
	Ships     []Ship     // sorted by ID
	Bullets   []Bullet   // sorted by ID
	Asteroids []Asteroid // sorted by ID
	Pickups   []Pickup   // sorted by ID
	NextID    uint32     // the next bullet, asteroid or pickup ID
	RNG       uint64     // the state of the world's random numbers
}

// EventKind says what an Event reports.
type EventKind uint8

// The events Step reports.
const (
	EventSpawned      EventKind = iota + 1 // Player's ship (re)appeared
	EventShot                              // Player fired
	EventHit                               // Player's bullet hit Other's ship
	EventKilled                            // Player (0: no one) destroyed Other's ship
	EventStreak                            // Player has Value kills without dying
	EventPickup                            // Player took a pickup of kind Value
	EventMatchStarted                      // the Playing phase began
	EventMatchEnded                        // the Playing phase ended; Player won (0: no one)
)

// Event is something that happened during a step, for notifications, stats
// and sounds.
type Event struct {
	Tick   uint64
	Kind   EventKind
	Player PlayerID
	Other  PlayerID
	Value  int32
}
