package room

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// lineGame is the tests' toy game: players on a line. An input is one
// byte, 0 to stay, 1 to step right, 2 to step left; the game refuses any
// other. It records what it did for the tests to check, under mu.
type lineGame struct {
	refuse string // a player id Join refuses
	record bool   // keep a copy of each snapshot (the benchmarks do not)

	players []*linePlayer // sorted by id; the room's goroutine only

	mu      sync.Mutex
	joined  []string
	left    []string
	applied map[string][]uint32 // the seqs of the inputs applied, per player
	maxStep int                 // the most steps one player took in one tick
	ticks   uint64
	snaps   map[uint64]lineSnap
}

type linePlayer struct {
	id    string
	x     int64
	steps int // this tick
}

// lineSnap is the world: the players' positions, sorted by id.
type lineSnap struct{ pos []lineEntry }

type lineEntry struct {
	id string
	x  int64
}

func newLineGame() *lineGame {
	return &lineGame{record: true, applied: map[string][]uint32{}, snaps: map[uint64]lineSnap{}}
}

func (g *lineGame) Join(p *Player) error {
	if p.ID() == g.refuse {
		return errors.New("banned")
	}
	lp := &linePlayer{id: p.ID()}
	p.Data = lp
	i, _ := slices.BinarySearchFunc(g.players, lp.id, func(q *linePlayer, id string) int { return strings.Compare(q.id, id) })
	g.players = slices.Insert(g.players, i, lp)
	g.mu.Lock()
	g.joined = append(g.joined, p.ID())
	g.mu.Unlock()
	return nil
}

func (g *lineGame) Leave(p *Player) {
	g.players = slices.DeleteFunc(g.players, func(q *linePlayer) bool { return q == p.Data })
	g.mu.Lock()
	g.left = append(g.left, p.ID())
	g.mu.Unlock()
}

func (g *lineGame) Input(p *Player, seq uint32, data []byte) error {
	lp := p.Data.(*linePlayer)
	if len(data) != 1 || data[0] > 2 {
		return fmt.Errorf("input %x is not a move", data)
	}
	switch data[0] {
	case 1:
		lp.x++
		lp.steps++
	case 2:
		lp.x--
		lp.steps++
	}
	if g.record {
		g.mu.Lock()
		g.applied[p.ID()] = append(g.applied[p.ID()], seq)
		g.mu.Unlock()
	}
	return nil
}

func (g *lineGame) Tick(tick uint64) {
	most := 0
	for _, lp := range g.players {
		most = max(most, lp.steps)
		lp.steps = 0
	}
	g.mu.Lock()
	g.ticks = tick
	g.maxStep = max(g.maxStep, most)
	g.mu.Unlock()
}

func (g *lineGame) Snapshot(tick uint64, reuse lineSnap) lineSnap {
	reuse.pos = reuse.pos[:0]
	for _, lp := range g.players {
		reuse.pos = append(reuse.pos, lineEntry{lp.id, lp.x})
	}
	if g.record {
		g.mu.Lock()
		g.snaps[tick] = lineSnap{pos: slices.Clone(reuse.pos)}
		delete(g.snaps, tick-1000)
		g.mu.Unlock()
	}
	return reuse
}

// Encode writes a set op (1, id, x) for each position that is new or
// moved since base, and a remove op (2, id) for each player gone.
func (g *lineGame) Encode(dst []byte, _ *Player, base lineSnap, hasBase bool, cur lineSnap) ([]byte, error) {
	var old []lineEntry
	if hasBase {
		old = base.pos
	}
	i := 0
	for _, e := range cur.pos {
		for i < len(old) && old[i].id < e.id {
			dst = appendOp(dst, 2, old[i].id, 0)
			i++
		}
		if i < len(old) && old[i].id == e.id {
			i++
			if old[i-1].x == e.x {
				continue
			}
		}
		dst = appendOp(dst, 1, e.id, e.x)
	}
	for ; i < len(old); i++ {
		dst = appendOp(dst, 2, old[i].id, 0)
	}
	return dst, nil
}

func appendOp(b []byte, op byte, id string, x int64) []byte {
	b = append(b, op)
	b = binary.AppendUvarint(b, uint64(len(id)))
	b = append(b, id...)
	if op == 1 {
		b = binary.AppendVarint(b, x)
	}
	return b
}

// decodeLine is the client's decoder of lineGame's snapshots.
func decodeLine(base lineSnap, hasBase bool, data []byte, reuse lineSnap) (lineSnap, error) {
	s := lineSnap{pos: reuse.pos[:0]}
	if hasBase {
		s.pos = append(s.pos, base.pos...)
	}
	for len(data) > 0 {
		op := data[0]
		n, k := binary.Uvarint(data[1:])
		if k <= 0 || uint64(len(data)-1-k) < n {
			return lineSnap{}, errors.New("bad id")
		}
		id := string(data[1+k : 1+k+int(n)])
		data = data[1+k+int(n):]
		i, found := slices.BinarySearchFunc(s.pos, id, func(e lineEntry, id string) int { return strings.Compare(e.id, id) })
		switch op {
		case 1:
			x, k := binary.Varint(data)
			if k <= 0 {
				return lineSnap{}, errors.New("bad position")
			}
			data = data[k:]
			if found {
				s.pos[i].x = x
			} else {
				s.pos = slices.Insert(s.pos, i, lineEntry{id, x})
			}
		case 2:
			if !found {
				return lineSnap{}, fmt.Errorf("remove of %q, not there", id)
			}
			s.pos = slices.Delete(s.pos, i, i+1)
		default:
			return lineSnap{}, fmt.Errorf("op %d", op)
		}
	}
	return s, nil
}

// The recorded facts, read under mu.

func (g *lineGame) snapAt(tick uint64) (lineSnap, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.snaps[tick]
	return s, ok
}

func (g *lineGame) appliedOf(id string) []uint32 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.applied[id])
}

func (g *lineGame) facts() (joined, left []string, maxStep int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.joined), slices.Clone(g.left), g.maxStep
}
