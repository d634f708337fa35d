package ui

import (
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/gamesock/gamesock/assets"
)

// loadFont is the game's bitmap font (package assets).
func loadFont() *font {
	af := assets.BitmapFont()
	return &font{
		atlas: ebiten.NewImageFromImage(af.Atlas),
		cellW: af.CellW, cellH: af.CellH, columns: af.Columns,
		first: af.First, last: af.Last,
		advance: float64(af.CellW), lineHeight: float64(af.CellH),
	}
}
