package room

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

// Hostile clients: each attack is refused and counted under its reason,
// none of its inputs reaches the game, and an honest player in the same
// room plays on.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	one := []byte{1}
	tests := []struct {
		name   string
		attack func(m *client, g *lineGame)
		count  func(InputStats) uint64
		// applied is what the game may have applied of mallory's.
		applied []uint32
	}{
		{
			// Frames are latest-wins, so a flood is frames carrying more
			// inputs than ticks pass.
			name: "flood: ten inputs a tick",
			attack: func(m *client, _ *lineGame) {
				for i := range uint32(15) {
					m.next()
					m.send(stateOf(marshalInput(1+10*i, 0, slices.Repeat([][]byte{one}, 10)...)))
				}
			},
			count: func(s InputStats) uint64 { return s.Overflow },
		},
		{
			name: "sequence backwards",
			attack: func(m *client, g *lineGame) {
				m.send(stateOf(marshalInput(1, 0, one, one, one, one, one)))
				waitUntil(m.t, "five inputs applied", func() bool { return len(g.appliedOf("mallory")) == 5 })
				m.send(stateOf(marshalInput(2, 0, one, one)))
			},
			count:   func(s InputStats) uint64 { return s.Backwards },
			applied: seqs(1, 5),
		},
		{
			name:   "sequence too far ahead",
			attack: func(m *client, _ *lineGame) { m.send(stateOf(marshalInput(1000, 0, one))) },
			count:  func(s InputStats) uint64 { return s.TooFarAhead },
		},
		{
			name:   "not protobuf",
			attack: func(m *client, _ *lineGame) { m.send(stateOf([]byte{0xff, 0xff, 0xff})) },
			count:  func(s InputStats) uint64 { return s.Malformed },
		},
		{
			name:   "sequence 0",
			attack: func(m *client, _ *lineGame) { m.send(stateOf(marshalInput(0, 0, one))) },
			count:  func(s InputStats) uint64 { return s.Malformed },
		},
		{
			name:   "sequence wraps around",
			attack: func(m *client, _ *lineGame) { m.send(stateOf(marshalInput(math.MaxUint32, 0, one, one))) },
			count:  func(s InputStats) uint64 { return s.Malformed },
		},
		{
			name:   "input too large",
			attack: func(m *client, _ *lineGame) { m.send(stateOf(marshalInput(1, 0, bytes.Repeat(one, 257)))) },
			count:  func(s InputStats) uint64 { return s.TooLarge },
		},
		{
			name: "too many inputs in a frame",
			attack: func(m *client, _ *lineGame) {
				m.send(stateOf(marshalInput(1, 0, slices.Repeat([][]byte{one}, 33)...)))
			},
			count: func(s InputStats) uint64 { return s.TooMany },
		},
		{
			name:   "input the game refuses",
			attack: func(m *client, _ *lineGame) { m.send(stateOf(marshalInput(1, 0, []byte{9}))) },
			count:  func(s InputStats) uint64 { return s.Refused },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := startServer(t)
			r, g := startRoom(t, h, testOptions())
			honest, m := h.dial(t, "alice"), h.dial(t, "mallory")
			join(t, r, honest)
			pm := join(t, r, m)

			tt.attack(m, g)
			waitUntil(t, "the attack to be counted", func() bool { return tt.count(pm.Stats()) > 0 })
			if err := honest.playHonestly(g, 10); err != nil {
				t.Errorf("the honest player: %v", err)
			}

			if got := tt.count(r.Stats().Inputs); got == 0 {
				t.Error("the room did not count the attack")
			}
			applied := g.appliedOf("mallory")
			if tt.applied == nil && strings.HasPrefix(tt.name, "flood") {
				if !slices.IsSorted(applied) || len(slices.Compact(slices.Clone(applied))) != len(applied) {
					t.Errorf("inputs applied %v: out of order, or twice", applied)
				}
			} else if !slices.Equal(applied, tt.applied) {
				t.Errorf("mallory's inputs applied %v, want %v", applied, tt.applied)
			}
			if _, _, step := g.facts(); step > 1 {
				t.Errorf("a player moved %d steps in one tick, want at most 1", step)
			}
		})
	}
}

// A session with no seat in the room cannot send it input.
func TestInputWithoutSeat(t *testing.T) {
	t.Parallel()
	h := startServer(t)
	r, g := startRoom(t, h, testOptions())
	honest, m := h.dial(t, "alice"), h.dial(t, "mallory")
	join(t, r, honest)
	m.send(stateOf(marshalInput(1, 0, []byte{1})))
	waitUntil(t, "the frame to be counted", func() bool { return r.Stats().Inputs.NotSeated > 0 })
	if err := honest.playHonestly(g, 5); err != nil {
		t.Error(err)
	}
	if got := g.appliedOf("mallory"); len(got) != 0 {
		t.Errorf("inputs of a player without a seat applied: %v", got)
	}
}
