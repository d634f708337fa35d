package server_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameserver/internal/server"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
)

// TestKillStatUpdate: each kill sends the room a stat update with what the
// kill changed, and only that: the killer's score, kills and streaks, the
// victim's deaths and streak, each with its ship id.
func TestKillStatUpdate(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Bots: 12, Warmup: 500 * time.Millisecond, MatchLength: 10 * time.Second})
	p := ts.join(t, "Stats", session.Reconnect{})
	var kill arenav1.Kill
	waitNotification(t, p, arenav1.NotificationKind_NOTIFICATION_KIND_KILL, &kill)

	timeout := time.After(waitTimeout)
	for {
		var u session.StatUpdate
		select {
		case u = <-p.stats:
		case <-timeout:
			t.Fatalf("no stat update for the kill of ship %d by ship %d within %v", kill.Victim, kill.Killer, waitTimeout)
		}
		killer, victim := statsOfShip(u, kill.Killer), statsOfShip(u, kill.Victim)
		if killer == nil || victim == nil {
			continue // an earlier kill's update
		}
		if u.MatchID == "" || len(u.Players) != 2 {
			t.Errorf("stat update %+v: want a match id and the two ships", u)
		}
		wantNames := func(who string, got map[string]float64, want ...string) {
			if names := slices.Sorted(maps.Keys(got)); !slices.Equal(names, want) {
				t.Errorf("%s's stats %v, want exactly %v", who, names, want)
			}
		}
		wantNames("the killer", killer, "best_streak", "kills", "score", "ship", "streak")
		wantNames("the victim", victim, "deaths", "ship", "streak")
		if killer["kills"] < 1 || killer["streak"] < 1 || killer["best_streak"] < killer["streak"] {
			t.Errorf("the killer's stats %v after a kill", killer)
		}
		if victim["deaths"] < 1 || victim["streak"] != 0 {
			t.Errorf("the victim's stats %v after its death", victim)
		}
		return
	}
}

// statsOfShip returns the stats of ship in u, by name, or nil.
func statsOfShip(u session.StatUpdate, ship uint32) map[string]float64 {
	for _, ps := range u.Players {
		m := make(map[string]float64, len(ps.Stats))
		for _, st := range ps.Stats {
			m[st.Name] = st.Value
		}
		if m["ship"] == float64(ship) {
			return m
		}
	}
	return nil
}
