package room

// Game is a game's rules in a room: the hooks through which a room runs
// the game. S is the game's snapshot of its world, kept by the room as
// the baselines of deltas.
//
// All methods run on the room's goroutine, one at a time, so a Game needs
// no locks for the state they share. They must not block, and must not
// call the room's Join, Do or Close, which wait for that goroutine.
type Game[S any] interface {
	// Join seats p, who has no seat in the room yet; an error refuses
	// the seat and is returned by Room.Join (an error matching ErrFull
	// makes a Manager try another room).
	Join(p *Player) error
	// Leave tells the game p left: its session ended, Room.Leave was
	// called, or the room is closing.
	Leave(p *Player)
	// Input hands the game one input of p, just before Tick: inputs come
	// in sequence order, each once, and at most one per player per tick.
	// data is valid only during the call. An error rejects the input
	// (counted as InputStats.Refused); either way the input is
	// acknowledged, so the client does not send it again.
	Input(p *Player, seq uint32, data []byte) error
	// Tick advances the world one step. Ticks count from 1.
	Tick(tick uint64)
	// Snapshot captures the world after Tick. The room keeps it as a
	// baseline for Options.History ticks, and must not see it change:
	// it is read-only from then on. reuse is an evicted snapshot, to
	// recycle (the zero S until History ticks have passed).
	Snapshot(tick uint64, reuse S) S
	// Encode appends to dst what p may see of cur: a delta against base
	// when hasBase (base is a snapshot p's client acknowledged), or the
	// whole of it. An error skips p's snapshot this tick (counted as
	// Stats.EncodeErrors).
	Encode(dst []byte, p *Player, base S, hasBase bool, cur S) ([]byte, error)
}
