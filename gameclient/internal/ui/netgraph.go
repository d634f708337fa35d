package ui

import (
	"fmt"
	"image/color"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

// The net graph keeps graphSamples samples, one per graphEvery: ten
// seconds, as Source's net_graph and Mirror's NetworkStatistics show.
const (
	graphSamples = 100
	graphEvery   = 100 * time.Millisecond
)

// netGraph is a ring of recent NetStats.
type netGraph struct {
	samples [graphSamples]NetStats
	n, next int
	last    time.Time
}

// add records s if a sample is due at now.
func (g *netGraph) add(s NetStats, now time.Time) {
	if now.Sub(g.last) < graphEvery {
		return
	}
	g.last = now
	g.samples[g.next] = s
	g.next = (g.next + 1) % graphSamples
	g.n = min(g.n+1, graphSamples)
}

// at is the i-th sample, oldest first.
func (g *netGraph) at(i int) NetStats {
	return g.samples[(g.next-g.n+i+graphSamples)%graphSamples]
}

// series returns one figure of every sample, oldest first, and its maximum.
func (g *netGraph) series(f func(NetStats) float64) ([]float64, float64) {
	out := make([]float64, g.n)
	top := 0.0
	for i := range g.n {
		out[i] = f(g.at(i))
		top = max(top, out[i])
	}
	return out, top
}

// draw draws the graph in the rectangle at (x, y) of size w x h: ping in
// the upper half, bandwidth in and out in the lower.
func (g *netGraph) draw(dst *ebiten.Image, f *font, x, y, w, h float64) {
	panel(dst, x, y, w, h, color.RGBA{0, 0, 0, 170}, colEdge)
	half := (h - 20) / 2
	ping, pingTop := g.series(func(s NetStats) float64 { return float64(s.RTT) / float64(time.Millisecond) })
	pingTop = niceCeil(max(pingTop, 20))
	g.plot(dst, ping, pingTop, x+6, y+16, w-12, half-10, color.RGBA{255, 220, 90, 255})
	f.draw(dst, fmt.Sprintf("ping (ms, max %.0f)", pingTop), x+6, y+2, textStyle{color: colWarn})

	in, inTop := g.series(func(s NetStats) float64 { return s.BytesInPerS / 1024 })
	out, outTop := g.series(func(s NetStats) float64 { return s.BytesOutPerS / 1024 })
	bwTop := niceCeil(max(inTop, outTop, 4))
	by := y + 16 + half + 6
	g.plot(dst, in, bwTop, x+6, by+12, w-12, half-12, color.RGBA{90, 220, 255, 255})
	g.plot(dst, out, bwTop, x+6, by+12, w-12, half-12, color.RGBA{255, 120, 200, 255})
	f.draw(dst, fmt.Sprintf("KB/s in / out (max %.0f)", bwTop), x+6, by-4, textStyle{color: color.RGBA{90, 220, 255, 255}})
}

// plot draws vals (0..top) as a line across the box, the newest at the right.
func (g *netGraph) plot(dst *ebiten.Image, vals []float64, top, x, y, w, h float64, c color.Color) {
	vector.StrokeLine(dst, float32(x), float32(y+h), float32(x+w), float32(y+h), 1, color.RGBA{60, 70, 100, 255}, false)
	if len(vals) < 2 || top <= 0 {
		return
	}
	step := w / float64(graphSamples-1)
	x0 := x + w - step*float64(len(vals)-1)
	var p vector.Path
	for i, v := range vals {
		px := float32(x0 + step*float64(i))
		py := float32(y + h - min(v/top, 1)*h)
		if i == 0 {
			p.MoveTo(px, py)
		} else {
			p.LineTo(px, py)
		}
	}
	stroke(dst, &p, 1.5, c)
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten, for an axis.
func niceCeil(v float64) float64 {
	m := 1.0
	for m*10 <= v {
		m *= 10
	}
	for _, k := range []float64{1, 2, 5, 10} {
		if k*m >= v {
			return k * m
		}
	}
	return 10 * m
}
