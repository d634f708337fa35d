package art

import (
	"image"
	"math"
)

// bullet draws a glowing dot, white-hot in the middle; the client may
// tint it with the shooter's colour.
func bullet() *image.NRGBA {
	c := newCanvas(BulletSize, BulletSize)
	glow := rgba{1, 0.95, 0.7, 1}
	c.fill(everywhere, func(x, y float64) rgba {
		r2 := x*x + y*y
		return glow.alpha(0.9 * exp(-r2/9))
	})
	c.fill(circle(0, 0, 2.1), flat(rgba{1, 1, 0.97, 1}))
	return c.image()
}

// shield draws the translucent bubble around a shielded ship.
func shield() *image.NRGBA {
	c := newCanvas(ShieldSize, ShieldSize)
	const r = 20.0
	col := rgba{0.5, 0.8, 1, 1}
	c.fill(circle(0, 0, r), func(x, y float64) rgba {
		q := math.Sqrt(x*x+y*y) / r
		return col.alpha(0.06 + 0.4*q*q*q*q)
	})
	c.fill(ring(0, 0, r-0.3, 1.3), flat(mix(col, rgba{1, 1, 1, 1}, 0.4).alpha(0.9)))
	// A glint on the lit side: part of an inner ring, fading at its ends.
	c.fill(ring(0, 0, r-4, 1.6), func(x, y float64) rgba {
		along := (x*lightDir.X + y*lightDir.Y) / (r - 4)
		return rgba{1, 1, 1, 1}.alpha(0.7 * smoothstep(0.75, 0.97, along))
	})
	return c.image()
}

// explosion draws frame f of n: a fireball that swells, cools and thins
// to smoke, throwing sparks.
func explosion(f, n int) *image.NRGBA {
	c := newCanvas(ExplosionSize, ExplosionSize)
	t := (float64(f) + 0.5) / float64(n)
	radius := 7 + 20*math.Sqrt(t)
	fade := 1 - 0.6*t*t // the last frame still shows thinning smoke
	c.fill(everywhere, func(x, y float64) rgba {
		d := math.Sqrt(x*x + y*y)
		ang := math.Atan2(y, x)
		wobble := noise(3*math.Cos(ang)+3, 3*math.Sin(ang)+3, 7) // the same ragged edge in every frame
		edge := radius * (0.8 + 0.35*wobble)
		q := d / edge
		if q >= 1 {
			return rgba{}
		}
		texture := fbm(x/6+3*t, y/6, 11)
		heat := clamp01((1-t*1.3)*(1.1-0.8*q) + 0.35*(texture-0.5))
		col := mix(rgba{0.25, 0.22, 0.22, 1}, rgba{0.85, 0.2, 0.05, 1}, heat*3)
		col = mix(col, rgba{1, 0.6, 0.1, 1}, heat*3-1)
		col = mix(col, rgba{1, 1, 0.85, 1}, heat*3-2)
		hollow := 1 - t*smoothstep(0.6, 0, q)*0.8 // the middle clears first
		return col.alpha(fade * hollow * smoothstep(1, 0.75, q) * (0.7 + 0.6*texture))
	})
	r := rng{0xe4b1}
	for range 14 {
		ang := r.between(0, 2*math.Pi)
		dist := r.between(12, 30) * math.Sqrt(t)
		size := r.between(0.8, 1.6) * (1 - t)
		if size < 0.2 {
			continue
		}
		c.fill(circle(dist*math.Cos(ang), dist*math.Sin(ang), size), flat(rgba{1, 0.9, 0.5, 1}.alpha(1-t*0.7)))
	}
	return c.image()
}
