// Package game plugs the arena's rules (internal/arena) into sdk/room: it is
// the room.Game of every room, seating players as ships, filling the empty
// seats with bots, and turning what happens in the simulation into the
// session layer's notifications and stat updates, leaderboard entries and
// replays.
//
// Everything here runs on the room's goroutine, except where a comment says
// otherwise. Nothing in a tick waits: sessions queue what they are sent, and
// replays are saved by the server's own goroutine.
package game

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gamesock/gamesock/gameserver/internal/leaderboard"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/arenawire"
	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/room"
	"github.com/gamesock/gamesock/sdk/session"
)

// Config is the game's side of a room.
type Config struct {
	// Arena is each match's rules.
	Arena arena.Config
	// Bots is how many ships a room keeps flying: bots take the seats
	// players leave empty, up to this many ships. Default 0: no bots.
	Bots int
}

// Services are what every room shares. Each is safe for concurrent use.
type Services struct {
	// Sessions sends notifications and stat updates to players.
	Sessions *session.Server
	// Leaderboard keeps the best scores.
	Leaderboard *leaderboard.Board
	// SaveReplay takes the replay of a room's match and returns at once,
	// with the replay's id (empty when it will not be saved).
	SaveReplay func(roomID string, match uint32, data []byte) string
	// Name gives a player's display name.
	Name func(playerID string) string
	// Seed gives each match its random seed.
	Seed func() uint64
	// Now is the wall clock, for replay headers.
	Now func() time.Time
	// Logger receives the rooms' records.
	Logger *slog.Logger
}

// seat is a player's place in a room.
type seat struct {
	player *room.Player
	ship   arena.PlayerID
	name   string
}

// Arena is one room's game: the room.Game of the arena.
type Arena struct {
	roomID string
	cfg    Config
	svc    *Services
	log    *slog.Logger

	world    *arena.World
	match    uint32
	recorder *replay.Recorder
	seats    map[string]*seat // by player id
	bots     map[arena.PlayerID]*arena.Bot
	names    map[arena.PlayerID]string
	// left are the results of the players who left this match, so its
	// results still count their kills and deaths.
	left []*arenav1.PlayerResult

	// Per tick, reused.
	inputs []arena.PlayerInput
	held   map[arena.PlayerID]arena.Buttons // this tick's input from players
	events []arena.Event

	// Counters, read through the room's Do.
	kills uint64
}

// New returns the game of room roomID.
func New(roomID string, cfg Config, svc *Services) *Arena {
	log := svc.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Arena{
		roomID: roomID,
		cfg:    cfg,
		svc:    svc,
		log:    log.With("room", roomID),
		seats:  make(map[string]*seat),
		bots:   make(map[arena.PlayerID]*arena.Bot),
		names:  make(map[arena.PlayerID]string),
		held:   make(map[arena.PlayerID]arena.Buttons),
	}
	a.startMatch(nil)
	a.fillBots()
	return a
}

// Join seats a player: a ship of its own, a bot fewer, and a word to
// everyone in the room.
func (a *Arena) Join(p *room.Player) error {
	id := p.ID()
	if _, ok := a.seats[id]; ok {
		return fmt.Errorf("player %s is already in room %s", id, a.roomID)
	}
	ship := a.freeShip()
	if ship == 0 {
		return fmt.Errorf("room %s has no free ship", a.roomID)
	}
	if len(a.seats)+len(a.bots) >= a.cfg.Bots && len(a.bots) > 0 {
		a.removeBot()
	}
	s := &seat{player: p, ship: ship, name: a.svc.Name(id)}
	a.names[ship] = s.name // before joinWorld, which records it in the replay
	if err := a.joinWorld(ship, false); err != nil {
		delete(a.names, ship)
		return err
	}
	a.seats[id] = s

	a.send(p, arenav1.PayloadKind_PAYLOAD_KIND_JOINED, &arenav1.Joined{
		RoomId: a.roomID, ShipId: uint32(ship), TickRate: arena.TickRate, MatchNumber: a.match,
		WireVersion: arenawire.Version,
	})
	a.notifyOthers(id, arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_JOINED,
		s.name+" joined", a.rosterEntry(ship))
	a.sendRoster()
	a.log.Info("player joined", "player", id, "ship", ship)
	return nil
}

// Leave frees a player's seat, and a bot takes it.
func (a *Arena) Leave(p *room.Player) {
	s, ok := a.seats[p.ID()]
	if !ok {
		return
	}
	entry := a.rosterEntry(s.ship)
	if sh := a.world.Ship(s.ship); sh != nil && a.world.Match.Phase == arena.Playing {
		r := a.result(sh)
		r.PlayerId, r.Left = p.ID(), true
		a.left = append(a.left, r)
	}
	delete(a.seats, p.ID())
	delete(a.held, s.ship)
	a.world.Leave(s.ship)
	if a.recorder != nil {
		a.recorder.Leave(s.ship)
	}
	delete(a.names, s.ship)
	a.fillBots()
	a.notifyOthers(p.ID(), arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_LEFT, s.name+" left", entry)
	a.sendRoster()
	a.log.Info("player left", "player", p.ID(), "ship", s.ship)
}

// Input takes one of a player's inputs for this tick. The room hands over
// at most one per player per tick, so no one moves or fires faster than the
// rules allow; bits the rules do not know are refused here, before the
// simulation sees them.
func (a *Arena) Input(p *room.Player, seq uint32, data []byte) error {
	s, ok := a.seats[p.ID()]
	if !ok {
		return errors.New("no seat")
	}
	b, err := arenawire.DecodeInput(data)
	if err != nil {
		return err
	}
	a.held[s.ship] = b
	return nil
}

// Tick advances the match one step: the players' inputs, the bots'
// decisions, then what came of them.
func (a *Arena) Tick(tick uint64) {
	w := a.world
	a.inputs = a.inputs[:0]
	for _, sh := range w.Ships {
		if bot, ok := a.bots[sh.ID]; ok {
			a.inputs = append(a.inputs, arena.PlayerInput{Player: sh.ID, Buttons: bot.Think(w, sh.ID)})
			continue
		}
		b, ok := a.held[sh.ID]
		if !ok {
			b = sh.LastInput // no input this tick: the controls stay as they were
		}
		a.inputs = append(a.inputs, arena.PlayerInput{Player: sh.ID, Buttons: b})
	}
	clear(a.held)

	a.events = w.Step(a.inputs, a.events[:0])
	if a.recorder != nil {
		a.recorder.Step(a.inputs, w.Hash())
	}
	a.report(a.events)

	if w.Match.Phase == arena.Over {
		a.endMatch()
	}
}

// Snapshot copies the world after the tick, as a baseline for deltas.
func (a *Arena) Snapshot(tick uint64, reuse *arena.World) *arena.World {
	if reuse == nil {
		reuse = new(arena.World)
	}
	a.world.CopyTo(reuse)
	return reuse
}

// Encode writes p's view of cur, as a delta against base when it has one.
func (a *Arena) Encode(dst []byte, p *room.Player, base *arena.World, hasBase bool, cur *arena.World) ([]byte, error) {
	var ship arena.PlayerID
	if s, ok := a.seats[p.ID()]; ok {
		ship = s.ship
	}
	if !hasBase || base.Tick >= cur.Tick {
		// No baseline, or one from the previous match: each match's world
		// counts its ticks from 0, and a delta only runs forward.
		base = nil
	}
	return arenawire.AppendSnapshot(dst, base, cur, ship)
}
