package ui

import (
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
)

// Playback limits.
const (
	// maxStepsPerUpdate bounds the ticks re-simulated in one Update, so
	// a seek (back: from the start) never freezes the window; it takes a
	// few frames instead.
	maxStepsPerUpdate = 600
	// maxFrameGap bounds the time one Update advances playback by, so a
	// stalled frame does not jump.
	maxFrameGap = 100 * time.Millisecond
	// seekStep is what Left and Right seek by.
	seekStep = 10 * time.Second
)

// replaySpeeds are the playback speeds, slowest first.
var replaySpeeds = [...]float64{0.5, 1, 2, 4}

// replayPlayer re-simulates a replay at a chosen speed: pos is where
// playback is, in ticks (with the fraction between two), and the world
// follows it, one Step per tick, at most maxStepsPerUpdate a call. It
// checks the world against the replay's recorded hashes on the way, as
// replay.Play does. It belongs to the game loop.
type replayPlayer struct {
	r     *replay.Replay
	next  func() (replay.Tick, bool)
	stop  func()
	world *arena.World
	prev  *arena.World // the world one tick before, when prevOK
	// prevOK: prev is the world at tick-1, for drawing between the two.
	prevOK bool
	tick   uint64 // the ticks stepped: the world is after tick
	pos    float64
	speed  float64
	paused bool
	err    error // the replay went wrong: playback stops

	inputs   []arena.PlayerInput
	events   []arena.Event
	lastGood uint64
}

func newReplayPlayer(r *replay.Replay) *replayPlayer {
	p := &replayPlayer{r: r, speed: 1, prev: new(arena.World)}
	p.restart()
	return p
}

// restart goes back to the start: a fresh world, the ticks from the first.
func (p *replayPlayer) restart() {
	if p.stop != nil {
		p.stop()
	}
	p.next, p.stop = iter.Pull(p.r.Ticks())
	p.world = arena.New(p.r.Config, p.r.Seed)
	p.tick, p.prevOK, p.lastGood = 0, false, 0
}

// close ends the tick reader.
func (p *replayPlayer) close() { p.stop() }

// total is the replay's length in ticks.
func (p *replayPlayer) total() uint64 { return p.r.TickCount }

// ended reports whether playback reached the replay's end.
func (p *replayPlayer) ended() bool { return p.pos >= float64(p.total()) }

// catchingUp reports whether the world lags where playback is by more
// than a frame's worth: a seek is being worked through.
func (p *replayPlayer) catchingUp() bool {
	return p.err == nil && float64(p.tick)+1 < math.Floor(p.pos)
}

// advance moves playback on by the time dt, at the speed, and steps the
// world toward it. It returns the ticks stepped.
func (p *replayPlayer) advance(dt time.Duration) int {
	if !p.paused && p.err == nil {
		dt = min(max(dt, 0), maxFrameGap)
		p.pos = min(p.pos+dt.Seconds()*arena.TickRate*p.speed, float64(p.total()))
	}
	return p.catchUp()
}

// seek moves playback by d (back when negative) within the replay. Going
// back re-simulates from the start, over the next Updates.
func (p *replayPlayer) seek(d time.Duration) {
	if p.err != nil {
		return
	}
	p.pos = min(max(p.pos+d.Seconds()*arena.TickRate, 0), float64(p.total()))
	if uint64(p.pos) < p.tick {
		p.restart()
	}
}

// togglePause pauses or resumes; at the end, it plays again from the start.
func (p *replayPlayer) togglePause() {
	if p.ended() && p.err == nil {
		p.pos, p.paused = 0, false
		p.restart()
		return
	}
	p.paused = !p.paused
}

// setSpeed sets the speed, within replaySpeeds' range.
func (p *replayPlayer) setSpeed(s float64) {
	p.speed = min(max(s, replaySpeeds[0]), replaySpeeds[len(replaySpeeds)-1])
}

// faster and slower step through replaySpeeds.
func (p *replayPlayer) faster() {
	for _, s := range replaySpeeds {
		if s > p.speed {
			p.speed = s
			return
		}
	}
}

func (p *replayPlayer) slower() {
	for i := len(replaySpeeds) - 1; i >= 0; i-- {
		if replaySpeeds[i] < p.speed {
			p.speed = replaySpeeds[i]
			return
		}
	}
}

// catchUp steps the world toward pos, at most maxStepsPerUpdate ticks,
// keeping the world before the last step in prev.
func (p *replayPlayer) catchUp() int {
	want := uint64(p.pos)
	n := 0
	for p.err == nil && p.tick < want && n < maxStepsPerUpdate {
		if p.tick+1 == want || n+1 == maxStepsPerUpdate {
			p.world.CopyTo(p.prev)
			p.prevOK = true
		}
		if !p.step() {
			break
		}
		n++
	}
	return n
}

// step applies the next recorded tick. False when there is none or it
// went wrong (p.err).
func (p *replayPlayer) step() bool {
	t, ok := p.next()
	if !ok {
		// The replay holds fewer ticks than its trailer said: Parse
		// checks that, so this is the end.
		p.pos = float64(p.tick)
		return false
	}
	for _, c := range t.Changes {
		if c.Leave {
			p.world.Leave(c.Ship)
			continue
		}
		if err := p.world.Join(c.Ship, c.Bot); err != nil {
			p.err = fmt.Errorf("replay tick %d: joining ship %d (%q): %w", t.Number, c.Ship, c.Name, err)
			return false
		}
	}
	// Step gets its own copy: the reader's buffer carries over.
	p.inputs = append(p.inputs[:0], t.Inputs...)
	p.events = p.world.Step(p.inputs, p.events[:0])
	p.tick = t.Number
	if err := p.checkHash(); err != nil {
		p.err = err
		return false
	}
	return true
}

// checkHash compares the world with the hash recorded after this tick,
// if there is one.
func (p *replayPlayer) checkHash() error {
	every := uint64(max(p.r.HashEvery, 1))
	want, ok := uint64(0), false
	if i := p.tick/every - 1; p.tick%every == 0 && i < uint64(len(p.r.Hashes)) {
		want, ok = p.r.Hashes[i], true
	}
	if p.tick == p.r.TickCount {
		want, ok = p.r.FinalHash, true
	}
	if !ok {
		return nil
	}
	if got := p.world.Hash(); got != want {
		return &replay.DivergenceError{Tick: p.tick, LastGood: p.lastGood, Want: want, Got: got}
	}
	p.lastGood = p.tick
	return nil
}

// frac is how far between prev and world to draw: the fraction of the
// tick playback is into, when the world is where playback is.
func (p *replayPlayer) frac() float64 {
	if !p.prevOK || uint64(p.pos) != p.tick || p.ended() {
		return 1
	}
	return p.pos - math.Floor(p.pos)
}

// clock formats ticks as m:ss.
func clock(ticks uint64) string {
	s := ticks / arena.TickRate
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
