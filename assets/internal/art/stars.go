package art

import (
	"image"
	"math"
)

// starCount is how many stars the tile holds: sparse, so the arena's
// objects stay the eye's focus.
const starCount = 380

// stars draws a tileable starfield on a transparent background: mostly
// faint points, a few bright stars with a halo, some with four spikes.
// Stars wrap around the edges; none sit at the corners.
func stars() *image.NRGBA {
	c := newCanvas(StarsSize, StarsSize)
	r := rng{0x57a75}
	tints := []rgba{{1, 1, 1, 1}, {0.78, 0.86, 1, 1}, {1, 0.93, 0.8, 1}, {1, 0.82, 0.75, 1}}
	for range starCount {
		x, y := r.between(0, StarsSize), r.between(0, StarsSize)
		b := r.float()
		b = b * b * b
		tint := tints[r.next()%uint64(len(tints))]
		if nearCorner(x, y) {
			continue
		}
		switch {
		case b > 0.6:
			star(c, x, y, tint, 0.6+0.4*b, 1.1, b > 0.8)
		default:
			star(c, x, y, tint, 0.25+0.9*b, 0.55, false)
		}
	}
	return c.image()
}

// nearCorner reports whether a point is within a few pixels of the tile's
// corners, which tiling makes one point.
func nearCorner(x, y float64) bool {
	dx := min(x, StarsSize-x)
	dy := min(y, StarsSize-y)
	return dx*dx+dy*dy < 12*12
}

// star draws a gaussian dot of the given peak alpha and spread, wrapping
// around the tile, with optional diffraction spikes.
func star(c *canvas, x, y float64, tint rgba, peak, sigma float64, spikes bool) {
	reach := 3
	if spikes {
		reach = 6
	}
	cx, cy := int(math.Floor(x)), int(math.Floor(y))
	for dy := -reach; dy <= reach; dy++ {
		for dx := -reach; dx <= reach; dx++ {
			px, py := cx+dx, cy+dy
			ox, oy := float64(px)+0.5-x, float64(py)+0.5-y
			a := peak * exp(-(ox*ox+oy*oy)/(2*sigma*sigma))
			if spikes {
				a += 0.5 * peak * (exp(-oy*oy/0.3)*exp(-abs(ox)/1.8) + exp(-ox*ox/0.3)*exp(-abs(oy)/1.8))
			}
			if a < 0.004 {
				continue
			}
			c.blend((px+StarsSize)%StarsSize, (py+StarsSize)%StarsSize, tint, min(a, 1))
		}
	}
}
