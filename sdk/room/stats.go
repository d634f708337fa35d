package room

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Stats are a room's counters, from Room.Stats.
type Stats struct {
	Players int    // seated now
	Ticks   uint64 // ticks run
	// Overruns counts ticks that took longer than the tick period;
	// Skipped, the ticks dropped after them instead of run in a burst.
	Overruns, Skipped uint64
	// TickP50, TickP99 and TickMax are the durations of the recent ticks
	// (the last 256).
	TickP50, TickP99, TickMax time.Duration
	// Inputs counts what the players sent.
	Inputs InputStats
	// SnapshotsFull and SnapshotsDelta count the snapshots sent, whole or
	// as a delta against an acknowledged baseline; SnapshotBytes, the
	// game's encoded bytes in them.
	SnapshotsFull, SnapshotsDelta, SnapshotBytes uint64
	// EncodeErrors counts snapshots Game.Encode failed to encode; SendErrors,
	// those Session.Send refused for another reason than a session's end.
	EncodeErrors, SendErrors uint64
}

// InputStats count the inputs of a room or one player, by what became of
// them. A frame refused whole counts once under its reason.
type InputStats struct {
	// Applied counts inputs Game.Input accepted.
	Applied uint64
	// Duplicates counts inputs received again: frames repeat every input
	// the room has not acknowledged, by design. They are skipped, and are
	// not rejections.
	Duplicates uint64

	// The rejections. None of them reaches the game.

	// Malformed counts frames that are not a RoomInput, or have sequence
	// numbers that start at 0 or wrap around.
	Malformed uint64
	// TooMany counts frames with more than Options.MaxInputsPerFrame inputs.
	TooMany uint64
	// TooLarge counts frames with an input over Options.MaxInputSize, or
	// over the size those limits allow.
	TooLarge uint64
	// Backwards counts frames whose newest input is older than the last
	// accepted: sequence numbers going back.
	Backwards uint64
	// TooFarAhead counts frames starting more than Options.MaxSeqAhead past
	// the last accepted input.
	TooFarAhead uint64
	// Overflow counts inputs dropped from a full queue: sent faster than
	// one a tick, for longer than Options.InputQueue ticks.
	Overflow uint64
	// Refused counts inputs Game.Input returned an error for.
	Refused uint64
	// Dropped counts frames that found the room's inbox full.
	Dropped uint64
	// NotSeated counts frames from a session without a seat in the room.
	NotSeated uint64
}

// Rejected returns the rejections, all reasons together.
func (s InputStats) Rejected() uint64 {
	return s.Malformed + s.TooMany + s.TooLarge + s.Backwards + s.TooFarAhead +
		s.Overflow + s.Refused + s.Dropped + s.NotSeated
}

// reason is what became of an input or a frame: an index into counters.
type reason int

const (
	reasonNone reason = iota
	reasonApplied
	reasonDuplicate
	reasonMalformed
	reasonTooMany
	reasonTooLarge
	reasonBackwards
	reasonTooFarAhead
	reasonOverflow
	reasonRefused
	reasonDropped
	reasonNotSeated
	numReasons
)

// String names a reason for logs.
func (r reason) String() string {
	return [...]string{"none", "applied", "duplicate", "malformed", "too many inputs", "too large",
		"sequence backwards", "sequence too far ahead", "queue overflow", "refused by the game",
		"inbox full", "not seated"}[r]
}

// counters count inputs by reason. They are written from the sessions'
// read goroutines and the room's, and read from anywhere.
type counters [numReasons]atomic.Uint64

func (c *counters) add(r reason, n uint64) { c[r].Add(n) }

func (c *counters) stats() InputStats {
	return InputStats{
		Applied:     c[reasonApplied].Load(),
		Duplicates:  c[reasonDuplicate].Load(),
		Malformed:   c[reasonMalformed].Load(),
		TooMany:     c[reasonTooMany].Load(),
		TooLarge:    c[reasonTooLarge].Load(),
		Backwards:   c[reasonBackwards].Load(),
		TooFarAhead: c[reasonTooFarAhead].Load(),
		Overflow:    c[reasonOverflow].Load(),
		Refused:     c[reasonRefused].Load(),
		Dropped:     c[reasonDropped].Load(),
		NotSeated:   c[reasonNotSeated].Load(),
	}
}

// tickWindow is how many recent tick durations the percentiles cover.
const tickWindow = 256

// tickStats are the counters the room's goroutine updates once a tick,
// under mu so that Stats reads them whole.
type tickStats struct {
	mu        sync.Mutex
	s         Stats // without Players, Inputs and the percentiles
	durations [tickWindow]time.Duration
	n         int // durations recorded, up to tickWindow
	next      int
}

// record adds a tick's duration and the snapshot counters it accumulated.
func (t *tickStats) record(d time.Duration, overrun, skipped bool, snap *Stats) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s.Ticks++
	if overrun {
		t.s.Overruns++
	}
	if skipped {
		t.s.Skipped++
	}
	t.s.TickMax = max(t.s.TickMax, d)
	t.s.SnapshotsFull += snap.SnapshotsFull
	t.s.SnapshotsDelta += snap.SnapshotsDelta
	t.s.SnapshotBytes += snap.SnapshotBytes
	t.s.EncodeErrors += snap.EncodeErrors
	t.s.SendErrors += snap.SendErrors
	t.durations[t.next] = d
	t.next = (t.next + 1) % tickWindow
	t.n = min(t.n+1, tickWindow)
}

// load returns the counters, with the percentiles of the recent ticks.
func (t *tickStats) load() Stats {
	t.mu.Lock()
	s := t.s
	recent := slices.Clone(t.durations[:t.n])
	t.mu.Unlock()
	if len(recent) > 0 {
		slices.Sort(recent)
		s.TickP50 = recent[(len(recent)-1)*50/100]
		s.TickP99 = recent[(len(recent)-1)*99/100]
	}
	return s
}
