package server_test

import (
	"bytes"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameserver/internal/server"
	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/room"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/encoding/protowire"
)

// shortWarmup gets matches playing (and counting shots) at once.
const shortWarmup = 100 * time.Millisecond

// inputCounts names the counters of InputStats, to compare them all.
func inputCounts(s room.InputStats) map[string]uint64 {
	return map[string]uint64{
		"Applied": s.Applied, "Duplicates": s.Duplicates,
		"Malformed": s.Malformed, "TooMany": s.TooMany, "TooLarge": s.TooLarge,
		"Backwards": s.Backwards, "TooFarAhead": s.TooFarAhead, "Overflow": s.Overflow,
		"Refused": s.Refused, "Dropped": s.Dropped, "NotSeated": s.NotSeated,
	}
}

// TestCheatingInputsAreRejected sends a room, from one client, every kind
// of input the rules forbid, one frame at a time, while an honest client
// watches: each frame must be counted under its reason and nothing else,
// none of it may reach the game, and the honest client's snapshots must go
// on with the room's ticks.
func TestCheatingInputsAreRejected(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Warmup: shortWarmup})
	honest := ts.join(t, "Honest", session.Reconnect{})
	cheater := ts.join(t, "Cheater", session.Reconnect{})
	r := ts.roomOf(t, honest)
	if cr := ts.roomOf(t, cheater); cr != r {
		t.Fatalf("the two players are in rooms %s and %s; a room seats 16", r.ID(), cr.ID())
	}

	// An honest start, so sequence numbers have somewhere to go back
	// from: three inputs with no button held.
	cheater.sendRaw(t, frame(t, 1, repeat(buttons(0), 3)...))
	honest.waitUntil(t, "the cheater's first inputs applied", func() bool { return r.Stats().Inputs.Applied >= 3 })
	if got := r.Stats().Inputs; got.Applied != 3 || got.Rejected() != 0 {
		t.Fatalf("after 3 valid inputs: %+v, want 3 applied and nothing rejected", got)
	}
	seq := uint32(3) // the cheater's last input the room took

	oversize := bytes.Repeat([]byte{byte(arena.Thrust)}, 300) // over MaxInputSize (256)
	tests := []struct {
		name   string
		frame  func(t *testing.T, last uint32) []byte
		reason string // the InputStats counter it must land in
		took   uint32 // inputs the room takes in sequence (and refuses one by one)
	}{
		{"bits outside ValidButtons", func(t *testing.T, last uint32) []byte {
			return frame(t, last+1, []byte{0xF0})
		}, "Refused", 1},
		{"every bit set", func(t *testing.T, last uint32) []byte {
			return frame(t, last+1, []byte{0xFF})
		}, "Refused", 1},
		{"thrust and an unknown bit", func(t *testing.T, last uint32) []byte {
			return frame(t, last+1, []byte{byte(arena.Thrust) | 0x80})
		}, "Refused", 1},
		{"two-byte input", func(t *testing.T, last uint32) []byte {
			return frame(t, last+1, []byte{byte(arena.Thrust), byte(arena.Fire)})
		}, "Refused", 1},
		{"empty input", func(t *testing.T, last uint32) []byte {
			return frame(t, last+1, []byte{})
		}, "Refused", 1},
		{"input over the size limit", func(t *testing.T, last uint32) []byte {
			return frame(t, last+1, oversize)
		}, "TooLarge", 0},
		{"40 inputs in one frame", func(t *testing.T, last uint32) []byte {
			return frame(t, last+1, repeat(buttons(arena.Thrust|arena.Fire), 40)...)
		}, "TooMany", 0},
		{"sequence going backwards", func(t *testing.T, last uint32) []byte {
			return frame(t, 1, repeat(buttons(arena.Thrust), 2)...)
		}, "Backwards", 0},
		{"sequence far ahead", func(t *testing.T, last uint32) []byte {
			return frame(t, last+1000, buttons(arena.Thrust))
		}, "TooFarAhead", 0},
		{"sequence wrapping around", func(t *testing.T, last uint32) []byte {
			return frame(t, math.MaxUint32-1, repeat(buttons(arena.Thrust), 3)...)
		}, "Malformed", 0},
		{"inputs numbered from 0", func(t *testing.T, last uint32) []byte {
			return frame(t, 0, buttons(arena.Thrust))
		}, "Malformed", 0},
		{"garbage bytes", func(t *testing.T, last uint32) []byte {
			return []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
		}, "Malformed", 0},
		{"first_seq with the wrong wire type", func(t *testing.T, last uint32) []byte {
			b := protowire.AppendTag(nil, 1, protowire.BytesType)
			return protowire.AppendBytes(b, []byte{1})
		}, "Malformed", 0},
		{"truncated frame", func(t *testing.T, last uint32) []byte {
			b := frame(t, last+1, repeat(buttons(arena.Thrust), 4)...)
			return b[:len(b)-1]
		}, "Malformed", 0},
	}

	lastHonest := honest.next(t).tick
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := r.Stats()
			want := inputCounts(before.Inputs)
			want[tc.reason]++

			cheater.sendRaw(t, tc.frame(t, seq))
			honest.waitUntil(t, tc.reason+" counted", func() bool {
				return inputCounts(r.Stats().Inputs)[tc.reason] >= want[tc.reason]
			})
			seq += tc.took
			after := r.Stats()
			for name, got := range inputCounts(after.Inputs) {
				if got != want[name] {
					t.Errorf("InputStats.%s = %d, want %d (before the frame: %+v, after: %+v)",
						name, got, want[name], before.Inputs, after.Inputs)
				}
			}

			// The room ticks on for everyone else.
			for range 3 {
				s := honest.next(t)
				if s.tick <= lastHonest {
					t.Errorf("the honest player's snapshot at tick %d came after one at tick %d", s.tick, lastHonest)
				}
				lastHonest = s.tick
			}
			if now := r.Stats().Ticks; now <= after.Ticks {
				t.Errorf("the room's ticks stayed at %d after the attack", now)
			}
		})
	}

	// Nothing the cheater sent after its first inputs reached its ship:
	// none of its snapshots shows a button held, nor any motion.
	snaps := cheater.drain(t)
	if len(snaps) == 0 {
		t.Fatalf("the cheater received no snapshot")
	}
	for _, s := range snaps {
		sh := s.own(cheater.ship)
		if sh == nil {
			t.Fatalf("the cheater's snapshot at tick %d lacks its own ship %d", s.tick, cheater.ship)
		}
		if sh.LastInput != 0 || sh.Vel != (arena.Vec{}) {
			t.Errorf("tick %d: the cheater's ship holds buttons %#x at velocity %+v: a rejected input was applied",
				s.tick, sh.LastInput, sh.Vel)
		}
	}
	if got := r.Stats().Inputs.Applied; got != 3 {
		t.Errorf("InputStats.Applied = %d at the end, want the 3 valid inputs", got)
	}
}

