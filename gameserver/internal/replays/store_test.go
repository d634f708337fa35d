package replays

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
)

// makeReplay records a short match of two bots in room, ended at ended.
func makeReplay(t testing.TB, room string, match uint32, ended time.Time) []byte {
	t.Helper()
	cfg := arena.DefaultConfig()
	w := arena.New(cfg, uint64(match))
	rec := replay.NewRecorder(replay.Header{RoomID: room, Match: match, Config: cfg, Seed: uint64(match), Started: ended.Add(-time.Minute)})
	for id := arena.PlayerID(1); id <= 2; id++ {
		if err := w.Join(id, true); err != nil {
			t.Fatal(err)
		}
		rec.Join(id, true, "bot")
	}
	in := []arena.PlayerInput{{Player: 1, Buttons: arena.Thrust}, {Player: 2, Buttons: arena.Fire}}
	for range 60 {
		w.Step(in, nil)
		rec.Step(in, w.Hash())
	}
	data, err := rec.FinishAt(ended)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func ids(infos []*arenav1.ReplayInfo) []string {
	out := make([]string, len(infos))
	for i, info := range infos {
		out[i] = info.Id
	}
	return out
}

func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestStoreSaveListKeepReload(t *testing.T) {
	dir := t.TempDir()
	s, err := NewStore(dir, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Unix(1_700_000_000, 0)
	var saved []*arenav1.ReplayInfo
	var files [][]byte
	for i := range 5 {
		data := makeReplay(t, "room/α", uint32(i+1), base.Add(time.Duration(i)*time.Minute))
		info, err := s.Save(data)
		if err != nil {
			t.Fatalf("Save %d: %v", i, err)
		}
		sum := sha256.Sum256(data)
		if !ValidID(info.Id) || info.Size != uint64(len(data)) || !bytes.Equal(info.Sha256, sum[:]) ||
			info.MatchNumber != uint32(i+1) || info.RoomId != "room/α" || info.Ticks != 60 ||
			info.EndedUnixMs != base.Add(time.Duration(i)*time.Minute).UnixMilli() || !slices.Equal(info.Players, []string{"bot", "bot"}) {
			t.Errorf("Save %d = %v", i, info)
		}
		saved = append(saved, info)
		files = append(files, data)
	}
	want := []string{saved[4].Id, saved[3].Id, saved[2].Id}
	if got := ids(s.List()); !slices.Equal(got, want) {
		t.Errorf("List = %v, want the newest three %v", got, want)
	}
	if got := dirFiles(t, dir); len(got) != 3 {
		t.Errorf("directory holds %v, want the three kept files", got)
	}
	if _, _, err := s.Open(saved[0].Id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open of a replay past the keep limit = %v, want ErrNotFound", err)
	}

	// Saving the same file again stores it once.
	again, err := s.Save(files[4])
	if err != nil || again.Id != saved[4].Id || len(s.List()) != 3 {
		t.Errorf("saving again = %v, %v with %d listed; want id %s and 3 listed", again, err, len(s.List()), saved[4].Id)
	}

	// A restarted server lists the same replays, skips what is not one,
	// and clears what a crash left.
	if err := os.WriteFile(filepath.Join(dir, "junk.replay"), []byte("not a replay"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".half.replay-123.tmp"), []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	s2, err := NewStore(dir, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(s2.List()); !slices.Equal(got, want) {
		t.Errorf("after a restart List = %v, want %v", got, want)
	}
	if got := s2.List()[0]; !bytes.Equal(got.Sha256, saved[4].Sha256) || got.Size != saved[4].Size {
		t.Errorf("after a restart the newest is %v, want %v", got, saved[4])
	}
	if slices.Contains(dirFiles(t, dir), ".half.replay-123.tmp") {
		t.Error("the leftover temporary file is still there")
	}

	f, info, err := s2.Open(want[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	if st.Size() != int64(info.Size) {
		t.Errorf("Open gave a file of %d bytes, info says %d", st.Size(), info.Size)
	}
}

func TestStoreRejectsBadFiles(t *testing.T) {
	s, err := NewStore(t.TempDir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save([]byte("garbage")); !errors.Is(err, replay.ErrFormat) {
		t.Errorf("Save(garbage) = %v, want replay.ErrFormat", err)
	}
	for _, id := range []string{"nope", "../etc/passwd", ""} {
		if _, _, err := s.Open(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q) = %v, want ErrNotFound", id, err)
		}
	}
}

func TestMakeID(t *testing.T) {
	sum := sha256.Sum256([]byte("x"))
	tests := []struct {
		room string
		want string
	}{
		{"lobby", "lobby-7-2d711642b726b044"},
		{"../../etc", "______etc-7-2d711642b726b044"},
		{"", "room-7-2d711642b726b044"},
		{"ünï", "_n_-7-2d711642b726b044"},
	}
	for _, tt := range tests {
		if got := makeID(tt.room, 7, sum[:]); got != tt.want || !ValidID(got) {
			t.Errorf("makeID(%q) = %q, want %q", tt.room, got, tt.want)
		}
	}
}
