package replay

import (
	"testing"

	"github.com/gamesock/gamesock/internal/arena"
)

// fullMatchTicks is a whole match under DefaultConfig: warmup, 3 minutes
// of play and the results.
func fullMatchTicks() int {
	c := arena.DefaultConfig()
	return c.WarmupTicks + c.MatchTicks + c.ResultsTicks
}

// BenchmarkRecordMatch16Bots records a whole 3-minute match of 16 arena
// bots and reports the replay's size.
func BenchmarkRecordMatch16Bots(b *testing.B) {
	var m match
	for b.Loop() {
		m = recordMatch(b, matchSpec{ships: 16, ticks: fullMatchTicks()})
	}
	r, err := Parse(m.file)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(m.file)), "replay-bytes")
	b.ReportMetric(float64(len(r.stream)), "stream-bytes")
	b.ReportMetric(float64(r.TickCount), "ticks")
}

// BenchmarkRecorderStep is the recording cost of one tick of a 16-ship
// match, alone.
func BenchmarkRecorderStep(b *testing.B) {
	m := recordMatch(b, matchSpec{ships: 16, ticks: 900})
	rec := NewRecorder(m.header)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(m.inputs) {
			// Start over, keeping the buffers grown so far: the steady
			// state of a long match.
			rec.stream, rec.hashes, rec.ticks = rec.stream[:0], rec.hashes[:0], 0
			i = 0
		}
		rec.Step(m.inputs[i], m.hashes[i])
		i++
	}
}

// BenchmarkParsePlay parses and re-simulates a 3-minute 16-bot match.
func BenchmarkParsePlay(b *testing.B) {
	m := recordMatch(b, matchSpec{ships: 16, ticks: fullMatchTicks()})
	b.ReportAllocs()
	for b.Loop() {
		r, err := Parse(m.file)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Play(nil); err != nil {
			b.Fatal(err)
		}
	}
}
