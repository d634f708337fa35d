package arena

import (
	"reflect"
	"testing"
)

// randomInputs fills in with one random input per ship, an invalid one now
// and then, and skips a ship now and then.
func randomInputs(r *testRand, w *World, in []PlayerInput) []PlayerInput {
	in = in[:0]
	for _, s := range w.Ships {
		x := r.next()
		switch x % 16 {
		case 0: // no input this tick
		case 1:
			in = append(in, PlayerInput{s.ID, Buttons(x>>8) | 0x40})
		default:
			in = append(in, PlayerInput{s.ID, Buttons(x>>8) & ValidButtons})
		}
	}
	return in
}

// shortConfig is a whole match in a few seconds of simulation.
func shortConfig() Config {
	cfg := DefaultConfig()
	cfg.WarmupTicks = 2 * TickRate
	cfg.MatchTicks = 60 * TickRate
	cfg.ResultsTicks = 2 * TickRate
	return cfg
}

func TestDeterminism(t *testing.T) {
	cfg := shortConfig()
	a, b := New(cfg, 1234), New(cfg, 1234)
	other := New(cfg, 1235)
	if a.Hash() != b.Hash() || a.Hash() == other.Hash() {
		t.Fatalf("fresh worlds: same seed %x vs %x, other seed %x", a.Hash(), b.Hash(), other.Hash())
	}
	r := testRand(99)
	var in []PlayerInput
	var ea, eb []Event
	var saved *World
	var savedInputs [][]PlayerInput
	next := PlayerID(1)
	for a.Match.Phase != Over {
		if a.Tick%97 == 0 && len(a.Ships) < 16 { // players come and go mid-match
			id := next
			next++
			if err := a.Join(id, false); err != nil {
				t.Fatal(err)
			}
			b.Join(id, false)
			other.Join(id, false)
		}
		if a.Tick == 1000 {
			a.Leave(3)
			b.Leave(3)
			other.Leave(3)
			saved = a.Clone()
		}
		in = randomInputs(&r, a, in)
		if saved != nil && len(savedInputs) < 300 {
			savedInputs = append(savedInputs, append([]PlayerInput(nil), in...))
		}
		ea = a.Step(in, ea[:0])
		eb = b.Step(in, eb[:0])
		other.Step(in, nil)
		if a.Hash() != b.Hash() {
			t.Fatalf("tick %d: hashes differ: %x vs %x", a.Tick, a.Hash(), b.Hash())
		}
		if len(ea) != len(eb) {
			t.Fatalf("tick %d: %d events vs %d", a.Tick, len(ea), len(eb))
		}
		for i := range ea {
			if ea[i] != eb[i] {
				t.Fatalf("tick %d: event %d: %+v vs %+v", a.Tick, i, ea[i], eb[i])
			}
		}
	}
	if a.Hash() == other.Hash() {
		t.Errorf("a different seed gave the same final world")
	}

	// a saved world replays to the same states
	replay := New(cfg, 1234)
	redo := New(cfg, 1234)
	saved.CopyTo(replay)
	saved.CopyTo(redo)
	for _, in := range savedInputs {
		replay.Step(in, nil)
		redo.Step(in, nil)
	}
	if replay.Hash() != redo.Hash() {
		t.Errorf("replays from a save differ")
	}
}

func TestBotsPlayAMatch(t *testing.T) {
	cfg := shortConfig()
	w := New(cfg, 2024)
	const n = 16
	bots := make([]*Bot, n+1)
	for id := 1; id <= n; id++ {
		if err := w.Join(PlayerID(id), true); err != nil {
			t.Fatal(err)
		}
		bots[id] = NewBot(uint64(id) * 7777)
	}
	var counted, kills, shots, pickups, asteroidKills int
	var events []Event
	in := make([]PlayerInput, 0, n)
	for w.Match.Phase != Over {
		in = in[:0]
		before := w.Hash()
		for id := 1; id <= n; id++ {
			in = append(in, PlayerInput{PlayerID(id), bots[id].Think(w, PlayerID(id))})
		}
		if w.Hash() != before {
			t.Fatalf("tick %d: Think changed the world", w.Tick)
		}
		events = w.Step(in, events[:0])
		for _, e := range events {
			switch e.Kind {
			case EventKilled:
				if e.Value == 1 {
					counted++
					if e.Player != 0 && e.Player != e.Other {
						kills++
					} else {
						asteroidKills++
					}
				}
			case EventShot:
				shots++
			case EventPickup:
				pickups++
			}
		}
	}
	var st PlayerStats
	for _, s := range w.Ships {
		st.Kills += s.Stats.Kills
		st.Deaths += s.Stats.Deaths
		st.Shots += s.Stats.Shots
		st.Hits += s.Stats.Hits
		st.Score += s.Stats.Score
	}
	t.Logf("%d ticks: %d kills, %d crashes, %d shots, %d pickups, totals %+v", w.Tick, kills, asteroidKills, shots, pickups, st)
	if kills == 0 || st.Kills == 0 {
		t.Fatalf("16 bots made no kills in a match")
	}
	if int(st.Kills) != kills {
		t.Errorf("sum of kills %d, want %d counted kill events", st.Kills, kills)
	}
	if int(st.Deaths) != counted {
		t.Errorf("sum of deaths %d, want %d counted kill events", st.Deaths, counted)
	}
	if st.Hits > st.Shots || int(st.Shots) > shots {
		t.Errorf("hits %d, shots %d, shot events %d: inconsistent", st.Hits, st.Shots, shots)
	}
	if want := int32(ScoreKill*kills + ScoreCrash*asteroidKills); st.Score < want {
		t.Errorf("total score %d below %d from kills and crashes alone", st.Score, want)
	}
	if pickups == 0 {
		t.Errorf("bots took no pickups")
	}
}

