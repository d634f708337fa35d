package arena

import (
	"errors"
	"fmt"
)

// The errors Join wraps.
var (
	ErrNoPlayer    = errors.New("player id 0 is reserved")
	ErrDuplicate   = errors.New("player is already in the world")
	ErrFull        = errors.New("world is full")
	ErrMatchIsOver = errors.New("match is over")
)

// Join adds player id's ship, dead and due to spawn: the next Step places
// it at a spawn point away from the others and reports EventSpawned. A
// ship can join in any phase but Over; one joining mid-match starts with
// zero stats.
func (w *World) Join(id PlayerID, bot bool) error {
	i, found := w.shipIndex(id)
	switch {
	case id == 0:
		return fmt.Errorf("arena: join: %w", ErrNoPlayer)
	case found:
		return fmt.Errorf("arena: join player %d: %w", id, ErrDuplicate)
	case len(w.Ships) >= w.Config.MaxShips || len(w.Ships) >= maxShipLimit:
		return fmt.Errorf("arena: join player %d: %w (%d ships)", id, ErrFull, len(w.Ships))
	case w.Match.Phase >= Over:
		return fmt.Errorf("arena: join player %d: %w", id, ErrMatchIsOver)
	}
	w.Ships = append(w.Ships, Ship{})
	copy(w.Ships[i+1:], w.Ships[i:])
	w.Ships[i] = Ship{ID: id, Bot: bot, RespawnTick: w.Tick}
	return nil
}

// Leave removes player id's ship, if present, and its bullets in flight:
// a bullet must not score for a player who is gone, or for the next player
// given the same id.
func (w *World) Leave(id PlayerID) {
	i, found := w.shipIndex(id)
	if !found {
		return
	}
	w.Ships = append(w.Ships[:i], w.Ships[i+1:]...)
	kept := w.Bullets[:0]
	for _, b := range w.Bullets {
		if b.Owner != id {
			kept = append(kept, b)
		}
	}
	clear(w.Bullets[len(kept):])
	w.Bullets = kept
}

// Winner is the player with the best score so far, ties going to the
// lowest id; 0 if there are no ships.
func (w *World) Winner() PlayerID {
	var best *Ship
	for i := range w.Ships {
		if s := &w.Ships[i]; best == nil || s.Stats.Score > best.Stats.Score {
			best = s
		}
	}
	if best == nil {
		return 0
	}
	return best.ID
}

// advancePhase moves the match to its next phase when the current one's
// time is up.
func (w *World) advancePhase(events []Event) []Event {
	if w.Tick < w.Match.PhaseEnd {
		return events
	}
	switch w.Match.Phase {
	case Warmup:
		w.Match = Match{Phase: Playing, PhaseEnd: w.Tick + uint64(w.Config.MatchTicks)}
		events = append(events, Event{Tick: w.Tick, Kind: EventMatchStarted})
		events = w.startMatch(events)
	case Playing:
		w.Match = Match{Phase: Results, PhaseEnd: w.Tick + uint64(w.Config.ResultsTicks)}
		events = append(events, Event{Tick: w.Tick, Kind: EventMatchEnded, Player: w.Winner()})
	case Results:
		w.Match = Match{Phase: Over, PhaseEnd: w.Tick}
	}
	return events
}

// startMatch gives everyone a fair start: no bullets in flight, zero
// stats, full health, and fresh spawn points spread apart.
func (w *World) startMatch(events []Event) []Event {
	clear(w.Bullets)
	w.Bullets = w.Bullets[:0]
	for i := range w.Ships {
		s := &w.Ships[i]
		s.Stats = PlayerStats{}
		s.Alive = false
	}
	for i := range w.Ships {
		events = w.spawnShip(&w.Ships[i], events)
	}
	return events
}
