// Package leaderboard keeps a game's best scores in memory: one entry per
// player, their best, for the best few hundred or thousand players.
package leaderboard

import (
	"sort"
	"sync"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

// DefaultSize is how many players a Board keeps when New is given no size.
const DefaultSize = 1000

// Board is a leaderboard: the best score of each of its best players, best
// first, ties ranked by who reached the score first. It is safe for
// concurrent use.
//
// Entries live in one slice kept sorted, so a Submit is a binary search and
// a shift of the entries between the player's old and new places: for a
// board of a thousand entries, a few microseconds at worst.
type Board struct {
	id   string
	size int
	now  func() time.Time

	mu      sync.RWMutex
	entries []entry        // best first
	keys    map[string]key // player id -> their entry's key, to find it
	seq     uint64         // the last key.seq given
}

// key orders entries: higher score first, then lower seq (earlier) first.
type key struct {
	score int64
	seq   uint64
}

// before reports whether k ranks above o.
func (k key) before(o key) bool {
	if k.score != o.score {
		return k.score > o.score
	}
	return k.seq < o.seq
}

// entry is one player's best.
type entry struct {
	key
	playerID string
	name     string
	updated  time.Time
}

// Result is what a Submit did.
type Result struct {
	// Rank is the player's place after the submit, from 1; 0 if they are
	// not on the board.
	Rank uint32
	// Improved reports that the score was recorded: it beat the player's
	// best (or was their first) and made the board.
	Improved bool
	// NewTop reports that the player is now first by this submit: they
	// took the top place or raised their own top score.
	NewTop bool
	// Previous is the player's best before the submit, 0 if they had none
	// on the board.
	Previous int64
}

// New returns an empty board called id that keeps the best size players
// (DefaultSize if size is zero or less). now stamps each record's Updated;
// time.Now if nil.
func New(id string, size int, now func() time.Time) *Board {
	if size <= 0 {
		size = DefaultSize
	}
	if now == nil {
		now = time.Now
	}
	return &Board{id: id, size: size, now: now, keys: make(map[string]key)}
}

// Submit offers a player's score. It is recorded if it beats the player's
// best; an equal score keeps the earlier one, and so its rank. A player new
// to a full board gets in only by beating the last entry, who then drops
// off. name is kept with the score.
func (b *Board) Submit(playerID, name string, score int64) Result {
	b.mu.Lock()
	defer b.mu.Unlock()
	old, had := b.keys[playerID]
	if had && score <= old.score {
		return Result{Rank: uint32(b.index(old)) + 1, Previous: old.score}
	}
	k := key{score: score, seq: b.seq + 1}
	from := len(b.entries) // where the entry is taken from: past the end if new
	if had {
		from = b.index(old)
	} else if len(b.entries) == b.size {
		if !k.before(b.entries[from-1].key) {
			return Result{}
		}
		from--
		delete(b.keys, b.entries[from].playerID)
	} else {
		b.entries = append(b.entries, entry{})
	}
	b.seq = k.seq
	to := sort.Search(from, func(j int) bool { return k.before(b.entries[j].key) })
	copy(b.entries[to+1:from+1], b.entries[to:from])
	b.entries[to] = entry{key: k, playerID: playerID, name: name, updated: b.now()}
	b.keys[playerID] = k
	r := Result{Rank: uint32(to) + 1, Improved: true, NewTop: to == 0}
	if had {
		r.Previous = old.score
	}
	return r
}

// index returns the position of the entry with key k, which is on the board.
func (b *Board) index(k key) int {
	return sort.Search(len(b.entries), func(j int) bool { return !b.entries[j].before(k) })
}

// Rank returns a player's record, and false if they are not on the board.
func (b *Board) Rank(playerID string) (session.LeaderboardRecord, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	k, ok := b.keys[playerID]
	if !ok {
		return session.LeaderboardRecord{}, false
	}
	i := b.index(k)
	return b.entries[i].record(i), true
}

// Len returns the number of players on the board.
func (b *Board) Len() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.entries)
}

// ID returns the board's id, as its pages carry it.
func (b *Board) ID() string { return b.id }

// record returns e, at index i, as a session record.
func (e *entry) record(i int) session.LeaderboardRecord {
	return session.LeaderboardRecord{PlayerID: e.playerID, Name: e.name, Score: e.score, Rank: uint32(i) + 1, Updated: e.updated}
}
