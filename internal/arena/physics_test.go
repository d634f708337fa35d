package arena

import "testing"

func TestTurning(t *testing.T) {
	tests := []struct {
		name  string
		in    Buttons
		start uint16
		want  uint16
	}{
		{"none", 0, 5000, 5000},
		{"left", TurnLeft, 5000, 5000 + ShipTurnRate},
		{"right", TurnRight, 5000, 5000 - ShipTurnRate},
		{"both cancel", TurnLeft | TurnRight, 5000, 5000},
		{"left wraps", TurnLeft, 65535, 65535 + ShipTurnRate - 65536},
		{"right wraps", TurnRight, 0, 65536 - ShipTurnRate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := emptyWorld(t)
			addShip(t, w, 1, Vec{px(1000), px(1000)}, tt.start)
			w.Step([]PlayerInput{{1, tt.in}}, nil)
			if got := w.Ship(1).Angle; got != tt.want {
				t.Errorf("angle = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestThrust(t *testing.T) {
	tests := []struct {
		name    string
		angle   uint16
		ticks   int
		wantVel Vec
	}{
		// drag takes at least 1 from a moving ship, the thrust's tick too
		{"right, one tick", 0, 1, Vec{ShipThrust - 1, 0}},
		{"up, one tick", 1 << 14, 1, Vec{0, -ShipThrust + 1}},
		{"left, one tick", 1 << 15, 1, Vec{-ShipThrust + 1, 0}},
		{"down, one tick", 3 << 14, 1, Vec{0, ShipThrust - 1}},
		{"right, capped", 0, 100, Vec{ShipMaxSpeed, 0}},
		{"down, capped", 3 << 14, 100, Vec{0, ShipMaxSpeed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := emptyWorld(t)
			addShip(t, w, 1, Vec{px(1600), px(1000)}, tt.angle)
			steps(w, tt.ticks, PlayerInput{1, Thrust})
			s := w.Ship(1)
			if s.Vel != tt.wantVel {
				t.Errorf("velocity = %+v, want %+v", s.Vel, tt.wantVel)
			}
		})
	}
}

func TestMaxSpeedDiagonal(t *testing.T) {
	w := emptyWorld(t)
	addShip(t, w, 1, Vec{px(200), px(1800)}, 1<<13) // up and right
	for range 60 {
		w.Step([]PlayerInput{{1, Thrust}}, nil)
		v := w.Ship(1).Vel
		if sq := distSq(v, Vec{}); sq > ShipMaxSpeed*ShipMaxSpeed {
			t.Fatalf("tick %d: speed² %d over max² %d", w.Tick, sq, ShipMaxSpeed*ShipMaxSpeed)
		}
	}
	if sq := distSq(w.Ship(1).Vel, Vec{}); sq < (ShipMaxSpeed-2)*(ShipMaxSpeed-2) {
		t.Errorf("speed² after 60 ticks of thrust = %d, want about %d", sq, ShipMaxSpeed*ShipMaxSpeed)
	}
}

func TestDragSlowsCoastingShip(t *testing.T) {
	w := emptyWorld(t)
	addShip(t, w, 1, Vec{px(200), px(1000)}, 0)
	w.Ship(1).Vel = Vec{ShipMaxSpeed, 0}
	steps(w, TickRate, PlayerInput{1, 0})
	if v := w.Ship(1).Vel.X; v <= 0 || v > ShipMaxSpeed-TickRate {
		t.Errorf("speed after a second of coasting = %d, want between 0 and %d", v, ShipMaxSpeed-TickRate)
	}
	steps(w, 9*TickRate, PlayerInput{1, 0})
	if v := w.Ship(1).Vel; v != (Vec{}) {
		t.Errorf("velocity after ten seconds of coasting = %+v, want zero", v)
	}
}

func TestWallBounce(t *testing.T) {
	cfg := DefaultConfig()
	tests := []struct {
		name     string
		pos, vel Vec
		wantPos  Vec
		wantVel  Vec
	}{
		{"left", Vec{ShipRadius + 10, px(1000)}, Vec{-100, 0}, Vec{ShipRadius, px(1000)}, Vec{49, 0}},
		{"right", Vec{cfg.Width - ShipRadius - 10, px(1000)}, Vec{100, 0}, Vec{cfg.Width - ShipRadius, px(1000)}, Vec{-49, 0}},
		{"top", Vec{px(1000), ShipRadius + 10}, Vec{0, -100}, Vec{px(1000), ShipRadius}, Vec{0, 49}},
		{"bottom", Vec{px(1000), cfg.Height - ShipRadius - 10}, Vec{0, 100}, Vec{px(1000), cfg.Height - ShipRadius}, Vec{0, -49}},
		{"corner", Vec{ShipRadius + 10, ShipRadius + 10}, Vec{-60, -60}, Vec{ShipRadius, ShipRadius}, Vec{29, 29}},
		{"inside, untouched", Vec{px(1000), px(1000)}, Vec{-64, 0}, Vec{px(1000) - 63, px(1000)}, Vec{-63, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := emptyWorld(t)
			addShip(t, w, 1, tt.pos, 0)
			w.Ship(1).Vel = tt.vel
			w.Step(nil, nil)
			s := w.Ship(1)
			// the drag takes 1/64 first (-100 becomes -99), then half of it bounces
			if s.Pos != tt.wantPos || s.Vel != tt.wantVel {
				t.Errorf("pos %+v vel %+v, want pos %+v vel %+v", s.Pos, s.Vel, tt.wantPos, tt.wantVel)
			}
		})
	}
}

func TestAsteroidsBounceOffWalls(t *testing.T) {
	w := emptyWorld(t)
	a := addAsteroid(w, 3, Vec{AsteroidRadius(3) + 5, px(1000)})
	a.Vel = Vec{-20, 0}
	w.Step(nil, nil)
	got := w.Asteroids[0]
	if got.Pos.X != AsteroidRadius(3) || got.Vel.X != 20 {
		t.Errorf("asteroid at x=%d vel %d, want x=%d vel 20", got.Pos.X, got.Vel.X, AsteroidRadius(3))
	}
}

func TestSweepHits(t *testing.T) {
	tests := []struct {
		name    string
		a, b, c Vec
		r       int32
		want    bool
	}{
		{"passes through", Vec{0, 0}, Vec{100, 0}, Vec{50, 5}, 10, true},
		{"passes beside", Vec{0, 0}, Vec{100, 0}, Vec{50, 20}, 10, false},
		{"ends inside", Vec{0, 0}, Vec{100, 0}, Vec{105, 0}, 10, true},
		{"starts inside", Vec{0, 0}, Vec{100, 0}, Vec{-5, 0}, 10, true},
		{"short of it", Vec{0, 0}, Vec{100, 0}, Vec{120, 0}, 10, false},
		{"behind", Vec{0, 0}, Vec{100, 0}, Vec{-20, 0}, 10, false},
		{"diagonal", Vec{0, 0}, Vec{100, 100}, Vec{50, 60}, 10, true},
		{"no motion", Vec{5, 5}, Vec{5, 5}, Vec{8, 5}, 3, true},
	}
	for _, tt := range tests {
		if got := sweepHits(tt.a, tt.b, tt.c, tt.r); got != tt.want {
			t.Errorf("%s: sweepHits = %v, want %v", tt.name, got, tt.want)
		}
	}
}
