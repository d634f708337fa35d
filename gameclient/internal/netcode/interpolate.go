package netcode

import (
	"math"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
)

// InterpolatorOptions configure an Interpolator. The zero value of every
// field selects the default given in its comment.
type InterpolatorOptions struct {
	// TickRate is the room's ticks a second. Default arena.TickRate.
	TickRate int
	// Own is the player's own ship, which the Predictor draws: it is left
	// out of the views. Default 0: none left out.
	Own arena.PlayerID
	// MinDelay and MaxDelay bound the interpolation delay. Default one tick
	// and 250 ms.
	MinDelay, MaxDelay time.Duration
	// JitterFactor is how many mean deviations of the snapshots' arrival
	// the delay covers beyond one tick. Default 3.
	JitterFactor float64
	// MaxExtrapolation is how far past the newest snapshot things keep
	// moving on their velocity when snapshots are late; beyond, they hold.
	// Default 50 ms.
	MaxExtrapolation time.Duration
	// MaxWarp is how much faster or slower than real time the render clock
	// may run to follow a changed delay, as a fraction. Default 0.1.
	MaxWarp float64
}

// Defaults of InterpolatorOptions.
const (
	defaultMaxDelay         = 250 * time.Millisecond
	defaultJitterFactor     = 3
	defaultMaxExtrapolation = 50 * time.Millisecond
	defaultMaxWarp          = 0.1
)

// Interpolator frames the snapshots it is given to draw the world a little
// in the past, between two of them, so that remote things move smoothly
// however unevenly snapshots arrive. It renders a delay behind the newest
// snapshot's expected arrival: one tick, plus JitterFactor times the mean
// deviation of the snapshots' inter-arrival times from the tick period (a
// lost snapshot counting as a late one), clamped to [MinDelay, MaxDelay]. The render clock runs with real time and is eased toward that
// target (at most MaxWarp faster or slower), so a change of delay never
// makes things jump; it is reset only when it is far off (a stall, a new
// session).
//
// Ships are interpolated between the two snapshots around the render time,
// angles the short way round; a ship that respawned, or moved farther than
// it can fly, is not interpolated across the jump but shown where it was
// until the render time reaches the snapshot it jumped in (and
// ShipView.Jumped says so). Bullets and asteroids are interpolated too;
// pickups do not move.
//
// An Interpolator belongs to the game loop: it is not safe for concurrent
// use.
type Interpolator struct {
	opts InterpolatorOptions
	tick time.Duration // one tick

	frames []frame // a ring, oldest at head
	head   int
	n      int

	base   float64 // smoothed arrival of tick 0, in ns since origin
	origin time.Time
	jitter float64 // smoothed mean deviation of inter-arrival, ns
	delay  time.Duration

	started    bool
	renderTick float64
	lastNow    time.Time

	stats InterpolatorStats
	view  View
}

// frame is one snapshot kept.
type frame struct {
	tick    uint64
	arrived time.Time
	world   arena.World
}

// maxFrames is how many snapshots an Interpolator keeps: a second at 30 Hz,
// far more than MaxDelay needs.
const maxFrames = 32

// resetTicks is how far, in ticks, the render clock may be from its target
// before it is reset rather than eased: past MaxDelay's worth, easing would
// take seconds.
const resetTicksMin = 8

// jitterGain is the weight of a new sample in the jitter's running mean
// (RFC 3550's 1/16), baseGain that in the arrival clock's.
const (
	jitterGain = 1.0 / 16
	baseGain   = 1.0 / 32
)

// NewInterpolator returns an empty Interpolator; opts may be nil for the
// defaults.
func NewInterpolator(opts *InterpolatorOptions) *Interpolator {
	var o InterpolatorOptions
	if opts != nil {
		o = *opts
	}
	if o.TickRate <= 0 {
		o.TickRate = arena.TickRate
	}
	tick := time.Second / time.Duration(o.TickRate)
	if o.MinDelay <= 0 {
		o.MinDelay = tick
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = defaultMaxDelay
	}
	o.MaxDelay = max(o.MaxDelay, o.MinDelay)
	if o.JitterFactor <= 0 {
		o.JitterFactor = defaultJitterFactor
	}
	if o.MaxExtrapolation <= 0 {
		o.MaxExtrapolation = defaultMaxExtrapolation
	}
	if o.MaxWarp <= 0 || o.MaxWarp >= 1 {
		o.MaxWarp = defaultMaxWarp
	}
	ip := &Interpolator{opts: o, tick: tick, frames: make([]frame, maxFrames)}
	ip.delay = ip.targetDelay()
	return ip
}

// InterpolatorStats are what an Interpolator measured and did, for a HUD.
type InterpolatorStats struct {
	// Delay is the interpolation delay now: how far behind the newest
	// snapshot's expected arrival things are drawn.
	Delay time.Duration
	// Jitter is the mean deviation of the snapshots' inter-arrival times
	// from the tick period.
	Jitter time.Duration
	// Pushed counts the snapshots taken; Stale those refused as older than
	// one already held.
	Pushed, Stale uint64
	// Interpolated, Extrapolated and Held count the samples drawn between
	// two snapshots, past the newest on the velocities, and frozen past
	// MaxExtrapolation.
	Interpolated, Extrapolated, Held uint64
	// ClockResets counts the times the render clock was set rather than
	// eased: the first sample, and after stalls.
	ClockResets uint64
}

