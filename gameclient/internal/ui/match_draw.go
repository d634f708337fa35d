package ui

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/gamesock/gamesock/gameclient/internal/netcode"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/sdk/session"
)

// Draw draws the match: the world around the camera, then the HUD.
func (m *matchScene) Draw(screen *ebiten.Image) {
	a := m.app
	drawBackdrop(screen, a, m.camX, m.camY)
	if m.seated && m.view != nil && !m.view.Empty {
		m.drawWorld(screen)
	}
	m.drawHUD(screen)
	switch {
	case m.closed != nil:
		m.overlay(screen, "connection lost", m.closed.Error(), "Enter: reconnect   Esc: back")
	case m.status == session.Reconnecting:
		m.overlay(screen, "reconnecting"+dots(a.now), reason(m.dropErr, m.attempt), "the match resumes when the connection is back")
	case !m.seated:
		m.overlay(screen, "joining a room"+dots(a.now), "", "")
	}
}

// toScreen is where the camera puts the world point (x, y), in pixels.
func (m *matchScene) toScreen(x, y float64) (float64, float64) {
	return x - m.camX + ScreenWidth/2, y - m.camY + ScreenHeight/2
}

// arenaConfig is the rules the world is drawn with.
func (m *matchScene) arenaConfig() arena.Config {
	if m.latest != nil && m.latest.Config.Width > 0 {
		return m.latest.Config
	}
	return arena.DefaultConfig()
}

func (m *matchScene) drawWorld(screen *ebiten.Image) {
	a, v := m.app, m.view
	m.drawWalls(screen)
	t := v.Tick
	for _, p := range v.Pickups {
		if int(p.Kind) >= len(a.art.pickups) || a.art.pickups[p.Kind] == nil {
			continue
		}
		x, y := m.toScreen(float64(p.Pos.X)/arena.Sub, float64(p.Pos.Y)/arena.Sub)
		bob := math.Sin(t/8+float64(p.ID)) * 3
		drawSprite(screen, a.art.pickups[p.Kind], x, y+bob, 0, 1, nil)
	}
	for i := range v.Asteroids {
		r := &v.Asteroids[i]
		size := min(max(int(r.Size), 1), 3)
		img := a.art.asteroids[size][int(r.ID)%len(a.art.asteroids[size])]
		x, y := m.toScreen(r.Pose.Pixels())
		spin := t / 60 * float64(int(r.ID%7)-3) / 3
		drawSprite(screen, img, x, y, spin, 1, nil)
	}
	for i := range v.Bullets {
		b := &v.Bullets[i]
		x, y := m.toScreen(b.Pose.Pixels())
		// The bullet is near white: tinted, it shows whose it is.
		var cs ebiten.ColorScale
		cs.ScaleWithColor(lighten(a.art.palette[shipPalette(b.Owner, m.seat.Ship)]))
		drawSprite(screen, a.art.bullet, x, y, 0, 1, &cs)
	}
	for i := range v.Ships {
		s := &v.Ships[i]
		if s.Alive {
			m.drawShip(screen, &s.Ship, s.Pose)
		}
	}
	if m.ownAlive {
		m.drawShip(screen, &m.ownShip, m.ownPose)
	}
	for _, e := range m.fx {
		m.drawExplosion(screen, e)
	}
}

// drawWalls draws the arena's edge and a faint grid inside it, which shows
// motion when nothing else is near.
func (m *matchScene) drawWalls(screen *ebiten.Image) {
	cfg := m.arenaConfig()
	w, h := float64(cfg.Width)/arena.Sub, float64(cfg.Height)/arena.Sub
	x0, y0 := m.toScreen(0, 0)
	const grid = 200.0
	gc := color.RGBA{30, 40, 80, 255}
	for gx := grid; gx < w; gx += grid {
		sx := float32(x0 + gx)
		if sx >= 0 && sx <= ScreenWidth {
			vector.StrokeLine(screen, sx, float32(max(y0, 0)), sx, float32(min(y0+h, ScreenHeight)), 1, gc, false)
		}
	}
	for gy := grid; gy < h; gy += grid {
		sy := float32(y0 + gy)
		if sy >= 0 && sy <= ScreenHeight {
			vector.StrokeLine(screen, float32(max(x0, 0)), sy, float32(min(x0+w, ScreenWidth)), sy, 1, gc, false)
		}
	}
	vector.StrokeRect(screen, float32(x0)-3, float32(y0)-3, float32(w)+6, float32(h)+6, 6, color.RGBA{60, 120, 255, 120}, false)
	vector.StrokeRect(screen, float32(x0), float32(y0), float32(w), float32(h), 2, color.RGBA{140, 200, 255, 255}, false)
}

