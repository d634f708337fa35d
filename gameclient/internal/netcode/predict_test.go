package netcode

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
)

// playOverLink plays n ticks of ship 1 flying script over a simulated
// link: the client sends an input a tick (TCP keeps their order), the
// room applies at most one queued input a tick, else repeats the last,
// and sends a snapshot a tick, which the link may lose. edit changes the
// server's world before a tick. It returns the Predictor after the game.
func playOverLink(t *testing.T, n int, latency, jitter time.Duration, loss float64, edit func(*arena.World, uint64)) *Predictor {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	w := newWorld(t, 2)
	// Inputs: sent at k ticks, arriving in order.
	var sent, arrive []timed
	last := t0
	for k := 1; k <= n; k++ {
		at := t0.Add(time.Duration(k) * tickDur)
		sent = append(sent, timed{at: at, seq: uint32(k)})
		a := at.Add(latency + uniform(rng, jitter))
		if a.Before(last) {
			a = last
		}
		last = a
		arrive = append(arrive, timed{at: a, seq: uint32(k)})
	}
	// The room ticks half a tick out of phase with the client.
	var events []timed
	events = append(events, sent...)
	var queue []uint32
	var ack uint32
	next := 0
	last = t0
	for k := uint64(1); k <= uint64(n)-10; k++ { // stopping while inputs still come
		at := t0.Add(time.Duration(k)*tickDur + tickDur/2)
		for next < len(arrive) && !arrive[next].at.After(at) {
			queue = append(queue, arrive[next].seq)
			next++
		}
		in := []arena.PlayerInput{{Player: 2, Buttons: arena.TurnLeft | arena.Thrust}}
		if len(queue) > 0 {
			ack, queue = queue[0], queue[1:]
			in = append(in, arena.PlayerInput{Player: 1, Buttons: script(1, uint64(ack))})
		}
		if edit != nil {
			edit(w, k)
		}
		w.Step(in, nil)
		if rng.Float64() < loss {
			continue
		}
		a := at.Add(latency + uniform(rng, jitter))
		if a.Before(last) {
			a = last
		}
		last = a
		events = append(events, timed{at: a, tick: k, w: w.Clone(), ack: ack})
	}
	byTime(events)
	p := NewPredictor(1, nil)
	for _, e := range events {
		if e.w == nil {
			p.Input(e.seq, script(1, uint64(e.seq)), e.at)
		} else {
			p.Snapshot(e.w, e.ack, e.at)
		}
	}
	return p
}

func TestPredictor(t *testing.T) {
	const ticks = 300
	tests := []struct {
		name            string
		latency, jitter time.Duration
		loss            float64
		edit            func(*arena.World, uint64)
		// bounds, in pixels
		maxAckError, maxCorrection float64
		wantSnaps                  uint64
	}{
		{name: "steady", latency: 75 * time.Millisecond},
		{name: "snapshots lost", latency: 75 * time.Millisecond, loss: 0.2},
		{name: "jitter past half a tick", latency: 75 * time.Millisecond, jitter: 30 * time.Millisecond,
			maxAckError: 2 * arena.ShipMaxSpeed / arena.Sub, maxCorrection: 2 * arena.ShipMaxSpeed / arena.Sub},
		{name: "respawn", latency: 75 * time.Millisecond, edit: func(w *arena.World, k uint64) {
			if k == 100 {
				s := w.Ship(1)
				s.Alive, s.RespawnTick = false, k+30
			}
		}},
		{name: "teleport", latency: 75 * time.Millisecond, edit: func(w *arena.World, k uint64) {
			if k == 100 {
				s := w.Ship(1)
				s.Pos.X = (s.Pos.X + 1000*arena.Sub) % w.Config.Width
			}
		}, wantSnaps: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := playOverLink(t, ticks, tt.latency, tt.jitter, tt.loss, tt.edit)
			st := p.Stats(t0)
			t.Logf("ack error %+v\ncorrection %+v\nsnaps %d", st.AckError, st.Correction, st.Snaps)
			if st.AckError.Count < ticks/2 {
				t.Errorf("%d ack errors measured over %d ticks", st.AckError.Count, ticks)
			}
			if st.AckError.Max > tt.maxAckError {
				t.Errorf("ack error max %.2f px, want <= %.2f", st.AckError.Max, tt.maxAckError)
			}
			if st.AckError.P50 != 0 {
				t.Errorf("ack error p50 %.2f px, want 0: most inputs applied as predicted", st.AckError.P50)
			}
			if st.Correction.Max > tt.maxCorrection {
				t.Errorf("correction max %.2f px, want <= %.2f", st.Correction.Max, tt.maxCorrection)
			}
			if st.Snaps != tt.wantSnaps {
				t.Errorf("%d snaps, want %d", st.Snaps, tt.wantSnaps)
			}
			if _, ok := p.Ship(); !ok {
				t.Error("no prediction at the end")
			}
		})
	}
}