// Stats returns the Interpolator's figures.
func (ip *Interpolator) Stats() InterpolatorStats {
	st := ip.stats
	st.Delay = ip.delay
	st.Jitter = time.Duration(ip.jitter)
	return st
}

// Delay returns the interpolation delay now.
func (ip *Interpolator) Delay() time.Duration { return ip.delay }

// Reset forgets the snapshots and the clock, for a new session or room;
// the jitter estimate is kept, being the network's.
func (ip *Interpolator) Reset() {
	ip.head, ip.n, ip.started = 0, 0, false
}

// Push takes the snapshot of room tick tick that arrived at arrived. The
// Interpolator copies what it needs of w. A snapshot not newer than the
// newest held is ignored (the session layer drops those already).
func (ip *Interpolator) Push(tick uint64, arrived time.Time, w *arena.World) {
	if ip.n > 0 {
		last := ip.at(ip.n - 1)
		if tick <= last.tick {
			ip.stats.Stale++
			return
		}
		gap := tick - last.tick
		if gap > maxFrames { // a stall or a new room: start over
			ip.Reset()
		} else {
			// How late the next tick came after the last one: a lost
			// snapshot counts as late, since the render clock must wait
			// for the one after it all the same.
			d := float64(arrived.Sub(last.arrived)) - float64(ip.tick)
			ip.jitter += (math.Abs(d) - ip.jitter) * jitterGain
		}
	}
	if ip.n == 0 {
		ip.origin = arrived
		ip.base = -float64(tick) * float64(ip.tick)
	} else {
		o := float64(arrived.Sub(ip.origin)) - float64(tick)*float64(ip.tick)
		ip.base += (o - ip.base) * baseGain
	}
	ip.delay = ip.targetDelay()

	var f *frame
	if ip.n < maxFrames {
		f = &ip.frames[(ip.head+ip.n)%maxFrames]
		ip.n++
	} else {
		f = &ip.frames[ip.head]
		ip.head = (ip.head + 1) % maxFrames
	}
	f.tick, f.arrived = tick, arrived
	w.CopyTo(&f.world)
	ip.stats.Pushed++
}

// targetDelay is one tick plus the jitter's margin, clamped.
func (ip *Interpolator) targetDelay() time.Duration {
	d := ip.tick + time.Duration(ip.opts.JitterFactor*ip.jitter)
	return min(max(d, ip.opts.MinDelay), ip.opts.MaxDelay)
}

// at is the i-th frame held, oldest first.
func (ip *Interpolator) at(i int) *frame { return &ip.frames[(ip.head+i)%maxFrames] }

// View is what to draw of the world at a moment: the room tick rendered,
// and the things in it with their poses. A View and its slices are the
// Interpolator's, valid until the next Sample.
type View struct {
	// Tick is the room tick drawn, with its fraction.
	Tick float64
	// Empty: no snapshot yet, nothing to draw.
	Empty     bool
	Ships     []ShipView
	Bullets   []BulletView
	Asteroids []AsteroidView
	Pickups   []arena.Pickup
	// Match is the match's progress as of the snapshot drawn.
	Match arena.Match
}

// ShipView is a ship to draw: its state in the snapshot before the render
// time, and its pose at the render time.
type ShipView struct {
	arena.Ship
	Pose Pose
	// Jumped: the ship respawned or teleported between the snapshots
	// around the render time, so it is shown as it was, not interpolated.
	Jumped bool
}

// BulletView is a bullet to draw.
type BulletView struct {
	arena.Bullet
	Pose Pose
}

// AsteroidView is an asteroid to draw.
type AsteroidView struct {
	arena.Asteroid
	Pose Pose
}

// Sample returns the world to draw at now: things as they were a Delay
// ago, interpolated between the snapshots around that time. Call it once
// a frame with a clock that does not go back.
func (ip *Interpolator) Sample(now time.Time) *View {
	v := &ip.view
	v.Ships, v.Bullets, v.Asteroids, v.Pickups = v.Ships[:0], v.Bullets[:0], v.Asteroids[:0], v.Pickups[:0]
	if ip.n == 0 {
		v.Empty, v.Tick = true, 0
		return v
	}
	v.Empty = false
	rt := ip.advanceClock(now)
	v.Tick = rt

	// b is the first frame after the render time; a the one before.
	bi := ip.n
	for i := 0; i < ip.n; i++ {
		if float64(ip.at(i).tick) > rt {
			bi = i
			break
		}
	}
	switch {
	case bi == 0: // before everything held: the oldest, as it is
		ip.hold(ip.at(0), 0)
	case bi == ip.n: // past the newest: extrapolate a little, then hold
		a := ip.at(ip.n - 1)
		ahead := rt - float64(a.tick)
		limit := float64(ip.opts.MaxExtrapolation) / float64(ip.tick)
		if ahead > limit {
			ahead = limit
			ip.stats.Held++
		} else {
			ip.stats.Extrapolated++
		}
		ip.hold(a, ahead)
	default:
		a, b := ip.at(bi-1), ip.at(bi)
		ip.stats.Interpolated++
		ip.between(a, b, (rt-float64(a.tick))/float64(b.tick-a.tick))
	}
	return v
}

