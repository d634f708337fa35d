package arenawire

import (
	"slices"
	"strconv"
	"testing"

	"github.com/gamesock/gamesock/internal/arena"
	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"google.golang.org/protobuf/proto"
)

// envelopeBytes is what the room and session layers add to a snapshot's
// data on the wire, as the target counts it: RoomSnapshot's baseline
// (tag + 2-3 byte varint), input_ack (tag + 2-3) and data (tag + length),
// inside a State's kind (2), tick (tag + 2-3) and data (tag + length),
// inside the Envelope's state field (tag + length): 16 bytes for ticks
// below 16384 (9 minutes) and a snapshot under 128 bytes. A server's
// state_ack, when it sends one, and the WebSocket frame header (2 bytes)
// come on top; BenchmarkSnapshotBytes16 also reports the envelope measured
// with the real messages ("envelope-B").
const envelopeBytes = 16

// benchMatch is a 16-bot match of a few thousand ticks, played once.
func benchMatch(b *testing.B) *match {
	b.Helper()
	return playMatch(b, arena.DefaultConfig(), 16, 7, 3000)
}

// snapshotSizes are the sizes of every viewer's delta at a baseline lag,
// over the match after its first second.
func snapshotSizes(b *testing.B, m *match, lag int, full bool) []int {
	var sizes []int
	var buf []byte
	for i := arena.TickRate; i < len(m.worlds); i++ {
		base := m.worlds[i-lag]
		if full {
			base = nil
		}
		for v := arena.PlayerID(1); v <= 16; v++ {
			var err error
			buf, err = AppendSnapshot(buf[:0], base, m.worlds[i], v)
			if err != nil {
				b.Fatal(err)
			}
			sizes = append(sizes, len(buf))
		}
	}
	return sizes
}

func mean(sizes []int) float64 {
	total := 0
	for _, n := range sizes {
		total += n
	}
	return float64(total) / float64(len(sizes))
}

// measuredEnvelope is the room and session overhead around a snapshot of
// n bytes at tick, with the real messages and a state_ack.
func measuredEnvelope(tick uint64, n int) int {
	room, _ := proto.Marshal(&gamesockv1.RoomSnapshot{Baseline: tick - 3, InputAck: uint32(tick - 2), Data: make([]byte, n)})
	env := &gamesockv1.Envelope{StateAck: tick - 2, Body: &gamesockv1.Envelope_State{
		State: &gamesockv1.State{Kind: 1, Tick: tick, Data: room},
	}}
	return proto.Size(env) - n
}

// BenchmarkSnapshotBytes16 reports the figure the wire format is judged
// on: the average snapshot data per player per tick in a 16-bot match,
// as a delta against a baseline 3 ticks old (about 100 ms of RTT), with
// its 99th percentile, the same at 1, 6 and 30 ticks, and the size of a
// full snapshot.
func BenchmarkSnapshotBytes16(b *testing.B) {
	m := benchMatch(b)
	b.ResetTimer()
	var avg, p99 float64
	for b.Loop() {
		sizes := snapshotSizes(b, m, 3, false)
		avg = mean(sizes)
		slices.Sort(sizes)
		p99 = float64(sizes[len(sizes)*99/100])
	}
	b.StopTimer()
	b.ReportMetric(avg, "B/player/tick")
	b.ReportMetric(p99, "p99-B/player/tick")
	b.ReportMetric(avg+envelopeBytes, "wire-B/player/tick")
	b.ReportMetric(float64(measuredEnvelope(uint64(len(m.worlds)), int(avg))), "envelope-B")
	for _, lag := range []int{1, 6, 30} {
		b.ReportMetric(mean(snapshotSizes(b, m, lag, false)), "lag"+strconv.Itoa(lag)+"-B/player/tick")
	}
	b.ReportMetric(mean(snapshotSizes(b, m, 0, true)), "full-B/player")
}

// benchPair is a busy moment of a 16-bot match and its world 3 ticks
// before.
func benchPair(b *testing.B) (base, cur *arena.World) {
	m := playMatch(b, arena.DefaultConfig(), 16, 7, 900)
	n := len(m.worlds) - 1
	return m.worlds[n-3], m.worlds[n]
}

func BenchmarkAppendSnapshot(b *testing.B) {
	base, cur := benchPair(b)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendSnapshot(buf[:0], base, cur, 5); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkDecodeSnapshot(b *testing.B) {
	base, cur := benchPair(b)
	data, err := AppendSnapshot(nil, base, cur, 5)
	if err != nil {
		b.Fatal(err)
	}
	dec0 := decodeFull(b, base, 5)
	dst := decodeFull(b, cur, 5) // warm: its slices have the capacity
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := DecodeSnapshot(dst, dec0, data); err != nil {
			b.Fatal(err)
		}
	}
}
