package server_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameserver/internal/server"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// TestBotsFillTheRoom follows a room of four ships as players come and go:
// bots take the seats no player has, a player who joins takes a bot's, and
// one who leaves gives it back.
func TestBotsFillTheRoom(t *testing.T) {
	t.Parallel()
	// The default warmup (5 s) outlasts the test: no match events.
	ts := startServer(t, server.Config{Bots: 4})

	alice := ts.join(t, "Alice", session.Reconnect{})
	checkRoster(t, "Alice's first roster", nextRoster(t, alice), 4, 3, alice)

	bob := ts.join(t, "Bob", session.Reconnect{})
	if bob.roomID != alice.roomID {
		t.Fatalf("Bob is in room %s, Alice in %s; a room seats 16", bob.roomID, alice.roomID)
	}
	if bob.ship == alice.ship {
		t.Fatalf("Bob and Alice both fly ship %d", bob.ship)
	}
	var joined arenav1.RosterEntry
	waitNotification(t, alice, arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_JOINED, &joined)
	if want := (rosterLine{bob.ship, bob.id, bob.name, false}); lineOf(&joined) != want {
		t.Errorf("PLAYER_JOINED told Alice %v, want %v", lineOf(&joined), want)
	}
	checkRoster(t, "Alice's roster after Bob joined", nextRoster(t, alice), 4, 2, alice, bob)
	checkRoster(t, "Bob's first roster", nextRoster(t, bob), 4, 2, alice, bob)

	if err := bob.c.Close(); err != nil {
		t.Fatalf("Bob's Close: %v", err)
	}
	var left arenav1.RosterEntry
	n := waitNotification(t, alice, arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_LEFT, &left)
	if want := (rosterLine{bob.ship, bob.id, bob.name, false}); lineOf(&left) != want {
		t.Errorf("PLAYER_LEFT told Alice %v, want %v", lineOf(&left), want)
	}
	if !strings.Contains(n.Subject, bob.name) {
		t.Errorf("PLAYER_LEFT subject %q does not name %q", n.Subject, bob.name)
	}
	checkRoster(t, "Alice's roster after Bob left", nextRoster(t, alice), 4, 3, alice)
}

// TestLeaverCountsInResults has a player leave in the middle of a match
// with kills, and checks the results the other player gets: the leaver is
// in them, marked as gone, and the kills and deaths of everyone who took
// part, leavers included, balance and match the KILL notifications.
func TestLeaverCountsInResults(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Bots: 12, Warmup: 500 * time.Millisecond, MatchLength: 5 * time.Second, Results: shortWarmup})
	stayer := ts.join(t, "Stayer", session.Reconnect{})
	leaver := ts.join(t, "Leaver", session.Reconnect{})
	seatedInWarmup(t, leaver) // and so the stayer, seated first

	log := &matchLog{match: 1}
	log.follow(t, stayer, func() bool { return len(log.kills) > 0 })
	if log.ended != nil {
		t.Fatalf("match 1 ended with no kill; the test needs one (results %v)", log.ended)
	}
	if err := leaver.c.Close(); err != nil {
		t.Fatalf("the leaver's Close: %v", err)
	}
	log.follow(t, stayer, nil)
	if len(log.left) == 0 {
		t.Fatalf("the match ended before the leaver's PLAYER_LEFT: it left too late to test anything; lengthen the match")
	}

	res := log.ended
	pr := resultOf(res, leaver.id)
	if pr == nil {
		t.Fatalf("the results %v lack the leaver %s, who left during the match", res, leaver.id)
	}
	if !pr.Left || pr.Name != leaver.name || pr.ShipId != uint32(leaver.ship) || pr.Bot {
		t.Errorf("the leaver's line %v, want left, name %q, ship %d, not a bot", pr, leaver.name, leaver.ship)
	}
	if sp := resultOf(res, stayer.id); sp == nil || sp.Left {
		t.Errorf("the stayer's line %v, want present and not left", sp)
	}
	kills, deaths := totals(res)
	if kills != deaths {
		t.Errorf("the results count %d kills and %d deaths, want them equal: %v", kills, deaths, res)
	}
	if len(log.kills) != int(kills) {
		t.Errorf("the stayer, in the room all match, got %d KILL notifications; the results count %d kills",
			len(log.kills), kills)
	}
}

