package netcode

import (
	"math"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
)

// PredictorOptions configure a Predictor. The zero value of every field
// selects the default given in its comment.
type PredictorOptions struct {
	// TickRate is the room's ticks a second. Default arena.TickRate.
	TickRate int
	// Smoothing is the time constant with which a correction's visual
	// offset decays: a third of it is left after Smoothing, 5% after three
	// times that. Default 40 ms.
	Smoothing time.Duration
	// SnapDistance is the correction, in sub-pixels, beyond which the ship
	// is moved at once rather than eased: a respawn, a teleport. Default
	// 64 pixels.
	SnapDistance float64
	// MaxInputs bounds the inputs kept until a snapshot acknowledges them.
	// Default 128 (4 s at 30 Hz), twice what a room.Sync keeps.
	MaxInputs int
}

// Defaults of PredictorOptions.
const (
	defaultSmoothing    = 40 * time.Millisecond
	defaultSnapDistance = 64 * arena.Sub
	defaultMaxInputs    = 128
)

// Predictor predicts the player's own ship: the server's state of it from
// the newest snapshot (exact: the viewer's ship is not quantized), with
// the inputs the server has not applied yet flown on top with
// arena.Ship.Fly, one tick each. Between snapshots, each input the game
// sends advances the prediction one tick.
//
// When a snapshot shows the prediction was off (the server skipped or
// repeated a tick of input under jitter, a bullet or an asteroid did
// something), the drawn pose does not snap to the new prediction: the
// difference becomes an offset that decays over a few Smoothing
// constants. Corrections beyond SnapDistance (a respawn) snap.
//
// A Predictor belongs to the game loop: it is not safe for concurrent use.
type Predictor struct {
	opts PredictorOptions
	ship arena.PlayerID
	tick time.Duration

	cfg     arena.Config
	have    bool       // present is a prediction
	present arena.Ship // after the newest input
	prev    arena.Ship // before it, for drawing between ticks
	inputAt time.Time  // when the newest input was flown

	inputs []input      // not acknowledged yet, oldest first
	hist   []predicted  // the prediction after each input, by seq
	offset visualOffset // the correction being eased in
	ack    uint32       // the newest InputAck seen

	ackErr, corr errorSeries
	snaps        uint64
}

type input struct {
	seq     uint32
	buttons arena.Buttons
}

type predicted struct {
	seq  uint32
	ship arena.Ship
}

// visualOffset is a correction eased in: dx, dy, da at t0, decaying.
type visualOffset struct {
	dx, dy, da float64
	t0         time.Time
}

// NewPredictor returns a Predictor of ship, the player's; opts may be nil
// for the defaults.
func NewPredictor(ship arena.PlayerID, opts *PredictorOptions) *Predictor {
	var o PredictorOptions
	if opts != nil {
		o = *opts
	}
	if o.TickRate <= 0 {
		o.TickRate = arena.TickRate
	}
	if o.Smoothing <= 0 {
		o.Smoothing = defaultSmoothing
	}
	if o.SnapDistance <= 0 {
		o.SnapDistance = defaultSnapDistance
	}
	if o.MaxInputs <= 0 {
		o.MaxInputs = defaultMaxInputs
	}
	return &Predictor{
		opts: o,
		ship: ship,
		tick: time.Second / time.Duration(o.TickRate),
		hist: make([]predicted, o.MaxInputs),
	}
}

// Input flies the prediction one tick on the input seq (from
// conn.Conn.SendInput) with buttons b, sent at now. Call it once per tick,
// with every input sent, in order.
func (p *Predictor) Input(seq uint32, b arena.Buttons, now time.Time) {
	if len(p.inputs) == p.opts.MaxInputs {
		p.inputs = append(p.inputs[:0], p.inputs[1:]...)
	}
	p.inputs = append(p.inputs, input{seq, b})
	if !p.have {
		return
	}
	p.prev = p.present
	p.fly(&p.present, b)
	p.record(seq, p.present)
	p.inputAt = now
}

// fly moves s one tick on b, as the server does.
func (p *Predictor) fly(s *arena.Ship, b arena.Buttons) {
	s.LastInput = b
	if s.Alive {
		s.Fly(&p.cfg)
	}
}

func (p *Predictor) record(seq uint32, s arena.Ship) {
	p.hist[seq%uint32(len(p.hist))] = predicted{seq, s}
}

// lookup is the prediction after input seq, if still kept.
func (p *Predictor) lookup(seq uint32) (arena.Ship, bool) {
	h := p.hist[seq%uint32(len(p.hist))]
	return h.ship, seq != 0 && h.seq == seq
}

