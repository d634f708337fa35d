//go:build replayshot

// This file is a hook for a person to look at the replay scenes: it opens
// a real window (under Xvfb: xvfb-run -a -s "-screen 0 1280x720x24"), runs
// the replay list against a test download server, downloads a bot match
// (cut once half-way), plays it and saves screenshots of the download
// bar, the playback following the leader, and the whole-arena view:
//
//	xvfb-run -a -s "-screen 0 1280x720x24" go test -tags replayshot -run TestReplayScreenshots ./gameclient/internal/ui
//
// It needs a display, so it is not part of the ordinary tests.

package ui

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
)

// shotGame drives scenes with scripted keys, frame by frame, and asks
// for screenshots along the way.
type shotGame struct {
	a      *app
	list   *replayScene
	scene  Scene
	frame  int
	phase  int
	err    error
	marked int
}

func (g *shotGame) Update() error {
	g.a.tick()
	g.frame++
	in := &Input{}
	_, playing := g.scene.(*playbackScene)
	switch {
	case g.phase == 0 && g.list.list != nil && g.frame > 30:
		in.Press(ebiten.KeyEnter) // the cut download fails
		g.phase = 1
	case g.phase == 1 && !g.list.fetching && g.list.fetchErr != nil:
		g.a.shots.request("replay-list-error")
		g.phase, g.marked = 2, g.frame
	case g.phase == 2 && g.frame > g.marked+20:
		in.Press(ebiten.KeyEnter) // resumes
		g.phase = 3
	case g.phase == 3 && playing:
		g.phase, g.marked = 4, g.frame
	case g.phase == 4 && g.frame == g.marked+150:
		in.Press(ebiten.KeyDigit2)
	case g.phase == 4 && g.frame == g.marked+240:
		g.a.shots.request("replay-follow")
	case g.phase == 4 && g.frame == g.marked+250:
		in.Press(ebiten.KeyTab)
	case g.phase == 4 && g.frame == g.marked+300:
		g.a.shots.request("replay-overview")
	case g.phase == 4 && g.frame == g.marked+310:
		return ebiten.Termination
	case g.frame > 60*60:
		g.err = errTimeout
		return ebiten.Termination
	}
	next, err := g.scene.Update(in)
	if err != nil {
		return err
	}
	if next != nil {
		g.scene = next
	}
	return nil
}

func (g *shotGame) Draw(screen *ebiten.Image) {
	g.scene.Draw(screen)
	g.a.shots.capture(screen)
}

func (g *shotGame) Layout(int, int) (int, int) { return ScreenWidth, ScreenHeight }

type timeoutError struct{}

func (timeoutError) Error() string { return "the scripted replay run took over a minute" }

var errTimeout = timeoutError{}

func TestReplayScreenshots(t *testing.T) {
	file := recordBotMatch(t, 8, 1200)
	cut := int64(len(file) / 2)
	srv := newStreamServer(t, "room-1-4", file, cut)
	dir := filepath.Join(os.TempDir(), "gamesock-replayshot")
	a, s := replayListScene(t, srv, replayInfo("room-1-4", file), "", 1)
	a.shots = newShooter(dir, a.log)
	g := &shotGame{a: a, list: s, scene: s}
	ebiten.SetWindowSize(ScreenWidth, ScreenHeight)
	if err := ebiten.RunGame(g); err != nil {
		t.Fatal(err)
	}
	if g.err != nil {
		t.Fatal(g.err)
	}
	if err := a.shots.wait(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"replay-list-error", "replay-follow", "replay-overview"} {
		p := filepath.Join(dir, name+".png")
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("screenshot %s: %v", p, err)
		}
		t.Logf("screenshot: %s", p)
	}
}
