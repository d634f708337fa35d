package leaderboard

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestConcurrentSubmits has players submit from many goroutines while
// others read, then checks the board holds each player's best, in order.
func TestConcurrentSubmits(t *testing.T) {
	const workers, players, rounds = 8, 40, 200
	b := New("race", 1000, nil)
	best := make([][players]int64, workers) // per worker: its players' best
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range rounds {
				p := rng.IntN(players)
				score := rng.Int64N(1_000_000) + 1
				id := fmt.Sprintf("w%d-p%d", w, p)
				r := b.Submit(id, id, score)
				if score > best[w][p] {
					best[w][p] = score
					if !r.Improved || r.Rank == 0 {
						t.Errorf("%s %d beat %d but was not recorded: %+v", id, score, r.Previous, r)
					}
				} else if r.Improved {
					t.Errorf("%s %d did not beat %d but was recorded: %+v", id, score, best[w][p], r)
				}
			}
		})
		wg.Go(func() {
			for range rounds / 4 {
				if p, err := b.Page(MaxPageSize, ""); err != nil {
					t.Error(err)
				} else if n := b.Len(); len(p.Records) > n && n < MaxPageSize {
					t.Errorf("page of %d, board of %d", len(p.Records), n)
				}
				b.Rank(fmt.Sprintf("w%d-p0", w))
			}
		})
	}
	wg.Wait()

	want := 0
	for w := range workers {
		for p, s := range best[w] {
			if s == 0 {
				continue
			}
			want++
			id := fmt.Sprintf("w%d-p%d", w, p)
			if r, ok := b.Rank(id); !ok || r.Score != s {
				t.Errorf("%s on the board with %+v, %v; want score %d", id, r, ok, s)
			}
		}
	}
	if b.Len() != want {
		t.Errorf("Len %d, want %d players", b.Len(), want)
	}
	var prev int64 = 1 << 62
	for i, e := range b.entries {
		if e.score > prev {
			t.Errorf("entry %d score %d above the previous %d", i, e.score, prev)
		}
		prev = e.score
		if k := b.keys[e.playerID]; k != e.key || b.index(k) != i {
			t.Errorf("entry %d (%s) has index key %+v, want %+v", i, e.playerID, k, e.key)
		}
	}
}
