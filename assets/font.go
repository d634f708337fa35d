package assets

import (
	"image"

	"github.com/gamesock/gamesock/assets/internal/art"
)

// Font is a bitmap font of the printable ASCII characters, made by hand:
// white glyphs on a transparent atlas, one per cell, Columns cells to a row
// in rune order from First. The client draws text by copying cells: each
// character advances CellW pixels and each line CellH. The glyph itself
// fills the top-left GlyphW x GlyphH of its cell (capitals 7 rows tall,
// then 2 for descenders), the rest is spacing.
//
// The font is at 1x, and meant to be scaled by the client: a whole-number
// factor with nearest-neighbour filtering keeps it crisp (2x for a
// 12x20 cell). Tint it by multiplying its white. A Font is shared: do not
// modify it.
type Font struct {
	Atlas          image.Image
	CellW, CellH   int
	GlyphW, GlyphH int
	Columns        int
	First, Last    rune
}

// BitmapFont returns the game's font.
func BitmapFont() *Font { return images().font }

func newFont(atlas image.Image) *Font {
	return &Font{
		Atlas: atlas,
		CellW: art.CellW, CellH: art.CellH,
		GlyphW: art.GlyphW, GlyphH: art.GlyphH,
		Columns: art.FontColumns,
		First:   art.FirstRune, Last: art.LastRune,
	}
}

// Rect returns r's cell in the atlas; runes outside First..Last get '?'.
func (f *Font) Rect(r rune) image.Rectangle {
	if r < f.First || r > f.Last {
		r = '?'
	}
	i := int(r - f.First)
	x, y := (i%f.Columns)*f.CellW, (i/f.Columns)*f.CellH
	return image.Rect(x, y, x+f.CellW, y+f.CellH)
}