// TestMatchRollover follows a player from one match into the next: it
// stays seated, in the same ship, without a new JOINED, and its stats
// start again from nothing.
func TestMatchRollover(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{
		Bots: 2, Warmup: time.Second, MatchLength: 1500 * time.Millisecond, Results: 300 * time.Millisecond,
	})
	p := ts.join(t, "Roller", session.Reconnect{})
	// Fire held for the whole match (the controls stay as they were), so
	// match 1 gives the player stats to lose.
	p.sendRaw(t, frame(t, 1, buttons(arena.Fire)))

	log := &matchLog{match: 1}
	log.follow(t, p, nil)
	first := resultOf(log.ended, p.id)
	if first == nil {
		t.Fatalf("match 1's results %v lack the player", log.ended)
	}
	if first.Shots == 0 {
		t.Fatalf("match 1's results give the player, who held fire, no shots: %v", first)
	}

	var info arenav1.MatchInfo
	waitNotification(t, p, arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_STARTING, &info)
	if info.MatchNumber != 2 || info.RoomId != p.roomID {
		t.Fatalf("MATCH_STARTING after match 1: %v, want match 2 of room %s", &info, p.roomID)
	}

	s := p.nextMatch(t)
	if s.own(p.ship) == nil {
		t.Fatalf("match 2's first snapshot (tick %d) lacks the player's ship %d", s.tick, p.ship)
	}
	// Ask while a good part of the warmup is left, so the answer comes
	// from Warmup, before Playing zeroes the stats anyway.
	if left := s.world.Match.PhaseEnd - s.world.Tick; left < arena.TickRate/2 {
		t.Fatalf("match 2's first snapshot has %d ticks of warmup left; the test needs more", left)
	}
	res := p.matchStats(t)
	if res.MatchNumber != 2 {
		t.Fatalf("MATCH_STATS in match 2's warmup answers for match %d", res.MatchNumber)
	}
	pr := resultOf(res, p.id)
	if pr == nil {
		t.Fatalf("MATCH_STATS in match 2 %v lacks the player", res)
	}
	if pr.ShipId != uint32(p.ship) || pr.Kills != 0 || pr.Deaths != 0 || pr.Shots != 0 || pr.Score != 0 {
		t.Errorf("the player's line in match 2's warmup: %v, want ship %d and no kills, deaths, shots or score",
			pr, p.ship)
	}

	// The rollover sent a roster, and no JOINED: the player never left.
	rosters := 0
	for rosters < 2 { // the one sent when it joined, and the rollover's
		r := nextRoster(t, p)
		rosters++
		if rosters == 2 {
			checkRoster(t, "the roster of match 2", r, 2, 1, p)
		}
	}
}

