package ui

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/gamesock/gamesock/gameclient/internal/netcode"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
)

// parsedMatch records and parses a bot match, and returns the world's
// hash after every tick, as replay.Play gives them.
func parsedMatch(t *testing.T, ships, ticks int) (*replay.Replay, []uint64) {
	t.Helper()
	r, err := replay.Parse(recordBotMatch(t, ships, ticks))
	if err != nil {
		t.Fatal(err)
	}
	hashes := []uint64{0}
	if err := r.Play(func(w *arena.World, _ []arena.Event) bool {
		hashes = append(hashes, w.Hash())
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return r, hashes
}

// play advances p by d in 1/60 s frames, as the game does.
func play(p *replayPlayer, d time.Duration) {
	const frame = time.Second / 60
	for range int(d / frame) {
		p.advance(frame)
	}
}

// near reports whether the player's tick is want, give or take one (the
// frames' floating point).
func near(p *replayPlayer, want uint64) bool {
	return p.tick+1 >= want && p.tick <= want+1
}

func TestReplayPlayerSpeedPauseSeek(t *testing.T) {
	r, hashes := parsedMatch(t, 6, 1500)
	p := newReplayPlayer(r)
	defer p.close()
	checkWorld := func(when string) {
		t.Helper()
		if got := p.world.Hash(); got != hashes[p.tick] {
			t.Fatalf("%s: world at tick %d hashes %x, replay.Play's %x", when, p.tick, got, hashes[p.tick])
		}
	}

	play(p, time.Second)
	if !near(p, 30) {
		t.Fatalf("after 1 s at 1x: tick %d, want 30", p.tick)
	}
	checkWorld("1x")

	tests := []struct {
		key   func()
		speed float64
	}{
		{p.slower, 0.5}, {p.slower, 0.5}, {p.faster, 1}, {p.faster, 2}, {p.faster, 4}, {p.faster, 4},
		{func() { p.setSpeed(2) }, 2}, {func() { p.setSpeed(99) }, 4},
	}
	for i, tt := range tests {
		tt.key()
		if p.speed != tt.speed {
			t.Errorf("speed change %d: %gx, want %gx", i, p.speed, tt.speed)
		}
	}
	p.setSpeed(2)
	from := p.tick
	play(p, time.Second)
	if !near(p, from+60) {
		t.Errorf("after 1 s at 2x from tick %d: tick %d, want %d", from, p.tick, from+60)
	}
	checkWorld("2x")

	p.togglePause()
	from = p.tick
	play(p, time.Second)
	if p.tick != from {
		t.Errorf("paused: went from tick %d to %d", from, p.tick)
	}
	p.togglePause()

	// Forward 10 s: 300 ticks, in one Update.
	from = p.tick
	p.seek(seekStep)
	if n := p.advance(0); n != 300 && n != 299 || !near(p, from+300) {
		t.Errorf("seek +10 s from tick %d stepped %d ticks to %d, want 300", from, n, p.tick)
	}
	checkWorld("seek forward")

	// To the end, then back 10 s: from the start, bounded per Update.
	p.seek(time.Hour)
	updates := 0
	for p.tick < p.total() {
		if n := p.advance(0); n > maxStepsPerUpdate {
			t.Fatalf("one Update stepped %d ticks, the bound is %d", n, maxStepsPerUpdate)
		}
		updates++
		if updates > 10 {
			t.Fatal("never reached the end")
		}
	}
	if !p.ended() {
		t.Errorf("at tick %d of %d, not ended", p.tick, p.total())
	}
	checkWorld("end")
	p.seek(-seekStep)
	if p.tick != 0 {
		t.Fatalf("seeking back left the world at tick %d, want a restart", p.tick)
	}
	want := p.total() - 300
	updates = 0
	for p.tick < want {
		if !p.catchingUp() && p.tick+1 < want {
			t.Fatalf("at tick %d of %d, not catching up", p.tick, want)
		}
		p.advance(0)
		updates++
		if updates > 10 {
			t.Fatal("seeking back never got there")
		}
	}
	if updates < 2 || p.tick != want {
		t.Errorf("seek back: tick %d after %d Updates; want %d over several (at most %d a frame)", p.tick, updates, want, maxStepsPerUpdate)
	}
	checkWorld("seek back")
}

func TestReplayPlayerStopsAtDivergence(t *testing.T) {
	r, _ := parsedMatch(t, 2, 200)
	r.Hashes[1] ^= 1 // the hash after tick 60
	p := newReplayPlayer(r)
	defer p.close()
	p.seek(seekStep)
	p.advance(0)
	de, ok := errors.AsType[*replay.DivergenceError](p.err)
	if !ok || de.Tick != 60 || p.tick != 60 {
		t.Fatalf("error %v at tick %d, want a divergence at tick 60", p.err, p.tick)
	}
	from := p.pos
	play(p, time.Second)
	if p.pos != from {
		t.Error("playback went on after the divergence")
	}
}

func TestFillViewInterpolates(t *testing.T) {
	cfg := arena.DefaultConfig()
	prev := arena.New(cfg, 1)
	if err := prev.Join(1, false); err != nil {
		t.Fatal(err)
	}
	prev.Step(nil, nil)
	cur := prev.Clone()
	s := cur.Ship(1)
	s.Pos.X += 10 * arena.Sub
	s.Angle = 65000 // across 0 from prev's: the short way
	prev.Ship(1).Angle = 500
	cur.Tick++
	var v netcode.View
	fillView(&v, prev, cur, 0.5)
	if len(v.Ships) != 1 {
		t.Fatalf("%d ships in the view, want 1", len(v.Ships))
	}
	got := v.Ships[0].Pose
	wantX := float64(prev.Ship(1).Pos.X) + 5*arena.Sub
	// From 500 to 65000 the short way is 1036 back, through 0.
	if got.X != wantX || math.Abs(got.Angle-65518) > 0.5 {
		t.Errorf("halfway pose %+v, want x %v and angle 65518 (the short way)", got, wantX)
	}
	// A jump (a respawn) is not interpolated.
	s.Pos.X += 500 * arena.Sub
	fillView(&v, prev, cur, 0.5)
	if v.Ships[0].Pose.X != float64(s.Pos.X) {
		t.Errorf("a ship that jumped is drawn at %v, want where it is now (%d)", v.Ships[0].Pose.X, s.Pos.X)
	}
}

func TestPlaybackSceneKeys(t *testing.T) {
	r, _ := parsedMatch(t, 4, 900)
	a, m, _, now := seatedMatch(t)
	list := &replayScene{app: a, match: m}
	pb := newPlaybackScene(a, list, r, "test")
	defer pb.player.close()
	var s Scene = pb
	frame := time.Second / 60
	press := func(k ebiten.Key) {
		in := &Input{}
		in.Press(k)
		now = now.Add(frame)
		s = step(t, a, s, in, now)
	}
	run := func(d time.Duration) {
		for range int(d / frame) {
			now = now.Add(frame)
			s = step(t, a, s, nil, now)
		}
	}
	run(time.Second)
	if !near(pb.player, 30) {
		t.Fatalf("after 1 s: tick %d, want 30", pb.player.tick)
	}
	if pb.view.Empty || len(pb.view.Ships) != 4 {
		t.Errorf("view has %d ships, want the 4 bots", len(pb.view.Ships))
	}
	press(ebiten.KeyDigit4)
	from := pb.player.tick
	run(time.Second)
	if !near(pb.player, from+120) {
		t.Errorf("1 s at 4x from %d: tick %d, want %d", from, pb.player.tick, from+120)
	}
	press(ebiten.KeySpace)
	from = pb.player.tick
	run(time.Second)
	if pb.player.tick != from || !pb.player.paused {
		t.Errorf("paused at %d, now at %d", from, pb.player.tick)
	}
	press(ebiten.KeyArrowRight)
	if !near(pb.player, from+300) {
		t.Errorf("Right from %d: tick %d, want %d", from, pb.player.tick, from+300)
	}
	press(ebiten.KeyArrowLeft)
	press(ebiten.KeyArrowLeft)
	if pb.player.tick > from {
		t.Errorf("Left twice from %d: tick %d, want before %d", from+300, pb.player.tick, from)
	}
	press(ebiten.KeyTab)
	if !pb.overview {
		t.Error("Tab did not switch to the whole arena")
	}
	if pb.render.camX == 0 && pb.render.camY == 0 {
		t.Error("the camera never moved to a ship")
	}
	press(ebiten.KeyEscape)
	if s != Scene(list) {
		t.Errorf("Esc went to %T, want the list", s)
	}
}
