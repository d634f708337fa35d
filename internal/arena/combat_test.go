package arena

import "testing"

func TestFireAndCooldown(t *testing.T) {
	tests := []struct {
		name      string
		rapidFire uint16
		ticks     int
		wantShots int
	}{
		{"one tick", 0, 1, 1},
		{"cooldown", 0, DefaultConfig().FireCooldown, 1},
		{"after cooldown", 0, DefaultConfig().FireCooldown + 1, 2},
		{"13 ticks", 0, 13, 3},
		{"rapid fire halves it", 100, 13, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := emptyWorld(t)
			addShip(t, w, 1, Vec{px(100), px(1000)}, 0)
			w.Ship(1).RapidFire = tt.rapidFire
			events := steps(w, tt.ticks, PlayerInput{1, Fire})
			shots := ofKind(events, EventShot)
			if len(shots) != tt.wantShots || len(w.Bullets) != tt.wantShots {
				t.Fatalf("%d shot events and %d bullets, want %d", len(shots), len(w.Bullets), tt.wantShots)
			}
			if got := w.Ship(1).Stats.Shots; got != int32(tt.wantShots) {
				t.Errorf("Stats.Shots = %d, want %d", got, tt.wantShots)
			}
			for i, b := range w.Bullets {
				if b.Owner != 1 || b.Vel != (Vec{BulletSpeed, 0}) {
					t.Errorf("bullet %d: %+v, want owner 1 moving right at %d", i, b, BulletSpeed)
				}
			}
		})
	}
}

func TestBulletLifetime(t *testing.T) {
	t.Run("runs out of time", func(t *testing.T) {
		w := emptyWorld(t)
		addShip(t, w, 1, Vec{px(100), px(1000)}, 0)
		w.Step([]PlayerInput{{1, Fire}}, nil)
		start := w.Bullets[0].Pos
		steps(w, w.Config.BulletTTL-2, PlayerInput{1, 0})
		if len(w.Bullets) != 1 {
			t.Fatalf("bullet gone after %d ticks, want it to last %d", w.Tick, w.Config.BulletTTL)
		}
		if d := w.Bullets[0].Pos.X - start.X; d != int32(w.Config.BulletTTL-2)*BulletSpeed {
			t.Errorf("bullet flew %d, want %d", d, int32(w.Config.BulletTTL-2)*BulletSpeed)
		}
		w.Step(nil, nil)
		if len(w.Bullets) != 0 {
			t.Errorf("bullet still flying after %d ticks (TTL %d)", w.Tick, w.Config.BulletTTL)
		}
	})
	t.Run("dies at a wall", func(t *testing.T) {
		w := emptyWorld(t)
		addShip(t, w, 1, Vec{w.Config.Width - px(60), px(1000)}, 0)
		w.Step([]PlayerInput{{1, Fire}}, nil)
		steps(w, 3, PlayerInput{1, 0})
		if len(w.Bullets) != 0 {
			t.Errorf("bullet at %+v still flying past the wall at x=%d", w.Bullets[0].Pos, w.Config.Width)
		}
	})
}

