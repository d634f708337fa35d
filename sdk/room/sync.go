package room

import (
	"fmt"

	"github.com/gamesock/gamesock/sdk/session"
)

// Sync is the client's side of a room: it decodes the room's snapshots
// against the baselines it kept, numbers the client's inputs and keeps
// those the room has not acknowledged, to send them again in every frame
// and to replay them on top of a snapshot (client-side prediction).
//
// A Sync belongs to one goroutine, the game loop: its methods must not be
// called concurrently.
type Sync[S any] struct {
	decode func(base S, hasBase bool, data []byte, reuse S) (S, error)
	opts   SyncOptions

	hist    []baseline[S]
	newest  uint64 // the newest tick decoded: the frames' snapshot_ack
	nextSeq uint32
	pending []Input // oldest first; Data are buffers kept for reuse
	spare   [][]byte
	frame   []byte
}

// SyncOptions configure a Sync. The zero value of every field selects the
// default given in its comment.
type SyncOptions struct {
	// History is how many decoded snapshots are kept as baselines. It must
	// cover the room's Options.History for every delta to decode. Default
	// 128.
	History int
	// MaxPending bounds the inputs kept until the room acknowledges them;
	// beyond it, the oldest is forgotten (the room never gets it).
	// Default 64.
	MaxPending int
	// InputKind and SnapshotKind are the State kinds of the room's
	// Options. Default 1 each.
	InputKind, SnapshotKind uint32
}

// Input is an input of the client and its sequence number.
type Input struct {
	Seq  uint32
	Data []byte
}

// Snapshot is a decoded snapshot of the room.
type Snapshot[S any] struct {
	Tick     uint64
	Baseline uint64 // the tick it was a delta against; 0 for a full one
	// InputAck is the sequence number of the client's last input the room
	// applied: the inputs after it (Sync.Pending) are still to be
	// replayed on top of State.
	InputAck uint32
	// State is the decoded world. The Sync keeps it as a baseline: read it,
	// do not change it. It may be given back as decode's reuse, and so
	// overwritten, History snapshots later.
	State S
}

// NewSync returns a Sync that decodes the game's snapshots with decode:
// data is a delta against base when hasBase, or a whole snapshot; reuse
// is an old snapshot (the zero S at first) to recycle. data is valid only
// during the call. opts may be nil for the defaults.
func NewSync[S any](decode func(base S, hasBase bool, data []byte, reuse S) (S, error), opts *SyncOptions) *Sync[S] {
	var o SyncOptions
	if opts != nil {
		o = *opts
	}
	if o.History <= 0 {
		o.History = 128
	}
	if o.MaxPending <= 0 {
		o.MaxPending = 64
	}
	if o.InputKind == 0 {
		o.InputKind = 1
	}
	if o.SnapshotKind == 0 {
		o.SnapshotKind = 1
	}
	return &Sync[S]{decode: decode, opts: o, hist: make([]baseline[S], o.History), nextSeq: 1}
}

// Snapshot decodes a RoomSnapshot State from the room. A delta whose
// baseline the Sync does not have fails with ErrNoBaseline; the room
// sends full snapshots again once no frame acknowledges anything newer.
// A snapshot decoded becomes the one the next frames acknowledge, and
// the inputs it acknowledges stop being pending.
func (c *Sync[S]) Snapshot(st session.State) (Snapshot[S], error) {
	if st.Kind != c.opts.SnapshotKind {
		return Snapshot[S]{}, fmt.Errorf("room: state of kind %d is not a snapshot (kind %d)", st.Kind, c.opts.SnapshotKind)
	}
	if st.Tick <= c.newest {
		return Snapshot[S]{}, fmt.Errorf("room: snapshot of tick %d is not newer than tick %d", st.Tick, c.newest)
	}
	baseTick, inputAck, data, err := decodeSnapshot(st.Data)
	if err != nil {
		return Snapshot[S]{}, fmt.Errorf("room: snapshot of tick %d: %w", st.Tick, err)
	}
	var base S
	if baseTick != 0 {
		b := &c.hist[baseTick%uint64(len(c.hist))]
		if b.tick != baseTick || baseTick >= st.Tick {
			return Snapshot[S]{}, fmt.Errorf("room: snapshot of tick %d against tick %d: %w", st.Tick, baseTick, ErrNoBaseline)
		}
		base = b.snap
	}
	slot := &c.hist[st.Tick%uint64(len(c.hist))]
	reuse := slot.snap
	if slot.tick == baseTick && baseTick != 0 {
		var zero S
		reuse = zero // the slot holds the baseline itself
	}
	s, err := c.decode(base, baseTick != 0, data, reuse)
	if err != nil {
		return Snapshot[S]{}, fmt.Errorf("room: decoding the snapshot of tick %d: %w", st.Tick, err)
	}
	slot.tick, slot.snap = st.Tick, s
	c.newest = st.Tick
	c.acknowledge(inputAck)
	return Snapshot[S]{Tick: st.Tick, Baseline: baseTick, InputAck: inputAck, State: s}, nil
}

// acknowledge forgets the pending inputs up to seq.
func (c *Sync[S]) acknowledge(seq uint32) {
	n := 0
	for n < len(c.pending) && c.pending[n].Seq <= seq {
		n++
	}
	c.dropPending(n)
}

// dropPending forgets the n oldest pending inputs, keeping their buffers.
func (c *Sync[S]) dropPending(n int) {
	for _, in := range c.pending[:n] {
		c.spare = append(c.spare, in.Data[:0])
	}
	m := copy(c.pending, c.pending[n:])
	clear(c.pending[m:])
	c.pending = c.pending[:m]
}

// Input records an input of the client under the next sequence number,
// and returns that number and the State to send (Client.Send): a
// RoomInput with every input the room has not acknowledged, and the
// newest snapshot decoded. The State's Data is valid until the next call
// of Input or Frame; Send copies it.
func (c *Sync[S]) Input(data []byte) (seq uint32, st session.State) {
	if len(c.pending) == c.opts.MaxPending {
		c.dropPending(1)
	}
	var buf []byte
	if n := len(c.spare); n > 0 {
		buf, c.spare = c.spare[n-1], c.spare[:n-1]
	}
	seq = c.nextSeq
	c.nextSeq++
	c.pending = append(c.pending, Input{Seq: seq, Data: append(buf, data...)})
	return seq, c.Frame()
}

// Frame returns the State to send without a new input: the pending
// inputs again, and the newest snapshot decoded, for a client with
// nothing to say that still acknowledges what it receives. Its Data is
// valid until the next call of Input or Frame.
func (c *Sync[S]) Frame() session.State {
	var first uint32
	if len(c.pending) > 0 {
		first = c.pending[0].Seq
	}
	c.frame = appendInput(c.frame[:0], first, c.pending, c.newest)
	return session.State{Kind: c.opts.InputKind, Tick: uint64(c.nextSeq - 1), Data: c.frame}
}

// Pending returns the inputs the room has not acknowledged, oldest first,
// to replay on top of the last snapshot. The slice is valid until the
// next call of a Sync method.
func (c *Sync[S]) Pending() []Input { return c.pending }

// Reset forgets everything, for a new session (StatusChange.SessionLost):
// the room starts the new session's sequences from the beginning.
func (c *Sync[S]) Reset() {
	c.dropPending(len(c.pending))
	clear(c.hist)
	c.newest = 0
	c.nextSeq = 1
}
