package replay

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
)

// match is a recorded bot match and what the test knows about it.
type match struct {
	file   []byte
	header Header
	inputs [][]arena.PlayerInput // per tick, as given to Step
	hashes []uint64              // World.Hash after each tick
}

// matchSpec says how to play a test match.
type matchSpec struct {
	ships     int
	ticks     int
	hashEvery uint32
	// tamper, if set, may change a tick's recorded inputs (not the ones
	// the world steps with).
	tamper func(tick uint64, in []arena.PlayerInput)
	// churn makes ship 2 leave at tick 40 and ship 200 join at tick 60.
	churn bool
}

// recordMatch plays a match of arena bots and records it.
func recordMatch(tb testing.TB, spec matchSpec) match {
	tb.Helper()
	cfg := arena.DefaultConfig()
	h := Header{RoomID: "room-7", Match: 3, Config: cfg, Seed: 0xfeedface, Started: time.Unix(1700000000, 123456789), HashEvery: spec.hashEvery}
	w := arena.New(cfg, h.Seed)
	rec := NewRecorder(h)
	bots := map[arena.PlayerID]*arena.Bot{}
	join := func(id arena.PlayerID) {
		if err := w.Join(id, true); err != nil {
			tb.Fatalf("join %d: %v", id, err)
		}
		rec.Join(id, true, fmt.Sprintf("bot-%d", id))
		bots[id] = arena.NewBot(uint64(id) * 7919)
	}
	for id := range spec.ships {
		join(arena.PlayerID(id + 1))
	}
	m := match{header: h}
	var events []arena.Event
	recorded := make([]arena.PlayerInput, 0, spec.ships+1)
	for tick := uint64(1); tick <= uint64(spec.ticks); tick++ {
		if spec.churn && tick == 40 {
			w.Leave(2)
			rec.Leave(2)
			delete(bots, 2)
		}
		if spec.churn && tick == 60 {
			join(200)
		}
		var inputs []arena.PlayerInput
		for _, s := range w.Ships {
			if b := bots[s.ID]; b != nil {
				inputs = append(inputs, arena.PlayerInput{Player: s.ID, Buttons: b.Think(w, s.ID)})
			}
		}
		events = w.Step(inputs, events[:0])
		recorded = append(recorded[:0], inputs...)
		if spec.tamper != nil {
			spec.tamper(tick, recorded)
		}
		rec.Step(recorded, w.Hash())
		m.inputs = append(m.inputs, slices.Clone(inputs))
		m.hashes = append(m.hashes, w.Hash())
	}
	file, err := rec.Finish()
	if err != nil {
		tb.Fatalf("Finish: %v", err)
	}
	m.file = file
	return m
}

func TestRecordParsePlay(t *testing.T) {
	m := recordMatch(t, matchSpec{ships: 8, ticks: 400, churn: true})
	r, err := Parse(m.file)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	h := m.header
	if r.RoomID != h.RoomID || r.Match != h.Match || r.Seed != h.Seed || r.Config != h.Config || !r.Started.Equal(h.Started) {
		t.Errorf("header = %q %d %x %+v %v, want %q %d %x %+v %v", r.RoomID, r.Match, r.Seed, r.Config, r.Started,
			h.RoomID, h.Match, h.Seed, h.Config, h.Started)
	}
	if r.HashEvery != DefaultHashEvery || r.TickCount != 400 || len(r.Hashes) != 400/DefaultHashEvery {
		t.Errorf("HashEvery %d, TickCount %d, %d hashes; want %d, 400, %d", r.HashEvery, r.TickCount, len(r.Hashes), DefaultHashEvery, 400/DefaultHashEvery)
	}
	if r.Ended.Before(h.Started) {
		t.Errorf("Ended %v is before Started %v", r.Ended, h.Started)
	}
	if want := append(m.header.Names()[:0:0], "bot-1", "bot-2", "bot-3", "bot-4", "bot-5", "bot-6", "bot-7", "bot-8", "bot-200"); !slices.Equal(r.Names(), want) {
		t.Errorf("roster names = %v, want %v", r.Names(), want)
	}

	n := 0
	for tk := range r.Ticks() {
		if !slices.Equal(tk.Inputs, m.inputs[n]) {
			t.Fatalf("tick %d inputs = %v, want %v", tk.Number, tk.Inputs, m.inputs[n])
		}
		n++
		switch tk.Number {
		case 1:
			if len(tk.Changes) != 8 {
				t.Errorf("tick 1 has %d changes, want the 8 joins", len(tk.Changes))
			}
		case 40:
			if want := []Change{{Ship: 2, Leave: true}}; !slices.Equal(tk.Changes, want) {
				t.Errorf("tick 40 changes = %v, want %v", tk.Changes, want)
			}
		case 60:
			if want := []Change{{Ship: 200, Bot: true, Name: "bot-200"}}; !slices.Equal(tk.Changes, want) {
				t.Errorf("tick 60 changes = %v, want %v", tk.Changes, want)
			}
		default:
			if len(tk.Changes) != 0 {
				t.Errorf("tick %d changes = %v, want none", tk.Number, tk.Changes)
			}
		}
	}
	if n != 400 {
		t.Fatalf("Ticks gave %d ticks, want 400", n)
	}

	played, shots := 0, 0
	err = r.Play(func(w *arena.World, events []arena.Event) bool {
		if got, want := w.Hash(), m.hashes[played]; got != want {
			t.Fatalf("after tick %d the hash is %x, the match had %x", played+1, got, want)
		}
		for _, e := range events {
			if e.Kind == arena.EventShot {
				shots++
			}
		}
		played++
		return true
	})
	if err != nil {
		t.Fatalf("Play: %v", err)
	}
	if played != 400 || shots == 0 {
		t.Errorf("Play ran %d ticks with %d shots, want 400 ticks and some shots", played, shots)
	}
}

