package ui

import (
	"image"
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"
)

// font is a bitmap font: one atlas of glyph cells, ASCII first..last.
type font struct {
	atlas        *ebiten.Image
	cellW, cellH int
	columns      int
	first, last  rune
	advance      float64 // the pen's step per glyph at scale 1
	lineHeight   float64
}

// glyph is r's cell in the atlas, or nil when the font lacks it.
func (f *font) glyph(r rune) *ebiten.Image {
	if r < f.first || r > f.last {
		r = '?'
		if r < f.first || r > f.last {
			return nil
		}
	}
	i := int(r - f.first)
	x, y := (i%f.columns)*f.cellW, (i/f.columns)*f.cellH
	return f.atlas.SubImage(image.Rect(x, y, x+f.cellW, y+f.cellH)).(*ebiten.Image)
}

// width is the width of s drawn at scale.
func (f *font) width(s string, scale float64) float64 {
	n := 0
	for range s {
		n++
	}
	return float64(n) * f.advance * scale
}

// textStyle says how to draw a string.
type textStyle struct {
	scale  float64
	color  color.Color
	shadow bool
	alpha  float32 // 0 means opaque
}

// draw draws s with its top left at (x, y).
func (f *font) draw(dst *ebiten.Image, s string, x, y float64, st textStyle) {
	if st.scale == 0 {
		st.scale = 1
	}
	if st.shadow {
		sh := st
		sh.shadow, sh.color = false, color.RGBA{0, 0, 0, 255}
		f.draw(dst, s, x+st.scale, y+st.scale, sh)
	}
	var op ebiten.DrawImageOptions
	op.ColorScale.ScaleWithColor(st.color)
	if st.alpha > 0 {
		op.ColorScale.ScaleAlpha(st.alpha)
	}
	op.Filter = ebiten.FilterNearest
	pen := x
	for _, r := range s {
		if g := f.glyph(r); g != nil && r != ' ' {
			op.GeoM.Reset()
			op.GeoM.Scale(st.scale, st.scale)
			op.GeoM.Translate(pen, y)
			dst.DrawImage(g, &op)
		}
		pen += f.advance * st.scale
	}
}

// drawCentered draws s centred on x.
func (f *font) drawCentered(dst *ebiten.Image, s string, x, y float64, st textStyle) {
	if st.scale == 0 {
		st.scale = 1
	}
	f.draw(dst, s, x-f.width(s, st.scale)/2, y, st)
}

// drawRight draws s ending at x.
func (f *font) drawRight(dst *ebiten.Image, s string, x, y float64, st textStyle) {
	if st.scale == 0 {
		st.scale = 1
	}
	f.draw(dst, s, x-f.width(s, st.scale), y, st)
}
