package arenawire

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

func marshal(t testing.TB, m *arenav1.Snapshot) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func zz(v int64) uint64 { return protowire.EncodeZigZag(v) }

// repeat is n copies of rec, one after the other.
func repeat(n int, rec ...uint64) []uint64 {
	out := make([]uint64, 0, n*len(rec))
	for range n {
		out = append(out, rec...)
	}
	return out
}

func TestDecodeSnapshotErrors(t *testing.T) {
	match := &arenav1.MatchState{Phase: 1}
	base := decodeFull(t, testWorld(), 1) // ships 1, 2; bullet 10; asteroid 5; pickup 7
	valid := marshal(t, &arenav1.Snapshot{Tick: 3, Viewer: 1})
	tests := []struct {
		name string
		base *arena.World
		data []byte
		want string // in the error
	}{
		{"not protobuf", nil, []byte{0xff, 0xff, 0xff}, "proto"},
		{"too long", nil, make([]byte, MaxSnapshotSize+1), "more than"},
		{"full without the match", nil, marshal(t, &arenav1.Snapshot{Tick: 5}), "without the match"},
		{"viewer out of range", nil, marshal(t, &arenav1.Snapshot{Viewer: 256, Match: match}), "viewer 256"},
		{"phase out of range", nil, marshal(t, &arenav1.Snapshot{Match: &arenav1.MatchState{Phase: 4}}), "phase 4"},
		{"tick overflows", base, marshal(t, &arenav1.Snapshot{Tick: math.MaxUint64}), "overflows"},
		{"ship 0", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: []uint64{0, 0}}), "ship id 0"},
		{"ship id beyond 255", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: []uint64{zz(256), 0}}), "out of range"},
		{"ship twice", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: []uint64{zz(3), 0, 0, 0}}), "twice"},
		{"truncated record", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: []uint64{zz(3), 1}}), "truncated"},
		{"truncated mask", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: []uint64{zz(3)}}), "truncated"},
		{"mask beyond the fields", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: []uint64{zz(3), 1 << 11}}), "mask"},
		{"health out of range", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: []uint64{zz(3), 1 << shipHealth, zz(128)}}), "health"},
		{"flags out of range", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: []uint64{zz(3), 1 << shipFlags, 64}}), "flags"},
		{"position out of range", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: []uint64{zz(3), 1, zz(1 << 31)}}), "ship x"},
		{"respawn tick out of range", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: []uint64{zz(3), 1 << shipRespawn, 1 << 63}}), "respawn"},
		{"bullet owner out of range", nil, marshal(t, &arenav1.Snapshot{Match: match, Bullets: []uint64{zz(1), 256, 0}}), "owner"},
		{"bullet id beyond 32 bits", nil, marshal(t, &arenav1.Snapshot{Match: match, Bullets: []uint64{zz(1 << 32), 1, 0}}), "out of range"},
		{"bullet ttl out of range", nil, marshal(t, &arenav1.Snapshot{Match: match, Bullets: []uint64{zz(1), 1, 1 << bulletTTL, zz(-1)}}), "ttl"},
		{"too many ships", nil, marshal(t, &arenav1.Snapshot{Match: match, Ships: append([]uint64{zz(1), 0}, repeat(300, 1, 0)...)}), "out of range"},
		{"too many bullets", nil, marshal(t, &arenav1.Snapshot{Match: match, Bullets: append([]uint64{zz(1), 1, 0}, repeat(MaxBullets, 1, 1, 0)...)}), "more than"},
		{"too many asteroids", nil, marshal(t, &arenav1.Snapshot{Match: match, Asteroids: append([]uint64{zz(1), 0}, repeat(MaxAsteroids, 1, 0)...)}), "more than"},
		{"too many pickups", nil, marshal(t, &arenav1.Snapshot{Match: match, Pickups: append([]uint64{zz(1), 0}, repeat(MaxPickups, 1, 0)...)}), "more than"},
		{"removal of an unknown ship", base, marshal(t, &arenav1.Snapshot{Tick: 1, ShipsRemoved: []uint64{zz(7)}}), "does not hold"},
		{"removal of an unknown ship before a known one", base, marshal(t, &arenav1.Snapshot{Tick: 1, ShipsRemoved: []uint64{zz(1), 0}}), "twice"},
		{"removal of an unknown bullet", base, marshal(t, &arenav1.Snapshot{Tick: 1, BulletsRemoved: []uint64{zz(-1)}}), "does not hold"},
		{"removal in a full snapshot", nil, marshal(t, &arenav1.Snapshot{Match: match, AsteroidsRemoved: []uint64{zz(5)}}), "does not hold"},
		{"removal of a pickup beyond the others", base, marshal(t, &arenav1.Snapshot{Tick: 1, PickupsRemoved: []uint64{zz(0), 100}}), "does not hold"},
		{"removed and updated", base, marshal(t, &arenav1.Snapshot{Tick: 1, Ships: []uint64{zz(2), 0}, ShipsRemoved: []uint64{zz(2)}}), "both"},
		{"update truncated", base, marshal(t, &arenav1.Snapshot{Tick: 1, Asteroids: []uint64{zz(5 - 10), 1}}), "truncated"},
		{"baseline out of order", &arena.World{Ships: []arena.Ship{{ID: 2}, {ID: 1}}}, valid, "not ascending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := new(arena.World)
			err := DecodeSnapshot(dst, tt.base, tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("DecodeSnapshot = %v, want an error about %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "arenawire: decode snapshot: ") {
				t.Errorf("error %q does not say what failed", err)
			}
			if len(dst.Ships) > MaxShips || len(dst.Bullets) > MaxBullets || len(dst.Asteroids) > MaxAsteroids || len(dst.Pickups) > MaxPickups {
				t.Errorf("dst grew beyond the limits: %d ships, %d bullets, %d asteroids, %d pickups",
					len(dst.Ships), len(dst.Bullets), len(dst.Asteroids), len(dst.Pickups))
			}
		})
	}
}

