package netcode

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
)

// stream makes the snapshots of ticks 1..n of a world of ships flying
// script, as they arrive over a link of the given latency and jitter
// (each snapshot on its own: they may overtake each other) that loses a
// fraction loss of them. edit, if set, changes the world before each tick.
func stream(t *testing.T, ships, n int, latency, jitter time.Duration, loss float64, edit func(w *arena.World, tick uint64)) (arrivals []timed, truth []*arena.World) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	w := newWorld(t, ships)
	truth = make([]*arena.World, n+1)
	var in []arena.PlayerInput
	for k := uint64(1); k <= uint64(n); k++ {
		if edit != nil {
			edit(w, k)
		}
		in = in[:0]
		for _, s := range w.Ships {
			in = append(in, arena.PlayerInput{Player: s.ID, Buttons: script(s.ID, k)})
		}
		w.Step(in, nil)
		truth[k] = w.Clone()
		if rng.Float64() < loss {
			continue
		}
		at := t0.Add(time.Duration(k)*tickDur + latency + uniform(rng, jitter))
		arrivals = append(arrivals, timed{at: at, tick: k, w: truth[k]})
	}
	byTime(arrivals)
	return arrivals, truth
}

func TestInterpolator(t *testing.T) {
	teleport := func(w *arena.World, k uint64) {
		switch k {
		case 150: // ship 2 teleports, alive
			s := w.Ship(2)
			s.Pos.X = (s.Pos.X + 1500*arena.Sub) % w.Config.Width
		case 200: // ship 3 dies, and respawns a second later
			s := w.Ship(3)
			s.Alive, s.RespawnTick = false, k+30
		}
	}
	tests := []struct {
		name            string
		latency, jitter time.Duration
		loss            float64
		edit            func(*arena.World, uint64)
		// the delay chosen, at the end, is in [minDelay, maxDelay]
		minDelay, maxDelay time.Duration
		// at least this fraction of the samples after the first second
		// are interpolated, not extrapolated or held
		minInterpolated float64
		wantStale       bool
		wantJumped      []arena.PlayerID
	}{
		{name: "steady", latency: 40 * time.Millisecond,
			minDelay: tickDur, maxDelay: tickDur + time.Millisecond, minInterpolated: 0.99},
		{name: "jitter 15 ms", latency: 75 * time.Millisecond, jitter: 15 * time.Millisecond,
			minDelay: tickDur + 15*time.Millisecond, maxDelay: tickDur + 60*time.Millisecond, minInterpolated: 0.97},
		{name: "jitter 50 ms, reordered", latency: 100 * time.Millisecond, jitter: 50 * time.Millisecond,
			minDelay: tickDur + 60*time.Millisecond, maxDelay: 250 * time.Millisecond, minInterpolated: 0.95, wantStale: true},
		{name: "10% loss", latency: 40 * time.Millisecond, jitter: 5 * time.Millisecond, loss: 0.1,
			minDelay: tickDur, maxDelay: tickDur + 40*time.Millisecond, minInterpolated: 0.95},
		{name: "respawn and teleport", latency: 60 * time.Millisecond, jitter: 10 * time.Millisecond, edit: teleport,
			minDelay: tickDur, maxDelay: tickDur + 50*time.Millisecond, minInterpolated: 0.97,
			wantJumped: []arena.PlayerID{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const ticks = 300
			arrivals, truth := stream(t, 5, ticks, tt.latency, tt.jitter, tt.loss, tt.edit)
			ip := NewInterpolator(&InterpolatorOptions{Own: 1})
			checkSamples(t, ip, arrivals, truth, tt.wantJumped)

			st := ip.Stats()
			t.Logf("delay %v, jitter %v, %+v", st.Delay, st.Jitter, st)
			if st.Delay < tt.minDelay || st.Delay > tt.maxDelay {
				t.Errorf("delay %v, want [%v, %v]", st.Delay, tt.minDelay, tt.maxDelay)
			}
			if (st.Stale > 0) != tt.wantStale {
				t.Errorf("%d stale snapshots ignored, want some: %v", st.Stale, tt.wantStale)
			}
			if st.ClockResets != 1 {
				t.Errorf("render clock reset %d times, want once (the start)", st.ClockResets)
			}
			all := st.Interpolated + st.Extrapolated + st.Held
			if frac := float64(st.Interpolated) / float64(all); frac < tt.minInterpolated {
				t.Errorf("%.3f of the samples interpolated, want >= %.2f", frac, tt.minInterpolated)
			}
		})
	}
}

