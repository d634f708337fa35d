package session

import (
	"bytes"
	"testing"
	"time"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk"
)

// benchMessages are the messages the encode and decode benchmarks use: a
// 200-byte State, the size of a small game's snapshot, and a Notification
// as a game sends one (a kill feed line).
func benchMessages() []struct {
	name string
	m    Message
} {
	return []struct {
		name string
		m    Message
	}{
		{"state-200B", State{Kind: 1, Tick: 123456, Data: bytes.Repeat([]byte{0xA5}, 200)}},
		{"notification", Notification{
			ID:      "4f1c2a9e-77b0-4c1d-9a31-0b2e5d6c7f80",
			Kind:    17,
			Subject: "alice eliminated bob (headshot)",
			Content: bytes.Repeat([]byte{0x5A}, 40),
			Sender:  "player-0042",
			Created: time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.UTC),
		}},
	}
}

// benchHeader is the header a reliable message after a while of traffic
// has: a sequence number, and acknowledgements riding along.
var benchHeader = header{seq: 1234, ack: 987, stateAck: 123450}

// appendEnvelope is the encode path of a send into reused memory: the
// header endpoint.next writes, then the body an encoder appends.
func appendEnvelope(b []byte, e *encoder, h header, m Message) ([]byte, error) {
	return e.appendMessage(appendHeader(b, h), m)
}

// BenchmarkEncode measures encoding one envelope into a reused buffer with
// a reused encoder, the way a writer would if it encoded each send itself.
// The "send-path" variants measure what Session.Send and Server.Broadcast
// actually do per message today: Server.encodeMessage (a fresh encoder
// and body buffer), then the header and body copied into the writer's reused
// buffer.
func BenchmarkEncode(b *testing.B) {
	for _, bm := range benchMessages() {
		b.Run(bm.name, func(b *testing.B) {
			var e encoder
			buf := make([]byte, 0, 2048)
			m := bm.m
			b.ReportAllocs()
			for b.Loop() {
				var err error
				buf, err = appendEnvelope(buf[:0], &e, benchHeader, m)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(len(buf)))
		})
		b.Run(bm.name+"/send-path", func(b *testing.B) {
			srv := NewServer(ServerOptions{Authenticate: func(string, *sdk.UpgradeRequest) (string, error) { return "p", nil }})
			buf := make([]byte, 0, 2048)
			m := bm.m
			b.ReportAllocs()
			for b.Loop() {
				body, enc, err := srv.encodeMessage(m)
				if err != nil {
					b.Fatal(err)
				}
				buf = append(appendHeader(buf[:0], benchHeader), body...)
				enc.release()
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}

// BenchmarkDecode measures decodeEnvelope into a reused Envelope, as a
// connection's reader does.
func BenchmarkDecode(b *testing.B) {
	for _, bm := range benchMessages() {
		b.Run(bm.name, func(b *testing.B) {
			var e encoder
			wire, err := appendEnvelope(nil, &e, benchHeader, bm.m)
			if err != nil {
				b.Fatal(err)
			}
			var env gamesockv1.Envelope
			b.SetBytes(int64(len(wire)))
			b.ReportAllocs()
			for b.Loop() {
				if err := decodeEnvelope(wire, &env); err != nil {
					b.Fatal(err)
				}
			}
			if env.Seq != benchHeader.seq || env.Body == nil {
				b.Fatalf("decoded %v", &env)
			}
		})
		// What a connection does: the hand decoder for States and
		// Payloads, proto for the rest.
		b.Run(bm.name+"/connection", func(b *testing.B) {
			var e encoder
			wire, err := appendEnvelope(nil, &e, benchHeader, bm.m)
			if err != nil {
				b.Fatal(err)
			}
			var d decoder
			b.SetBytes(int64(len(wire)))
			b.ReportAllocs()
			var env *gamesockv1.Envelope
			for b.Loop() {
				if env, err = d.decode(wire); err != nil {
					b.Fatal(err)
				}
			}
			if env.Seq != benchHeader.seq || env.Body == nil {
				b.Fatalf("decoded %v", env)
			}
		})
	}
}

// TestEncodeStateNoAllocs checks that encoding a State envelope into a
// buffer with room allocates nothing, as encoder's comment promises: at
// 30 Hz to a thousand players, every allocation there is thirty thousand a
// second.
func TestEncodeNoAllocs(t *testing.T) {
	created := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		m     Message
		check func(Message) bool
	}{
		{"state", State{Kind: 1, Tick: 7, Data: bytes.Repeat([]byte{1}, 200)}, func(m Message) bool {
			st, ok := m.(State)
			return ok && st.Tick == 7 && len(st.Data) == 200
		}},
		{"notification", Notification{ID: "n1", Kind: 2, Subject: "Alice destroyed Bob", Content: []byte("{}"), Sender: "alice", Created: created},
			func(m Message) bool {
				n, ok := m.(Notification)
				return ok && n.Subject == "Alice destroyed Bob" && n.Created.Equal(created) && n.Sender == "alice"
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e encoder
			buf := make([]byte, 0, 2048)
			var err error
			allocs := testing.AllocsPerRun(100, func() {
				buf, err = appendEnvelope(buf[:0], &e, benchHeader, tc.m)
			})
			if err != nil {
				t.Fatal(err)
			}
			if allocs != 0 {
				t.Errorf("encoding into a reused buffer: %v allocations, want 0", allocs)
			}
			// And the envelope is a real one.
			var env gamesockv1.Envelope
			if err := decodeEnvelope(buf, &env); err != nil {
				t.Fatal(err)
			}
			if !tc.check(messageFrom(&env)) || env.Seq != benchHeader.seq || env.Ack != benchHeader.ack {
				t.Fatalf("decoded %v", &env)
			}
		})
	}
}
