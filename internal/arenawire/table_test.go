package arenawire

import (
	"testing"

	"github.com/gamesock/gamesock/internal/arena"
)

const px = arena.Sub

// testWorld is a hand-built world in Playing at tick 100: the viewer's
// ship 1 in the middle, ship 2 near it, ship 3 far away; a bullet, an
// asteroid and a pickup near ship 1 and one of each far away.
func testWorld() *arena.World {
	return &arena.World{
		Config: arena.DefaultConfig(),
		Tick:   100,
		Match:  arena.Match{Phase: arena.Playing, PhaseEnd: 5000},
		Ships: []arena.Ship{
			{ID: 1, Alive: true, Pos: arena.Vec{X: 1000 * px, Y: 800 * px}, Vel: arena.Vec{X: 37, Y: -5}, Angle: 12345,
				Health: 3, Shield: 20, Cooldown: 4, RapidFire: 90, LastInput: arena.Thrust | arena.TurnLeft,
				Stats: arena.PlayerStats{Score: 10, Kills: 2}},
			{ID: 2, Bot: true, Alive: true, Pos: arena.Vec{X: 1300*px + 7, Y: 900*px + 3}, Vel: arena.Vec{X: -50, Y: 61}, Angle: 40000,
				Health: 2, Cooldown: 3, RapidFire: 7, LastInput: arena.Fire},
			{ID: 3, Alive: true, Pos: arena.Vec{X: 3000 * px, Y: 1900 * px}, Health: 3},
		},
		Bullets: []arena.Bullet{
			{ID: 10, Owner: 2, Pos: arena.Vec{X: 1250 * px, Y: 880 * px}, Vel: arena.Vec{X: -256}, TTL: 30},
			{ID: 11, Owner: 3, Pos: arena.Vec{X: 2990 * px, Y: 1880 * px}, Vel: arena.Vec{Y: -256}, TTL: 5},
		},
		Asteroids: []arena.Asteroid{
			{ID: 5, Pos: arena.Vec{X: 700 * px, Y: 600 * px}, Vel: arena.Vec{X: 20, Y: 17}, Size: 3, Health: 3},
			{ID: 6, Pos: arena.Vec{X: 3100 * px, Y: 100 * px}, Vel: arena.Vec{X: -20}, Size: 1, Health: 1},
		},
		Pickups: []arena.Pickup{
			{ID: 7, Kind: arena.PickupShield, Pos: arena.Vec{X: 1100 * px, Y: 500 * px}},
			{ID: 8, Kind: arena.PickupHealth, Pos: arena.Vec{X: 200 * px, Y: 1900 * px}},
		},
		NextID: 12,
		RNG:    99,
	}
}

// later is w after dt ticks in which everything flew as predicted, then
// changed by f.
func later(w *arena.World, dt uint64, f func(w *arena.World)) *arena.World {
	c := w.Clone()
	c.Tick += dt
	for i := range c.Ships {
		s := &c.Ships[i]
		if s.Alive {
			fly(s, dt)
			s.Shield = uint16(countDown(uint64(s.Shield), dt))
			s.Cooldown = uint8(countDown(uint64(s.Cooldown), dt))
			s.RapidFire = uint16(countDown(uint64(s.RapidFire), dt))
		}
	}
	bullets := c.Bullets[:0]
	for _, b := range c.Bullets {
		if b, ok := predictBullet(b, dt); ok {
			bullets = append(bullets, b)
		}
	}
	c.Bullets = bullets
	for i := range c.Asteroids {
		c.Asteroids[i] = predictAsteroid(c.Asteroids[i], dt)
	}
	if f != nil {
		f(c)
	}
	return c
}

