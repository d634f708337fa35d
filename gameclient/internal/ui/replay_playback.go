package ui

import (
	"fmt"
	"image/color"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/gamesock/gamesock/gameclient/internal/netcode"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
)

// playbackShotAfter is how long the playback plays before its screenshot.
const playbackShotAfter = 3 * time.Second

// playbackScene plays a replay back: the world re-simulated by a
// replayPlayer, drawn by the match's drawing code with the camera on the
// leading ship, or the whole arena at once (Tab). The match goes on
// underneath, so the connection keeps being drained.
type playbackScene struct {
	app    *app
	list   *replayScene // where Esc goes back to
	title  string
	player *replayPlayer

	// render is a match scene used only to draw: its view, camera,
	// roster and effects are the replay's.
	render   *matchScene
	view     netcode.View
	overview bool
	last     time.Time // the previous Update's time
	started  time.Time
}

func newPlaybackScene(a *app, list *replayScene, r *replay.Replay, title string) *playbackScene {
	s := &playbackScene{app: a, list: list, title: title, player: newReplayPlayer(r),
		render: newMatchScene(a, nil, ""), started: a.now}
	for _, e := range r.Roster {
		s.render.roster[e.Ship] = RosterEntry{Ship: e.Ship, Name: e.Name, Bot: e.Bot}
	}
	s.render.seated = true
	s.render.seat.TickRate = arena.TickRate
	s.render.view = &s.view
	s.render.latest = s.player.world
	s.refresh(a.now)
	return s
}

// Update plays the replay on by the time since the last Update and reads
// the keys: Space pause, 1/2/4 and Up/Down (or +/-) speed, Left/Right
// seek, Tab the camera, Esc back to the list.
func (s *playbackScene) Update(in *Input) (Scene, error) {
	now := s.app.now
	keepMatch(s.list.match, now)
	p := s.player
	switch {
	case in.Pressed(ebiten.KeyEscape):
		p.close()
		return s.list.back(), nil
	case in.Pressed(ebiten.KeySpace):
		p.togglePause()
	case in.Pressed(ebiten.KeyDigit1):
		p.setSpeed(1)
	case in.Pressed(ebiten.KeyDigit2):
		p.setSpeed(2)
	case in.Pressed(ebiten.KeyDigit4):
		p.setSpeed(4)
	case in.Pressed(ebiten.KeyArrowUp) || in.Pressed(ebiten.KeyEqual) || in.Pressed(ebiten.KeyNumpadAdd):
		p.faster()
	case in.Pressed(ebiten.KeyArrowDown) || in.Pressed(ebiten.KeyMinus) || in.Pressed(ebiten.KeyNumpadSubtract):
		p.slower()
	case in.Pressed(ebiten.KeyArrowLeft):
		p.seek(-seekStep)
	case in.Pressed(ebiten.KeyArrowRight):
		p.seek(seekStep)
	case in.Pressed(ebiten.KeyTab):
		s.overview = !s.overview
	}
	dt := time.Duration(0)
	if !s.last.IsZero() {
		dt = now.Sub(s.last)
	}
	s.last = now
	before := p.tick
	steps := p.advance(dt)
	if p.tick < before {
		// Went back: what was alive then is not known.
		clear(s.render.alive)
		s.render.fx = s.render.fx[:0]
	}
	s.refresh(now)
	if steps <= 4 { // not while a seek runs through ticks by the hundred
		s.render.detectExplosions(now)
	}
	if now.Sub(s.started) >= playbackShotAfter {
		s.app.shots.request("replay")
	}
	return nil, nil
}

// refresh rebuilds the view from the player's world and moves the camera.
func (s *playbackScene) refresh(now time.Time) {
	p, r := s.player, s.render
	var prev *arena.World
	if p.prevOK {
		prev = p.prev
	}
	fillView(&s.view, prev, p.world, p.frac())
	r.latest = p.world
	if l, ok := leader(&s.view); ok {
		x, y := l.Pose.Pixels()
		if !r.camReady || p.catchingUp() {
			r.camX, r.camY, r.camReady = x, y, true
		} else {
			r.camX += (x - r.camX) * 0.15
			r.camY += (y - r.camY) * 0.15
		}
	} else if !r.camReady {
		cfg := p.world.Config
		r.camX, r.camY = float64(cfg.Width)/arena.Sub/2, float64(cfg.Height)/arena.Sub/2
	}
	kept := r.fx[:0]
	for _, e := range r.fx {
		if now.Sub(e.born) < explosionLife {
			kept = append(kept, e)
		}
	}
	r.fx = kept
}

// close ends the tick reader and the connection (the game is closing).
func (s *playbackScene) close() {
	s.player.close()
	s.list.close()
}

// Draw draws the world, the title and the timeline.
func (s *playbackScene) Draw(screen *ebiten.Image) {
	a, r := s.app, s.render
	if s.overview {
		drawBackdrop(screen, a, 0, 0)
		drawOverview(screen, a, &s.view, s.player.world.Config, r.nameOf)
	} else {
		drawBackdrop(screen, a, r.camX, r.camY)
		r.drawWorld(screen)
	}
	s.drawBar(screen)
}

// drawBar draws the title at the top and, at the bottom, the timeline
// with the playback's state and the keys.
func (s *playbackScene) drawBar(screen *ebiten.Image) {
	a, p := s.app, s.player
	f := a.font
	f.drawCentered(screen, clip("REPLAY  "+s.title, 70), ScreenWidth/2, 14, textStyle{scale: 2, color: colOwn, shadow: true})
	if s.view.Match.Phase == arena.Results {
		f.drawCentered(screen, "MATCH OVER", ScreenWidth/2, 40, textStyle{scale: 2, color: colWarn, shadow: true})
	}
	const x, y, w = 40.0, ScreenHeight - 96, ScreenWidth - 80
	panel(screen, x-10, y-10, w+20, 86, colPanel, colEdge)
	total := max(p.total(), 1)
	frac := min(p.pos/float64(total), 1)
	vector.FillRect(screen, x, y, w, 10, color.RGBA{30, 40, 70, 255}, false)
	vector.FillRect(screen, x, y, float32(w*frac), 10, colOwn, false)
	if p.catchingUp() {
		done := float64(p.tick) / float64(total)
		vector.FillRect(screen, x, y+10, float32(w*done), 3, colWarn, false)
	}
	state := fmt.Sprintf("%s / %s   tick %d / %d   %gx", clock(uint64(p.pos)), clock(total), p.tick, total, p.speed)
	switch {
	case p.err != nil:
		state = "stopped: " + p.err.Error()
	case p.catchingUp():
		state += "   seeking" + dots(a.now)
	case p.ended():
		state += "   END"
	case p.paused:
		state += "   PAUSED"
	}
	st := textStyle{scale: 2, color: colText}
	if p.err != nil {
		st.color = colBad
	}
	f.draw(screen, clip(state, 100), x, y+20, st)
	camera := "camera: leader"
	if s.overview {
		camera = "camera: whole arena"
	}
	f.draw(screen, "Space pause  1/2/4 Up/Down speed  Left/Right 10s  Tab "+camera+"  Esc list",
		x, y+48, textStyle{scale: 2, color: colDim})
}
