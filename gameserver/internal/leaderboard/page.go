package leaderboard

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"github.com/gamesock/gamesock/sdk/session"
)

// Page sizes: the default when Page is given no limit, and the most it
// returns whatever the limit.
const (
	DefaultPageSize = 10
	MaxPageSize     = 100
)

// ErrBadCursor is matched by Page's error for a cursor it did not make.
var ErrBadCursor = errors.New("leaderboard: bad cursor")

// cursorLen is the decoded size of a cursor: a key's score and seq.
const cursorLen = 16

// cursorEncoding spells cursors; Strict gives each cursor one spelling.
var cursorEncoding = base64.RawURLEncoding.Strict()

// Page returns up to limit records (DefaultPageSize if zero or less, at most
// MaxPageSize), best first, starting after cursor ("" for the top). Its
// NextCursor fetches the following page; it is empty on the last one.
//
// A cursor names the last record of its page, not an offset, so paging on
// while scores change neither repeats nor skips a player who did not move:
// the next page starts just below where the previous one ended.
func (b *Board) Page(limit int, cursor string) (session.LeaderboardPage, error) {
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	after, err := decodeCursor(cursor)
	if err != nil {
		return session.LeaderboardPage{}, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	start := 0
	if after != nil {
		start = sort.Search(len(b.entries), func(j int) bool { return after.before(b.entries[j].key) })
	}
	end := min(start+limit, len(b.entries))
	p := session.LeaderboardPage{LeaderboardID: b.id, Records: make([]session.LeaderboardRecord, 0, end-start)}
	for i := start; i < end; i++ {
		p.Records = append(p.Records, b.entries[i].record(i))
	}
	if end < len(b.entries) {
		p.NextCursor = encodeCursor(b.entries[end-1].key)
	}
	return p, nil
}

// encodeCursor spells the cursor for a page that ended at k.
func encodeCursor(k key) string {
	var buf [cursorLen]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(k.score))
	binary.BigEndian.PutUint64(buf[8:], k.seq)
	return cursorEncoding.EncodeToString(buf[:])
}

// decodeCursor reads a cursor; nil for the empty one.
func decodeCursor(s string) (*key, error) {
	if s == "" {
		return nil, nil
	}
	if len(s) != cursorEncoding.EncodedLen(cursorLen) {
		return nil, fmt.Errorf("%w: %d characters, want %d", ErrBadCursor, len(s), cursorEncoding.EncodedLen(cursorLen))
	}
	buf, err := cursorEncoding.DecodeString(s)
	if err != nil || len(buf) != cursorLen {
		return nil, fmt.Errorf("%w: not base64url", ErrBadCursor)
	}
	k := key{score: int64(binary.BigEndian.Uint64(buf[:8])), seq: binary.BigEndian.Uint64(buf[8:])}
	if k.seq == 0 {
		return nil, fmt.Errorf("%w: sequence 0", ErrBadCursor)
	}
	return &k, nil
}