func TestPlayStopsWhenAsked(t *testing.T) {
	m := recordMatch(t, matchSpec{ships: 2, ticks: 50})
	r, err := Parse(m.file)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	err = r.Play(func(w *arena.World, _ []arena.Event) bool {
		calls++
		return w.Tick < 10
	})
	if err != nil || calls != 10 {
		t.Errorf("Play = %v after %d calls, want nil after 10", err, calls)
	}
}

func TestPlayReportsDivergence(t *testing.T) {
	const tampered = 95 // and every tick after: one bad tick may heal
	tests := []struct {
		hashEvery      uint32
		tick, lastGood uint64
	}{
		{hashEvery: 1, tick: tampered, lastGood: tampered - 1},
		{hashEvery: 30, tick: 120, lastGood: 90},
		{hashEvery: 1000, tick: 200, lastGood: 0}, // only the final hash
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("every", tt.hashEvery), func(t *testing.T) {
			m := recordMatch(t, matchSpec{ships: 4, ticks: 200, hashEvery: tt.hashEvery,
				tamper: func(tick uint64, in []arena.PlayerInput) {
					if tick >= tampered {
						in[0].Buttons ^= arena.TurnLeft | arena.Thrust
					}
				}})
			r, err := Parse(m.file)
			if err != nil {
				t.Fatal(err)
			}
			err = r.Play(nil)
			var de *DivergenceError
			if !errors.As(err, &de) {
				t.Fatalf("Play = %v, want a *DivergenceError", err)
			}
			if de.Tick != tt.tick || de.LastGood != tt.lastGood || de.Want != m.hashes[tt.tick-1] {
				t.Errorf("divergence at tick %d after %d (want hash %x); want tick %d after %d (hash %x)",
					de.Tick, de.LastGood, de.Want, tt.tick, tt.lastGood, m.hashes[tt.tick-1])
			}
		})
	}
}

func TestRecorderLimits(t *testing.T) {
	rec := NewRecorder(Header{Config: arena.DefaultConfig()})
	rec.Step(make([]arena.PlayerInput, MaxInputsPerTick+1), 0)
	if _, err := rec.Finish(); err == nil {
		t.Error("Finish after a step with too many inputs succeeded")
	}

	rec = NewRecorder(Header{Config: arena.DefaultConfig(), RoomID: string(make([]byte, MaxRoomIDLen+1))})
	if _, err := rec.Finish(); err == nil {
		t.Error("Finish with an overlong room id succeeded")
	}
}

func TestNamesAreCutAtRuneBoundaries(t *testing.T) {
	long := ""
	for len(long) < 2*MaxNameLen {
		long += "é" // two bytes
	}
	long = "x" + long // so the cut falls inside a rune
	rec := NewRecorder(Header{Config: arena.DefaultConfig()})
	rec.Join(1, false, long)
	rec.Step(nil, 0)
	file, err := rec.Finish()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	got := r.Roster[0].Name
	if len(got) != MaxNameLen-1 || got != long[:MaxNameLen-1] {
		t.Errorf("name cut to %q (%d bytes), want the first %d bytes", got, len(got), MaxNameLen-1)
	}
}

func TestParseSummary(t *testing.T) {
	m := recordMatch(t, matchSpec{ships: 3, ticks: 100})
	s, err := ParseSummary(m.file)
	if err != nil {
		t.Fatal(err)
	}
	if s.TickCount != 100 || s.FinalHash != m.hashes[99] || len(s.Roster) != 3 {
		t.Errorf("summary: %d ticks, final hash %x, %d ships; want 100, %x, 3", s.TickCount, s.FinalHash, len(s.Roster), m.hashes[99])
	}
}
