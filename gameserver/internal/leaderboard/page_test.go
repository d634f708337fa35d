package leaderboard

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestPageWalk(t *testing.T) {
	b := New("all", 100, tickClock())
	const n = 47
	for i := range n {
		b.Submit(fmt.Sprintf("p%02d", i), "", int64(i%10)) // many ties
	}
	for _, limit := range []int{1, 5, 10, 46, 47, 100, 1000} {
		var got []string
		cursor, pages := "", 0
		for {
			p, err := b.Page(limit, cursor)
			if err != nil {
				t.Fatalf("limit %d, page %d: %v", limit, pages, err)
			}
			pages++
			if p.LeaderboardID != "all" {
				t.Errorf("LeaderboardID %q", p.LeaderboardID)
			}
			if len(p.Records) > min(limit, MaxPageSize) || len(p.Records) == 0 {
				t.Fatalf("limit %d: page of %d records", limit, len(p.Records))
			}
			for _, r := range p.Records {
				if int(r.Rank) != len(got)+1 {
					t.Errorf("limit %d: %s has rank %d, want %d", limit, r.PlayerID, r.Rank, len(got)+1)
				}
				got = append(got, r.PlayerID)
			}
			if p.NextCursor == "" || pages > n {
				break
			}
			cursor = p.NextCursor
		}
		want := order(t, b)
		for i := range want {
			want[i], _, _ = strings.Cut(want[i], ":")
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("limit %d: walked %v, want %v", limit, got, want)
		}
		if wantPages := (n + min(limit, MaxPageSize) - 1) / min(limit, MaxPageSize); pages != wantPages {
			t.Errorf("limit %d: %d pages, want %d", limit, pages, wantPages)
		}
	}
}

func TestPageDefaults(t *testing.T) {
	b := New("big", 500, nil)
	if p, err := b.Page(0, ""); err != nil || len(p.Records) != 0 || p.NextCursor != "" || p.LeaderboardID != "big" {
		t.Errorf("Page of an empty board = %+v, %v", p, err)
	}
	for i := range 300 {
		b.Submit(fmt.Sprint(i), "", int64(i))
	}
	for _, tt := range []struct{ limit, want int }{{0, DefaultPageSize}, {-3, DefaultPageSize}, {7, 7}, {101, MaxPageSize}, {1 << 30, MaxPageSize}} {
		p, err := b.Page(tt.limit, "")
		if err != nil || len(p.Records) != tt.want || p.NextCursor == "" {
			t.Errorf("Page(%d) = %d records, cursor %q, %v; want %d and a cursor", tt.limit, len(p.Records), p.NextCursor, err, tt.want)
		}
	}
}

// TestPageCursorStable checks that a cursor names a place, not an offset:
// a player moving from below the page to above it shifts nobody else into
// the next page twice.
func TestPageCursorStable(t *testing.T) {
	b := New("s", 10, nil)
	for i, p := range []string{"a", "b", "c", "d", "e"} {
		b.Submit(p, "", int64(50-10*i))
	}
	p1, _ := b.Page(2, "") // a b
	b.Submit("e", "", 100) // e jumps to the top; c and d move down a place
	p2, err := b.Page(2, p1.NextCursor)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{p2.Records[0].PlayerID, p2.Records[1].PlayerID}; got[0] != "c" || got[1] != "d" {
		t.Errorf("second page %v, want [c d] (ranks %d %d)", got, p2.Records[0].Rank, p2.Records[1].Rank)
	}
	if p2.Records[0].Rank != 4 || p2.NextCursor != "" {
		t.Errorf("second page starts at rank %d, cursor %q; want rank 4, last page", p2.Records[0].Rank, p2.NextCursor)
	}
}

func TestPageBadCursor(t *testing.T) {
	b := New("x", 10, nil)
	b.Submit("a", "", 1)
	b.Submit("b", "", 2)
	good, _ := b.Page(1, "")
	for _, c := range []string{
		"10",
		"!",
		good.NextCursor + "A",
		good.NextCursor[:len(good.NextCursor)-1],
		good.NextCursor[:len(good.NextCursor)-1] + "!",
		good.NextCursor[:len(good.NextCursor)-1] + "B", // stray bits in the last character
		encodeCursor(key{score: 5, seq: 0}),
		strings.Repeat("A", 10000),
	} {
		p, err := b.Page(1, c)
		if !errors.Is(err, ErrBadCursor) || len(p.Records) != 0 {
			t.Errorf("Page(1, %.30q) = %+v, %v; want ErrBadCursor", c, p, err)
		}
	}
	// A well-formed cursor past the end is an empty last page.
	p, err := b.Page(1, encodeCursor(key{score: -1 << 63, seq: 1 << 63}))
	if err != nil || len(p.Records) != 0 || p.NextCursor != "" {
		t.Errorf("Page past the end = %+v, %v; want empty", p, err)
	}
}
