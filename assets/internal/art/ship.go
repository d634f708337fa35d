package art

import (
	"image"
	"image/color"
)

// Palette is the ships' main colours. Index 0 is the local player's: the
// brightest, and the only cyan, so it stands out among the others.
var Palette = [NumPalettes]color.RGBA{
	{70, 235, 255, 255},  // cyan: the local player
	{255, 85, 85, 255},   // red
	{110, 225, 85, 255},  // green
	{255, 160, 45, 255},  // orange
	{185, 115, 255, 255}, // violet
	{255, 105, 195, 255}, // pink
	{240, 225, 80, 255},  // yellow
	{105, 140, 255, 255}, // blue
}

// NumPalettes is how many ship colours there are.
const NumPalettes = 8

// Sprite sizes, in pixels. Every sprite is drawn centred: its middle is the
// object's position.
const (
	ShipSize      = 32 // a ship's radius is 14
	FlameW        = 64 // the flame shares the ship's centre, so it is wider
	FlameH        = 32
	BulletSize    = 12
	ShieldSize    = 48
	PickupSize    = 40
	ExplosionSize = 64
	StarsSize     = 512
)

// lightDir is where the light comes from in every sprite: the upper left.
var lightDir = vec{-0.6, -0.8}

// shipHull is the ship's outline, pointing toward +X, around its centre.
var shipHull = mirrorY([]vec{
	{13.5, 0}, {5, -3}, {-1, -5.5}, {-7.5, -11.5}, {-10, -11}, {-8, -4.5}, {-10, -3}, {-10, 0},
})

// ship draws the ship in the palette colour base.
func ship(base color.RGBA) *image.NRGBA {
	c := newCanvas(ShipSize, ShipSize)
	col := rgb8(base.R, base.G, base.B)
	hull := polygon(shipHull)
	c.fill(grow(hull, 1.3), flat(rgba{0.03, 0.04, 0.08, 0.9}))
	c.fill(hull, func(x, y float64) rgba {
		lit := 0.82 - 0.3*(x*lightDir.X+y*lightDir.Y)/14
		edge := smoothstep(-1.6, -0.4, hull(x, y)) // a light rim just inside the outline
		return mix(col.scale(lit), rgba{1, 1, 1, 1}, 0.45*edge)
	})
	// A darker spine down the middle gives the hull some depth.
	c.fill(polygon([]vec{{6, 0}, {-2, -1.2}, {-8.5, -1.2}, {-8.5, 1.2}, {-2, 1.2}}), flat(col.scale(0.55)))
	// Engine nozzles.
	c.fill(box(-9.2, -2.2, 1.2, 1), flat(rgba{0.15, 0.15, 0.2, 1}))
	c.fill(box(-9.2, 2.2, 1.2, 1), flat(rgba{0.15, 0.15, 0.2, 1}))
	// The cockpit: a dark canopy with a glint.
	canopy := func(x, y float64) float64 { return circle(0, 0, 1)((x-3.2)/3.2, y/1.9) * 1.9 }
	c.fill(canopy, func(x, y float64) rgba {
		return mix(rgba{0.05, 0.08, 0.18, 1}, rgba{0.45, 0.7, 0.95, 1}, smoothstep(1.5, -1.5, x-3.2+y))
	})
	c.fill(circle(3.9, -0.6, 0.7), flat(rgba{1, 1, 1, 0.9}))
	return c.image()
}

// flame draws the thrust flame behind a ship: the same centre as the ship,
// so the client draws both at the ship's position and angle.
func flame() *image.NRGBA {
	c := newCanvas(FlameW, FlameH)
	const start, length, width = -9.5, 21.0, 4.0
	c.fill(everywhere, func(x, y float64) rgba {
		t := (start - x) / length // 0 at the nozzles, 1 at the tip
		if t < -0.1 || t > 1 {
			return rgba{}
		}
		w := width * (1 - t) * smoothstep(-0.1, 0.12, t)
		if w <= 0 {
			return rgba{}
		}
		q := min(abs(y)/w, 1)
		heat := (1 - t) * (1 - q*q)
		col := mix(rgba{0.9, 0.15, 0.05, 1}, rgba{1, 0.65, 0.15, 1}, heat*2)
		col = mix(col, rgba{1, 1, 0.85, 1}, heat*2-1)
		return col.alpha(clamp01(heat * 2.2))
	})
	return c.image()
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