func TestDecodeSnapshotMisuse(t *testing.T) {
	w := new(arena.World)
	data, err := AppendSnapshot(nil, nil, testWorld(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := DecodeSnapshot(w, w, data); err == nil {
		t.Error("decoding into the baseline succeeded")
	}
	if err := DecodeSnapshot(nil, nil, data); err == nil {
		t.Error("decoding into nil succeeded")
	}
}

// TestDecodeTruncated cuts real snapshots at every length: each must fail
// or decode, never panic, and a cut inside the last varint must fail.
func TestDecodeTruncated(t *testing.T) {
	w := testWorld()
	base := decodeFull(t, w, 1)
	delta, err := AppendSnapshot(nil, w, later(w, 3, func(w *arena.World) { w.Ships[1].LastInput = 0 }), 1)
	if err != nil {
		t.Fatal(err)
	}
	full, err := AppendSnapshot(nil, nil, w, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		base *arena.World
		data []byte
	}{{"full", nil, full}, {"delta", base, delta}} {
		for n := range len(c.data) {
			_ = DecodeSnapshot(new(arena.World), c.base, c.data[:n])
		}
		if err := DecodeSnapshot(new(arena.World), c.base, c.data[:len(c.data)-1]); err == nil {
			t.Errorf("%s snapshot without its last byte decoded", c.name)
		}
	}
}

func TestAppendSnapshotErrors(t *testing.T) {
	w := testWorld()
	tests := []struct {
		name      string
		base, cur *arena.World
		want      error
	}{
		{"baseline after the world", later(w, 1, nil), w, nil},
		{"respawn tick beyond the wire", nil, later(w, 0, func(w *arena.World) { w.Ships[0].RespawnTick = 1 << 63 }), errRange},
		{"ship id 0", nil, later(w, 0, func(w *arena.World) { w.Ships[0].ID = 0 }), errRange},
		{"too many bullets", nil, later(w, 0, func(w *arena.World) { w.Bullets = make([]arena.Bullet, MaxBullets+1) }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := AppendSnapshot([]byte("x"), tt.base, tt.cur, 1)
			if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("AppendSnapshot = %v, want an error (%v)", err, tt.want)
			}
			if string(out) != "x" {
				t.Errorf("AppendSnapshot changed dst to %q on an error", out)
			}
		})
	}
}

func TestInput(t *testing.T) {
	for b := range arena.ValidButtons + 1 {
		data := AppendInput([]byte{9}, b)
		if len(data) != 2 || data[0] != 9 {
			t.Fatalf("AppendInput(%#x) = %v", b, data)
		}
		got, err := DecodeInput(data[1:])
		if err != nil || got != b {
			t.Fatalf("DecodeInput(AppendInput(%#x)) = %#x, %v", b, got, err)
		}
	}
	for _, data := range [][]byte{nil, {}, {1, 2}, {byte(arena.ValidButtons) + 1}, {0x80}, {0xff}} {
		if b, err := DecodeInput(data); err == nil {
			t.Errorf("DecodeInput(%v) = %#x, want an error", data, b)
		}
	}
}

// FuzzDecodeSnapshot feeds the decoder arbitrary bytes, as a full
// snapshot and as a delta against a real baseline: it must never panic,
// never grow a world beyond the limits, and fail with its own errors.
func FuzzDecodeSnapshot(f *testing.F) {
	m := playMatch(f, shortConfig(), 6, 3, 120)
	base := m.worlds[100]
	for _, i := range []int{0, 1, 101, 103, 110, 119} {
		for _, v := range []arena.PlayerID{0, 1, 4} {
			full, err := AppendSnapshot(nil, nil, m.worlds[i], v)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(full, false)
			if i > 100 {
				delta, err := AppendSnapshot(nil, base, m.worlds[i], 1)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(delta, true)
			}
		}
	}
	dec0 := decodeFull(f, base, 1)
	f.Fuzz(func(t *testing.T, data []byte, delta bool) {
		var b *arena.World
		if delta {
			b = dec0
		}
		dst := new(arena.World)
		err := DecodeSnapshot(dst, b, data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "arenawire: decode snapshot: ") {
				t.Fatalf("error %q does not say what failed", err)
			}
			return
		}
		if len(dst.Ships) > MaxShips || len(dst.Bullets) > MaxBullets || len(dst.Asteroids) > MaxAsteroids || len(dst.Pickups) > MaxPickups {
			t.Fatalf("decoded world beyond the limits: %d ships, %d bullets, %d asteroids, %d pickups",
				len(dst.Ships), len(dst.Bullets), len(dst.Asteroids), len(dst.Pickups))
		}
		// what decodes must be a world the decoder takes as a baseline
		if err := DecodeSnapshot(new(arena.World), dst, nil); err != nil {
			t.Fatalf("the decoded world is not a valid baseline: %v", err)
		}
	})
}
