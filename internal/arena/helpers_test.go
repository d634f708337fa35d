package arena

import "testing"

// px is n pixels in sub-pixels.
func px(n int32) int32 { return n * Sub }

// emptyWorld is a world without asteroids or pickups, in Playing, so a
// test sees only what it sets up.
func emptyWorld(t testing.TB) *World {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Asteroids = 0
	cfg.Pickups = 0
	w := New(cfg, 1)
	w.Match = Match{Phase: Playing, PhaseEnd: 1 << 20}
	return w
}

// addShip joins id and brings its ship to life at pos, facing angle, at
// rest and unshielded.
func addShip(t testing.TB, w *World, id PlayerID, pos Vec, angle uint16) {
	t.Helper()
	if err := w.Join(id, false); err != nil {
		t.Fatalf("Join(%d): %v", id, err)
	}
	s := w.Ship(id)
	s.Alive = true
	s.Pos = pos
	s.Angle = angle
	s.Health = int8(w.Config.ShipHealth)
	s.RespawnTick = 0
}

// addAsteroid puts an asteroid at pos, at rest.
func addAsteroid(w *World, size uint8, pos Vec) *Asteroid {
	w.Asteroids = append(w.Asteroids, Asteroid{ID: w.nextID(), Pos: pos, Size: size, Health: asteroidHealth(size)})
	return &w.Asteroids[len(w.Asteroids)-1]
}

// steps runs n steps with the same inputs each time and returns all the
// events.
func steps(w *World, n int, inputs ...PlayerInput) []Event {
	var all []Event
	for range n {
		all = w.Step(inputs, all)
	}
	return all
}

// ofKind is the events of the given kind.
func ofKind(events []Event, kind EventKind) []Event {
	var out []Event
	for _, e := range events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// testRand is a test's own splitmix64 stream.
type testRand uint64

func (r *testRand) next() uint64 { return splitmix64((*uint64)(r)) }
