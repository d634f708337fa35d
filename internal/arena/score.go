package arena

// Points. A kill is worth the most; small asteroids, being harder to hit,
// are worth more than large ones; crashing into an asteroid costs half a
// kill, so flying carelessly does not pay.
const (
	ScoreKill  = 100
	ScoreCrash = -50
)

// AsteroidScore is the points for breaking an asteroid of the given size:
// 10 for a large one, 20 for a medium, 30 for a small.
func AsteroidScore(size uint8) int32 {
	return 10 * int32(4-min(max(size, 1), 3))
}

// isStreakMilestone reports whether a streak of n is worth an announcement.
func isStreakMilestone(n int32) bool { return n == 3 || n == 5 || n == 10 }

// damage takes damage from victim's health and destroys it at zero.
func (w *World) damage(attacker PlayerID, victim *Ship, damage int8, events []Event) []Event {
	if damage <= 0 || !victim.Alive {
		return events
	}
	victim.Health -= min(damage, victim.Health)
	if victim.Health > 0 {
		return events
	}
	return w.kill(attacker, victim, events)
}

// kill destroys victim, credits killer (0: an asteroid) in Playing, and
// schedules the respawn.
func (w *World) kill(killer PlayerID, victim *Ship, events []Event) []Event {
	victim.Alive = false
	victim.Health = 0
	victim.Vel = Vec{}
	victim.Shield = 0
	victim.RapidFire = 0
	victim.Cooldown = 0
	victim.RespawnTick = w.Tick + uint64(max(w.Config.RespawnTicks, 0))
	counted := w.Match.Phase == Playing
	ev := Event{Tick: w.Tick, Kind: EventKilled, Player: killer, Other: victim.ID}
	if !counted {
		return append(events, ev)
	}
	ev.Value = 1
	events = append(events, ev)
	victim.Stats.Deaths++
	victim.Stats.Streak = 0
	if killer == 0 || killer == victim.ID {
		victim.Stats.Score += ScoreCrash
		return events
	}
	k := w.Ship(killer)
	if k == nil {
		return events
	}
	k.Stats.Kills++
	k.Stats.Score += ScoreKill
	k.Stats.Streak++
	k.Stats.BestStreak = max(k.Stats.BestStreak, k.Stats.Streak)
	if isStreakMilestone(k.Stats.Streak) {
		events = append(events, Event{Tick: w.Tick, Kind: EventStreak, Player: killer, Value: k.Stats.Streak})
	}
	return events
}
