package leaderboard

import (
	"fmt"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

// tickClock returns a clock that moves one second per call, so each
// record's Updated tells when it was written.
func tickClock() func() time.Time {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

type submit struct {
	player string
	score  int64
	want   Result
}

// order is a board's expected content: "player:score", best first.
func order(t *testing.T, b *Board) []string {
	t.Helper()
	p, err := b.Page(MaxPageSize, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, r := range p.Records {
		if r.Rank != uint32(i)+1 {
			t.Errorf("record %d has rank %d", i, r.Rank)
		}
		got = append(got, fmt.Sprintf("%s:%d", r.PlayerID, r.Score))
	}
	return got
}

func TestSubmit(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		submits []submit
		want    []string
	}{
		{
			name: "ordering",
			size: 10,
			submits: []submit{
				{"a", 10, Result{Rank: 1, Improved: true, NewTop: true}},
				{"b", 30, Result{Rank: 1, Improved: true, NewTop: true}},
				{"c", 20, Result{Rank: 2, Improved: true}},
				{"d", -5, Result{Rank: 4, Improved: true}},
			},
			want: []string{"b:30", "c:20", "a:10", "d:-5"},
		},
		{
			name: "ties rank the earlier first",
			size: 10,
			submits: []submit{
				{"a", 10, Result{Rank: 1, Improved: true, NewTop: true}},
				{"b", 10, Result{Rank: 2, Improved: true}},
				{"c", 10, Result{Rank: 3, Improved: true}},
				{"a", 10, Result{Rank: 1, Previous: 10}}, // a tie keeps the earlier: a stays first
				{"c", 11, Result{Rank: 1, Improved: true, NewTop: true, Previous: 10}},
			},
			want: []string{"c:11", "a:10", "b:10"},
		},
		{
			name: "improvement only",
			size: 10,
			submits: []submit{
				{"a", 50, Result{Rank: 1, Improved: true, NewTop: true}},
				{"b", 40, Result{Rank: 2, Improved: true}},
				{"b", 30, Result{Rank: 2, Previous: 40}},
				{"a", 0, Result{Rank: 1, Previous: 50}}, // worse: NewTop stays false
				{"b", 45, Result{Rank: 2, Improved: true, Previous: 40}},
				{"a", 51, Result{Rank: 1, Improved: true, NewTop: true, Previous: 50}}, // own top raised
			},
			want: []string{"a:51", "b:45"},
		},
		{
			name: "moves up past several",
			size: 10,
			submits: []submit{
				{"a", 5, Result{Rank: 1, Improved: true, NewTop: true}},
				{"b", 4, Result{Rank: 2, Improved: true}},
				{"c", 3, Result{Rank: 3, Improved: true}},
				{"d", 2, Result{Rank: 4, Improved: true}},
				{"d", 4, Result{Rank: 3, Improved: true, Previous: 2}}, // ties b: after b
				{"c", 9, Result{Rank: 1, Improved: true, NewTop: true, Previous: 3}},
			},
			want: []string{"c:9", "a:5", "b:4", "d:4"},
		},
		{
			name: "eviction beyond size",
			size: 3,
			submits: []submit{
				{"a", 30, Result{Rank: 1, Improved: true, NewTop: true}},
				{"b", 20, Result{Rank: 2, Improved: true}},
				{"c", 10, Result{Rank: 3, Improved: true}},
				{"d", 5, Result{}},  // below the last: not kept
				{"e", 10, Result{}}, // ties the last: the earlier stays
				{"f", 15, Result{Rank: 3, Improved: true}},
				{"c", 12, Result{}}, // evicted: comes back as a newcomer, still too low
				{"g", 40, Result{Rank: 1, Improved: true, NewTop: true}},
				{"a", 35, Result{Rank: 2, Improved: true, Previous: 30}}, // full board, player already on it
			},
			want: []string{"g:40", "a:35", "b:20"},
		},
		{
			name: "size one",
			size: 1,
			submits: []submit{
				{"a", 1, Result{Rank: 1, Improved: true, NewTop: true}},
				{"b", 1, Result{}},
				{"b", 2, Result{Rank: 1, Improved: true, NewTop: true}},
				{"b", 3, Result{Rank: 1, Improved: true, NewTop: true, Previous: 2}},
			},
			want: []string{"b:3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New("lb", tt.size, tickClock())
			for i, s := range tt.submits {
				if got := b.Submit(s.player, "name-"+s.player, s.score); got != s.want {
					t.Errorf("submit %d (%s %d) = %+v, want %+v", i, s.player, s.score, got, s.want)
				}
			}
			got := order(t, b)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("board %v, want %v", got, tt.want)
			}
			if b.Len() != len(tt.want) {
				t.Errorf("Len = %d, want %d", b.Len(), len(tt.want))
			}
		})
	}
}

func TestRank(t *testing.T) {
	clock := tickClock()
	b := New("weekly", 2, clock)
	b.Submit("a", "Ann", 10)
	b.Submit("b", "Bo", 20)
	b.Submit("a", "Ann", 5) // not better: Updated stays at the first submit
	got, ok := b.Rank("a")
	want := session.LeaderboardRecord{PlayerID: "a", Name: "Ann", Score: 10, Rank: 2, Updated: time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)}
	if !ok || got != want {
		t.Errorf("Rank(a) = %+v, %v; want %+v", got, ok, want)
	}
	b.Submit("c", "Cy", 30) // evicts a
	if r, ok := b.Rank("a"); ok {
		t.Errorf("Rank(a) after eviction = %+v, want not found", r)
	}
	if r, ok := b.Rank("c"); !ok || r.Rank != 1 || r.Name != "Cy" {
		t.Errorf("Rank(c) = %+v, %v; want first", r, ok)
	}
	if r, ok := b.Rank("nobody"); ok {
		t.Errorf("Rank(nobody) = %+v, want not found", r)
	}
	if b.Len() != 2 || b.ID() != "weekly" {
		t.Errorf("Len %d, ID %q; want 2, weekly", b.Len(), b.ID())
	}
}

func TestNewDefaults(t *testing.T) {
	b := New("x", 0, nil)
	for i := range DefaultSize + 1 {
		b.Submit(fmt.Sprint(i), "", int64(i))
	}
	if b.Len() != DefaultSize {
		t.Errorf("Len = %d, want default size %d", b.Len(), DefaultSize)
	}
	if r, _ := b.Rank(fmt.Sprint(DefaultSize)); r.Updated.IsZero() {
		t.Errorf("Updated not set by the default clock")
	}
	if _, ok := b.Rank("0"); ok {
		t.Errorf("the lowest of %d scores was kept", DefaultSize+1)
	}
}