func TestRandomInputsStayInsideWalls(t *testing.T) {
	cfg := shortConfig()
	cfg.Width, cfg.Height = 800*Sub, 500*Sub // small, so walls get hit a lot
	cfg.Asteroids = 3
	w := New(cfg, 77)
	for id := PlayerID(1); id <= 20; id++ {
		w.Join(id, false)
	}
	r := testRand(5)
	var in []PlayerInput
	for range 3000 {
		if w.Match.Phase == Over {
			break
		}
		in = randomInputs(&r, w, in)
		w.Step(in, nil)
		for _, s := range w.Ships {
			if !s.Alive {
				continue
			}
			if s.Pos.X < ShipRadius || s.Pos.Y < ShipRadius || s.Pos.X > cfg.Width-ShipRadius || s.Pos.Y > cfg.Height-ShipRadius {
				t.Fatalf("tick %d: ship %d at %+v, outside the walls", w.Tick, s.ID, s.Pos)
			}
			if distSq(s.Vel, Vec{}) > ShipMaxSpeed*ShipMaxSpeed {
				t.Fatalf("tick %d: ship %d too fast: %+v", w.Tick, s.ID, s.Vel)
			}
		}
		for _, a := range w.Asteroids {
			r := AsteroidRadius(a.Size)
			if a.Pos.X < r || a.Pos.Y < r || a.Pos.X > cfg.Width-r || a.Pos.Y > cfg.Height-r {
				t.Fatalf("tick %d: asteroid %d at %+v, outside the walls", w.Tick, a.ID, a.Pos)
			}
		}
		for _, b := range w.Bullets {
			if b.Pos.X < 0 || b.Pos.Y < 0 || b.Pos.X > cfg.Width || b.Pos.Y > cfg.Height {
				t.Fatalf("tick %d: bullet %d at %+v, outside the walls", w.Tick, b.ID, b.Pos)
			}
		}
	}
}

func TestBotIsDeterministic(t *testing.T) {
	w := New(shortConfig(), 3)
	for id := PlayerID(1); id <= 4; id++ {
		w.Join(id, true)
	}
	steps(w, 100)
	a, b := NewBot(8), NewBot(8)
	for range 200 {
		w.Step(nil, nil)
		for id := PlayerID(1); id <= 4; id++ {
			if x, y := a.Think(w, id), b.Think(w, id); x != y {
				t.Fatalf("tick %d: two bots with one seed chose %04b and %04b", w.Tick, x, y)
			}
		}
	}
	if got := a.Think(w, 99); got != 0 {
		t.Errorf("Think for an absent ship = %04b, want nothing", got)
	}
}

// A world decoded from the network may hold anything: Step, Think and Hash
// must not panic on it, whatever its fields say.
func TestHostileWorldsDoNotPanic(t *testing.T) {
	r := testRand(31337)
	for round := range 300 {
		w := fullWorld(t)
		w.Bullets = append(w.Bullets, w.Bullets...)
		w.Asteroids = append(w.Asteroids, w.Asteroids[:3]...)
		leaves(reflect.ValueOf(w).Elem(), "World", func(path string, v reflect.Value) {
			x := r.next()
			if x%3 != 0 {
				return // keep some sense in most fields, so Step gets somewhere
			}
			switch v.Kind() {
			case reflect.Bool:
				v.SetBool(x&8 != 0)
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				v.SetInt(int64(x >> 2))
			default:
				v.SetUint(x >> 2)
			}
		})
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("round %d: panic %v on world %+v", round, p, w)
				}
			}()
			bot := NewBot(uint64(round))
			for range 5 {
				in := []PlayerInput{{1, bot.Think(w, 1)}, {2, bot.Think(w, 2)}}
				w.Step(in, nil)
				w.Hash()
				w.Join(PlayerID(r.next()), false)
				w.Winner()
			}
		}()
	}
}
