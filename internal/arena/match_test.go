package arena

import (
	"errors"
	"testing"
)

func TestPhases(t *testing.T) {
	cfg := DefaultConfig()
	cfg.WarmupTicks, cfg.MatchTicks, cfg.ResultsTicks = 10, 20, 5
	w := New(cfg, 1)
	if w.Tick != 0 || w.Match != (Match{Warmup, 10}) {
		t.Fatalf("new world at tick %d in %+v, want tick 0, Warmup until 10", w.Tick, w.Match)
	}
	addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
	w.Ship(1).Stats.Score = 999 // from the warmup: must not count
	w.Bullets = append(w.Bullets, Bullet{ID: w.nextID(), Owner: 1, Pos: Vec{px(50), px(50)}, Vel: Vec{1, 0}, TTL: 100})
	var events []Event
	phaseAt := map[uint64]Phase{}
	for range 40 {
		events = w.Step(nil, events)
		phaseAt[w.Tick] = w.Match.Phase
	}
	for _, tt := range []struct {
		tick uint64
		want Phase
	}{{9, Warmup}, {10, Playing}, {29, Playing}, {30, Results}, {34, Results}, {35, Over}} {
		if got := phaseAt[tt.tick]; got != tt.want {
			t.Errorf("phase after tick %d = %d, want %d", tt.tick, got, tt.want)
		}
	}
	if w.Tick != 35 {
		t.Errorf("Step went on to tick %d once Over, want it to stop at 35", w.Tick)
	}
	started, ended := ofKind(events, EventMatchStarted), ofKind(events, EventMatchEnded)
	if len(started) != 1 || started[0].Tick != 10 {
		t.Errorf("match started events %+v, want one at tick 10", started)
	}
	if len(ended) != 1 || ended[0].Tick != 30 || ended[0].Player != 1 {
		t.Errorf("match ended events %+v, want one at tick 30 won by 1", ended)
	}
	spawns := ofKind(events, EventSpawned)
	if len(spawns) != 1 || spawns[0].Tick != 10 {
		t.Errorf("spawn events %+v, want the fresh start at tick 10", spawns)
	}
	if s := w.Ship(1).Stats; s.Score != 0 || s.AliveTicks != 20 {
		t.Errorf("stats %+v, want the warmup's score gone and 20 ticks alive", s)
	}
	if len(w.Bullets) != 0 {
		t.Errorf("bullets %+v survived the match start", w.Bullets)
	}
}