func TestPredictorEasesCorrections(t *testing.T) {
	w := newWorld(t, 1)
	p := NewPredictor(1, nil)
	now := t0
	p.Snapshot(w, 0, now)
	for seq := uint32(1); seq <= 3; seq++ {
		now = now.Add(tickDur)
		p.Input(seq, arena.Thrust, now)
	}
	// The server applied input 1, but its ship is 10 px off the
	// prediction.
	w.Ship(1).LastInput = arena.Thrust
	w.Ship(1).Fly(&w.Config)
	w.Ship(1).Pos.X += 10 * arena.Sub
	now = now.Add(tickDur / 2)
	before, _ := p.Pose(now)
	p.Snapshot(w, 1, now)
	after, _ := p.Pose(now)
	if d := math.Hypot(after.X-before.X, after.Y-before.Y); d > 1e-6 {
		t.Errorf("the drawn ship moved %.3f sub-pixels at the correction, want 0: corrections are eased in", d)
	}
	st := p.Stats(now)
	if math.Abs(st.Correction.Last-10) > 1e-9 || math.Abs(st.AckError.Last-10) > 1e-9 {
		t.Errorf("correction %.3f px, ack error %.3f px; want 10 each", st.Correction.Last, st.AckError.Last)
	}
	ship, _ := p.Ship()
	for _, tt := range []struct {
		after    time.Duration
		min, max float64 // of the 10 px offset left, px
	}{
		{0, 9.99, 10.01},
		{defaultSmoothing, 10 / math.E * 0.99, 10 / math.E * 1.01},
		{3 * defaultSmoothing, 0, 0.5},
		{10 * defaultSmoothing, 0, 0.001},
	} {
		at := now.Add(tt.after)
		if got := p.Stats(at).Offset; got < tt.min || got > tt.max {
			t.Errorf("offset %v after the correction = %.3f px, want [%.3f, %.3f]", tt.after, got, tt.min, tt.max)
		}
		// Well after the input, the pose is the prediction plus the offset.
		pose, _ := p.Pose(at.Add(tickDur))
		_ = pose
	}
	pose, _ := p.Pose(now.Add(time.Second))
	if math.Abs(pose.X-float64(ship.Pos.X)) > 0.01 || math.Abs(pose.Y-float64(ship.Pos.Y)) > 0.01 {
		t.Errorf("a second later drawn at (%.2f, %.2f), want the prediction (%d, %d)", pose.X, pose.Y, ship.Pos.X, ship.Pos.Y)
	}
}

func TestPredictorSnapsBigCorrections(t *testing.T) {
	w := newWorld(t, 1)
	p := NewPredictor(1, nil)
	p.Snapshot(w, 0, t0)
	p.Input(1, arena.Thrust, t0.Add(tickDur))
	w.Ship(1).Pos.Y += 200 * arena.Sub
	now := t0.Add(2 * tickDur)
	p.Snapshot(w, 0, now)
	pose, _ := p.Pose(now.Add(tickDur))
	ship, _ := p.Ship()
	if math.Abs(pose.Y-float64(ship.Pos.Y)) > 0.01 {
		t.Errorf("drawn at y=%.1f after a 200 px jump, want the new prediction %d at once", pose.Y, ship.Pos.Y)
	}
	if st := p.Stats(now); st.Snaps != 1 || st.Correction.Count != 0 {
		t.Errorf("snaps %d, corrections %d; want 1 and 0", st.Snaps, st.Correction.Count)
	}
}