// TestInputFloodCannotOutrunTheRules floods a room with inputs, 32 new
// ones every tick, holding thrust and fire: the room takes one a tick and
// drops the rest (Overflow), so the ship never flies faster than
// arena.ShipMaxSpeed nor fires more often than the fire cooldown allows.
func TestInputFloodCannotOutrunTheRules(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Warmup: shortWarmup})
	honest := ts.join(t, "Honest", session.Reconnect{})
	cheater := ts.join(t, "Flooder", session.Reconnect{})
	r := ts.roomOf(t, cheater)
	cfg := arena.DefaultConfig()
	warmupTicks := uint64(shortWarmup * arena.TickRate / time.Second)

	for n := 0; cheater.next(t).world.Match.Phase != arena.Playing; n++ {
		if n == maxWaitSnapshots {
			t.Fatalf("the match is not playing after %d snapshots", n)
		}
	}
	var snaps []snapshot

	const floodTicks = 60
	before := r.Stats()
	seq := uint32(0)
	for range floodTicks {
		snaps = append(snaps, cheater.next(t))
		cheater.sendRaw(t, frame(t, seq+1, repeat(buttons(arena.Thrust|arena.Fire), 32)...))
		seq += 32
	}
	after := r.Stats()
	res := cheater.matchStats(t)
	snaps = append(snaps, cheater.next(t)) // a tick at or after the match stats
	snaps = append(snaps, cheater.drain(t)...)

	// One input a tick reaches the game; the rest overflow the queue.
	in := after.Inputs
	applied := in.Applied - before.Inputs.Applied
	ticks := after.Ticks - before.Ticks
	if applied == 0 || applied > ticks+2 {
		t.Errorf("%d inputs applied in %d ticks: want at least one, and at most one a tick", applied, ticks)
	}
	if in.Overflow == before.Inputs.Overflow {
		t.Errorf("InputStats.Overflow stayed at %d under a flood of 32 inputs a tick", in.Overflow)
	}
	for _, reason := range []string{"Malformed", "TooMany", "TooLarge", "Backwards", "TooFarAhead", "Refused", "NotSeated"} {
		if got := inputCounts(in)[reason]; got != 0 {
			t.Errorf("InputStats.%s = %d: the flood's frames are well formed", reason, got)
		}
	}

	// The ship flies no faster than the rules allow, and fires no faster.
	maxSq := int64(arena.ShipMaxSpeed) * int64(arena.ShipMaxSpeed)
	var fastest int64
	rapid := false
	spawned := map[uint32]uint64{} // the cheater's bullets, by id: the tick each was fired
	for _, s := range snaps {
		sh := s.own(cheater.ship)
		if sh == nil {
			t.Fatalf("the cheater's snapshot at tick %d lacks its own ship", s.tick)
		}
		v := speedSq(sh.Vel)
		fastest = max(fastest, v)
		if v > maxSq {
			t.Errorf("tick %d: the cheater's ship flies at %.1f sub-pixels a tick, over ShipMaxSpeed %d",
				s.tick, math.Sqrt(float64(v)), arena.ShipMaxSpeed)
		}
		rapid = rapid || sh.RapidFire > 0
		for _, b := range s.world.Bullets {
			if b.Owner == cheater.ship {
				// A bullet's TTL counts its ticks, so its firing tick is
				// exact even if the snapshot of that tick was skipped.
				spawned[b.ID] = s.world.Tick - uint64(cfg.BulletTTL-int(b.TTL))
			}
		}
	}
	if fastest == 0 {
		t.Errorf("the cheater's ship never moved: the flood's thrust was not applied at all")
	}
	cooldown := cfg.FireCooldown
	if rapid {
		cooldown = (cooldown + 1) / 2 // a rapid-fire pickup halves it
	}
	fired := slices.Sorted(func(yield func(uint64) bool) {
		for _, tick := range spawned {
			if !yield(tick) {
				return
			}
		}
	})
	for i := 1; i < len(fired); i++ {
		if gap := fired[i] - fired[i-1]; gap < uint64(cooldown) {
			t.Errorf("the cheater fired at ticks %d and %d, %d apart; the cooldown is %d", fired[i-1], fired[i], gap, cooldown)
		}
	}
	pr := resultOf(res, cheater.id)
	if pr == nil {
		t.Fatalf("METHOD_MATCH_STATS lacks the cheater: %v", res)
	}
	t.Logf("flood: %d inputs applied in %d ticks, %d overflowed; top speed %.1f of %d; %d shots, %d bullets seen",
		applied, ticks, in.Overflow-before.Inputs.Overflow, math.Sqrt(float64(fastest)), arena.ShipMaxSpeed, pr.Shots, len(fired))
	playing := snaps[len(snaps)-1].world.Tick - warmupTicks
	if limit := playing/uint64(cooldown) + 1; pr.Shots == 0 || uint64(pr.Shots) > limit {
		t.Errorf("the cheater fired %d shots in at most %d playing ticks: want 1 to %d (cooldown %d)",
			pr.Shots, playing, limit, cooldown)
	}

	// The honest player's snapshots went on through the flood.
	hs := honest.drain(t)
	if len(hs) < floodTicks/2 {
		t.Errorf("the honest player got %d snapshots during a %d-tick flood", len(hs), floodTicks)
	}
	for i := 1; i < len(hs); i++ {
		if hs[i].tick <= hs[i-1].tick {
			t.Errorf("the honest player's snapshot at tick %d came after one at tick %d", hs[i].tick, hs[i-1].tick)
		}
	}
}

