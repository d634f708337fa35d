package arenawire

import (
	"testing"

	"github.com/gamesock/gamesock/internal/arena"
)

// TestDecoder: the Sync-shaped decoder gives a new world the rules it was
// made with, decodes a full snapshot when it has no baseline (whatever base
// it is handed) and a delta against its baseline, into the world it reuses.
func TestDecoder(t *testing.T) {
	cfg := arena.DefaultConfig()
	w := arena.New(cfg, 7)
	for id := arena.PlayerID(1); id <= 4; id++ {
		if err := w.Join(id, true); err != nil {
			t.Fatal(err)
		}
	}
	var events []arena.Event
	for range 40 {
		events = w.Step(nil, events[:0])
	}
	w0 := w.Clone()
	for range 5 {
		events = w.Step(nil, events[:0])
	}
	full, err := AppendSnapshot(nil, nil, w0, 1)
	if err != nil {
		t.Fatal(err)
	}
	delta, err := AppendSnapshot(nil, w0, w, 1)
	if err != nil {
		t.Fatal(err)
	}
	want, err := AppendSnapshot(nil, nil, w, 1)
	if err != nil {
		t.Fatal(err)
	}

	decode := Decoder(cfg)
	junk := arena.New(cfg, 99) // a base that must be ignored without hasBase
	base, err := decode(junk, false, full, nil)
	if err != nil {
		t.Fatal(err)
	}
	if base.Config != cfg || base.Tick != w0.Tick {
		t.Errorf("a new world: config %+v, tick %d; want the decoder's config and tick %d", base.Config, base.Tick, w0.Tick)
	}
	reuse := new(arena.World)
	got, err := decode(base, true, delta, reuse)
	if err != nil {
		t.Fatal(err)
	}
	if got != reuse {
		t.Error("the delta was not decoded into the world handed for reuse")
	}
	var fromFull arena.World
	if err := DecodeSnapshot(&fromFull, nil, want); err != nil {
		t.Fatal(err)
	}
	got.Config = fromFull.Config
	if got.Hash() != fromFull.Hash() {
		t.Error("the delta decoded through Decoder differs from the full snapshot of the same tick")
	}
}
