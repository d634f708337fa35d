package arena

import "testing"

// botRun is a 16-bot world in mid-match and the inputs its bots chose for
// the next ticks, so a benchmark can time Step alone.
func botRun(b *testing.B, ticks int) (*World, [][]PlayerInput) {
	b.Helper()
	w := New(DefaultConfig(), 1)
	bots := make([]*Bot, 17)
	for id := 1; id <= 16; id++ {
		w.Join(PlayerID(id), true)
		bots[id] = NewBot(uint64(id))
	}
	think := func() []PlayerInput {
		in := make([]PlayerInput, 0, 16)
		for id := 1; id <= 16; id++ {
			in = append(in, PlayerInput{PlayerID(id), bots[id].Think(w, PlayerID(id))})
		}
		return in
	}
	for range 10 * TickRate { // into the Playing phase
		w.Step(think(), nil)
	}
	start := w.Clone()
	inputs := make([][]PlayerInput, ticks)
	for i := range inputs {
		inputs[i] = think()
		w.Step(inputs[i], nil)
	}
	return start, inputs
}

func BenchmarkStep16(b *testing.B) {
	start, inputs := botRun(b, 600)
	w := start.Clone()
	events := make([]Event, 0, 256)
	for i := range inputs { // grow every slice to its steady-state size
		events = w.Step(inputs[i], events[:0])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%len(inputs) == 0 {
			start.CopyTo(w)
		}
		events = w.Step(inputs[i%len(inputs)], events[:0])
	}
}

func BenchmarkThink(b *testing.B) {
	w, _ := botRun(b, 0)
	bot := NewBot(1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		bot.Think(w, PlayerID(i%16+1))
	}
}

func BenchmarkHash(b *testing.B) {
	w, _ := botRun(b, 0)
	b.ReportAllocs()
	for b.Loop() {
		w.Hash()
	}
}
