package room

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

// run is the room's goroutine: it owns the world from New to Close.
func (r *Room[S]) run() {
	defer r.shutdown()
	t := time.NewTicker(r.period)
	defer t.Stop()
	for {
		select {
		case <-r.quit:
			return
		case in := <-r.inbox:
			r.accept(in)
		case c := <-r.calls:
			r.applyLeaves()
			c.run()
		case <-r.wake:
			r.applyLeaves()
		case <-t.C:
			start := time.Now()
			var st Stats
			r.step(&st)
			d := time.Since(start)
			overrun, skipped := d > r.period, false
			if overrun {
				// A tick late already waits in t.C: drop it rather than
				// run two ticks back to back.
				select {
				case <-t.C:
					skipped = true
				default:
				}
			}
			r.stats.record(d, overrun, skipped, &st)
			if r.idle(start) {
				return
			}
		}
	}
}

// step runs one tick: the inputs that arrived, one per player, then the
// game's Tick and Snapshot, then a snapshot to each player. It adds what
// it sent to st.
func (r *Room[S]) step(st *Stats) {
	for range len(r.inbox) {
		r.accept(<-r.inbox)
	}
	r.applyLeaves()
	r.tick++
	for _, p := range r.players {
		r.applyInput(p)
	}
	r.game.Tick(r.tick)
	slot := &r.hist[r.tick%uint64(len(r.hist))]
	slot.snap = r.game.Snapshot(r.tick, slot.snap)
	slot.tick = r.tick
	for _, p := range r.players {
		r.sendSnapshot(p, slot.snap, st)
	}
	for _, p := range r.gone {
		r.opts.Logger.Debug("session ended; player leaves", "room", r.id, "player", p.id)
		r.unseat(p)
	}
	clear(r.gone)
	r.gone = r.gone[:0]
}

// applyInput hands the game the player's next queued input, if any.
func (r *Room[S]) applyInput(p *Player) {
	q, ok := p.pop()
	if !ok {
		return
	}
	p.inputAck.Store(q.seq)
	if err := r.game.Input(p, q.seq, q.data); err != nil {
		r.count(p, reasonRefused, 1)
		return
	}
	r.count(p, reasonApplied, 1)
}

// sendSnapshot encodes cur for p, as a delta when p acknowledged a
// snapshot the room still has and did send it, and queues it on p's
// session. Send does not wait for the network.
func (r *Room[S]) sendSnapshot(p *Player, cur S, st *Stats) {
	var base S
	var baseTick uint64
	if a := p.ack; p.wasSent(a) {
		if b := &r.hist[a%uint64(len(r.hist))]; b.tick == a {
			base, baseTick = b.snap, a
		}
	}
	data, err := r.game.Encode(r.data[:0], p, base, baseTick != 0, cur)
	if err != nil {
		st.EncodeErrors++
		r.opts.Logger.Warn("encoding a snapshot failed", "room", r.id, "player", p.id, "tick", r.tick, "err", err)
		return
	}
	r.data = data
	r.wire = appendSnapshot(r.wire[:0], baseTick, p.InputAck(), data)
	s := p.Session()
	if err := s.Send(session.State{Kind: r.opts.SnapshotKind, Tick: r.tick, Data: r.wire}); err != nil {
		if errors.Is(err, session.ErrClosed) {
			r.gone = append(r.gone, p)
		} else {
			st.SendErrors++
		}
		return
	}
	p.markSent(r.tick)
	if baseTick != 0 {
		st.SnapshotsDelta++
	} else {
		st.SnapshotsFull++
	}
	st.SnapshotBytes += uint64(len(data))
}

// seat seats the player of s; see Join.
func (r *Room[S]) seat(s *session.Session) (*Player, error) {
	id := s.PlayerID()
	if p := r.seated[id]; p != nil {
		if p.Session() != s {
			r.opts.Logger.Debug("new session takes the seat", "room", r.id, "player", id)
			p.resetWire(s)
		}
		return p, nil
	}
	if n, closing := r.load(); closing {
		return nil, fmt.Errorf("room %s: join %s: %w", r.id, id, ErrClosed)
	} else if n >= r.opts.MaxPlayers {
		return nil, fmt.Errorf("room %s: join %s: %w (%d seats)", r.id, id, ErrFull, r.opts.MaxPlayers)
	}
	p := newPlayer(s, r.id, &r.opts)
	if err := r.game.Join(p); err != nil {
		return nil, fmt.Errorf("room %s: join %s: game refused: %w", r.id, id, err)
	}
	p.seated = true
	r.players = append(r.players, p)
	r.mu.Lock()
	r.seated[id] = p
	r.mu.Unlock()
	r.emptySince = time.Time{}
	if r.hooks.seated != nil {
		r.hooks.seated(id)
	}
	r.opts.Logger.Debug("player joined", "room", r.id, "player", id)
	return p, nil
}

// unseat frees p's seat and tells the game.
func (r *Room[S]) unseat(p *Player) {
	if !p.seated {
		return
	}
	p.seated = false
	r.game.Leave(p)
	r.players = slices.DeleteFunc(r.players, func(q *Player) bool { return q == p })
	r.mu.Lock()
	delete(r.seated, p.id)
	r.mu.Unlock()
	if r.hooks.unseated != nil {
		r.hooks.unseated(p.id)
	}
	r.opts.Logger.Debug("player left", "room", r.id, "player", p.id)
}

// applyLeaves unseats the players Leave was called for.
func (r *Room[S]) applyLeaves() {
	r.mu.Lock()
	r.leaveIDs = append(r.leaveIDs[:0], r.leaving...)
	r.leaving = r.leaving[:0]
	r.mu.Unlock()
	for _, id := range r.leaveIDs {
		if p := r.seated[id]; p != nil {
			r.unseat(p)
		}
	}
}

// idle reports whether the room, empty for its manager's EmptyTimeout,
// may close.
func (r *Room[S]) idle(now time.Time) bool {
	if r.hooks.idle == nil || r.hooks.emptyTimeout <= 0 || len(r.players) > 0 {
		return false
	}
	if r.emptySince.IsZero() {
		r.emptySince = now
		return false
	}
	return now.Sub(r.emptySince) >= r.hooks.emptyTimeout && r.hooks.idle()
}

// shutdown seats no one any more, tells the game every player left, and
// ends the room's goroutine.
func (r *Room[S]) shutdown() {
	r.mu.Lock()
	r.closing = true
	r.mu.Unlock()
	for len(r.players) > 0 {
		r.unseat(r.players[len(r.players)-1])
	}
	r.opts.Logger.Info("room closed", "room", r.id, "ticks", r.tick)
	if r.hooks.closed != nil {
		r.hooks.closed()
	}
	close(r.done)
}
