package room

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

func TestJoinLeaveSeats(t *testing.T) {
	t.Parallel()
	h := startServer(t)
	g := newLineGame()
	g.refuse = "mallory"
	r := New[lineSnap]("seats", g, &Options{TickRate: 100, MaxPlayers: 2})
	a, b, c, m := h.dial(t, "alice"), h.dial(t, "bob"), h.dial(t, "carol"), h.dial(t, "mallory")
	ctx := context.Background()

	pa := join(t, r, a)
	join(t, r, b)
	if pa.ID() != "alice" || pa.Room() != "seats" || pa.Session() != a.sess {
		t.Errorf("player %q in %q, want alice in seats with her session", pa.ID(), pa.Room())
	}
	if again := join(t, r, a); again != pa {
		t.Error("joining again with the same session gave another seat")
	}
	if _, err := r.Join(ctx, c.sess); !errors.Is(err, ErrFull) {
		t.Errorf("third player joined a room of 2: %v, want ErrFull", err)
	}
	r.Leave("alice")
	join(t, r, c) // the leave is applied before a later join
	r.Leave("bob")
	if _, err := r.Join(ctx, m.sess); err == nil || errors.Is(err, ErrFull) {
		t.Errorf("the game refused mallory, Join returned %v", err)
	}
	if n := r.Stats().Players; n != 1 {
		t.Errorf("%d players seated, want 1 (carol)", n)
	}

	r.Close()
	r.Close() // again: no effect
	joined, left, _ := g.facts()
	if want := []string{"alice", "bob", "carol"}; !slices.Equal(joined, want) {
		t.Errorf("the game saw joins %v, want %v", joined, want)
	}
	if want := []string{"alice", "bob", "carol"}; !slices.Equal(left, want) {
		t.Errorf("the game saw leaves %v, want %v (carol at Close)", left, want)
	}
	if _, err := r.Join(ctx, a.sess); !errors.Is(err, ErrClosed) {
		t.Errorf("Join after Close: %v, want ErrClosed", err)
	}
	if err := r.Do(ctx, func() {}); !errors.Is(err, ErrClosed) {
		t.Errorf("Do after Close: %v, want ErrClosed", err)
	}
}

// A player whose session ends leaves at the next tick, whether or not the
// server calls Leave.
func TestSessionEndFreesSeat(t *testing.T) {
	t.Parallel()
	h := startServer(t)
	r, g := startRoom(t, h, testOptions())
	a := h.dial(t, "alice")
	join(t, r, a)
	a.sess.Close(session.CloseKicked, "kicked by the test")
	waitUntil(t, "alice to leave", func() bool { return r.Stats().Players == 0 })
	if _, left, _ := g.facts(); !slices.Equal(left, []string{"alice"}) {
		t.Errorf("the game saw leaves %v, want [alice]", left)
	}
}

