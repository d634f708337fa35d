package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"google.golang.org/protobuf/proto"

	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
)

// replayListScene is a seated match's replay list of one replay served by
// srv, loaded, with its cache in dir ("" for memory) and downloads tried
// attempts times.
func replayListScene(t *testing.T, srv *streamServer, info *arenav1.ReplayInfo, dir string, attempts int) (*app, *replayScene) {
	t.Helper()
	a, m, net, _ := seatedMatch(t)
	net.replayBase = srv.base()
	net.answer = func(arenav1.Method) ([]byte, error) {
		return proto.Marshal(&arenav1.ReplayList{Replays: []*arenav1.ReplayInfo{info}, DownloadPath: "/replays"})
	}
	s := newReplayScene(a, m)
	s.dir = dir
	s.dlOpts = replay.DownloadOptions{MaxAttempts: attempts, Backoff: time.Millisecond}
	waitScene(t, a, s, func(Scene) bool { return s.list != nil })
	t.Cleanup(func() {
		if s.fetch != nil {
			s.fetch.stop()
		}
	})
	return a, s
}

func enter() *Input {
	in := &Input{}
	in.Press(ebiten.KeyEnter)
	return in
}

// fetchEnded waits for the download under way to end, and returns the
// scene after it.
func fetchEnded(t *testing.T, a *app, s *replayScene) Scene {
	t.Helper()
	return waitScene(t, a, s, func(sc Scene) bool { return sc != Scene(s) || !s.fetching })
}

func TestReplayDownloadResumesAndPlays(t *testing.T) {
	file := recordBotMatch(t, 4, 600)
	cut := int64(len(file) / 2)
	tests := []struct {
		name     string
		disk     bool
		attempts int // 1: the cut fails the download and Enter resumes it
	}{
		{"memory, Enter resumes", false, 1},
		{"cache, Enter resumes", true, 1},
		{"cache, retried by itself", true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newStreamServer(t, "room-1-4", file, cut)
			dir := ""
			if tt.disk {
				dir = t.TempDir()
			}
			a, s := replayListScene(t, srv, replayInfo("room-1-4", file), dir, tt.attempts)
			next := fetchEnded(t, a, step(t, a, s, enter(), time.Now()).(*replayScene))
			if tt.attempts == 1 {
				if next != Scene(s) || s.fetchErr == nil {
					t.Fatalf("after the cut: scene %T, error %v; want the list with an error", next, s.fetchErr)
				}
				if s.progress.done != cut || s.progress.total != int64(len(file)) {
					t.Errorf("progress after the cut = %+v, want %d of %d", s.progress, cut, len(file))
				}
				if tt.disk {
					st, err := os.Stat(filepath.Join(dir, "room-1-4"+replayPartExt))
					if err != nil || st.Size() != cut {
						t.Errorf("partial file: %v, %v; want %d bytes kept", st, err, cut)
					}
				}
				next = fetchEnded(t, a, step(t, a, s, enter(), time.Now()).(*replayScene))
			}
			pb, ok := next.(*playbackScene)
			if !ok {
				t.Fatalf("after the download: scene %T (error %v), want the playback", next, s.fetchErr)
			}
			t.Cleanup(pb.player.close)
			if got, want := srv.asked(), []int64{0, cut}; !slices.Equal(got, want) {
				t.Errorf("offsets asked for = %v, want %v (resumed at the cut)", got, want)
			}
			if pb.player.total() != 600 || pb.player.r.Match != 4 {
				t.Errorf("playing %d ticks of match %d, want 600 of match 4", pb.player.total(), pb.player.r.Match)
			}
			if tt.disk {
				got, err := os.ReadFile(filepath.Join(dir, "room-1-4"+replayExt))
				if err != nil || !bytes.Equal(got, file) {
					t.Errorf("cached file: %d bytes, %v; want the replay", len(got), err)
				}
				if _, err := os.Stat(filepath.Join(dir, "room-1-4"+replayPartExt)); !os.IsNotExist(err) {
					t.Errorf("partial file left behind: %v", err)
				}
			}
		})
	}
}

func TestReplayCachedIsNotDownloadedAgain(t *testing.T) {
	file := recordBotMatch(t, 2, 200)
	srv := newStreamServer(t, "r2", file, 0)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "r2"+replayExt), file, 0o644); err != nil {
		t.Fatal(err)
	}
	a, s := replayListScene(t, srv, replayInfo("r2", file), dir, 1)
	next := fetchEnded(t, a, step(t, a, s, enter(), time.Now()).(*replayScene))
	pb, ok := next.(*playbackScene)
	if !ok {
		t.Fatalf("scene %T (error %v), want the playback", next, s.fetchErr)
	}
	pb.player.close()
	if n := len(srv.asked()); n != 0 {
		t.Errorf("the server was asked %d times, want none: the cache has it", n)
	}
}