// checkSamples feeds ip the arrivals and samples it at 60 Hz, checking
// that no ship moves faster than it can between two samples unless it
// jumped, that only the ships in wantJumped jump, that the own ship (1)
// is never drawn, and that what is drawn is where the ship was at the
// render time.
func checkSamples(t *testing.T, ip *Interpolator, arrivals []timed, truth []*arena.World, wantJumped []arena.PlayerID) {
	t.Helper()
	type drawn struct {
		pose   Pose
		jumped bool
		alive  bool
	}
	prev := map[arena.PlayerID]drawn{}
	jumped := map[arena.PlayerID]bool{}
	var prevNow time.Time
	next := 0
	end := arrivals[len(arrivals)-1].at
	worst := 0.0
	for now := t0; !now.After(end); now = now.Add(time.Second / 60) {
		for next < len(arrivals) && !arrivals[next].at.After(now) {
			a := arrivals[next]
			ip.Push(a.tick, a.at, a.w)
			next++
		}
		before := ip.Stats().Interpolated
		v := ip.Sample(now)
		if v.Empty {
			continue
		}
		interpolated := ip.Stats().Interpolated > before
		cur := map[arena.PlayerID]drawn{}
		for _, s := range v.Ships {
			if s.ID == 1 {
				t.Fatalf("the own ship is in the view")
			}
			cur[s.ID] = drawn{s.Pose, s.Jumped, s.Alive}
			if s.Jumped {
				jumped[s.ID] = true
			}
			// Drawn where it was at the render time: within a tick's
			// flight of the ship at the tick before it.
			k := int(math.Floor(v.Tick))
			if interpolated && !s.Jumped && s.Alive && k >= 1 && k < len(truth) {
				if ts := truth[k].Ship(s.ID); ts != nil && ts.Alive {
					if d := math.Hypot(s.Pose.X-float64(ts.Pos.X), s.Pose.Y-float64(ts.Pos.Y)); d > arena.ShipMaxSpeed+1 {
						t.Errorf("t=%v: ship %d drawn %.0f sub-pixels from where it was at tick %.2f", now.Sub(t0), s.ID, d, v.Tick)
					}
				}
			}
			p, ok := prev[s.ID]
			if !ok || p.jumped || s.Jumped || !p.alive || !s.Alive {
				continue
			}
			elapsed := float64(now.Sub(prevNow)) / float64(tickDur)
			limit := arena.ShipMaxSpeed*elapsed*(1+defaultMaxWarp) + arena.Sub
			d := math.Hypot(s.Pose.X-p.pose.X, s.Pose.Y-p.pose.Y)
			worst = max(worst, d/limit)
			if d > limit {
				// The limit is a tick's top-speed flight for the time
				// elapsed, run up to MaxWarp fast, plus a pixel for
				// what an extrapolation may overshoot.
				t.Errorf("t=%v: ship %d moved %.0f sub-pixels in %.2f ticks, over %.0f", now.Sub(t0), s.ID, d, elapsed, limit)
			}
		}
		prev, prevNow = cur, now
	}
	t.Logf("largest move between samples: %.2f of the limit", worst)
	for id := arena.PlayerID(2); id <= 5; id++ {
		want := false
		for _, w := range wantJumped {
			want = want || w == id
		}
		if jumped[id] != want {
			t.Errorf("ship %d jumped: %v, want %v", id, jumped[id], want)
		}
	}
}

func TestInterpolatorAngleShortWay(t *testing.T) {
	tests := []struct{ a, b, t, want float64 }{
		{65000, 500, 0.5, (65000 + (536+500)/2.0) - 0},
		{500, 65000, 0.5, 500 - 1036/2.0},
		{0, 32000, 0.25, 8000},
		{100, 100, 0.7, 100},
	}
	for _, tt := range tests {
		got := LerpPose(Pose{Angle: tt.a}, Pose{Angle: tt.b}, tt.t).Angle
		if math.Abs(got-wrapAngle(tt.want)) > 1e-9 {
			t.Errorf("lerp angle %v -> %v at %v = %v, want %v", tt.a, tt.b, tt.t, got, wrapAngle(tt.want))
		}
	}
}

func TestInterpolatorStarvedHolds(t *testing.T) {
	w := newWorld(t, 2)
	ip := NewInterpolator(nil)
	for k := uint64(1); k <= 10; k++ {
		w.Step([]arena.PlayerInput{{Player: 2, Buttons: arena.Thrust}}, nil)
		ip.Push(k, t0.Add(time.Duration(k)*tickDur), w)
	}
	last := *w.Ship(2)
	// Snapshots stop: the ship moves on a little, then holds.
	var poses []Pose
	for i := range 30 {
		v := ip.Sample(t0.Add(10*tickDur + time.Duration(i)*time.Second/60))
		poses = append(poses, v.Ships[1].Pose)
	}
	end := poses[len(poses)-1]
	if end != poses[len(poses)-2] {
		t.Errorf("starved: still moving at the end: %v then %v", poses[len(poses)-2], end)
	}
	ahead := float64(defaultMaxExtrapolation) / float64(tickDur)
	wantX := float64(last.Pos.X) + float64(last.Vel.X)*ahead
	wantY := float64(last.Pos.Y) + float64(last.Vel.Y)*ahead
	if math.Abs(end.X-wantX) > 1 || math.Abs(end.Y-wantY) > 1 || last.Vel == (arena.Vec{}) {
		t.Errorf("starved: held at (%.0f, %.0f), want the last position moved on %v at its velocity %v: (%.0f, %.0f)",
			end.X, end.Y, defaultMaxExtrapolation, last.Vel, wantX, wantY)
	}
	if st := ip.Stats(); st.Held == 0 || st.Extrapolated == 0 {
		t.Errorf("stats %+v: want samples extrapolated and held", st)
	}
}