// drawSprite draws img centred on (x, y), turned by rad counterclockwise
// as seen on the screen.
func drawSprite(dst, img *ebiten.Image, x, y, rad, scale float64, cs *ebiten.ColorScale) {
	b := img.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	if x < -w*scale || y < -h*scale || x > ScreenWidth+w*scale || y > ScreenHeight+h*scale {
		return
	}
	var op ebiten.DrawImageOptions
	op.GeoM.Translate(-w/2, -h/2)
	op.GeoM.Rotate(-rad)
	op.GeoM.Scale(scale, scale)
	op.GeoM.Translate(x, y)
	op.Filter = ebiten.FilterLinear
	if cs != nil {
		op.ColorScale = *cs
	}
	dst.DrawImage(img, &op)
}

// drawShip draws a ship with its flame, shield, name and health.
func (m *matchScene) drawShip(screen *ebiten.Image, s *arena.Ship, p netcode.Pose) {
	a := m.app
	x, y := m.toScreen(p.Pixels())
	rad := p.Radians()
	pal := shipPalette(s.ID, m.seat.Ship)
	if s.LastInput&arena.Thrust != 0 {
		// The flame is centred on the ship; it flickers.
		flicker := 0.9 + 0.15*math.Sin(float64(a.now.UnixMilli())/25+float64(s.ID))
		drawSprite(screen, a.art.flame, x, y, rad, flicker, nil)
	}
	drawSprite(screen, a.art.ships[pal], x, y, rad, 1, nil)
	if s.Shield > 0 {
		var cs ebiten.ColorScale
		cs.ScaleAlpha(float32(0.6 + 0.4*math.Sin(float64(a.now.UnixMilli())/120)))
		drawSprite(screen, a.art.shield, x, y, 0, 1, &cs)
	}
	name := clip(m.nameOf(s.ID), 16)
	a.font.drawCentered(screen, name, x, y-34, textStyle{color: a.art.palette[pal], shadow: true})
	cfg := m.arenaConfig()
	if hp := int(s.Health); hp > 0 && cfg.ShipHealth > 0 {
		const bw = 36
		frac := float32(min(hp, cfg.ShipHealth)) / float32(cfg.ShipHealth)
		vector.FillRect(screen, float32(x)-bw/2, float32(y)+22, bw, 3, color.RGBA{60, 20, 20, 200}, false)
		vector.FillRect(screen, float32(x)-bw/2, float32(y)+22, bw*frac, 3, colGood, false)
	}
}

// drawExplosion plays the explosion's frames where a ship died, over a
// shock ring in the ship's colour.
func (m *matchScene) drawExplosion(screen *ebiten.Image, e explosion) {
	x, y := m.toScreen(e.x, e.y)
	k := float64(m.app.now.Sub(e.born)) / float64(explosionLife)
	if k < 0 || k >= 1 {
		return
	}
	c := e.c
	c.A = uint8(200 * (1 - k))
	vector.StrokeCircle(screen, float32(x), float32(y), float32(14+70*k), float32(4*(1-k)+1), c, false)
	frames := m.app.art.explosions
	frame := min(int(k*float64(len(frames))), len(frames)-1)
	drawSprite(screen, frames[frame], x, y, float64(e.born.UnixMilli()%628)/100, 1.4, nil)
}

// lighten mixes c halfway to white.
func lighten(c color.RGBA) color.RGBA {
	return color.RGBA{c.R/2 + 128, c.G/2 + 128, c.B/2 + 128, 255}
}

// drawHUD draws the figures, the toasts, the net graph and the scoreboard.
func (m *matchScene) drawHUD(screen *ebiten.Image) {
	a := m.app
	f := a.font
	// Top left: the player's match.
	panel(screen, 10, 10, 300, 92, colPanel, colEdge)
	st := m.ownStats()
	f.draw(screen, clip(m.name, 20), 22, 16, textStyle{scale: 2, color: a.art.palette[0], shadow: true})
	f.draw(screen, fmt.Sprintf("SCORE %d", int(st["score"])), 22, 46, textStyle{scale: 2, color: colText, shadow: true})
	kd := fmt.Sprintf("K/D %d/%d  streak %d", int(st["kills"]), int(st["deaths"]), int(st["streak"]))
	f.draw(screen, kd, 22, 76, textStyle{scale: 2, color: colDim})

	// Top centre: the phase and the time left.
	f.drawCentered(screen, m.phaseText(), ScreenWidth/2, 16, textStyle{scale: 2, color: colText, shadow: true})

	// Top right: the network.
	ns := m.netStats
	lines := []string{
		fmt.Sprintf("ping %4.0f ms", ms(ns.RTT)),
		fmt.Sprintf("jitter %4.1f ms", ms(ns.Jitter)),
		fmt.Sprintf("snapshots %4.1f/s", ns.SnapshotRate),
		fmt.Sprintf("in %6.1f KB/s", ns.BytesInPerS/1024),
		fmt.Sprintf("out %5.1f KB/s", ns.BytesOutPerS/1024),
	}
	panel(screen, ScreenWidth-190, 10, 180, 92, colPanel, colEdge)
	for i, l := range lines {
		f.draw(screen, l, ScreenWidth-180, 16+float64(i)*17, textStyle{color: pingColor(ns.RTT, i)})
	}
	m.toasts.draw(screen, f, ScreenWidth-10, 112, a.now)
	if m.showGraph {
		m.graph.draw(screen, f, 10, ScreenHeight-28-170, 320, 160)
		if m.seated {
			ps := m.pred.stats(a.now)
			it := m.interp.Stats()
			f.draw(screen, fmt.Sprintf("interp delay %3.0f ms  prediction error p99 %.1f px  pending %d",
				ms(it.Delay), ps.AckError.P99, ps.Pending), 340, ScreenHeight-44, textStyle{color: colDim, shadow: true})
		}
	}
	if m.showScore {
		m.drawScoreboard(screen)
	}
	drawControls(screen, a)
}

