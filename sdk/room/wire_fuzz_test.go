package room

import (
	"bytes"
	"slices"
	"testing"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"google.golang.org/protobuf/proto"
)

// FuzzDecodeInput checks the room's RoomInput decoder against the
// generated code: it never panics, and what it accepts means the same to
// both.
func FuzzDecodeInput(f *testing.F) {
	f.Add(marshalInput(1, 7, []byte{1}, []byte{2}))
	f.Add(marshalInput(0, 0))
	f.Add(append(marshalInput(3, 0, []byte("x")), 0x28, 0x01)) // an unknown field
	f.Add([]byte{0x08, 0x80})
	o := (&Options{MaxInputsPerFrame: 4, MaxInputSize: 8}).withDefaults()
	f.Fuzz(func(t *testing.T, b []byte) {
		var fr inputFrame
		if decodeInput(b, &fr, &o) != reasonNone {
			return
		}
		var m gamesockv1.RoomInput
		if err := proto.Unmarshal(b, &m); err != nil {
			t.Fatalf("accepted %x, which protobuf refuses: %v", b, err)
		}
		if m.FirstSeq != fr.firstSeq && len(fr.inputs) > 0 || m.SnapshotAck != fr.ack ||
			!slices.EqualFunc(m.Inputs, fr.inputs, bytes.Equal) {
			t.Fatalf("%x: decoded %+v, protobuf says %v", b, fr, &m)
		}
		if len(fr.inputs) > o.MaxInputsPerFrame {
			t.Fatalf("%d inputs accepted", len(fr.inputs))
		}
	})
}

// FuzzDecodeSnapshot does the same for the client's RoomSnapshot decoder.
func FuzzDecodeSnapshot(f *testing.F) {
	f.Add(appendSnapshot(nil, 9, 3, []byte("data")))
	f.Add(appendSnapshot(nil, 0, 0, nil))
	f.Add([]byte{0x10, 0xff, 0xff, 0xff, 0xff, 0x1f})
	f.Fuzz(func(t *testing.T, b []byte) {
		baseline, ack, data, err := decodeSnapshot(b)
		if err != nil {
			return
		}
		var m gamesockv1.RoomSnapshot
		if err := proto.Unmarshal(b, &m); err != nil {
			t.Fatalf("accepted %x, which protobuf refuses: %v", b, err)
		}
		if m.Baseline != baseline || m.InputAck != ack || !bytes.Equal(m.Data, data) {
			t.Fatalf("%x: decoded %d %d %x, protobuf says %v", b, baseline, ack, data, &m)
		}
	})
}

// The encoders agree with the generated code.
func TestEncodersMatchProtobuf(t *testing.T) {
	b := appendSnapshot(nil, 12, 34, []byte("abc"))
	var s gamesockv1.RoomSnapshot
	if err := proto.Unmarshal(b, &s); err != nil || s.Baseline != 12 || s.InputAck != 34 || string(s.Data) != "abc" {
		t.Errorf("snapshot decodes as %v, %v", &s, err)
	}
	want, _ := proto.MarshalOptions{Deterministic: true}.Marshal(&gamesockv1.RoomSnapshot{Baseline: 12, InputAck: 34, Data: []byte("abc")})
	if !bytes.Equal(b, want) {
		t.Errorf("snapshot %x, protobuf encodes %x", b, want)
	}
	in := appendInput(nil, 5, []Input{{5, []byte{1}}, {6, nil}}, 77)
	if want := marshalInput(5, 77, []byte{1}, nil); !bytes.Equal(in, want) {
		t.Errorf("input %x, protobuf encodes %x", in, want)
	}
}