func TestReplayDownloadRefused(t *testing.T) {
	file := recordBotMatch(t, 2, 200)
	tests := []struct {
		name    string
		info    func(*arenav1.ReplayInfo)
		want    string
		partial bool // the partial file is kept
	}{
		{"checksum", func(i *arenav1.ReplayInfo) { i.Sha256[0] ^= 1 }, "SHA-256 does not match", false},
		{"no checksum", func(i *arenav1.ReplayInfo) { i.Sha256 = nil }, "no SHA-256", false},
		{"unknown id", func(i *arenav1.ReplayInfo) { i.Id = "gone" }, "404", false},
		{"listed too small", func(i *arenav1.ReplayInfo) { i.Size = 100 }, "more bytes than the replay list", true},
		{"listed too big", func(i *arenav1.ReplayInfo) { i.Size = replay.MaxFileSize + 1 }, "want 1 to", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newStreamServer(t, "r3", file, 0)
			info := replayInfo("r3", file)
			tt.info(info)
			dir := t.TempDir()
			a, s := replayListScene(t, srv, info, dir, 1)
			next := fetchEnded(t, a, step(t, a, s, enter(), time.Now()).(*replayScene))
			if next != Scene(s) || s.fetchErr == nil || !strings.Contains(s.fetchErr.Error(), tt.want) {
				t.Fatalf("scene %T, error %v; want the list with an error saying %q", next, s.fetchErr, tt.want)
			}
			_, err := os.Stat(filepath.Join(dir, info.Id+replayPartExt))
			if kept := err == nil; kept != tt.partial && tt.name != "unknown id" {
				t.Errorf("partial file kept = %v, want %v", kept, tt.partial)
			}
		})
	}
}

func TestReplayDownloadCancelledByEsc(t *testing.T) {
	file := recordBotMatch(t, 2, 200)
	cut := int64(len(file) / 3)
	srv := newStreamServer(t, "r4", file, cut)
	srv.stall = make(chan struct{})
	t.Cleanup(func() { close(srv.stall) })
	a, s := replayListScene(t, srv, replayInfo("r4", file), "", 1)
	step(t, a, s, enter(), time.Now())
	waitScene(t, a, s, func(Scene) bool { return s.progress.done == cut })
	esc := &Input{}
	esc.Press(ebiten.KeyEscape)
	next := step(t, a, s, esc, time.Now())
	if next != Scene(s) || s.fetching || s.fetchErr == nil {
		t.Fatalf("Esc during a download: scene %T, fetching %v, error %v; want the list, stopped, saying so",
			next, s.fetching, s.fetchErr)
	}
	// Enter resumes from the bytes kept.
	next = fetchEnded(t, a, step(t, a, s, enter(), time.Now()).(*replayScene))
	pb, ok := next.(*playbackScene)
	if !ok {
		t.Fatalf("after the retry: scene %T (error %v), want the playback", next, s.fetchErr)
	}
	pb.player.close()
	if got, want := srv.asked(), []int64{0, cut}; !slices.Equal(got, want) {
		t.Errorf("offsets asked for = %v, want %v", got, want)
	}
	if next := step(t, a, pb, esc, time.Now()); next != Scene(s) {
		t.Errorf("Esc in the playback went to %T, want the list", next)
	}
	if next := step(t, a, s, esc, time.Now()); next != Scene(s.match) {
		t.Errorf("Esc on the list went to %T, want the match", next)
	}
}

func TestRateMeter(t *testing.T) {
	var m rateMeter
	t0 := time.Unix(0, 0)
	m.reset(t0, 1000)
	m.add(t0.Add(100*time.Millisecond), 5000) // too soon: no figure yet
	if m.rate != 0 {
		t.Errorf("rate after 100 ms = %v, want 0 until %v", m.rate, rateEvery)
	}
	m.add(t0.Add(time.Second), 11000)
	if m.rate != 10000 {
		t.Errorf("rate = %v B/s, want 10000 (10000 bytes in 1 s)", m.rate)
	}
}

func TestValidCacheName(t *testing.T) {
	for id, want := range map[string]bool{
		"room-1-4": true, "a_b.c": true, "": false, ".hidden": false, "../x": false,
		"a/b": false, `a\b`: false, strings.Repeat("a", 129): false,
	} {
		if got := validCacheName(id); got != want {
			t.Errorf("validCacheName(%q) = %v, want %v", id, got, want)
		}
	}
}
