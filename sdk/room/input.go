package room

import (
	"github.com/gamesock/gamesock/sdk/session"
)

// inboxFrame is a decoded RoomInput on its way from a session's read
// goroutine to the room's.
type inboxFrame struct {
	p *Player
	s *session.Session
	f inputFrame
}

// HandleState takes a client's RoomInput: a State of Options.InputKind
// (others are ignored), from ServerOptions.OnState. It never blocks: it
// decodes and checks the frame on the caller's goroutine, and hands it to
// the room's through a bounded channel, dropping it when that is full.
// Inputs are applied on the ticks after.
//
// The player is the session: a frame from a session with no seat in the
// room is dropped and counted. Frames that break the rules are dropped
// whole and counted by reason (see InputStats), and the room goes on for
// everyone else.
func (r *Room[S]) HandleState(s *session.Session, st session.State) {
	if st.Kind != r.opts.InputKind {
		return
	}
	r.mu.RLock()
	p := r.seated[s.PlayerID()]
	r.mu.RUnlock()
	if p == nil || p.Session() != s {
		r.count(nil, reasonNotSeated, 1)
		return
	}
	in := r.frames.Get().(*inboxFrame)
	if why := decodeInput(st.Data, &in.f, &r.opts); why != reasonNone {
		r.count(p, why, 1)
		r.release(in)
		return
	}
	in.p, in.s = p, s
	select {
	case r.inbox <- in:
	default:
		r.count(p, reasonDropped, 1)
		r.release(in)
	}
}

// release returns a frame to the pool, without what it points to.
func (r *Room[S]) release(in *inboxFrame) {
	clear(in.f.inputs)
	in.p, in.s, in.f.inputs = nil, nil, in.f.inputs[:0]
	r.frames.Put(in)
}

// accept checks a frame's sequence numbers against what the player sent
// before, and queues its new inputs for their ticks.
//
// Frames repeat the inputs the room has not acknowledged, so inputs at or
// before the last accepted are duplicates, skipped. A frame whose newest
// input is older than that goes backwards, and one that starts too far
// past it jumps ahead: both are refused whole.
func (r *Room[S]) accept(in *inboxFrame) {
	defer r.release(in)
	p, f := in.p, &in.f
	if !p.seated || p.Session() != in.s {
		r.count(nil, reasonNotSeated, 1)
		return
	}
	if n := len(f.inputs); n > 0 {
		last := f.firstSeq + uint32(n) - 1 // decodeInput made sure it does not wrap
		switch {
		case last < p.lastSeq:
			r.count(p, reasonBackwards, 1)
			return
		case uint64(f.firstSeq) > uint64(p.lastSeq)+uint64(r.opts.MaxSeqAhead):
			r.count(p, reasonTooFarAhead, 1)
			return
		}
		for i, data := range f.inputs {
			seq := f.firstSeq + uint32(i)
			if seq <= p.lastSeq {
				r.count(p, reasonDuplicate, 1)
				continue
			}
			if p.push(seq, data) {
				r.count(p, reasonOverflow, 1)
			}
			p.lastSeq = seq
		}
	}
	// A client acknowledges only what it was sent; a claim past that is
	// ignored, one not sent (or too old) gets it full snapshots.
	if f.ack > p.ack && f.ack <= p.lastSent {
		p.ack = f.ack
	}
}

// count counts n inputs or frames under why, for the room and for p if
// known.
func (r *Room[S]) count(p *Player, why reason, n uint64) {
	r.counts.add(why, n)
	if p != nil {
		p.counts.add(why, n)
	}
}
