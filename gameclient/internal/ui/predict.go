package ui

import (
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/netcode"
	"github.com/gamesock/gamesock/internal/arena"
)

// ownShip is the player's own ship as drawn: a netcode.Predictor, made
// when the player is seated.
type ownShip struct {
	p *netcode.Predictor
}

func (o *ownShip) reset(id arena.PlayerID) {
	if o.p == nil {
		o.p = netcode.NewPredictor(id, nil)
		return
	}
	o.p.Reset(id)
}

func (o *ownShip) input(seq uint32, b arena.Buttons, now time.Time) {
	if o.p != nil {
		o.p.Input(seq, b, now)
	}
}

func (o *ownShip) snapshot(s Snapshot, now time.Time) {
	if o.p != nil {
		o.p.Snapshot(s.World, s.InputAck, now)
	}
}

// known reports whether there is a prediction.
func (o *ownShip) known() bool {
	if o.p == nil {
		return false
	}
	_, ok := o.p.Ship()
	return ok
}

// pose is where to draw the ship at now, the ship's state, and whether it
// is alive (false without a prediction).
func (o *ownShip) pose(now time.Time) (netcode.Pose, arena.Ship, bool) {
	if o.p == nil {
		return netcode.Pose{}, arena.Ship{}, false
	}
	s, ok := o.p.Ship()
	if !ok {
		return netcode.Pose{}, arena.Ship{}, false
	}
	p, _ := o.p.Pose(now)
	return p, s, s.Alive
}

// stats are the prediction's error figures.
func (o *ownShip) stats(now time.Time) netcode.PredictionStats {
	if o.p == nil {
		return netcode.PredictionStats{}
	}
	return o.p.Stats(now)
}