func TestSnapshotTable(t *testing.T) {
	w := testWorld()
	tests := []struct {
		name     string
		base     *arena.World
		cur      *arena.World
		viewer   arena.PlayerID
		maxDelta int // the delta's size at most, when the change is small
	}{
		{"unchanged", w, w, 1, 4},
		{"as predicted", w, later(w, 3, nil), 1, 12}, // ship 2 is quantized: only it
		{"as predicted, long ago", w, later(w, 200, nil), 1, 0},
		{"spectator", w, later(w, 3, nil), 0, 0},
		{"viewer 2", w, later(w, 3, nil), 2, 0},
		{"viewer not in the world", w, later(w, 3, nil), 9, 0},
		{"new input", w, later(w, 1, func(w *arena.World) { w.Ships[1].LastInput = arena.Thrust }), 1, 0},
		{"viewer fires", w, later(w, 1, func(w *arena.World) {
			w.Ships[0].Cooldown = 6
			w.Bullets = append(w.Bullets, arena.Bullet{ID: 12, Owner: 1, Pos: w.Ships[0].Pos, Vel: arena.Direction(w.Ships[0].Angle, arena.BulletSpeed), TTL: 38})
		}), 1, 0},
		{"bullet from out of view flies in", w, later(w, 1, func(w *arena.World) {
			w.Bullets = append(w.Bullets, arena.Bullet{ID: 12, Owner: 3, Pos: arena.Vec{X: 1900 * px, Y: 800 * px}, Vel: arena.Vec{X: -256}, TTL: 9})
		}), 1, 0},
		{"bullet hits", w, later(w, 2, func(w *arena.World) { w.Bullets = w.Bullets[1:] }), 1, 0},
		{"bullets expire", w, later(w, 40, nil), 1, 0},
		{"bullet lives longer than predicted", w, later(w, 35, func(w *arena.World) {
			w.Bullets = append(w.Bullets[:0], arena.Bullet{ID: 10, Owner: 2, Pos: arena.Vec{X: 5}, TTL: 1})
		}), 1, 0},
		{"ship dies", w, later(w, 3, func(w *arena.World) {
			s := &w.Ships[1]
			s.Alive, s.Health, s.Vel, s.RespawnTick = false, 0, arena.Vec{}, w.Tick+60
		}), 1, 0},
		{"viewer dies", w, later(w, 3, func(w *arena.World) {
			s := &w.Ships[0]
			s.Alive, s.Health, s.Vel, s.RespawnTick = false, 0, arena.Vec{}, w.Tick+60
		}), 1, 0},
		{"viewer respawns far away", later(w, 3, func(w *arena.World) {
			s := &w.Ships[0]
			s.Alive, s.Health, s.Vel, s.RespawnTick = false, 0, arena.Vec{}, w.Tick+60
		}), later(w, 63, func(w *arena.World) {
			s := &w.Ships[0]
			s.Alive, s.Health, s.Shield, s.Pos = true, 3, 60, arena.Vec{X: 2900 * px, Y: 1800 * px}
		}), 1, 0},
		{"ship leaves the view", w, later(w, 3, func(w *arena.World) { w.Ships[1].Pos.X += 2000 * px }), 1, 0},
		{"ship leaves the world", w, later(w, 3, func(w *arena.World) { w.Ships = append(w.Ships[:1], w.Ships[2:]...) }), 1, 0},
		{"ship joins", w, later(w, 3, func(w *arena.World) {
			w.Ships = append(w.Ships, arena.Ship{ID: 200, Pos: arena.Vec{X: 1000 * px, Y: 700 * px}, RespawnTick: w.Tick + 1})
		}), 1, 0},
		{"asteroid splits", w, later(w, 3, func(w *arena.World) {
			a := w.Asteroids[0]
			w.Asteroids = append(w.Asteroids[1:],
				arena.Asteroid{ID: 12, Pos: a.Pos, Vel: arena.Vec{X: 30, Y: -30}, Size: 2, Health: 2},
				arena.Asteroid{ID: 13, Pos: a.Pos, Vel: arena.Vec{X: -30, Y: 30}, Size: 2, Health: 2})
		}), 1, 0},
		{"asteroid bounces", w, later(w, 3, func(w *arena.World) { w.Asteroids[0].Vel.X = -w.Asteroids[0].Vel.X }), 1, 0},
		{"pickup taken and another placed", w, later(w, 3, func(w *arena.World) {
			w.Pickups = []arena.Pickup{w.Pickups[1], {ID: 12, Kind: arena.PickupRapidFire, Pos: arena.Vec{X: 900 * px, Y: 900 * px}}}
		}), 1, 0},
		{"viewer moves: things enter and leave the view", w, later(w, 3, func(w *arena.World) {
			w.Ships[0].Pos = arena.Vec{X: 2800 * px, Y: 1500 * px}
		}), 1, 0},
		{"match ends", w, later(w, 3, func(w *arena.World) { w.Match = arena.Match{Phase: arena.Results, PhaseEnd: w.Tick + 240} }), 1, 0},
		{"phase over now", w, later(w, 3, func(w *arena.World) { w.Match = arena.Match{Phase: arena.Over, PhaseEnd: w.Tick - 1} }), 1, 0},
		{"empty to busy", &arena.World{Tick: 90}, w, 1, 0},
		{"busy to empty", w, &arena.World{Tick: 110}, 1, 0},
		{"extreme values", w, later(w, 1, func(w *arena.World) {
			s := &w.Ships[0]
			s.Pos, s.Vel = arena.Vec{X: -1 << 31, Y: 1<<31 - 1}, arena.Vec{X: 1<<31 - 1, Y: -1 << 31}
			s.Health, s.Shield, s.RapidFire, s.RespawnTick = -128, 65535, 65535, 1<<63-1
			w.Bullets = append(w.Bullets, arena.Bullet{ID: 1<<32 - 1, Owner: 255, Pos: arena.Vec{X: 1000 * px, Y: 800 * px}, Vel: arena.Vec{X: 1<<31 - 1, Y: -1 << 31}, TTL: 65535})
		}), 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFull(t, tt.base, tt.viewer, decodeFull(t, tt.base, tt.viewer))
			checkFull(t, tt.cur, tt.viewer, decodeFull(t, tt.cur, tt.viewer))
			n := checkDelta(t, tt.base, tt.cur, tt.viewer)
			if tt.maxDelta > 0 && n > tt.maxDelta {
				t.Errorf("delta is %d bytes, want at most %d", n, tt.maxDelta)
			}
		})
	}
}

