package arenawire

import "github.com/gamesock/gamesock/internal/arena"

// The view: a client is sent only what lies within ViewHalfWidth and
// ViewHalfHeight of its ship's centre (horizontally and vertically). That
// is the 1280x720 screen the client shows around its ship, with a margin
// of a quarter of a screen on each side, so that what flies in (a ship at
// full speed, a bullet) is known to the client a few ticks before it
// shows, even 200 ms behind.
const (
	ViewHalfWidth  = (1280/2 + 1280/4) * arena.Sub
	ViewHalfHeight = (720/2 + 720/4) * arena.Sub
)

// view is what one client sees of a world.
type view struct {
	viewer arena.PlayerID
	center arena.Vec
	all    bool // no ship to centre on: a spectator sees everything
}

// viewOf is viewer's view of w: around its ship, alive or dead (a dead
// ship stays where it died until it respawns).
func viewOf(w *arena.World, viewer arena.PlayerID) view {
	v := view{viewer: viewer, all: true}
	if s := findShip(w.Ships, viewer); s != nil {
		v.center, v.all = s.Pos, false
	}
	return v
}

// sees reports whether a thing at p is in view.
func (v view) sees(p arena.Vec) bool {
	if v.all {
		return true
	}
	dx := int64(p.X) - int64(v.center.X)
	dy := int64(p.Y) - int64(v.center.Y)
	return dx >= -ViewHalfWidth && dx <= ViewHalfWidth && dy >= -ViewHalfHeight && dy <= ViewHalfHeight
}

// seesShip reports whether s is in view; the viewer's own ship always is.
func (v view) seesShip(s *arena.Ship) bool {
	return s.ID == v.viewer || v.sees(s.Pos)
}

// findShip is the ship id in ships (sorted by id), or nil.
func findShip(ships []arena.Ship, id arena.PlayerID) *arena.Ship {
	lo, hi := 0, len(ships)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if ships[mid].ID < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(ships) && ships[lo].ID == id {
		return &ships[lo]
	}
	return nil
}