// TestReplayOfMatchWithMidMatchJoin records a match in which a player
// joins while it is playing and a bot leaves to make room, then downloads
// its replay and plays it back.
func TestReplayOfMatchWithMidMatchJoin(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Bots: 4, Warmup: 300 * time.Millisecond, MatchLength: 2 * time.Second, Results: shortWarmup})
	first := ts.join(t, "First", session.Reconnect{})
	first.waitPhase(t, arena.Playing)
	late := ts.join(t, "Late", session.Reconnect{})
	if s := late.next(t); s.world.Match.Phase != arena.Playing {
		t.Fatalf("the late player was seated in phase %d, not while playing; the test needs a longer match", s.world.Match.Phase)
	}

	log := &matchLog{match: 1}
	log.follow(t, first, nil)
	res := log.ended
	if res.ReplayId == "" {
		t.Fatalf("MATCH_ENDED results %v name no replay", res)
	}
	if pr := resultOf(res, late.id); pr == nil || pr.Left || pr.ShipId != uint32(late.ship) {
		t.Errorf("the late player's line %v, want present in ship %d", pr, late.ship)
	}
	i := slices.IndexFunc(res.Players, func(pr *arenav1.PlayerResult) bool { return pr.Bot && pr.Left })
	if i < 0 {
		t.Fatalf("the results %v lack the bot that left for the late player", res)
	}
	gone := arena.PlayerID(res.Players[i].ShipId)

	info := waitReplayListed(t, first, res.ReplayId)
	for _, name := range []string{first.name, late.name} {
		if !slices.Contains(info.Players, name) {
			t.Errorf("the replay's listed players %q lack %q", info.Players, name)
		}
	}

	var buf bytes.Buffer
	url := ts.ws + "/replays/" + info.Id
	if _, err := download(url, late.token, 0, &buf); err != nil {
		t.Fatalf("download %s: %v", url, err)
	}
	rp, err := replay.Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("the replay does not parse: %v", err)
	}
	var last *arena.World
	err = rp.Play(func(w *arena.World, _ []arena.Event) bool {
		if last == nil {
			last = new(arena.World)
		}
		w.CopyTo(last)
		return true
	})
	if err != nil {
		t.Fatalf("the replay does not play back: %v", err)
	}
	if last == nil || last.Ship(late.ship) == nil || last.Ship(first.ship) == nil || last.Ship(gone) != nil {
		t.Errorf("the replay's last world: want ships %d and %d and not the bot %d's", first.ship, late.ship, gone)
	}
	for _, p := range []*player{first, late} {
		if want := (replay.Entry{Ship: p.ship, Name: p.name}); !slices.Contains(rp.Roster, want) {
			t.Errorf("the replay's roster %+v lacks %+v", rp.Roster, want)
		}
	}

	// The late join comes once the match plays, right after the bot's
	// leave, and in the same tick.
	warmup := uint64(300 * time.Millisecond * arena.TickRate / time.Second)
	var found bool
	for tk := range rp.Ticks() {
		j := slices.Index(tk.Changes, replay.Change{Ship: late.ship, Name: late.name})
		if j < 0 {
			continue
		}
		found = true
		if tk.Number <= warmup {
			t.Errorf("the late player joins the replay at tick %d, during the warmup (%d ticks)", tk.Number, warmup)
		}
		if !slices.Contains(tk.Changes[:j], replay.Change{Ship: gone, Leave: true}) {
			t.Errorf("tick %d: changes %+v: the late player's join is not after bot %d's leave", tk.Number, tk.Changes, gone)
		}
	}
	if !found {
		t.Errorf("no tick of the replay records the late player's join (ship %d, %q)", late.ship, late.name)
	}
}

// TestKillNotificationsOncePerPlayer follows a whole match with two
// players: each hears of every kill exactly once, both hear of the same
// ones, and as many as the results count.
func TestKillNotificationsOncePerPlayer(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Bots: 12, Warmup: 500 * time.Millisecond, MatchLength: 3500 * time.Millisecond, Results: shortWarmup})
	a := ts.join(t, "Ann", session.Reconnect{})
	b := ts.join(t, "Ben", session.Reconnect{})
	seatedInWarmup(t, b)

	logs := []*matchLog{{match: 1}, {match: 1}}
	for i, p := range []*player{a, b} {
		logs[i].follow(t, p, nil)
	}
	if logs[0].endedID != logs[1].endedID {
		t.Errorf("the players got different MATCH_ENDED notifications: %s and %s", logs[0].endedID, logs[1].endedID)
	}
	kills, _ := totals(logs[0].ended)
	if kills == 0 {
		t.Fatalf("no kill in match 1 (results %v); the test needs some", logs[0].ended)
	}
	var sets [2][]string
	for i, p := range []*player{a, b} {
		type death struct {
			victim uint32
			tick   uint64
		}
		deaths := make(map[death]bool)
		for _, k := range logs[i].kills {
			sets[i] = append(sets[i], k.id)
			d := death{k.kill.Victim, k.kill.Tick}
			if deaths[d] {
				t.Errorf("%s heard twice that ship %d died at tick %d", p.name, d.victim, d.tick)
			}
			deaths[d] = true
		}
		slices.Sort(sets[i])
		if n := len(slices.Compact(slices.Clone(sets[i]))); n != len(sets[i]) {
			t.Errorf("%s got %d KILL notifications, %d of them distinct", p.name, len(sets[i]), n)
		}
		if len(sets[i]) != int(kills) {
			t.Errorf("%s got %d KILL notifications; the results count %d kills", p.name, len(sets[i]), kills)
		}
	}
	if !slices.Equal(sets[0], sets[1]) {
		t.Errorf("the players heard of different kills:\n%s: %q\n%s: %q", a.name, sets[0], b.name, sets[1])
	}
}

