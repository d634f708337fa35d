package room

import (
	"log/slog"
	"time"
)

// Options configure a Room. The zero value of every field selects the
// default given in its comment.
type Options struct {
	// TickRate is how many ticks a second the room runs. Default 30.
	TickRate int
	// MaxPlayers bounds the seats. Default 16.
	MaxPlayers int
	// History is how many ticks a snapshot stays a baseline that deltas
	// may be encoded against. A client that acknowledged nothing newer
	// gets a full snapshot. Default 2*TickRate.
	History int
	// InputQueue bounds the inputs of one player waiting for their tick.
	// One input per tick reaches the game; beyond the bound the oldest is
	// dropped and counted (InputStats.Overflow). Default 8.
	InputQueue int
	// MaxInputsPerFrame bounds the inputs in one RoomInput; a frame with
	// more is rejected whole (InputStats.TooMany). Default 32.
	MaxInputsPerFrame int
	// MaxInputSize bounds one input in bytes; a frame with a bigger one is
	// rejected whole (InputStats.TooLarge). Default 256.
	MaxInputSize int
	// MaxSeqAhead bounds how far a frame's first sequence number may jump
	// past the last one accepted (InputStats.TooFarAhead). Default 256.
	MaxSeqAhead uint32
	// InputKind is the session.State kind that carries RoomInput from
	// clients, SnapshotKind the one that carries RoomSnapshot to them.
	// Default 1 each (0 is not a kind a room uses).
	InputKind, SnapshotKind uint32
	// Logger receives records of rooms opening and closing, players
	// joining and leaving, and encoding failures. Default: none.
	Logger *slog.Logger
}

// withDefaults returns a copy of o (nil for all defaults) with its zero
// fields set.
func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.TickRate, 30)
	def(&c.MaxPlayers, 16)
	def(&c.History, 2*c.TickRate)
	def(&c.InputQueue, 8)
	def(&c.MaxInputsPerFrame, 32)
	def(&c.MaxInputSize, 256)
	if c.MaxSeqAhead == 0 {
		c.MaxSeqAhead = 256
	}
	if c.InputKind == 0 {
		c.InputKind = 1
	}
	if c.SnapshotKind == 0 {
		c.SnapshotKind = 1
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// period is the time between ticks.
func (o *Options) period() time.Duration {
	return time.Second / time.Duration(o.TickRate)
}

// maxFrameSize bounds the bytes of a RoomInput that respects the limits:
// the inputs with their tags and lengths, and the two varint fields.
func (o *Options) maxFrameSize() int {
	return o.MaxInputsPerFrame*(o.MaxInputSize+1+4) + 2*(1+10)
}