// TestInputsMoveOnlyTheSendersShip shows that no frame can act for another
// player: the frame names no player, and one that carries another
// player's id and ship in fields of its own still moves the sender's ship
// alone.
func TestInputsMoveOnlyTheSendersShip(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Warmup: shortWarmup})
	mover := ts.join(t, "Mover", session.Reconnect{})
	victim := ts.join(t, "Victim", session.Reconnect{})
	r := ts.roomOf(t, mover)

	const held = arena.Thrust | arena.TurnLeft
	for seq := uint32(1); seq <= 20; seq++ {
		mover.next(t)
		// Unknown fields naming the victim: a room skips them, as
		// protobuf does, and the sender stays the session.
		b := frame(t, seq, buttons(held))
		b = protowire.AppendTag(b, 15, protowire.BytesType)
		b = protowire.AppendString(b, victim.id)
		b = protowire.AppendTag(b, 16, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(victim.ship))
		mover.sendRaw(t, b)
	}
	mover.waitUntil(t, "the mover's inputs applied", func() bool { return r.Stats().Inputs.Applied >= 20 })

	s := mover.next(t)
	sh := s.own(mover.ship)
	if sh == nil || sh.LastInput != held || sh.Vel == (arena.Vec{}) {
		t.Fatalf("the mover's ship after thrusting: %+v, want buttons %#x and some speed", sh, held)
	}
	for _, s := range victim.drain(t) {
		v := s.own(victim.ship)
		if v == nil {
			t.Fatalf("the victim's snapshot at tick %d lacks its own ship", s.tick)
		}
		if v.LastInput != 0 || v.Vel != (arena.Vec{}) {
			t.Errorf("tick %d: the victim's ship holds buttons %#x at velocity %+v: another player's input moved it",
				s.tick, v.LastInput, v.Vel)
		}
	}
	if in := r.Stats().Inputs; in.Rejected() != 0 {
		t.Errorf("frames with unknown fields were rejected: %+v", in)
	}
}

