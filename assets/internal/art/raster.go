package art

import (
	"image"
	"math"
)

// rgba is a colour with straight (not premultiplied) alpha, each channel in
// 0..1: the painters' currency.
type rgba struct{ R, G, B, A float64 }

// rgb8 makes an opaque rgba from 8-bit channels.
func rgb8(r, g, b uint8) rgba {
	return rgba{float64(r) / 255, float64(g) / 255, float64(b) / 255, 1}
}

// scale multiplies the colour (not its alpha) by k.
func (c rgba) scale(k float64) rgba { return rgba{c.R * k, c.G * k, c.B * k, c.A} }

// alpha returns c with its alpha multiplied by a.
func (c rgba) alpha(a float64) rgba { c.A *= a; return c }

// mix blends a toward b by t (0 gives a, 1 gives b).
func mix(a, b rgba, t float64) rgba {
	t = clamp01(t)
	return rgba{
		a.R + (b.R-a.R)*t,
		a.G + (b.G-a.G)*t,
		a.B + (b.B-a.B)*t,
		a.A + (b.A-a.A)*t,
	}
}

// sdf is a signed distance field in pixels: negative inside a shape.
type sdf func(x, y float64) float64

// painter colours a point.
type painter func(x, y float64) rgba

// everywhere is the shape covering the whole canvas, for glows whose
// painter fades them out itself.
func everywhere(x, y float64) float64 { return math.Inf(-1) }

// flat paints one colour.
func flat(c rgba) painter { return func(x, y float64) rgba { return c } }

// canvas is a float RGBA image, premultiplied, drawn in coordinates
// centred on the sprite's middle so shapes can be described around 0,0.
type canvas struct {
	w, h   int
	ox, oy float64
	pix    []float64
}

func newCanvas(w, h int) *canvas {
	return &canvas{w: w, h: h, ox: float64(w) / 2, oy: float64(h) / 2, pix: make([]float64, 4*w*h)}
}

// fill composites paint over the canvas inside shape. Coverage comes from
// the distance field (a one-pixel ramp across the edge), which anti-aliases
// without supersampling; each pixel's colour is sampled at its centre.
func (c *canvas) fill(shape sdf, paint painter) {
	for py := range c.h {
		for px := range c.w {
			x, y := float64(px)+0.5-c.ox, float64(py)+0.5-c.oy
			cov := clamp01(0.5 - shape(x, y))
			if cov == 0 {
				continue
			}
			c.blend(px, py, paint(x, y), cov)
		}
	}
}

// blend composites col, weighted by cov, over the pixel at px, py.
func (c *canvas) blend(px, py int, col rgba, cov float64) {
	a := clamp01(col.A) * cov
	if a == 0 {
		return
	}
	i := (py*c.w + px) * 4
	k := 1 - a
	c.pix[i] = clamp01(col.R)*a + c.pix[i]*k
	c.pix[i+1] = clamp01(col.G)*a + c.pix[i+1]*k
	c.pix[i+2] = clamp01(col.B)*a + c.pix[i+2]*k
	c.pix[i+3] = a + c.pix[i+3]*k
}

// image converts the canvas to 8-bit straight alpha, rounding to nearest.
func (c *canvas) image() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, c.w, c.h))
	for i := 0; i < len(c.pix); i += 4 {
		a := c.pix[i+3]
		if a < 0.5/255 {
			continue // fully transparent pixels stay zero, which compresses well
		}
		img.Pix[i] = to8(c.pix[i] / a)
		img.Pix[i+1] = to8(c.pix[i+1] / a)
		img.Pix[i+2] = to8(c.pix[i+2] / a)
		img.Pix[i+3] = to8(a)
	}
	return img
}

func to8(v float64) uint8 { return uint8(clamp01(v)*255 + 0.5) }

func clamp01(v float64) float64 { return min(max(v, 0), 1) }

// smoothstep is 0 below e0, 1 above e1, and a smooth ramp between.
func smoothstep(e0, e1, x float64) float64 {
	t := clamp01((x - e0) / (e1 - e0))
	return t * t * (3 - 2*t)
}

// vec is a point in sprite coordinates: x to the right, y down.
type vec struct{ X, Y float64 }

// circle is a disc of radius r around cx, cy.
func circle(cx, cy, r float64) sdf {
	return func(x, y float64) float64 { return math.Sqrt(sq(x-cx)+sq(y-cy)) - r }
}

// ring is a circle's outline, w pixels wide.
func ring(cx, cy, r, w float64) sdf {
	c := circle(cx, cy, r)
	return func(x, y float64) float64 { return math.Abs(c(x, y)) - w/2 }
}

// box is an axis-aligned rectangle of half-size hx, hy around cx, cy.
func box(cx, cy, hx, hy float64) sdf {
	return func(x, y float64) float64 {
		dx, dy := math.Abs(x-cx)-hx, math.Abs(y-cy)-hy
		out := math.Sqrt(sq(max(dx, 0)) + sq(max(dy, 0)))
		return out + min(max(dx, dy), 0)
	}
}

// polygon is a simple polygon (either winding).
func polygon(pts []vec) sdf {
	return func(x, y float64) float64 {
		d := math.Inf(1)
		inside := false
		for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
			a, b := pts[j], pts[i]
			d = min(d, segmentDist(x, y, a, b))
			if (a.Y > y) != (b.Y > y) && x < (b.X-a.X)*(y-a.Y)/(b.Y-a.Y)+a.X {
				inside = !inside
			}
		}
		if inside {
			return -d
		}
		return d
	}
}

// segmentDist is the distance from x, y to the segment a-b.
func segmentDist(x, y float64, a, b vec) float64 {
	abx, aby := b.X-a.X, b.Y-a.Y
	if abx == 0 && aby == 0 {
		return math.Sqrt(sq(x-a.X) + sq(y-a.Y))
	}
	t := clamp01(((x-a.X)*abx + (y-a.Y)*aby) / (abx*abx + aby*aby))
	return math.Sqrt(sq(x-a.X-abx*t) + sq(y-a.Y-aby*t))
}

// grow moves a shape's edge outward by k pixels (inward if k < 0).
func grow(s sdf, k float64) sdf { return func(x, y float64) float64 { return s(x, y) - k } }

// union is the area covered by any of the shapes.
func union(shapes ...sdf) sdf {
	return func(x, y float64) float64 {
		d := math.Inf(1)
		for _, s := range shapes {
			d = min(d, s(x, y))
		}
		return d
	}
}

// mirrorY completes a half outline (from a point on the axis, along y < 0,
// to another point on the axis) into a shape symmetric about y = 0.
func mirrorY(half []vec) []vec {
	pts := append([]vec(nil), half...)
	for i := len(half) - 2; i > 0; i-- {
		pts = append(pts, vec{half[i].X, -half[i].Y})
	}
	return pts
}

func sq(v float64) float64 { return v * v }
