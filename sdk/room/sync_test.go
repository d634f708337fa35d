package room

import (
	"errors"
	"slices"
	"testing"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// snapshotState is what a room sends: a RoomSnapshot of lineGame data.
func snapshotState(tick, baseline uint64, inputAck uint32, data []byte) session.State {
	b, err := proto.Marshal(&gamesockv1.RoomSnapshot{Baseline: baseline, InputAck: inputAck, Data: data})
	if err != nil {
		panic(err)
	}
	return session.State{Kind: 1, Tick: tick, Data: b}
}

func TestSync(t *testing.T) {
	c := NewSync(decodeLine, &SyncOptions{History: 4, MaxPending: 3})
	full := appendOp(nil, 1, "a", 5)
	if _, err := c.Snapshot(snapshotState(1, 0, 0, full)); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if seq, _ := c.Input([]byte{byte(i)}); seq != uint32(i+1) {
			t.Fatalf("input %d got seq %d", i, seq)
		}
	}
	// MaxPending 3: the first input is forgotten.
	if got := pendingSeqs(c); !slices.Equal(got, []uint32{2, 3, 4}) {
		t.Fatalf("pending %v, want [2 3 4]", got)
	}
	st := c.Frame()
	var in gamesockv1.RoomInput
	if err := proto.Unmarshal(st.Data, &in); err != nil {
		t.Fatal(err)
	}
	if in.FirstSeq != 2 || len(in.Inputs) != 3 || in.SnapshotAck != 1 || st.Tick != 4 || st.Kind != 1 {
		t.Errorf("frame %v with tick %d, want inputs 2..4, ack 1, tick 4", &in, st.Tick)
	}

	// A delta against tick 1; it acknowledges inputs up to 3.
	s, err := c.Snapshot(snapshotState(2, 1, 3, appendOp(nil, 1, "b", -1)))
	if err != nil {
		t.Fatal(err)
	}
	if want := []lineEntry{{"a", 5}, {"b", -1}}; !slices.Equal(s.State.pos, want) || s.Baseline != 1 || s.InputAck != 3 {
		t.Errorf("snapshot %+v, want %v against 1, input_ack 3", s, want)
	}
	if got := pendingSeqs(c); !slices.Equal(got, []uint32{4}) {
		t.Errorf("pending %v after input_ack 3, want [4]", got)
	}

	tests := []struct {
		name string
		st   session.State
		is   error
	}{
		{"baseline never decoded", snapshotState(3, 7, 0, nil), ErrNoBaseline},
		{"baseline not older", snapshotState(5, 5, 0, nil), ErrNoBaseline},
		{"malformed", session.State{Kind: 1, Tick: 3, Data: []byte{0x0a}}, errMalformed},
		{"old tick", snapshotState(2, 0, 0, full), nil},
		{"another kind", session.State{Kind: 2, Tick: 9}, nil},
		{"game data broken", snapshotState(3, 0, 0, []byte{7}), nil},
	}
	for _, tt := range tests {
		if _, err := c.Snapshot(tt.st); err == nil || tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: %v, want an error matching %v", tt.name, err, tt.is)
		}
	}
	// History 4: tick 1 is gone by tick 6.
	for tick := uint64(3); tick <= 5; tick++ {
		if _, err := c.Snapshot(snapshotState(tick, tick-1, 0, nil)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Snapshot(snapshotState(6, 1, 0, nil)); !errors.Is(err, ErrNoBaseline) {
		t.Errorf("delta against an evicted baseline: %v, want ErrNoBaseline", err)
	}

	c.Reset()
	if seq, st := c.Input(nil); seq != 1 || len(c.Pending()) != 1 || st.Tick != 1 {
		t.Errorf("after Reset: seq %d, %d pending", seq, len(c.Pending()))
	}
	if _, err := c.Snapshot(snapshotState(1, 0, 0, full)); err != nil {
		t.Errorf("after Reset, tick 1 again: %v", err)
	}
}

func pendingSeqs[S any](c *Sync[S]) []uint32 {
	var s []uint32
	for _, in := range c.Pending() {
		s = append(s, in.Seq)
	}
	return s
}
