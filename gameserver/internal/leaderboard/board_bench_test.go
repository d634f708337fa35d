package leaderboard

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSubmit submits to a full board of 1000 players. "mixed": players
// on the board improving and newcomers getting in or not; "bottom to top":
// the last player takes first place each time, the most shifting a submit
// does.
func BenchmarkSubmit(b *testing.B) {
	const size = 1000
	ids := make([]string, 2*size)
	for i := range ids {
		ids[i] = fmt.Sprintf("player-%d", i)
	}
	full := func() *Board {
		board := New("bench", size, nil)
		for i := range size {
			board.Submit(ids[i], ids[i], int64(i)*1000)
		}
		return board
	}
	b.Run("mixed", func(b *testing.B) {
		board := full()
		rng := rand.New(rand.NewPCG(1, 2))
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			id := ids[rng.IntN(len(ids))]
			board.Submit(id, id, int64(i)+rng.Int64N(size*1000))
		}
		if board.Len() != size {
			b.Fatalf("Len %d, want %d", board.Len(), size)
		}
	})
	b.Run("bottom to top", func(b *testing.B) {
		board := full()
		top := int64(size * 1000)
		b.ReportAllocs()
		for b.Loop() {
			last := board.entries[len(board.entries)-1].playerID
			top++
			if r := board.Submit(last, last, top); r.Rank != 1 {
				b.Fatalf("Submit = %+v, want rank 1", r)
			}
		}
	})
}