// TestBotTakesSeatLeftDuringResults has a player leave while a match shows
// its results: a bot takes the seat, and must fly in the next match.
func TestBotTakesSeatLeftDuringResults(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Bots: 4, Warmup: time.Second, MatchLength: time.Second, Results: time.Second})
	stayer := ts.join(t, "Stays", session.Reconnect{})
	leaver := ts.join(t, "Goes", session.Reconnect{})

	waitNotification(t, leaver, arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED, nil)
	if err := leaver.c.Close(); err != nil {
		t.Fatalf("the leaver's Close: %v", err)
	}
	var sawLeft bool
	timeout := time.After(waitTimeout)
	for !sawLeft {
		select {
		case n := <-stayer.notes:
			switch arenav1.NotificationKind(n.Kind) {
			case arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_LEFT:
				sawLeft = true
			case arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_STARTING:
				t.Fatalf("match 2 started before the leaver left; lengthen the results")
			}
		case <-timeout:
			t.Fatalf("no PLAYER_LEFT within %v", waitTimeout)
		}
	}
	waitNotification(t, stayer, arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_STARTING, nil)
	s := stayer.nextMatch(t)
	if len(s.world.Ships) != 4 {
		t.Errorf("match 2 flies %d ships, want 4 (the room keeps 4 with bots)", len(s.world.Ships))
	}
	// The rosters: the stayer's join, the leaver's join, the leave, the
	// rollover.
	var r *arenav1.Roster
	for range 4 {
		r = nextRoster(t, stayer)
	}
	checkRoster(t, "the roster of match 2", r, 4, 3, stayer)
}

// rosterLine is what a test checks of a RosterEntry.
type rosterLine struct {
	ship     arena.PlayerID
	playerID string
	name     string
	bot      bool
}

func lineOf(e *arenav1.RosterEntry) rosterLine {
	return rosterLine{arena.PlayerID(e.ShipId), e.PlayerId, e.Name, e.Bot}
}

// nextRoster waits for p's next ROSTER payload. A JOINED fails the test:
// the helpers' join took the only one a seat gets.
func nextRoster(t *testing.T, p *player) *arenav1.Roster {
	t.Helper()
	timeout := time.After(waitTimeout)
	for {
		select {
		case pl := <-p.payloads:
			switch arenav1.PayloadKind(pl.Kind) {
			case arenav1.PayloadKind_PAYLOAD_KIND_JOINED:
				t.Fatalf("%s: a second JOINED payload", p.name)
			case arenav1.PayloadKind_PAYLOAD_KIND_ROSTER:
				var r arenav1.Roster
				if err := proto.Unmarshal(pl.Data, &r); err != nil {
					t.Fatalf("%s: ROSTER payload: %v", p.name, err)
				}
				return &r
			}
		case <-timeout:
			t.Fatalf("%s: no ROSTER payload within %v", p.name, waitTimeout)
		}
	}
}

// checkRoster checks a roster of size ships: bots bots, flagged and nameless
// as players, and the players given, each once, by ship, id and name.
func checkRoster(t *testing.T, what string, r *arenav1.Roster, size, bots int, players ...*player) {
	t.Helper()
	if len(r.Entries) != size {
		t.Errorf("%s: %d ships, want %d: %v", what, len(r.Entries), size, r)
	}
	ships := make(map[uint32]bool)
	gotBots := 0
	for _, e := range r.Entries {
		if ships[e.ShipId] {
			t.Errorf("%s: ship %d listed twice: %v", what, e.ShipId, r)
		}
		ships[e.ShipId] = true
		if e.Bot {
			gotBots++
			if e.PlayerId != "" || !strings.HasPrefix(e.Name, "Bot ") {
				t.Errorf("%s: bot entry %v, want no player id and a bot's name", what, e)
			}
		}
	}
	if gotBots != bots {
		t.Errorf("%s: %d bots, want %d: %v", what, gotBots, bots, r)
	}
	for _, p := range players {
		want := rosterLine{p.ship, p.id, p.name, false}
		if !slices.ContainsFunc(r.Entries, func(e *arenav1.RosterEntry) bool { return lineOf(e) == want }) {
			t.Errorf("%s: %v lacks %v", what, r, want)
		}
	}
}