func TestBulletHitsShip(t *testing.T) {
	tests := []struct {
		name       string
		phase      Phase
		health     int8
		shield     uint16
		wantHealth int8
		wantKilled bool
		wantCount  bool // the stats change
	}{
		{"damages", Playing, 3, 0, 2, false, true},
		{"kills", Playing, 1, 0, 0, true, true},
		{"shield blocks", Playing, 1, 100, 1, false, true},
		{"kills in warmup, uncounted", Warmup, 1, 0, 0, true, false},
		{"kills in results, uncounted", Results, 1, 0, 0, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := emptyWorld(t)
			w.Match = Match{Phase: tt.phase, PhaseEnd: 1 << 20}
			addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
			addShip(t, w, 2, Vec{px(1100), px(1000)}, 0)
			v := w.Ship(2)
			v.Health, v.Shield = tt.health, tt.shield
			events := w.Step([]PlayerInput{{1, Fire}}, nil)
			events = append(events, steps(w, 9, PlayerInput{1, 0})...)

			hits := ofKind(events, EventHit)
			wantDamage := int32(1)
			if tt.shield > 0 {
				wantDamage = 0
			}
			if len(hits) != 1 || hits[0].Player != 1 || hits[0].Other != 2 || hits[0].Value != wantDamage {
				t.Fatalf("hit events %+v, want one from 1 on 2 for %d", hits, wantDamage)
			}
			if len(w.Bullets) != 0 {
				t.Errorf("bullet still flying after the hit: %+v", w.Bullets)
			}
			shooter, victim := w.Ship(1), w.Ship(2)
			if victim.Health != tt.wantHealth || victim.Alive == tt.wantKilled {
				t.Errorf("victim health %d alive %v, want %d alive %v", victim.Health, victim.Alive, tt.wantHealth, !tt.wantKilled)
			}
			kills := ofKind(events, EventKilled)
			if !tt.wantKilled {
				if len(kills) != 0 {
					t.Errorf("kill events %+v, want none", kills)
				}
				return
			}
			wantValue := int32(0)
			if tt.wantCount {
				wantValue = 1
			}
			if len(kills) != 1 || kills[0].Player != 1 || kills[0].Other != 2 || kills[0].Value != wantValue || kills[0].Tick != hits[0].Tick {
				t.Errorf("kill events %+v, want one by 1 of 2 with value %d at tick %d", kills, wantValue, hits[0].Tick)
			}
			if want := hits[0].Tick + uint64(w.Config.RespawnTicks); victim.RespawnTick != want {
				t.Errorf("RespawnTick = %d, want %d", victim.RespawnTick, want)
			}
			want := PlayerStats{}
			wantVictim := PlayerStats{}
			if tt.wantCount {
				want = PlayerStats{Score: ScoreKill, Kills: 1, Streak: 1, BestStreak: 1, Shots: 1, Hits: 1, AliveTicks: 10}
				wantVictim = PlayerStats{Deaths: 1, AliveTicks: int32(hits[0].Tick) - 1}
			}
			if shooter.Stats != want {
				t.Errorf("shooter stats %+v, want %+v", shooter.Stats, want)
			}
			if victim.Stats != wantVictim {
				t.Errorf("victim stats %+v, want %+v", victim.Stats, wantVictim)
			}
		})
	}
}

func TestOwnBulletsPassThrough(t *testing.T) {
	w := emptyWorld(t)
	addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
	w.Ship(1).Vel = Vec{ShipMaxSpeed, 0} // flies after its own bullet
	events := steps(w, 20, PlayerInput{1, Fire | Thrust})
	if hits := ofKind(events, EventHit); len(hits) != 0 {
		t.Errorf("hits %+v, want none from a ship's own bullets", hits)
	}
}

func TestAsteroidSplitAndScore(t *testing.T) {
	tests := []struct {
		size      uint8
		wantKids  int
		wantScore int32
	}{
		{3, 2, 10},
		{2, 2, 20},
		{1, 0, 30},
	}
	for _, tt := range tests {
		w := emptyWorld(t)
		addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
		a := addAsteroid(w, tt.size, Vec{px(1200), px(1000)})
		a.Health = 1
		w.Step([]PlayerInput{{1, Fire}}, nil)
		steps(w, 15, PlayerInput{1, 0})
		if len(w.Asteroids) != tt.wantKids {
			t.Fatalf("size %d: %d asteroids after the hit, want %d", tt.size, len(w.Asteroids), tt.wantKids)
		}
		for _, kid := range w.Asteroids {
			if kid.Size != tt.size-1 || kid.Health != asteroidHealth(tt.size-1) || kid.Vel == (Vec{}) {
				t.Errorf("size %d: fragment %+v, want size %d, full health, moving", tt.size, kid, tt.size-1)
			}
		}
		if got := w.Ship(1).Stats.Score; got != tt.wantScore {
			t.Errorf("size %d: score %d, want %d", tt.size, got, tt.wantScore)
		}
	}
}

