package room

import (
	"sync/atomic"

	"github.com/gamesock/gamesock/sdk/session"
)

// Player is a seat in a room, held by one session. The player is the
// session: its identity is the session's authenticated player id, and no
// message can act for another player.
//
// ID, Room, Session, InputAck and Stats are safe from any goroutine. Data
// and everything the room does with the player belong to the room's
// goroutine.
type Player struct {
	// Data is the game's own state of the player, for its Game methods.
	Data any

	id, room string
	sess     atomic.Pointer[session.Session]
	inputAck atomic.Uint32
	counts   counters

	// The rest belongs to the room's goroutine.

	// lastSeq is the newest input sequence number accepted into the queue.
	lastSeq uint32
	// queue holds the inputs waiting for their tick, oldest at head.
	queue      []queuedInput
	head, size int
	// ack is the newest snapshot tick the client acknowledged (and was
	// sent); lastSent, the newest it was sent; sent[t%len] == t when tick
	// t was sent to it.
	ack, lastSent uint64
	sent          []uint64
	seated        bool
}

// queuedInput is an input waiting for its tick; data is a buffer the
// queue reuses.
type queuedInput struct {
	seq  uint32
	data []byte
}

func newPlayer(s *session.Session, room string, o *Options) *Player {
	p := &Player{
		id:    s.PlayerID(),
		room:  room,
		queue: make([]queuedInput, o.InputQueue),
		sent:  make([]uint64, o.History+1),
	}
	p.sess.Store(s)
	return p
}

// ID returns the player's id: its session's PlayerID.
func (p *Player) ID() string { return p.id }

// Room returns the id of the player's room.
func (p *Player) Room() string { return p.room }

// Session returns the player's session.
func (p *Player) Session() *session.Session { return p.sess.Load() }

// InputAck returns the sequence number of the player's last input handed
// to Game.Input: the input_ack of its snapshots.
func (p *Player) InputAck() uint32 { return p.inputAck.Load() }

// Stats returns the counters of the player's inputs.
func (p *Player) Stats() InputStats { return p.counts.stats() }

// resetWire forgets what the player's client sent and was sent: a new
// session took the seat, and its client starts from nothing.
func (p *Player) resetWire(s *session.Session) {
	p.sess.Store(s)
	p.inputAck.Store(0)
	p.lastSeq, p.head, p.size = 0, 0, 0
	p.ack, p.lastSent = 0, 0
	clear(p.sent)
}

// push queues an input, dropping the oldest when the queue is full. It
// reports whether one was dropped.
func (p *Player) push(seq uint32, data []byte) (dropped bool) {
	if p.size == len(p.queue) {
		p.head = (p.head + 1) % len(p.queue)
		p.size--
		dropped = true
	}
	q := &p.queue[(p.head+p.size)%len(p.queue)]
	q.seq, q.data = seq, append(q.data[:0], data...)
	p.size++
	return dropped
}

// pop takes the oldest queued input; its data is valid until the next
// push.
func (p *Player) pop() (q *queuedInput, ok bool) {
	if p.size == 0 {
		return nil, false
	}
	q = &p.queue[p.head]
	p.head = (p.head + 1) % len(p.queue)
	p.size--
	return q, true
}

// wasSent reports whether tick t was sent to the player.
func (p *Player) wasSent(t uint64) bool {
	return t != 0 && p.sent[t%uint64(len(p.sent))] == t
}

// markSent records that tick t was sent to the player.
func (p *Player) markSent(t uint64) {
	p.sent[t%uint64(len(p.sent))] = t
	p.lastSent = t
}
