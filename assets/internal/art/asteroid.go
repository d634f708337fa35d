package art

import (
	"image"
	"math"

	"github.com/gamesock/gamesock/internal/arena"
)

// AsteroidVariants is how many shapes each asteroid size comes in.
const AsteroidVariants = 4

// AsteroidRadius is an asteroid's collision radius in pixels; its sprite's
// rock reaches about that far on average.
func AsteroidRadius(size uint8) int { return int(arena.AsteroidRadius(size) / arena.Sub) }

// AsteroidSize is the side of an asteroid's square sprite.
func AsteroidSize(size uint8) int { return 2*AsteroidRadius(size) + 8 }

// asteroid draws one rock: an irregular polygon lit from the upper left,
// with a mottled surface and a few craters, all from the seed made of its
// size and variant.
func asteroid(size uint8, variant int) *image.NRGBA {
	s := AsteroidSize(size)
	c := newCanvas(s, s)
	radius := float64(AsteroidRadius(size))
	seed := uint64(size)*1000 + uint64(variant)
	r := rng{seed * 0x9e37}

	n := 7 + 4*int(size)
	pts := make([]vec, n)
	for i := range pts {
		ang := (float64(i) + r.between(-0.3, 0.3)) * 2 * math.Pi / float64(n)
		d := radius * r.between(0.78, 1.12)
		pts[i] = vec{d * math.Cos(ang), d * math.Sin(ang)}
	}
	rock := polygon(pts)

	type crater struct{ x, y, r float64 }
	craters := make([]crater, 1+int(size)+variant%2)
	for i := range craters {
		ang, d := r.between(0, 2*math.Pi), radius*r.between(0, 0.55)
		craters[i] = crater{d * math.Cos(ang), d * math.Sin(ang), radius * r.between(0.14, 0.26)}
	}

	tone := r.between(0, 1)
	base := mix(rgba{0.56, 0.5, 0.45, 1}, rgba{0.5, 0.5, 0.53, 1}, tone)
	light := [3]float64{lightDir.X * 0.75, lightDir.Y * 0.75, 0.66}
	c.fill(grow(rock, 1.2), flat(rgba{0.04, 0.04, 0.05, 0.9}))
	c.fill(rock, func(x, y float64) rgba {
		// Light it as if it were a sphere, then texture it.
		nx, ny := x/(radius*1.15), y/(radius*1.15)
		nz := math.Sqrt(max(0, 1-nx*nx-ny*ny))
		lambert := max(0, nx*light[0]+ny*light[1]+nz*light[2])
		shade := 0.25 + 0.95*lambert
		shade *= 0.8 + 0.4*fbm(x/4, y/4, seed)
		for _, k := range craters {
			shade *= craterShade((x-k.x)/k.r, (y-k.y)/k.r)
		}
		edge := smoothstep(-2, 0, rock(x, y))
		return base.scale(shade * (1 - 0.25*edge))
	})
	return c.image()
}

// craterShade is how a crater changes the light at qx, qy, in units of its
// radius from its centre: the bowl is dark except for the wall facing the
// light, the raised rim catches the light on the other side, and the two
// blend so no line shows between them.
func craterShade(qx, qy float64) float64 {
	q := math.Sqrt(qx*qx + qy*qy)
	if q >= 1.4 {
		return 1
	}
	toward := 0.0 // how far the point lies toward the light, -1..1
	if q > 0 {
		toward = (qx*lightDir.X + qy*lightDir.Y) / q
	}
	bowl := 0.72 - 0.4*toward*q
	rim := 1 + 0.2*toward*smoothstep(1.4, 1, q)
	return bowl + (rim-bowl)*smoothstep(0.75, 1.1, q)
}
