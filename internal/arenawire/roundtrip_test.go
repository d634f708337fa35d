package arenawire

import (
	"fmt"
	"slices"
	"testing"

	"github.com/gamesock/gamesock/internal/arena"
)

// decodeFull is what a client holds after the full snapshot of w for
// viewer.
func decodeFull(t testing.TB, w *arena.World, viewer arena.PlayerID) *arena.World {
	t.Helper()
	data, err := AppendSnapshot(nil, nil, w, viewer)
	if err != nil {
		t.Fatalf("full snapshot of tick %d for %d: %v", w.Tick, viewer, err)
	}
	got := new(arena.World)
	if err := DecodeSnapshot(got, nil, data); err != nil {
		t.Fatalf("decode full snapshot of tick %d for %d: %v", w.Tick, viewer, err)
	}
	return got
}

// checkDelta checks the client's way: with dec0 the decoded full snapshot
// of base, the delta base -> cur decodes to what the full snapshot of cur
// does, and leaves dec0 as it was. It returns the delta's size.
func checkDelta(t testing.TB, base, cur *arena.World, viewer arena.PlayerID) int {
	t.Helper()
	dec0 := decodeFull(t, base, viewer)
	keep := dec0.Clone()
	data, err := AppendSnapshot(nil, base, cur, viewer)
	if err != nil {
		t.Fatalf("delta %d -> %d for %d: %v", base.Tick, cur.Tick, viewer, err)
	}
	dec1 := new(arena.World)
	if err := DecodeSnapshot(dec1, dec0, data); err != nil {
		t.Fatalf("decode delta %d -> %d for %d: %v", base.Tick, cur.Tick, viewer, err)
	}
	want := decodeFull(t, cur, viewer)
	if diff := worldDiff(dec1, want); diff != "" {
		t.Fatalf("delta %d -> %d for %d decodes differently from the full snapshot: %s", base.Tick, cur.Tick, viewer, diff)
	}
	if diff := worldDiff(dec0, keep); diff != "" {
		t.Fatalf("decoding delta %d -> %d changed the baseline: %s", base.Tick, cur.Tick, diff)
	}
	return len(data)
}

// worldDiff describes the first difference between two worlds, or is
// empty if there is none. An empty slice and nil are the same.
func worldDiff(got, want *arena.World) string {
	switch {
	case got.Config != want.Config || got.Tick != want.Tick || got.Match != want.Match || got.NextID != want.NextID || got.RNG != want.RNG:
		return fmt.Sprintf("config %+v tick %d match %+v next id %d rng %d, want %+v %d %+v %d %d",
			got.Config, got.Tick, got.Match, got.NextID, got.RNG, want.Config, want.Tick, want.Match, want.NextID, want.RNG)
	case !slices.Equal(got.Ships, want.Ships):
		return sliceDiff("ships", got.Ships, want.Ships)
	case !slices.Equal(got.Bullets, want.Bullets):
		return sliceDiff("bullets", got.Bullets, want.Bullets)
	case !slices.Equal(got.Asteroids, want.Asteroids):
		return sliceDiff("asteroids", got.Asteroids, want.Asteroids)
	case !slices.Equal(got.Pickups, want.Pickups):
		return sliceDiff("pickups", got.Pickups, want.Pickups)
	}
	return ""
}

func sliceDiff[E comparable](what string, got, want []E) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("%s[%d] = %+v, want %+v", what, i, got[i], want[i])
		}
	}
	return fmt.Sprintf("%d %s, want %d (%+v, want %+v)", len(got), what, len(want), got, want)
}