func TestDoRunsOnTheRoom(t *testing.T) {
	t.Parallel()
	h := startServer(t)
	r, g := startRoom(t, h, testOptions())
	join(t, r, h.dial(t, "alice"))
	var players int
	if err := r.Do(context.Background(), func() { players = len(g.players) }); err != nil {
		t.Fatal(err)
	}
	if players != 1 {
		t.Errorf("Do saw %d players, want 1", players)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := r.Do(ctx, func() { ran = true }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("Do with a canceled ctx: %v, ran %v; want context.Canceled, not run", err, ran)
	}
}

// Snapshots come whole first, then as deltas against what the client
// acknowledged; what the client decodes is what the server captured, and
// input_ack follows the inputs applied.
func TestSnapshotsDeltasAndInputAck(t *testing.T) {
	t.Parallel()
	h := startServer(t)
	r, g := startRoom(t, h, testOptions())
	clients := []*client{h.dial(t, "alice"), h.dial(t, "bob")}
	for _, c := range clients {
		join(t, r, c)
	}
	const inputs = 20
	done := make(chan error, len(clients))
	for _, c := range clients {
		go func() { done <- c.playHonestly(g, inputs) }()
	}
	for range clients {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	for _, c := range clients {
		id := c.sess.PlayerID()
		if got := g.appliedOf(id); !slices.Equal(got, seqs(1, inputs)) {
			t.Errorf("%s: inputs applied %v, want 1..%d once each in order", id, got, inputs)
		}
	}
	st := r.Stats()
	if st.SnapshotsDelta == 0 || st.SnapshotsFull < 2 || st.SnapshotBytes == 0 {
		t.Errorf("stats: %d full, %d deltas, %d bytes; want a full one each, then deltas", st.SnapshotsFull, st.SnapshotsDelta, st.SnapshotBytes)
	}
	if st.Ticks == 0 || st.TickMax == 0 || st.TickP50 > st.TickMax || st.TickP99 > st.TickMax {
		t.Errorf("tick stats %d ticks, p50 %v, p99 %v, max %v", st.Ticks, st.TickP50, st.TickP99, st.TickMax)
	}
	if st.Inputs.Applied != 2*inputs || st.Inputs.Rejected() != 0 {
		t.Errorf("inputs: %+v, want %d applied and none rejected", st.Inputs, 2*inputs)
	}
}

// playHonestly sends one step right per snapshot received, n in all, and
// checks every snapshot against the server's, until the room acknowledged
// every input.
func (c *client) playHonestly(g *lineGame, n int) error {
	sent := 0
	var acked uint32
	deltas := 0
	for i := 0; ; i++ {
		if i > 2000 {
			return errors.New("the room did not acknowledge every input within 2000 snapshots")
		}
		newest := c.sync.newest
		s, err := c.sync.Snapshot(c.next())
		if err != nil {
			return err
		}
		switch {
		case i == 0 && s.Baseline != 0:
			return errors.New("the first snapshot is a delta")
		case s.Baseline != 0 && s.Baseline > newest:
			return errors.New("a delta against a tick the client had not acknowledged")
		case s.InputAck < acked:
			return errors.New("input_ack went back")
		}
		if s.Baseline != 0 {
			deltas++
		}
		acked = s.InputAck
		want, ok := g.snapAt(s.Tick)
		if !ok || !slices.Equal(want.pos, s.State.pos) {
			return fmt.Errorf("tick %d: decoded %v, server had %v", s.Tick, s.State.pos, want.pos)
		}
		if int(acked) == n && len(c.sync.Pending()) == 0 {
			if deltas == 0 {
				return errors.New("no delta snapshot")
			}
			return nil
		}
		if sent < n {
			_, st := c.sync.Input([]byte{1})
			c.send(st)
			sent++
		} else {
			c.send(c.sync.Frame())
		}
	}
}

// Frames get lost: sending only every third still delivers every input
// once, in order, as each frame repeats what was not acknowledged.
func TestLostFramesLoseNoInput(t *testing.T) {
	t.Parallel()
	h := startServer(t)
	r, g := startRoom(t, h, testOptions())
	a := h.dial(t, "alice")
	p := join(t, r, a)
	const n = 30
	for i := 0; p.InputAck() < n; i++ {
		if i > 3000 {
			t.Fatalf("input_ack %d after %d snapshots, want %d", p.InputAck(), i, n)
		}
		a.nextSnapshot()
		st := a.sync.Frame()
		if i < n {
			_, st = a.sync.Input([]byte{1})
		}
		if i%3 == 2 {
			a.send(st)
		}
	}
	if got := g.appliedOf("alice"); !slices.Equal(got, seqs(1, n)) {
		t.Errorf("inputs applied %v, want 1..%d once each in order", got, n)
	}
	if s := p.Stats(); s.Applied != n || s.Rejected() != 0 {
		t.Errorf("stats %+v, want %d applied and no rejection", s, n)
	}
}

// A client that claims to have decoded a snapshot it was never sent gets
// whole snapshots.
func TestForgedSnapshotAck(t *testing.T) {
	t.Parallel()
	h := startServer(t)
	r, _ := startRoom(t, h, testOptions())
	waitUntil(t, "some ticks", func() bool { return r.Stats().Ticks >= 3 })
	a := h.dial(t, "alice")
	join(t, r, a)
	for i, claim := range []uint64{1, 2, 1 << 40} { // before alice joined; then the future
		frame := appendInput(nil, 0, nil, claim)
		for range 5 {
			a.next()
			a.send(stateOf(frame))
		}
		for range 5 {
			_, baseline, _, err := decodeSnapshotState(a.next())
			if err != nil {
				t.Fatal(err)
			}
			if baseline != 0 {
				t.Fatalf("claim %d (%d): a delta against tick %d", claim, i, baseline)
			}
		}
	}
}

func seqs(from, to uint32) []uint32 {
	var s []uint32
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

// slowGame is a lineGame whose Tick takes three periods when slow is set:
// a tick that overruns.
type slowGame struct {
	*lineGame
	slow chan time.Duration
}

func (g slowGame) Tick(tick uint64) {
	select {
	case d := <-g.slow:
		time.Sleep(d) // the overrun under test, not a synchronisation
	default:
	}
	g.lineGame.Tick(tick)
}

// An overrun tick is counted, and the tick it delayed skipped rather than
// run in a burst.
func TestOverrunIsCountedAndSkipped(t *testing.T) {
	t.Parallel()
	g := slowGame{newLineGame(), make(chan time.Duration, 1)}
	r := New[lineSnap]("slow", g, &Options{TickRate: 100})
	defer r.Close()
	g.slow <- 30 * time.Millisecond
	waitUntil(t, "an overrun", func() bool { return r.Stats().Overruns > 0 })
	if s := r.Stats(); s.Skipped == 0 || s.TickMax < 30*time.Millisecond {
		t.Errorf("stats %+v: want a skipped tick and a tick of 30 ms at least", s)
	}
}