func TestAsteroidTakesHits(t *testing.T) {
	w := emptyWorld(t)
	addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
	addAsteroid(w, 3, Vec{px(1300), px(1000)})
	w.Step([]PlayerInput{{1, Fire}}, nil)
	steps(w, 20, PlayerInput{1, 0})
	if len(w.Asteroids) != 1 || w.Asteroids[0].Health != asteroidHealth(3)-1 {
		t.Fatalf("asteroids %+v, want the large one with one hit taken", w.Asteroids)
	}
	if w.Ship(1).Stats.Score != 0 {
		t.Errorf("score %d for a hit that broke nothing, want 0", w.Ship(1).Stats.Score)
	}
}

func TestAsteroidCrash(t *testing.T) {
	tests := []struct {
		name       string
		size       uint8
		shield     uint16
		health     int8
		wantHealth int8
		wantKids   int
		wantScore  int32
	}{
		{"large leaves one health", 3, 0, 3, 1, 2, ScoreCrash},
		{"medium damages", 2, 0, 3, 1, 2, ScoreCrash},
		{"small damages", 1, 0, 3, 2, 0, ScoreCrash},
		{"never the last health", 1, 0, 1, 1, 0, ScoreCrash},
		{"shield ignores", 3, 100, 3, 3, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := emptyWorld(t)
			addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
			w.Ship(1).Shield = tt.shield
			w.Ship(1).Health = tt.health
			addAsteroid(w, tt.size, Vec{px(1000) + AsteroidRadius(tt.size), px(1000)})
			events := w.Step(nil, nil)
			s := w.Ship(1)
			if s.Health != tt.wantHealth || !s.Alive {
				t.Errorf("health %d alive %v, want %d and alive: a crash never destroys a ship", s.Health, s.Alive, tt.wantHealth)
			}
			if len(w.Asteroids) != tt.wantKids {
				t.Errorf("%d asteroids after the crash, want %d", len(w.Asteroids), tt.wantKids)
			}
			if kills := ofKind(events, EventKilled); len(kills) != 0 {
				t.Errorf("kill events %+v, want none", kills)
			}
			if s.Stats.Deaths != 0 || s.Stats.Score != tt.wantScore {
				t.Errorf("stats %+v, want no death and score %d", s.Stats, tt.wantScore)
			}
			if tt.shield == 0 && s.Shield != crashShieldTicks {
				t.Errorf("shield %d after a crash, want %d", s.Shield, crashShieldTicks)
			}
		})
	}
}

func TestPickups(t *testing.T) {
	tests := []struct {
		name   string
		kind   PickupKind
		health int8
		taken  bool
		check  func(*World, *Ship) bool
	}{
		{"shield", PickupShield, 3, true, func(w *World, s *Ship) bool { return int(s.Shield) == w.Config.ShieldTicks }},
		{"rapid fire", PickupRapidFire, 3, true, func(w *World, s *Ship) bool { return int(s.RapidFire) == w.Config.RapidFireTicks }},
		{"health", PickupHealth, 1, true, func(w *World, s *Ship) bool { return s.Health == 2 }},
		{"health left at full health", PickupHealth, 3, false, func(w *World, s *Ship) bool { return s.Health == 3 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := emptyWorld(t)
			addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
			w.Ship(1).Health = tt.health
			w.Pickups = append(w.Pickups, Pickup{ID: w.nextID(), Kind: tt.kind, Pos: Vec{px(1010), px(1000)}})
			events := w.Step(nil, nil)
			s := w.Ship(1)
			if !tt.check(w, s) {
				t.Errorf("ship after the pickup: %+v", s)
			}
			got := ofKind(events, EventPickup)
			if !tt.taken {
				if len(w.Pickups) != 1 || len(got) != 0 {
					t.Errorf("pickups %+v, events %+v, want it left in place", w.Pickups, got)
				}
				return
			}
			if len(w.Pickups) != 0 || len(got) != 1 || got[0].Player != 1 || got[0].Value != int32(tt.kind) {
				t.Errorf("pickups %+v, events %+v, want it taken by 1", w.Pickups, got)
			}
		})
	}
}