// Snapshot reconciles the prediction with a snapshot that arrived: w is
// its world, inputAck its InputAck, now the time it is handled. The
// prediction restarts from the server's ship, replaying the inputs after
// inputAck; the difference from the previous prediction is eased in.
// A snapshot without the ship (not in this match yet) leaves the
// prediction off until one has it.
func (p *Predictor) Snapshot(w *arena.World, inputAck uint32, now time.Time) {
	s := w.Ship(p.ship)
	if s == nil {
		p.have = false
		return
	}
	server := *s
	if old, ok := p.lookup(inputAck); ok && p.have && old.Alive && server.Alive {
		if e := dist(old.Pos, server.Pos); e <= p.opts.SnapDistance {
			p.ackErr.add(e / arena.Sub)
		}
	}
	p.ack = inputAck
	k := 0
	for k < len(p.inputs) && int32(p.inputs[k].seq-inputAck) <= 0 {
		k++
	}
	p.inputs = append(p.inputs[:0], p.inputs[k:]...)

	p.cfg = w.Config
	next, before := server, server
	for _, in := range p.inputs {
		before = next
		p.fly(&next, in.buttons)
		p.record(in.seq, next)
	}
	p.correct(next, now)
	p.present, p.prev = next, before
	if len(p.inputs) == 0 {
		p.prev = next
	}
	p.have = true
}

// correct turns the move from the old prediction to next into a visual
// offset, or snaps.
func (p *Predictor) correct(next arena.Ship, now time.Time) {
	if !p.have {
		p.offset = visualOffset{}
		return
	}
	old := p.present
	if !old.Alive || !next.Alive {
		p.offset = visualOffset{}
		return
	}
	dx, dy := float64(old.Pos.X)-float64(next.Pos.X), float64(old.Pos.Y)-float64(next.Pos.Y)
	da := angleDiff(float64(next.Angle), float64(old.Angle))
	c := math.Hypot(dx, dy)
	if c > p.opts.SnapDistance {
		p.offset = visualOffset{}
		p.snaps++
		return
	}
	p.corr.add(c / arena.Sub)
	cx, cy, ca := p.offset.at(now, p.opts.Smoothing)
	p.offset = visualOffset{dx: cx + dx, dy: cy + dy, da: ca + da, t0: now}
}

// at is the offset left at now.
func (o visualOffset) at(now time.Time, tau time.Duration) (dx, dy, da float64) {
	if o.dx == 0 && o.dy == 0 && o.da == 0 {
		return 0, 0, 0
	}
	k := math.Exp(-float64(max(now.Sub(o.t0), 0)) / float64(tau))
	return o.dx * k, o.dy * k, o.da * k
}

// Ship returns the predicted ship now (after the newest input), exact as
// the rules fly it, and whether there is a prediction.
func (p *Predictor) Ship() (arena.Ship, bool) { return p.present, p.have }

// Pose returns where to draw the ship at now: between the ship before and
// after the newest input, by the time since it (a tick to get there), plus
// what is left of the corrections. It is false without a prediction.
func (p *Predictor) Pose(now time.Time) (Pose, bool) {
	if !p.have {
		return Pose{}, false
	}
	t := 1.0
	if !p.inputAt.IsZero() {
		t = min(max(float64(now.Sub(p.inputAt))/float64(p.tick), 0), 1)
	}
	pose := PoseOf(p.present.Pos, p.present.Angle)
	if p.prev.Alive && p.present.Alive {
		pose = LerpPose(PoseOf(p.prev.Pos, p.prev.Angle), pose, t)
	}
	dx, dy, da := p.offset.at(now, p.opts.Smoothing)
	pose.X += dx
	pose.Y += dy
	pose.Angle = wrapAngle(pose.Angle + da)
	return pose, true
}

// PredictionStats are the Predictor's errors, in pixels, for a HUD and
// tests.
type PredictionStats struct {
	// AckError compares, at each snapshot, the ship the Predictor had
	// predicted after the input the snapshot acknowledges with the
	// server's: 0 when the server applied the inputs as predicted.
	// Differences beyond SnapDistance are jumps (a respawn, everyone
	// respawned at a match's start), not errors, and are left out.
	AckError ErrorStats
	// Correction is how far each snapshot moved the predicted present
	// ship (before easing), snaps left out.
	Correction ErrorStats
	// Snaps counts corrections beyond SnapDistance, made at once: a ship
	// alive in both predictions that jumped.
	Snaps uint64
	// Pending is how many inputs the server has not acknowledged.
	Pending int
	// Offset is the correction left to ease in, now.
	Offset float64
}

// Stats returns the prediction's errors; now dates Offset.
func (p *Predictor) Stats(now time.Time) PredictionStats {
	dx, dy, _ := p.offset.at(now, p.opts.Smoothing)
	return PredictionStats{
		AckError:   p.ackErr.stats(),
		Correction: p.corr.stats(),
		Snaps:      p.snaps,
		Pending:    len(p.inputs),
		Offset:     math.Hypot(dx, dy) / arena.Sub,
	}
}

// Reset forgets the inputs and the prediction, for a new session or seat:
// the sequence numbers start again.
func (p *Predictor) Reset(ship arena.PlayerID) {
	p.ship, p.have, p.inputs, p.offset, p.ack = ship, false, p.inputs[:0], visualOffset{}, 0
	clear(p.hist)
}