// waitPhase reads p's snapshots until one shows the match in phase.
func (p *player) waitPhase(t *testing.T, phase arena.Phase) snapshot {
	t.Helper()
	for range maxWaitSnapshots {
		if s := p.next(t); s.world.Match.Phase == phase {
			return s
		}
	}
	t.Fatalf("%s: no snapshot in phase %d within %d", p.name, phase, maxWaitSnapshots)
	return snapshot{}
}

// nextMatch reads p's snapshots, which the test let queue up since p
// joined, until the first of the next match: the first in Warmup after
// one in Results.
func (p *player) nextMatch(t *testing.T) snapshot {
	t.Helper()
	p.waitPhase(t, arena.Results)
	return p.waitPhase(t, arena.Warmup)
}

// seatedInWarmup checks that p was seated before match 1 started playing,
// so it hears of every kill the match counts: its first snapshot is
// taken after the tick it was seated in.
func seatedInWarmup(t *testing.T, p *player) {
	t.Helper()
	if s := p.next(t); s.world.Match.Phase != arena.Warmup {
		t.Fatalf("%s was seated in phase %d, after the warmup; the test needs a longer one", p.name, s.world.Match.Phase)
	}
}

// matchLog is what a player heard of one match, in order.
type matchLog struct {
	match   uint32
	kills   []killNote
	left    []*arenav1.RosterEntry // PLAYER_LEFT before the end
	ended   *arenav1.MatchResults
	endedID string // the MATCH_ENDED notification's id
}

type killNote struct {
	id   string
	kill *arenav1.Kill
}

// follow reads p's notifications into the log until stop (nil: never)
// holds or the match ends.
func (l *matchLog) follow(t *testing.T, p *player, stop func() bool) {
	t.Helper()
	timeout := time.After(waitTimeout)
	for l.ended == nil && (stop == nil || !stop()) {
		var n session.Notification
		select {
		case n = <-p.notes:
		case <-timeout:
			t.Fatalf("%s: match %d did not end within %v", p.name, l.match, waitTimeout)
		}
		switch arenav1.NotificationKind(n.Kind) {
		case arenav1.NotificationKind_NOTIFICATION_KIND_KILL:
			var k arenav1.Kill
			decodeNote(t, p, n, &k)
			if k.MatchNumber == l.match {
				l.kills = append(l.kills, killNote{n.ID, &k})
			}
		case arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_LEFT:
			var e arenav1.RosterEntry
			decodeNote(t, p, n, &e)
			l.left = append(l.left, &e)
		case arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED:
			var res arenav1.MatchResults
			decodeNote(t, p, n, &res)
			if res.MatchNumber == l.match {
				l.ended, l.endedID = &res, n.ID
			}
		}
	}
}

func decodeNote(t *testing.T, p *player, n session.Notification, m proto.Message) {
	t.Helper()
	if err := proto.Unmarshal(n.Content, m); err != nil {
		t.Fatalf("%s: %v notification %q: content: %v", p.name, arenav1.NotificationKind(n.Kind), n.Subject, err)
	}
}

// totals sums the kills and deaths of a match's results.
func totals(res *arenav1.MatchResults) (kills, deaths int32) {
	for _, pr := range res.Players {
		kills += pr.Kills
		deaths += pr.Deaths
	}
	return kills, deaths
}

// waitReplayListed asks for the replays, every fifth of p's snapshots
// (within the server's request rate), until replay id is listed: it is
// saved on a goroutine of its own.
func waitReplayListed(t *testing.T, p *player, id string) *arenav1.ReplayInfo {
	t.Helper()
	var info *arenav1.ReplayInfo
	polls := 0
	p.waitUntil(t, "replay "+id+" listed", func() bool {
		if polls++; polls%5 != 1 {
			return false
		}
		list := listReplays(t, p)
		if i := slices.IndexFunc(list.Replays, func(r *arenav1.ReplayInfo) bool { return r.Id == id }); i >= 0 {
			info = list.Replays[i]
		}
		return info != nil
	})
	return info
}
