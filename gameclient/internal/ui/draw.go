package ui

import (
	"image/color"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/gamesock/gamesock/assets"
)

// The interface colours.
var (
	colText   = color.RGBA{235, 240, 255, 255}
	colDim    = color.RGBA{150, 160, 190, 255}
	colGood   = color.RGBA{120, 240, 140, 255}
	colBad    = color.RGBA{255, 110, 100, 255}
	colWarn   = color.RGBA{255, 210, 90, 255}
	colPanel  = color.RGBA{8, 12, 28, 200}
	colEdge   = color.RGBA{60, 80, 130, 255}
	colOwn    = assets.PaletteColor(0)
	colSpace  = color.RGBA{5, 7, 18, 255}
	colSelect = color.RGBA{20, 60, 90, 200}
)

// panel draws a filled, outlined rectangle.
func panel(dst *ebiten.Image, x, y, w, h float64, bg, edge color.Color) {
	vector.FillRect(dst, float32(x), float32(y), float32(w), float32(h), bg, false)
	if edge != nil {
		vector.StrokeRect(dst, float32(x)+0.5, float32(y)+0.5, float32(w)-1, float32(h)-1, 1, edge, false)
	}
}

// drawBackdrop tiles the starfield, scrolled by the camera at half its
// speed (a far layer) and at full speed (a near one, fainter).
func drawBackdrop(dst *ebiten.Image, a *app, camX, camY float64) {
	dst.Fill(colSpace)
	tile := a.art.stars
	n := float64(tile.Bounds().Dx())
	layers := []struct {
		speed, scale float64
		alpha        float32
	}{{0.3, 1, 1}, {0.6, 1.5, 0.3}}
	for _, l := range layers {
		var op ebiten.DrawImageOptions
		op.ColorScale.ScaleAlpha(l.alpha)
		size := n * l.scale
		ox := -math.Mod(camX*l.speed, size)
		oy := -math.Mod(camY*l.speed, size)
		if ox > 0 {
			ox -= size
		}
		if oy > 0 {
			oy -= size
		}
		for y := oy; y < ScreenHeight; y += size {
			for x := ox; x < ScreenWidth; x += size {
				op.GeoM.Reset()
				op.GeoM.Scale(l.scale, l.scale)
				op.GeoM.Translate(x, y)
				dst.DrawImage(tile, &op)
			}
		}
	}
}

// clip shortens s to n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "~"
}

// wrap breaks s into lines of at most n runes, at spaces where it can.
func wrap(s string, n int) []string {
	var lines []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		cut := strings.LastIndex(string(r[:n]), " ")
		if cut <= 0 {
			cut = len(string(r[:n]))
		}
		lines = append(lines, s[:cut])
		s = strings.TrimLeft(s[cut:], " ")
	}
	return append(lines, s)
}

// stroke draws the path p as a line of width w.
func stroke(dst *ebiten.Image, p *vector.Path, w float32, c color.Color) {
	var op vector.DrawPathOptions
	op.AntiAlias = false // anti-aliased paths cost an offscreen pass each: too slow on software GL
	op.ColorScale.ScaleWithColor(c)
	vector.StrokePath(dst, p, &vector.StrokeOptions{Width: w, LineJoin: vector.LineJoinRound}, &op)
}
