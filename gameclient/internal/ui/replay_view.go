package ui

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/gamesock/gamesock/gameclient/internal/netcode"
	"github.com/gamesock/gamesock/internal/arena"
)

// maxLerp is the farthest, in sub-pixels, a thing is drawn moving between
// two ticks; beyond, it jumped (a respawn) and is drawn where it is.
const maxLerp = 64 * arena.Sub

// fillView makes v the world between prev and cur at frac (0: prev, 1:
// cur), in the form the match's drawing code takes. prev may be nil.
// v's slices are reused.
func fillView(v *netcode.View, prev, cur *arena.World, frac float64) {
	if prev == nil {
		frac = 1
	}
	v.Empty = false
	v.Tick = float64(cur.Tick) - 1 + frac
	v.Match = cur.Match
	v.Pickups = append(v.Pickups[:0], cur.Pickups...)
	v.Ships = v.Ships[:0]
	for _, s := range cur.Ships {
		p := netcode.PoseOf(s.Pos, s.Angle)
		if prev != nil {
			if o := prev.Ship(s.ID); o != nil && o.Alive && s.Alive {
				p = lerpPose(netcode.PoseOf(o.Pos, o.Angle), p, frac)
			}
		}
		v.Ships = append(v.Ships, netcode.ShipView{Ship: s, Pose: p})
	}
	v.Bullets = v.Bullets[:0]
	var old []arena.Bullet
	if prev != nil {
		old = prev.Bullets
	}
	for _, b := range cur.Bullets {
		p := netcode.PoseOf(b.Pos, 0)
		if o, ok := findByID(old, b.ID, func(b *arena.Bullet) uint32 { return b.ID }); ok {
			p = lerpPose(netcode.PoseOf(o.Pos, 0), p, frac)
		}
		v.Bullets = append(v.Bullets, netcode.BulletView{Bullet: b, Pose: p})
	}
	v.Asteroids = v.Asteroids[:0]
	var rocks []arena.Asteroid
	if prev != nil {
		rocks = prev.Asteroids
	}
	for _, r := range cur.Asteroids {
		p := netcode.PoseOf(r.Pos, 0)
		if o, ok := findByID(rocks, r.ID, func(r *arena.Asteroid) uint32 { return r.ID }); ok {
			p = lerpPose(netcode.PoseOf(o.Pos, 0), p, frac)
		}
		v.Asteroids = append(v.Asteroids, netcode.AsteroidView{Asteroid: r, Pose: p})
	}
}

// findByID finds the element with id in s, sorted by id (as a World's
// slices are).
func findByID[T any](s []T, id uint32, idOf func(*T) uint32) (*T, bool) {
	lo, hi := 0, len(s)
	for lo < hi {
		m := (lo + hi) / 2
		switch v := idOf(&s[m]); {
		case v == id:
			return &s[m], true
		case v < id:
			lo = m + 1
		default:
			hi = m
		}
	}
	return nil, false
}

// lerpPose is netcode.LerpPose, except that a pose that jumped (a
// respawn) is not mixed.
func lerpPose(a, b netcode.Pose, k float64) netcode.Pose {
	if math.Abs(b.X-a.X) > maxLerp || math.Abs(b.Y-a.Y) > maxLerp {
		return b
	}
	return netcode.LerpPose(a, b, k)
}

// leader is the ship to follow: the alive one with the best score (the
// lowest id among equals), or false when none is alive.
func leader(v *netcode.View) (netcode.ShipView, bool) {
	var best netcode.ShipView
	found := false
	for _, s := range v.Ships {
		if s.Alive && (!found || s.Stats.Score > best.Stats.Score) {
			best, found = s, true
		}
	}
	return best, found
}

// overviewScale is the scale that fits an arena of cfg into the screen
// below the title and above the timeline.
func overviewScale(cfg arena.Config) (scale, x0, y0 float64) {
	w, h := float64(cfg.Width)/arena.Sub, float64(cfg.Height)/arena.Sub
	const top, bottom, side = 60.0, 110.0, 40.0
	scale = min((ScreenWidth-2*side)/w, (ScreenHeight-top-bottom)/h)
	return scale, (ScreenWidth - w*scale) / 2, top + (ScreenHeight-top-bottom-h*scale)/2
}

// drawOverview draws the whole arena scaled to fit, with the sprites the
// match uses (not below half size, to stay readable) and the names.
func drawOverview(screen *ebiten.Image, a *app, v *netcode.View, cfg arena.Config, nameOf func(arena.PlayerID) string) {
	k, x0, y0 := overviewScale(cfg)
	at := func(p netcode.Pose) (float64, float64) {
		x, y := p.Pixels()
		return x0 + x*k, y0 + y*k
	}
	w, h := float64(cfg.Width)/arena.Sub*k, float64(cfg.Height)/arena.Sub*k
	vector.FillRect(screen, float32(x0), float32(y0), float32(w), float32(h), color.RGBA{0, 0, 0, 90}, false)
	vector.StrokeRect(screen, float32(x0), float32(y0), float32(w), float32(h), 2, color.RGBA{140, 200, 255, 255}, true)
	sk := max(k, 0.5)
	for _, p := range v.Pickups {
		if int(p.Kind) < len(a.art.pickups) && a.art.pickups[p.Kind] != nil {
			x, y := at(netcode.PoseOf(p.Pos, 0))
			drawSprite(screen, a.art.pickups[p.Kind], x, y, 0, sk, nil)
		}
	}
	for i := range v.Asteroids {
		r := &v.Asteroids[i]
		size := min(max(int(r.Size), 1), 3)
		x, y := at(r.Pose)
		drawSprite(screen, a.art.asteroids[size][int(r.ID)%len(a.art.asteroids[size])], x, y, 0, sk, nil)
	}
	for i := range v.Bullets {
		b := &v.Bullets[i]
		x, y := at(b.Pose)
		vector.FillCircle(screen, float32(x), float32(y), 2, lighten(a.art.palette[shipPalette(b.Owner, 0)]), true)
	}
	for i := range v.Ships {
		s := &v.Ships[i]
		if !s.Alive {
			continue
		}
		pal := shipPalette(s.ID, 0)
		x, y := at(s.Pose)
		drawSprite(screen, a.art.ships[pal], x, y, s.Pose.Radians(), sk, nil)
		a.font.drawCentered(screen, clip(nameOf(s.ID), 14), x, y-24, textStyle{color: a.art.palette[pal], shadow: true})
	}
}