func TestPickupRespawns(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Asteroids = 0
	cfg.Pickups = 1
	w := New(cfg, 7)
	p := w.Pickups[0]
	addShip(t, w, 1, p.Pos, 0)
	w.Step(nil, nil)
	if len(w.Pickups) != 0 {
		t.Fatalf("pickup %+v not taken", w.Pickups)
	}
	w.Leave(1)
	steps(w, cfg.PickupRespawnTicks-2)
	if len(w.Pickups) != 0 {
		t.Fatalf("pickup back at tick %d, want it at tick %d", w.Tick, cfg.PickupRespawnTicks)
	}
	w.Step(nil, nil)
	if len(w.Pickups) != 1 || w.Pickups[0].ID == p.ID {
		t.Errorf("pickups at tick %d: %+v, want a new one", w.Tick, w.Pickups)
	}
}

func TestAsteroidsTopUp(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Asteroids = 2
	w := New(cfg, 3)
	w.Asteroids = w.Asteroids[:1]
	steps(w, cfg.AsteroidRespawnTicks)
	if w.rockMass() != 8 || len(w.Asteroids) != 2 {
		t.Fatalf("asteroids %+v after %d ticks, want a second large one", w.Asteroids, w.Tick)
	}
	n := w.Asteroids[1]
	r := AsteroidRadius(3)
	if n.Size != 3 || (n.Pos.X != r && n.Pos.Y != r && n.Pos.X != cfg.Width-r && n.Pos.Y != cfg.Height-r) {
		t.Errorf("new asteroid %+v, want a large one at a wall", n)
	}
}

func TestRespawn(t *testing.T) {
	w := emptyWorld(t)
	others := []Vec{{px(400), px(400)}, {px(2800), px(400)}, {px(400), px(1600)}, {px(2800), px(1600)}, {px(1600), px(1000)}}
	for i, p := range others {
		addShip(t, w, PlayerID(i+2), p, 0)
	}
	addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
	w.kill(2, w.Ship(1), nil)
	events := steps(w, w.Config.RespawnTicks-1)
	if w.Ship(1).Alive || len(ofKind(events, EventSpawned)) != 0 {
		t.Fatalf("ship back after %d ticks, want %d", w.Tick, w.Config.RespawnTicks)
	}
	events = w.Step(nil, nil)
	s := w.Ship(1)
	if !s.Alive || int(s.Health) != w.Config.ShipHealth || int(s.Shield) != w.Config.SpawnShieldTicks-0 || s.Vel != (Vec{}) {
		t.Fatalf("ship after respawn %+v, want alive, full health, spawn shield, at rest", s)
	}
	if sp := ofKind(events, EventSpawned); len(sp) != 1 || sp[0].Player != 1 {
		t.Errorf("spawn events %+v, want one for 1", sp)
	}
	for _, p := range others {
		if d := isqrt(uint64(distSq(s.Pos, p))); d < uint64(px(400)) {
			t.Errorf("spawned at %+v, only %d px from a ship at %+v", s.Pos, d/Sub, p)
		}
	}
}

func TestStreakEvents(t *testing.T) {
	w := emptyWorld(t)
	addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
	addShip(t, w, 2, Vec{px(2000), px(1000)}, 0)
	var events []Event
	for range 11 {
		v := w.Ship(2)
		v.Alive, v.Health = true, 1
		events = w.kill(1, v, events)
	}
	var got []int32
	for _, e := range ofKind(events, EventStreak) {
		if e.Player != 1 {
			t.Errorf("streak event %+v for the wrong player", e)
		}
		got = append(got, e.Value)
	}
	if len(got) != 3 || got[0] != 3 || got[1] != 5 || got[2] != 10 {
		t.Errorf("streaks %v, want [3 5 10]", got)
	}
	if s := w.Ship(1).Stats; s.Streak != 11 || s.BestStreak != 11 || s.Kills != 11 {
		t.Errorf("killer stats %+v, want streak 11", s)
	}
	w.kill(0, w.Ship(1), nil)
	if s := w.Ship(1).Stats; s.Streak != 0 || s.BestStreak != 11 {
		t.Errorf("stats after dying %+v, want streak 0, best 11", s)
	}
}