// TestViewFilter checks that what is far from the viewer is left out, and
// that the same world is whole for a spectator.
func TestViewFilter(t *testing.T) {
	w := testWorld()
	got := decodeFull(t, w, 1)
	if len(got.Ships) != 2 || len(got.Bullets) != 1 || len(got.Asteroids) != 1 || len(got.Pickups) != 1 {
		t.Errorf("viewer 1 sees %d ships, %d bullets, %d asteroids, %d pickups; want 2, 1, 1, 1",
			len(got.Ships), len(got.Bullets), len(got.Asteroids), len(got.Pickups))
	}
	all := decodeFull(t, w, 0)
	if len(all.Ships) != 3 || len(all.Bullets) != 2 || len(all.Asteroids) != 2 || len(all.Pickups) != 2 {
		t.Errorf("a spectator sees %d ships, %d bullets, %d asteroids, %d pickups; want everything",
			len(all.Ships), len(all.Bullets), len(all.Asteroids), len(all.Pickups))
	}
	if all.Config != (arena.Config{}) || all.NextID != 0 || all.RNG != 0 || all.Ships[0].Stats != (arena.PlayerStats{}) {
		t.Errorf("decoded config %+v, next id %d, rng %d, stats %+v: want them zero (not on the wire)", all.Config, all.NextID, all.RNG, all.Ships[0].Stats)
	}
}

// TestDecodeReusesDst checks that decoding into a world that has the
// capacity allocates no entity slices, and overwrites what it held.
func TestDecodeReusesDst(t *testing.T) {
	w := testWorld()
	data, err := AppendSnapshot(nil, nil, w, 1)
	if err != nil {
		t.Fatal(err)
	}
	dst := w.Clone()
	dst.Config.Width = 12345 * px
	ships := &dst.Ships[:1][0]
	if err := DecodeSnapshot(dst, nil, data); err != nil {
		t.Fatal(err)
	}
	if &dst.Ships[0] != ships {
		t.Error("the decoder did not reuse dst's ships")
	}
	if dst.Config.Width != 12345*px {
		t.Error("the decoder changed dst.Config")
	}
	if diff := worldDiff(dst, func() *arena.World { d := decodeFull(t, w, 1); d.Config = dst.Config; return d }()); diff != "" {
		t.Errorf("decoding into a used world: %s", diff)
	}
}