// checkFull checks that got, the decoded full snapshot of w for viewer,
// holds what the client needs: the viewer's ship exactly, the other ships
// in view to their quanta, the bullets, asteroids and pickups in view
// exactly, and nothing out of view.
func checkFull(t testing.TB, w *arena.World, viewer arena.PlayerID, got *arena.World) {
	t.Helper()
	if got.Tick != w.Tick || got.Match != w.Match {
		t.Fatalf("tick %d %+v, want %d %+v", got.Tick, got.Match, w.Tick, w.Match)
	}
	center, all := arena.Vec{}, true
	for _, s := range w.Ships {
		if s.ID == viewer {
			center, all = s.Pos, false
		}
	}
	inView := func(p arena.Vec) bool {
		dx, dy := int64(p.X)-int64(center.X), int64(p.Y)-int64(center.Y)
		return all || (dx >= -ViewHalfWidth && dx <= ViewHalfWidth && dy >= -ViewHalfHeight && dy <= ViewHalfHeight)
	}
	var ships []arena.Ship
	for _, s := range w.Ships {
		if s.ID == viewer || inView(s.Pos) {
			s.Stats = arena.PlayerStats{}
			ships = append(ships, s)
		}
	}
	if len(got.Ships) != len(ships) {
		t.Fatalf("%d ships in view, want %d", len(got.Ships), len(ships))
	}
	for i, want := range ships {
		g := got.Ships[i]
		if want.ID == viewer {
			if g != want {
				t.Fatalf("viewer's ship %+v, want exactly %+v", g, want)
			}
			continue
		}
		near := func(a, b int32, q int32) bool { return a <= b && b-a < q }
		if g.ID != want.ID || g.Alive != want.Alive || g.Bot != want.Bot || g.Health != want.Health ||
			g.Shield != want.Shield || g.RespawnTick != want.RespawnTick || g.LastInput != want.LastInput ||
			!near(g.Pos.X, want.Pos.X, 16) || !near(g.Pos.Y, want.Pos.Y, 16) ||
			!near(g.Vel.X, want.Vel.X, 4) || !near(g.Vel.Y, want.Vel.Y, 4) ||
			g.Angle > want.Angle || want.Angle-g.Angle >= 256 {
			t.Fatalf("ship %+v, want about %+v", g, want)
		}
	}
	var bullets []arena.Bullet
	for _, b := range w.Bullets {
		if inView(b.Pos) {
			bullets = append(bullets, b)
		}
	}
	var asteroids []arena.Asteroid
	for _, a := range w.Asteroids {
		if inView(a.Pos) {
			asteroids = append(asteroids, a)
		}
	}
	var pickups []arena.Pickup
	for _, p := range w.Pickups {
		if inView(p.Pos) {
			pickups = append(pickups, p)
		}
	}
	if !slices.Equal(got.Bullets, bullets) {
		t.Fatalf("%s", sliceDiff("bullets", got.Bullets, bullets))
	}
	if !slices.Equal(got.Asteroids, asteroids) {
		t.Fatalf("%s", sliceDiff("asteroids", got.Asteroids, asteroids))
	}
	if !slices.Equal(got.Pickups, pickups) {
		t.Fatalf("%s", sliceDiff("pickups", got.Pickups, pickups))
	}
}

// TestSimulatedMatch plays a short 16-bot match and checks, for every
// viewer, every full snapshot against the world and every delta at
// baseline lags of 1, 3, 6 and 30 ticks against the full snapshot, the
// way a client uses them: the baseline is the decoded full snapshot.
func TestSimulatedMatch(t *testing.T) {
	m := playMatch(t, shortConfig(), 16, 42, 1<<20)
	if last := m.worlds[len(m.worlds)-1]; last.Match.Phase != arena.Over {
		t.Fatalf("the match ended in phase %d, want Over", last.Match.Phase)
	}
	var viewers []arena.PlayerID
	for v := range arena.PlayerID(17) {
		viewers = append(viewers, v)
	}
	if raceEnabled {
		viewers = []arena.PlayerID{0, 3, 16}
	}
	var deltas, changed, removed, added int
	fulls := make([]*arena.World, len(m.worlds))
	for _, v := range viewers {
		for i, w := range m.worlds {
			fulls[i] = decodeFull(t, w, v)
			checkFull(t, w, v, fulls[i])
		}
		dec := new(arena.World)
		for i, cur := range m.worlds {
			for _, lag := range []int{1, 3, 6, 30} {
				if i < lag {
					continue
				}
				data, err := AppendSnapshot(nil, m.worlds[i-lag], cur, v)
				if err != nil {
					t.Fatalf("delta %d -> %d for %d: %v", i-lag, i, v, err)
				}
				if err := DecodeSnapshot(dec, fulls[i-lag], data); err != nil {
					t.Fatalf("decode delta %d -> %d for %d: %v", i-lag, i, v, err)
				}
				if diff := worldDiff(dec, fulls[i]); diff != "" {
					t.Fatalf("delta %d -> %d for %d decodes differently from the full snapshot: %s", i-lag, i, v, diff)
				}
				deltas++
				if len(data) > 4 {
					changed++
				}
				if len(fulls[i].Bullets) < len(fulls[i-lag].Bullets) {
					removed++
				}
				if len(fulls[i].Bullets) > len(fulls[i-lag].Bullets) {
					added++
				}
			}
		}
	}
	if changed == 0 || removed == 0 || added == 0 {
		t.Fatalf("of %d deltas, %d carry changes, %d drop bullets, %d add some: want some of each", deltas, changed, removed, added)
	}
}
