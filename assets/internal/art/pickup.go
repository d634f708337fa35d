package art

import (
	"image"
	"math"
)

// Pickup kinds, in arena.PickupKind order (1-based there).
const (
	PickupShield = iota
	PickupRapidFire
	PickupHealth
	NumPickups
)

// pickupColors are distinct from one another and from the bright cyan of
// the local player's ship.
var pickupColors = [NumPickups]rgba{
	{0.35, 0.62, 1, 1},   // shield: blue
	{1, 0.8, 0.2, 1},     // rapid fire: gold
	{0.35, 0.95, 0.5, 1}, // health: green
}

// pickup draws a pickup: a dark token with a coloured rim, a soft glow and
// the kind's icon.
func pickup(kind int) *image.NRGBA {
	c := newCanvas(PickupSize, PickupSize)
	col := pickupColors[kind]
	c.fill(everywhere, func(x, y float64) rgba {
		d := math.Sqrt(x*x + y*y)
		return col.alpha(0.45 * smoothstep(19.5, 14, d))
	})
	c.fill(circle(0, 0, 15.5), flat(rgba{0.07, 0.08, 0.14, 0.95}))
	c.fill(ring(0, 0, 14.4, 1.8), func(x, y float64) rgba {
		return mix(col, rgba{1, 1, 1, 1}, 0.35*smoothstep(0, -14, x+y))
	})
	icon := [NumPickups]func(*canvas, rgba){shieldIcon, boltIcon, crossIcon}[kind]
	icon(c, col)
	return c.image()
}

// shieldIcon is a small bubble.
func shieldIcon(c *canvas, col rgba) {
	const r = 7.5
	c.fill(circle(0, 0, r), func(x, y float64) rgba {
		q := math.Sqrt(x*x+y*y) / r
		return mix(col.scale(0.5), col, q*q).alpha(0.55 + 0.45*q)
	})
	c.fill(ring(0, 0, r-0.5, 1.2), flat(mix(col, rgba{1, 1, 1, 1}, 0.5)))
	c.fill(circle(-2.6, -2.6, 1.7), flat(rgba{1, 1, 1, 0.85}))
}

// boltIcon is a lightning bolt.
func boltIcon(c *canvas, col rgba) {
	bolt := polygon([]vec{{3, -10}, {-5.5, 1.5}, {-0.5, 1.5}, {-3, 10}, {5.5, -2.5}, {0.5, -2.5}})
	c.fill(grow(bolt, 1), flat(rgba{0.2, 0.1, 0, 0.8}))
	c.fill(bolt, func(x, y float64) rgba {
		return mix(col, rgba{1, 1, 0.9, 1}, smoothstep(4, -8, y))
	})
}

// crossIcon is a health cross.
func crossIcon(c *canvas, col rgba) {
	cross := grow(union(box(0, 0, 2.4, 7.4), box(0, 0, 7.4, 2.4)), 0.6)
	c.fill(grow(cross, 1), flat(rgba{0, 0.15, 0.05, 0.8}))
	c.fill(cross, func(x, y float64) rgba {
		return mix(col, rgba{0.9, 1, 0.9, 1}, smoothstep(1, -7, x+y)*0.6)
	})
}
