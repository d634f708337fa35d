package ui

import (
	"cmp"
	"slices"

	"github.com/gamesock/gamesock/internal/arena"
)

// scoreRow is one line of the scoreboard.
type scoreRow struct {
	ship                 arena.PlayerID
	name                 string
	score, kills, deaths int
}

// scoreRows are the room's ships by score, best first: every ship of the
// roster or the stats.
func scoreRows(m *matchScene) []scoreRow {
	ids := map[arena.PlayerID]bool{}
	for id := range m.roster {
		ids[id] = true
	}
	for id := range m.stats {
		ids[id] = true
	}
	rows := make([]scoreRow, 0, len(ids))
	for id := range ids {
		r := scoreRow{ship: id, name: m.nameOf(id)}
		if s := m.stats[id]; s != nil {
			r.score, r.kills, r.deaths = int(s.stats["score"]), int(s.stats["kills"]), int(s.stats["deaths"])
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b scoreRow) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.ship, b.ship))
	})
	return rows
}