// TestUnknownMessagesAreNotApplied sends what the arena does not take from
// clients: payloads (the server has no payload handler; one of an unknown
// kind, one of a server-to-client kind) and a state of another kind than
// inputs. None reaches the game, and the session and its seat go on
// working.
func TestUnknownMessagesAreNotApplied(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Warmup: shortWarmup})
	p := ts.join(t, "Sender", session.Reconnect{})
	r := ts.roomOf(t, p)
	ss := ts.srv.Sessions().Session(p.id)
	if ss == nil {
		t.Fatalf("the server has no session for %s", p.id)
	}
	thrust := frame(t, 1, buttons(arena.Thrust))
	for _, m := range []session.Message{
		session.Payload{Kind: 999, Data: thrust},
		session.Payload{Kind: uint32(arenav1.PayloadKind_PAYLOAD_KIND_JOINED), Data: thrust},
		session.State{Kind: 7, Tick: 0, Data: thrust},
	} {
		if err := p.c.Send(m); err != nil {
			t.Fatalf("send %T: %v", m, err)
		}
	}
	p.waitUntil(t, "the server received the payloads and the state", func() bool {
		c := ss.Counters()
		return c.Reliable.MessagesIn >= 2 && c.State.MessagesIn >= 1
	})

	for range 3 {
		s := p.next(t)
		if sh := s.own(p.ship); sh == nil || sh.LastInput != 0 || sh.Vel != (arena.Vec{}) {
			t.Fatalf("tick %d: the sender's ship is %+v: a message that is not an input moved it", s.tick, sh)
		}
	}
	if in := r.Stats().Inputs; in != (room.InputStats{}) {
		t.Errorf("room input counters %+v after messages that are not inputs, want none", in)
	}

	// The session still works: a request is answered, and an input is
	// applied.
	if res := p.matchStats(t); resultOf(res, p.id) == nil {
		t.Errorf("METHOD_MATCH_STATS lacks the sender: %v", res)
	}
	p.sendRaw(t, thrust)
	p.waitUntil(t, "the sender's thrust applied", func() bool { return r.Stats().Inputs.Applied == 1 })
	var sh *arena.Ship
	p.waitUntil(t, "the sender's ship thrusting", func() bool {
		s := p.next(t)
		sh = s.own(p.ship)
		return sh != nil && sh.LastInput == arena.Thrust
	})
	for {
		select {
		case st := <-p.status:
			if st.Status != session.Connected || st.SessionLost {
				t.Errorf("the sender's status changed to %v (%v, session lost %v)", st.Status, st.Err, st.SessionLost)
			}
			continue
		default:
		}
		break
	}
}
