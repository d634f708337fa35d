package room

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkTick runs whole ticks of a room of 16 players, each moving, on
// the room's goroutine: inputs, Tick, Snapshot, and per player Encode
// (a delta against its acknowledged baseline) and Session.Send to a real
// loopback session.
func BenchmarkTick(b *testing.B) {
	h := startServer(b)
	g := newLineGame()
	g.record = false
	r := New[lineSnap]("bench", g, &Options{TickRate: 1}) // the benchmark ticks, not the ticker
	defer r.Close()
	var players []*Player
	for i := range 16 {
		players = append(players, join(b, r, h.dial(b, fmt.Sprintf("player-%02d", i))))
	}
	var st Stats
	err := r.Do(context.Background(), func() {
		r.step(&st) // a full snapshot each, then every player acknowledges it
		for _, p := range players {
			p.ack = p.lastSent
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for _, p := range players {
				p.push(p.lastSeq+1, []byte{1})
				p.lastSeq++
				if i%4 == 0 {
					p.ack = p.lastSent
				}
			}
			r.step(&st)
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.SnapshotBytes)/float64(st.SnapshotsFull+st.SnapshotsDelta), "B/snapshot")
	if st.SendErrors+st.EncodeErrors != 0 || st.SnapshotsDelta == 0 {
		b.Fatalf("stats %+v", st)
	}
}

// BenchmarkHandleState measures a frame of three inputs through
// HandleState: decoding, the checks, and the hand-off to the room.
func BenchmarkHandleState(b *testing.B) {
	h := startServer(b)
	r, _ := startRoom(b, h, &Options{TickRate: 1})
	c := h.dial(b, "alice")
	join(b, r, c)
	st := stateOf(marshalInput(1, 0, []byte{1}, []byte{1}, []byte{1}))
	b.ReportAllocs()
	for b.Loop() {
		r.HandleState(c.sess, st)
	}
	b.StopTimer()
	if s := r.Stats().Inputs; s.Rejected()-s.Dropped != 0 {
		b.Fatalf("inputs %+v", s)
	}
}
