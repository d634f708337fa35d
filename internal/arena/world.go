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
	RapidFire   uint16 // ticks of halved fire cooldown left (pickup)
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
	EventHit                               // Player's bullet (0: an asteroid) hit Other's ship; Value is the damage (0: shielded)
	EventKilled                            // Player (0: an asteroid) destroyed Other's ship; Value is 1 if it counted in the stats (Playing)
	EventStreak                            // Player has Value (3, 5 or 10) kills without dying
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

// New is an empty match in Warmup at tick 0, with its asteroids and pickups
// placed from seed. cfg must be valid (see Config.Validate): New panics
// otherwise, as a programming error.
func New(cfg Config, seed uint64) *World {
	if err := cfg.Validate(); err != nil {
		panic("arena.New: " + err.Error())
	}
	w := &World{
		Config: cfg,
		Match:  Match{Phase: Warmup, PhaseEnd: uint64(cfg.WarmupTicks)},
		NextID: 1,
		RNG:    seed,
	}
	for range cfg.Asteroids {
		w.placeAsteroid()
	}
	for range cfg.Pickups {
		w.placePickup()
	}
	return w
}

// Ship is the ship of player id, or nil if it is not in the world. The
// pointer is valid until the next Join or Leave.
func (w *World) Ship(id PlayerID) *Ship {
	if i, ok := w.shipIndex(id); ok {
		return &w.Ships[i]
	}
	return nil
}

// shipIndex finds id in the sorted Ships: its index, or where it would go.
func (w *World) shipIndex(id PlayerID) (int, bool) {
	lo, hi := 0, len(w.Ships)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if w.Ships[mid].ID < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(w.Ships) && w.Ships[lo].ID == id
}

// CopyTo makes dst a deep copy of w, reusing dst's slices: it allocates
// nothing when they have the capacity. Every element type is plain data,
// so copying the slices copies everything.
func (w *World) CopyTo(dst *World) {
	ships, bullets, asteroids, pickups := dst.Ships[:0], dst.Bullets[:0], dst.Asteroids[:0], dst.Pickups[:0]
	*dst = *w
	dst.Ships = append(ships, w.Ships...)
	dst.Bullets = append(bullets, w.Bullets...)
	dst.Asteroids = append(asteroids, w.Asteroids...)
	dst.Pickups = append(pickups, w.Pickups...)
}

// Clone is a deep copy of w.
func (w *World) Clone() *World {
	c := new(World)
	w.CopyTo(c)
	return c
}
