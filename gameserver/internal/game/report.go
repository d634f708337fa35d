package game

import (
	"fmt"
	"slices"

	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/room"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// report turns a step's events into notifications, stat updates,
// leaderboard entries and the replay.
func (a *Arena) report(events []arena.Event) {
	for _, ev := range events {
		switch ev.Kind {
		case arena.EventKilled:
			if ev.Value == 1 { // counted: the match is playing
				a.reportKill(ev)
			}
		case arena.EventStreak:
			a.notifyAll(arenav1.NotificationKind_NOTIFICATION_KIND_STREAK,
				fmt.Sprintf("%s is on a streak of %d", a.names[ev.Player], ev.Value),
				&arenav1.Streak{ShipId: uint32(ev.Player), Name: a.names[ev.Player], Kills: uint32(ev.Value)})
		case arena.EventMatchStarted:
			a.sendStats(&session.StatUpdate{MatchID: a.matchID(), Match: []session.Stat{
				{Name: "seconds_left", Value: float64(a.world.Match.PhaseEnd-a.world.Tick) / arena.TickRate},
			}})
		case arena.EventMatchEnded:
			a.reportMatchEnd(ev)
		}
	}
}

// reportKill tells everyone in the room, once, who destroyed whom, and sends
// both ships' new stats. Kills outside the playing phase count for nothing
// and are not announced.
func (a *Arena) reportKill(ev arena.Event) {
	a.kills++
	subject := fmt.Sprintf("%s destroyed %s", a.names[ev.Player], a.names[ev.Other])
	if ev.Player == 0 {
		subject = a.names[ev.Other] + " was destroyed"
	}
	a.notifyAll(arenav1.NotificationKind_NOTIFICATION_KIND_KILL, subject, &arenav1.Kill{
		Killer: uint32(ev.Player), Victim: uint32(ev.Other),
		KillerName: a.names[ev.Player], VictimName: a.names[ev.Other],
		Tick: ev.Tick, MatchNumber: a.match,
	})
	// Only what the kill changed: a stat update names the stats that
	// changed, and accuracy and time alive come with the results.
	u := &session.StatUpdate{MatchID: a.matchID()}
	if k := a.world.Ship(ev.Player); k != nil {
		u.Players = append(u.Players, a.someStats(k, "score", "kills", "streak", "best_streak"))
	}
	if v := a.world.Ship(ev.Other); v != nil {
		u.Players = append(u.Players, a.someStats(v, "deaths", "streak"))
	}
	a.sendStats(u)
}

// someStats is the named stats of a ship, and its ship id.
func (a *Arena) someStats(sh *arena.Ship, names ...string) session.PlayerStats {
	all := a.playerStats(sh)
	ps := session.PlayerStats{PlayerID: all.PlayerID, Name: all.Name, Stats: all.Stats[:1]} // "ship"
	for _, st := range all.Stats[1:] {
		if slices.Contains(names, st.Name) {
			ps.Stats = append(ps.Stats, st)
		}
	}
	return ps
}

// reportMatchEnd closes the recording, posts the results and the
// leaderboard, and tells each player.
func (a *Arena) reportMatchEnd(ev arena.Event) {
	results := a.results()
	if a.recorder != nil {
		data, err := a.recorder.FinishAt(a.svc.Now())
		if err != nil {
			a.log.Error("finishing the replay", "match", a.match, "err", err)
		} else {
			results.ReplayId = a.svc.SaveReplay(a.roomID, a.match, data)
		}
		a.recorder = nil
	}
	// The leaderboard first, so a client that asks for it on MATCH_ENDED
	// sees this match's scores; the high scores are told after the results.
	highScores := a.postScores()
	winner := "no one"
	if len(results.Players) > 0 && results.Players[0].Score > 0 {
		winner = results.Players[0].Name
	}
	a.notifyAll(arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED,
		fmt.Sprintf("Match %d is over: %s wins", a.match, winner), results)

	final := &session.StatUpdate{MatchID: a.matchID()}
	for i := range a.world.Ships {
		final.Players = append(final.Players, a.playerStats(&a.world.Ships[i]))
	}
	a.sendStats(final)
	for _, tell := range highScores {
		tell()
	}
}

// postScores submits the players' scores to the leaderboard, and returns
// the notifications of the records they set: to everyone for a new best
// on the server, to the player for a personal best.
func (a *Arena) postScores() []func() {
	if a.svc.Leaderboard == nil {
		return nil
	}
	var tell []func()
	for _, s := range a.seats {
		sh := a.world.Ship(s.ship)
		if sh == nil {
			continue
		}
		score := int64(sh.Stats.Score)
		res := a.svc.Leaderboard.Submit(s.player.ID(), s.name, score)
		if !res.Improved {
			continue
		}
		hs := &arenav1.HighScore{PlayerId: s.player.ID(), Name: s.name, Score: score, Rank: res.Rank}
		if res.NewTop {
			subject := fmt.Sprintf("New high score: %s with %d", s.name, score)
			tell = append(tell, func() { a.broadcast(arenav1.NotificationKind_NOTIFICATION_KIND_HIGH_SCORE, subject, hs) })
			continue
		}
		subject := fmt.Sprintf("Personal best: %d, rank %d", score, res.Rank)
		id := s.player.ID()
		tell = append(tell, func() { a.notify([]string{id}, arenav1.NotificationKind_NOTIFICATION_KIND_HIGH_SCORE, subject, hs) })
	}
	return tell
}

func (a *Arena) playerStats(sh *arena.Ship) session.PlayerStats {
	st := sh.Stats
	ps := session.PlayerStats{Name: a.names[sh.ID], Stats: []session.Stat{
		{Name: "ship", Value: float64(sh.ID)},
		{Name: "score", Value: float64(st.Score)},
		{Name: "kills", Value: float64(st.Kills)},
		{Name: "deaths", Value: float64(st.Deaths)},
		{Name: "streak", Value: float64(st.Streak)},
		{Name: "best_streak", Value: float64(st.BestStreak)},
		{Name: "accuracy", Value: float64(accuracy(st))},
		{Name: "seconds_alive", Value: float64(st.AliveTicks) / arena.TickRate},
	}}
	if s := a.seatOf(sh.ID); s != nil {
		ps.PlayerID = s.player.ID()
	}
	return ps
}

func (a *Arena) matchID() string { return fmt.Sprintf("%s#%d", a.roomID, a.match) }

// humans are the room's players' ids.
func (a *Arena) humans(except string) []string {
	ids := make([]string, 0, len(a.seats))
	for id := range a.seats {
		if id != except {
			ids = append(ids, id)
		}
	}
	return ids
}

func (a *Arena) notifyAll(kind arenav1.NotificationKind, subject string, content proto.Message) {
	a.notify(a.humans(""), kind, subject, content)
}

func (a *Arena) notifyOthers(except string, kind arenav1.NotificationKind, subject string, content proto.Message) {
	a.notify(a.humans(except), kind, subject, content)
}

// notify sends one notification to players, encoded once.
func (a *Arena) notify(ids []string, kind arenav1.NotificationKind, subject string, content proto.Message) {
	if len(ids) == 0 || a.svc.Sessions == nil {
		return
	}
	n := session.Notification{Kind: uint32(kind), Subject: subject, Content: a.marshal(content)}
	if err := a.svc.Sessions.SendTo(ids, n); err != nil {
		a.log.Error("sending a notification", "kind", kind, "err", err)
	}
}

// broadcast sends a notification to every session on the server.
func (a *Arena) broadcast(kind arenav1.NotificationKind, subject string, content proto.Message) {
	if a.svc.Sessions == nil {
		return
	}
	n := session.Notification{Kind: uint32(kind), Subject: subject, Content: a.marshal(content)}
	if err := a.svc.Sessions.Broadcast(n); err != nil {
		a.log.Error("broadcasting a notification", "kind", kind, "err", err)
	}
}

func (a *Arena) sendStats(u *session.StatUpdate) {
	ids := a.humans("")
	if len(ids) == 0 || a.svc.Sessions == nil {
		return
	}
	if err := a.svc.Sessions.SendTo(ids, *u); err != nil {
		a.log.Error("sending stats", "err", err)
	}
}

// send sends one player a reliable payload.
func (a *Arena) send(p *room.Player, kind arenav1.PayloadKind, m proto.Message) {
	if err := p.Session().Send(session.Payload{Kind: uint32(kind), Data: a.marshal(m)}); err != nil {
		a.log.Warn("sending a payload", "player", p.ID(), "kind", kind, "err", err)
	}
}

// sendRoster tells every player who is in the room.
func (a *Arena) sendRoster() {
	ids := a.humans("")
	if len(ids) == 0 || a.svc.Sessions == nil {
		return
	}
	r := &arenav1.Roster{}
	for _, sh := range a.world.Ships {
		r.Entries = append(r.Entries, a.rosterEntry(sh.ID))
	}
	p := session.Payload{Kind: uint32(arenav1.PayloadKind_PAYLOAD_KIND_ROSTER), Data: a.marshal(r)}
	if err := a.svc.Sessions.SendTo(ids, p); err != nil {
		a.log.Error("sending the roster", "err", err)
	}
}

func (a *Arena) rosterEntry(ship arena.PlayerID) *arenav1.RosterEntry {
	e := &arenav1.RosterEntry{ShipId: uint32(ship), Name: a.names[ship]}
	if _, bot := a.bots[ship]; bot {
		e.Bot = true
	} else if s := a.seatOf(ship); s != nil {
		e.PlayerId = s.player.ID()
	}
	return e
}

func (a *Arena) marshal(m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		// Only invalid UTF-8 in a string could fail, and names are checked at login.
		a.log.Error("encoding a message", "err", err)
	}
	return b
}