// advanceClock moves the render clock to now, eased toward its target,
// and returns it in ticks.
func (ip *Interpolator) advanceClock(now time.Time) float64 {
	target := (float64(now.Sub(ip.origin)) - float64(ip.delay) - ip.base) / float64(ip.tick)
	resetTicks := max(resetTicksMin, 2*float64(ip.opts.MaxDelay)/float64(ip.tick))
	if !ip.started || math.Abs(target-ip.renderTick) > resetTicks {
		ip.started, ip.renderTick, ip.lastNow = true, target, now
		ip.stats.ClockResets++
		return ip.renderTick
	}
	step := max(float64(now.Sub(ip.lastNow))/float64(ip.tick), 0)
	ip.lastNow = now
	warp := ip.opts.MaxWarp * step
	ip.renderTick += step + min(max(target-(ip.renderTick+step), -warp), warp)
	return ip.renderTick
}

// hold draws frame a, moved ahead ticks on the velocities.
func (ip *Interpolator) hold(a *frame, ahead float64) {
	v := &ip.view
	v.Match = a.world.Match
	for _, s := range a.world.Ships {
		if s.ID == ip.opts.Own {
			continue
		}
		p := PoseOf(s.Pos, s.Angle)
		if s.Alive {
			p.X += float64(s.Vel.X) * ahead
			p.Y += float64(s.Vel.Y) * ahead
		}
		v.Ships = append(v.Ships, ShipView{Ship: s, Pose: p})
	}
	for _, b := range a.world.Bullets {
		p := PoseOf(b.Pos, 0)
		p.X += float64(b.Vel.X) * ahead
		p.Y += float64(b.Vel.Y) * ahead
		v.Bullets = append(v.Bullets, BulletView{Bullet: b, Pose: p})
	}
	for _, r := range a.world.Asteroids {
		p := PoseOf(r.Pos, 0)
		p.X += float64(r.Vel.X) * ahead
		p.Y += float64(r.Vel.Y) * ahead
		v.Asteroids = append(v.Asteroids, AsteroidView{Asteroid: r, Pose: p})
	}
	v.Pickups = append(v.Pickups, a.world.Pickups...)
}

// between draws the world a fraction t of the way from frame a to frame b.
// Things in a only are shown as they were (they go at b); things in b only
// are not shown yet.
func (ip *Interpolator) between(a, b *frame, t float64) {
	v := &ip.view
	v.Match = a.world.Match
	ticks := float64(b.tick - a.tick)
	j := 0
	for _, s := range a.world.Ships {
		if s.ID == ip.opts.Own {
			continue
		}
		for j < len(b.world.Ships) && b.world.Ships[j].ID < s.ID {
			j++
		}
		sv := ShipView{Ship: s, Pose: PoseOf(s.Pos, s.Angle)}
		if j < len(b.world.Ships) && b.world.Ships[j].ID == s.ID {
			n := &b.world.Ships[j]
			if continuous(&s, n, ticks) {
				sv.Pose = LerpPose(sv.Pose, PoseOf(n.Pos, n.Angle), t)
			} else {
				sv.Jumped = true
			}
		}
		v.Ships = append(v.Ships, sv)
	}
	j = 0
	for _, x := range a.world.Bullets {
		for j < len(b.world.Bullets) && b.world.Bullets[j].ID < x.ID {
			j++
		}
		p := PoseOf(x.Pos, 0)
		if j < len(b.world.Bullets) && b.world.Bullets[j].ID == x.ID {
			p = LerpPose(p, PoseOf(b.world.Bullets[j].Pos, 0), t)
		}
		v.Bullets = append(v.Bullets, BulletView{Bullet: x, Pose: p})
	}
	j = 0
	for _, x := range a.world.Asteroids {
		for j < len(b.world.Asteroids) && b.world.Asteroids[j].ID < x.ID {
			j++
		}
		p := PoseOf(x.Pos, 0)
		if j < len(b.world.Asteroids) && b.world.Asteroids[j].ID == x.ID {
			p = LerpPose(p, PoseOf(b.world.Asteroids[j].Pos, 0), t)
		}
		v.Asteroids = append(v.Asteroids, AsteroidView{Asteroid: x, Pose: p})
	}
	v.Pickups = append(v.Pickups, a.world.Pickups...)
}

// jumpSlack is how much farther than its top speed allows a ship may seem
// to move and still be interpolated: remote positions are rounded to the
// pixel.
const jumpSlack = 2 * arena.Sub

// continuous reports whether a ship flew from a to b in ticks ticks, alive
// throughout and no faster than it can: whether interpolating makes sense.
func continuous(a, b *arena.Ship, ticks float64) bool {
	return a.Alive && b.Alive && dist(a.Pos, b.Pos) <= ticks*arena.ShipMaxSpeed+jumpSlack
}
