package session

import (
	"bytes"
	"testing"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// fastSeeds are envelopes the hand decoder takes, and a few it must leave
// to proto.
func fastSeeds(t testing.TB) [][]byte {
	var e encoder
	var seeds [][]byte
	add := func(h header, m Message) {
		b, err := e.appendMessage(appendHeader(nil, h), m)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	add(header{}, State{Kind: 1, Tick: 7, Data: bytes.Repeat([]byte{3}, 200)})
	add(header{ack: 9, stateAck: 4}, State{Kind: 1 << 31, Tick: 1 << 40})
	add(header{seq: 12, ack: 3}, Payload{Kind: 5, Data: []byte("fire")})
	add(header{seq: 1}, Payload{})
	add(header{}, Notification{Subject: "slow path"})
	seeds = append(seeds,
		appendHeader(nil, header{ack: 3, stateAck: 8}), // acknowledgements alone
		nil, // an empty envelope
		// The same body field twice: proto merges them, so the hand decoder
		// leaves it to proto.
		append(protowire.AppendBytes(protowire.AppendTag(nil, 4, protowire.BytesType), []byte{0x08, 0x01}),
			protowire.AppendBytes(protowire.AppendTag(nil, 4, protowire.BytesType), []byte{0x10, 0x02})...),
		// A kind wider than 32 bits, which proto truncates.
		protowire.AppendBytes(protowire.AppendTag(nil, 5, protowire.BytesType),
			protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 1<<33|6)),
	)
	return seeds
}

// FuzzDecodeFast checks the hand decoder against proto.Unmarshal: whatever
// it accepts, decodeEnvelope accepts too, with an equal envelope.
func FuzzDecodeFast(f *testing.F) {
	for _, s := range fastSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d decoder
		if !d.fast(data) {
			return
		}
		var want gamesockv1.Envelope
		if err := decodeEnvelope(data, &want); err != nil {
			t.Fatalf("the hand decoder took %x, which proto refuses: %v", data, err)
		}
		if !proto.Equal(&d.env, &want) {
			t.Fatalf("%x: hand decoder %v, proto %v", data, &d.env, &want)
		}
	})
}

// TestDecodeFast checks which envelopes take the fast path, that they
// decode as proto decodes them, and that a reused decoder does not carry
// one envelope's fields into the next.
func TestDecodeFast(t *testing.T) {
	seeds := fastSeeds(t)
	wantFast := []bool{true, true, true, true, false, true, true, false, true}
	var d decoder
	for i, s := range seeds {
		got, err := d.decode(s)
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		var want gamesockv1.Envelope
		if err := decodeEnvelope(s, &want); err != nil {
			t.Fatalf("seed %d: proto: %v", i, err)
		}
		if !proto.Equal(got, &want) {
			t.Errorf("seed %d: decoded %v, proto %v", i, got, &want)
		}
		var probe decoder
		if fast := probe.fast(s); fast != wantFast[i] {
			t.Errorf("seed %d: fast path %v, want %v", i, fast, wantFast[i])
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := d.decode(seeds[0]); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 1 {
		t.Errorf("decoding a State: %v allocations, want 1 (its Data)", allocs)
	}
}
