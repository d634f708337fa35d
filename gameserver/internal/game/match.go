package game

import (
	"fmt"
	"slices"

	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
)

// botNames name the bots, by ship.
var botNames = [...]string{
	"Ada", "Bell", "Curie", "Dirac", "Euler", "Fermi", "Gauss", "Hopper",
	"Isaac", "Joule", "Kepler", "Lovelace", "Maxwell", "Noether", "Ohm", "Pascal",
}

// startMatch opens a match: a new world with a new seed, every ship of the
// previous one back in it, and a new recording.
func (a *Arena) startMatch(prev *arena.World) {
	a.match++
	a.left = nil
	seed := a.svc.Seed()
	a.world = arena.New(a.cfg.Arena, seed)

	var ships []arena.PlayerID
	if prev != nil {
		for _, sh := range prev.Ships {
			ships = append(ships, sh.ID)
		}
	}
	slices.Sort(ships)
	// The recording starts from arena.New too, so it sees every ship join.
	a.recorder = replay.NewRecorder(replay.Header{
		RoomID: a.roomID, Match: a.match, Config: a.cfg.Arena, Seed: seed, Started: a.svc.Now(),
	})
	for _, id := range ships {
		_, bot := a.bots[id]
		if err := a.joinWorld(id, bot); err != nil {
			a.log.Error("rejoining a ship to the next match", "ship", id, "err", err)
		}
	}
	// Bots and players seated while the last match showed its results,
	// whose ships were not in it, join now.
	var late []arena.PlayerID
	for id := range a.bots {
		if a.world.Ship(id) == nil {
			late = append(late, id)
		}
	}
	slices.Sort(late)
	for _, id := range late {
		if err := a.joinWorld(id, true); err != nil {
			a.log.Error("adding a bot to the next match", "ship", id, "err", err)
		}
	}
	for _, s := range a.seats {
		if a.world.Ship(s.ship) == nil {
			if err := a.joinWorld(s.ship, false); err != nil {
				a.log.Error("seating a player in the next match", "ship", s.ship, "err", err)
			}
		}
	}

	secs := func(ticks int) uint32 { return uint32((ticks + arena.TickRate - 1) / arena.TickRate) }
	a.notifyAll(arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_STARTING,
		fmt.Sprintf("Match %d starts in %d s", a.match, secs(a.cfg.Arena.WarmupTicks)),
		&arenav1.MatchInfo{
			RoomId: a.roomID, MatchNumber: a.match,
			DurationSeconds: secs(a.cfg.Arena.MatchTicks), StartsInSeconds: secs(a.cfg.Arena.WarmupTicks),
		})
}

// endMatch runs when the results have been shown: the next match starts.
func (a *Arena) endMatch() {
	prev := a.world
	a.startMatch(prev)
	a.sendRoster()
}

// joinWorld puts a ship in the current match, and in its recording. A ship
// that arrives while results are shown waits for the next match, since the
// recording has ended.
func (a *Arena) joinWorld(ship arena.PlayerID, bot bool) error {
	if a.world.Match.Phase >= arena.Results {
		return nil
	}
	if err := a.world.Join(ship, bot); err != nil {
		return fmt.Errorf("seating ship %d in room %s: %w", ship, a.roomID, err)
	}
	if a.recorder != nil {
		a.recorder.Join(ship, bot, a.names[ship])
	}
	return nil
}

// freeShip returns the lowest ship id no one flies, or 0.
func (a *Arena) freeShip() arena.PlayerID {
	taken := make(map[arena.PlayerID]bool, len(a.seats)+len(a.bots))
	for _, s := range a.seats {
		taken[s.ship] = true
	}
	for id := range a.bots {
		taken[id] = true
	}
	for id := arena.PlayerID(1); id != 0; id++ {
		if !taken[id] {
			return id
		}
	}
	return 0
}

// fillBots adds bots until the room has cfg.Bots ships.
func (a *Arena) fillBots() {
	for len(a.seats)+len(a.bots) < a.cfg.Bots {
		id := a.freeShip()
		if id == 0 {
			return
		}
		a.bots[id] = arena.NewBot(a.svc.Seed())
		a.names[id] = "Bot " + botNames[int(id-1)%len(botNames)]
		if err := a.joinWorld(id, true); err != nil {
			a.log.Error("adding a bot", "err", err)
			delete(a.bots, id)
			delete(a.names, id)
			return
		}
	}
}

// removeBot takes out the bot with the highest ship id, to free a seat.
func (a *Arena) removeBot() {
	var last arena.PlayerID
	for id := range a.bots {
		last = max(last, id)
	}
	if last == 0 {
		return
	}
	if sh := a.world.Ship(last); sh != nil && a.world.Match.Phase == arena.Playing {
		r := a.result(sh)
		r.Left = true
		a.left = append(a.left, r)
	}
	delete(a.bots, last)
	delete(a.names, last)
	a.world.Leave(last)
	if a.recorder != nil {
		a.recorder.Leave(last)
	}
}

// results are the match's scores so far, best first, with those of the
// players who left it.
func (a *Arena) results() *arenav1.MatchResults {
	r := &arenav1.MatchResults{RoomId: a.roomID, MatchNumber: a.match}
	for i := range a.world.Ships {
		sh := &a.world.Ships[i]
		pr := a.result(sh)
		if s := a.seatOf(sh.ID); s != nil {
			pr.PlayerId = s.player.ID()
		}
		r.Players = append(r.Players, pr)
	}
	r.Players = append(r.Players, a.left...)
	slices.SortStableFunc(r.Players, func(x, y *arenav1.PlayerResult) int { return int(y.Score) - int(x.Score) })
	return r
}

// result is a ship's line in the results.
func (a *Arena) result(sh *arena.Ship) *arenav1.PlayerResult {
	st := sh.Stats
	return &arenav1.PlayerResult{
		ShipId: uint32(sh.ID), Name: a.names[sh.ID], Bot: sh.Bot,
		Score: st.Score, Kills: st.Kills, Deaths: st.Deaths, BestStreak: st.BestStreak,
		Shots: st.Shots, Hits: st.Hits, Accuracy: accuracy(st),
		SecondsAlive: float32(st.AliveTicks) / arena.TickRate,
	}
}

// MatchResults returns the current match's scores so far. Call it on the
// room's goroutine (room.Do).
func (a *Arena) MatchResults() *arenav1.MatchResults { return a.results() }

// Kills returns how many ships were destroyed by another in this room.
// Call it on the room's goroutine (room.Do).
func (a *Arena) Kills() uint64 { return a.kills }

func (a *Arena) seatOf(ship arena.PlayerID) *seat {
	for _, s := range a.seats {
		if s.ship == ship {
			return s
		}
	}
	return nil
}

func accuracy(st arena.PlayerStats) float32 {
	if st.Shots == 0 {
		return 0
	}
	return float32(st.Hits) / float32(st.Shots)
}