// ownStats are the player's stats from the stat updates.
func (m *matchScene) ownStats() map[string]float64 {
	if s := m.stats[m.seat.Ship]; s != nil {
		return s.stats
	}
	return nil
}

// phaseText says what the match is doing and for how long still.
func (m *matchScene) phaseText() string {
	if m.view == nil || m.view.Empty {
		return ""
	}
	left := (float64(m.view.Match.PhaseEnd) - m.view.Tick) / float64(max(m.seat.TickRate, 1))
	left = max(left, 0)
	clock := fmt.Sprintf("%d:%02d", int(left)/60, int(left)%60)
	switch m.view.Match.Phase {
	case arena.Warmup:
		return "WARMUP - match starts in " + clock
	case arena.Playing:
		return clock
	case arena.Results:
		return "MATCH OVER - next in " + clock
	}
	return ""
}

// drawScoreboard lists the ships by score.
func (m *matchScene) drawScoreboard(screen *ebiten.Image) {
	rows := scoreRows(m)
	f := m.app.font
	w, h := 560.0, 70+float64(len(rows))*24
	x, y := (ScreenWidth-w)/2, 120.0
	panel(screen, x, y, w, h, color.RGBA{4, 8, 20, 235}, colEdge)
	f.drawCentered(screen, "SCORES", x+w/2, y+10, textStyle{scale: 2, color: colText})
	head := textStyle{scale: 2, color: colDim}
	f.draw(screen, "player", x+20, y+44, head)
	for i, c := range []string{"score", "kills", "deaths"} {
		f.drawRight(screen, c, x+340+float64(i)*90, y+44, head)
	}
	for i, r := range rows {
		ry := y + 70 + float64(i)*24
		c := colText
		if r.ship == m.seat.Ship {
			c = m.app.art.palette[0]
		}
		st := textStyle{scale: 2, color: c}
		f.draw(screen, clip(r.name, 22), x+20, ry, st)
		for j, v := range []int{r.score, r.kills, r.deaths} {
			f.drawRight(screen, fmt.Sprint(v), x+340+float64(j)*90, ry, st)
		}
	}
}

// overlay dims the screen and says what is going on.
func (m *matchScene) overlay(screen *ebiten.Image, title, detail, hint string) {
	f := m.app.font
	vector.FillRect(screen, 0, ScreenHeight/2-90, ScreenWidth, 180, color.RGBA{0, 0, 0, 190}, false)
	f.drawCentered(screen, title, ScreenWidth/2, ScreenHeight/2-70, textStyle{scale: 4, color: colWarn, shadow: true})
	f.drawCentered(screen, clip(detail, 110), ScreenWidth/2, ScreenHeight/2, textStyle{scale: 2, color: colText})
	f.drawCentered(screen, hint, ScreenWidth/2, ScreenHeight/2+40, textStyle{scale: 2, color: colDim})
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// pingColor colours the ping line by how good it is; the other lines dim.
func pingColor(rtt time.Duration, line int) color.Color {
	if line != 0 {
		return colDim
	}
	switch {
	case rtt < 80*time.Millisecond:
		return colGood
	case rtt < 200*time.Millisecond:
		return colWarn
	}
	return colBad
}

// dots animates an ellipsis.
func dots(now time.Time) string {
	return [...]string{"", ".", "..", "..."}[(now.UnixMilli()/300)%4]
}

// reason says why the session is reconnecting.
func reason(err error, attempt int) string {
	s := fmt.Sprintf("attempt %d", attempt)
	if err != nil {
		s = err.Error() + " - " + s
	}
	return s
}