func TestWinner(t *testing.T) {
	tests := []struct {
		name   string
		scores map[PlayerID]int32
		want   PlayerID
	}{
		{"nobody", nil, 0},
		{"highest", map[PlayerID]int32{1: 10, 2: 300, 3: 200}, 2},
		{"tie to lowest id", map[PlayerID]int32{4: 300, 2: 300, 3: 100}, 2},
		{"all negative", map[PlayerID]int32{1: -100, 2: -50}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := emptyWorld(t)
			for id := PlayerID(1); id < 10; id++ {
				if score, ok := tt.scores[id]; ok {
					addShip(t, w, id, Vec{px(1000), px(1000)}, 0)
					w.Ship(id).Stats.Score = score
				}
			}
			if got := w.Winner(); got != tt.want {
				t.Errorf("Winner() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestJoin(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxShips = 3
	tests := []struct {
		name  string
		setup func(*World)
		id    PlayerID
		want  error
	}{
		{"ok", func(*World) {}, 5, nil},
		{"id 0", func(*World) {}, 0, ErrNoPlayer},
		{"duplicate", func(w *World) { w.Join(5, false) }, 5, ErrDuplicate},
		{"full", func(w *World) { w.Join(1, false); w.Join(2, true); w.Join(3, false) }, 5, ErrFull},
		{"in results", func(w *World) { w.Match.Phase = Results }, 5, nil},
		{"over", func(w *World) { w.Match.Phase = Over }, 5, ErrMatchIsOver},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := New(cfg, 1)
			tt.setup(w)
			err := w.Join(tt.id, true)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Join(%d) = %v, want %v", tt.id, err, tt.want)
			}
			if err == nil {
				s := w.Ship(tt.id)
				if s == nil || !s.Bot || s.Alive || s.ID != tt.id {
					t.Errorf("joined ship %+v, want a dead bot ship due to spawn", s)
				}
			}
		})
	}
}

func TestJoinKeepsShipsSorted(t *testing.T) {
	w := New(DefaultConfig(), 1)
	for _, id := range []PlayerID{9, 3, 200, 1, 7, 255} {
		if err := w.Join(id, false); err != nil {
			t.Fatal(err)
		}
	}
	w.Leave(7)
	w.Leave(100) // absent: nothing happens
	want := []PlayerID{1, 3, 9, 200, 255}
	if len(w.Ships) != len(want) {
		t.Fatalf("%d ships, want %d", len(w.Ships), len(want))
	}
	for i, s := range w.Ships {
		if s.ID != want[i] {
			t.Errorf("Ships[%d].ID = %d, want %d", i, s.ID, want[i])
		}
	}
	if w.Ship(7) != nil {
		t.Errorf("Ship(7) is still there after Leave")
	}
	events := w.Step(nil, nil)
	if n := len(ofKind(events, EventSpawned)); n != len(want) {
		t.Errorf("%d spawn events on the first step, want %d", n, len(want))
	}
}

func TestJoinUpTo255(t *testing.T) {
	w := New(DefaultConfig(), 1)
	for id := 1; id <= 255; id++ {
		if err := w.Join(PlayerID(id), true); err != nil {
			t.Fatalf("Join(%d): %v", id, err)
		}
	}
	w.Step(nil, nil)
	for _, s := range w.Ships {
		if !s.Alive {
			t.Fatalf("ship %d not spawned", s.ID)
		}
	}
}

func TestLeaveRemovesBullets(t *testing.T) {
	w := emptyWorld(t)
	addShip(t, w, 1, Vec{px(1000), px(500)}, 0)
	addShip(t, w, 2, Vec{px(1000), px(1500)}, 0)
	w.Step([]PlayerInput{{1, Fire}, {2, Fire}}, nil)
	w.Leave(1)
	if len(w.Bullets) != 1 || w.Bullets[0].Owner != 2 {
		t.Errorf("bullets after player 1 left: %+v, want only player 2's", w.Bullets)
	}
}

func TestInputs(t *testing.T) {
	tests := []struct {
		name   string
		inputs []PlayerInput
		want   Buttons
	}{
		{"applied", []PlayerInput{{1, Thrust | Fire}}, Thrust | Fire},
		{"none keeps the last", nil, TurnLeft},
		{"invalid bits ignored", []PlayerInput{{1, Thrust | 0x80}}, TurnLeft},
		{"the last valid wins", []PlayerInput{{1, Fire}, {1, 0x10}, {1, TurnRight}}, TurnRight},
		{"other players' inputs", []PlayerInput{{2, Fire}, {0, Fire}}, TurnLeft},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := emptyWorld(t)
			addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
			w.Step([]PlayerInput{{1, TurnLeft}}, nil)
			w.Step(tt.inputs, nil)
			if got := w.Ship(1).LastInput; got != tt.want {
				t.Errorf("LastInput = %04b, want %04b", got, tt.want)
			}
		})
	}
}

func TestIgnoredInputsChangeNothing(t *testing.T) {
	a := New(DefaultConfig(), 5)
	a.Join(1, false)
	b := a.Clone()
	for range 50 {
		a.Step(nil, nil)
		b.Step([]PlayerInput{{1, 0xF0}, {9, Fire}, {0, Thrust}}, nil)
		if a.Hash() != b.Hash() {
			t.Fatalf("tick %d: ignored inputs changed the world", a.Tick)
		}
	}
}
