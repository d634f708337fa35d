package assets

import (
	"fmt"
	"image"
	"testing"
)

// glyphPixels returns a cell's pixels as one string of alpha values.
func glyphPixels(f *Font, r rune) string {
	cell := f.Rect(r)
	px := make([]byte, 0, cell.Dx()*cell.Dy())
	for y := cell.Min.Y; y < cell.Max.Y; y++ {
		for x := cell.Min.X; x < cell.Max.X; x++ {
			_, _, _, a := f.Atlas.At(x, y).RGBA()
			px = append(px, byte(a>>8))
		}
	}
	return string(px)
}

func TestFontCoversASCII(t *testing.T) {
	f := BitmapFont()
	if f.First != ' ' || f.Last != '~' {
		t.Fatalf("font covers %q..%q, want ' '..'~'", f.First, f.Last)
	}
	if f.GlyphW > f.CellW || f.GlyphH > f.CellH {
		t.Fatalf("glyph %dx%d does not fit its cell %dx%d", f.GlyphW, f.GlyphH, f.CellW, f.CellH)
	}
	seen := make(map[string]rune)
	for r := f.First; r <= f.Last; r++ {
		cell := f.Rect(r)
		if !cell.In(f.Atlas.Bounds()) || cell.Dx() != f.CellW || cell.Dy() != f.CellH {
			t.Fatalf("%q: cell %v is not a %dx%d cell inside the atlas %v", r, cell, f.CellW, f.CellH, f.Atlas.Bounds())
		}
		px := glyphPixels(f, r)
		if other, dup := seen[px]; dup {
			t.Errorf("%q and %q look the same", r, other)
		}
		seen[px] = r
		lit := inked(f, cell)
		if (r == ' ') != (lit == 0) {
			t.Errorf("%q has %d lit pixels; only space should have none", r, lit)
		}
		spacing := inked(f, cell) - inked(f, image.Rect(cell.Min.X, cell.Min.Y, cell.Min.X+f.GlyphW, cell.Min.Y+f.GlyphH))
		if spacing != 0 {
			t.Errorf("%q has %d lit pixels outside its %dx%d glyph box", r, spacing, f.GlyphW, f.GlyphH)
		}
	}
}

// inked counts a rectangle's non-transparent pixels.
func inked(f *Font, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if _, _, _, a := f.Atlas.At(x, y).RGBA(); a != 0 {
				n++
			}
		}
	}
	return n
}

func TestFontUnknownRunes(t *testing.T) {
	f := BitmapFont()
	for _, r := range []rune{0, '\n', 0x7f, 'é', '世', -1} {
		if got, want := f.Rect(r), f.Rect('?'); got != want {
			t.Errorf("Rect(%q) = %v, want '?' cell %v", r, got, want)
		}
	}
}

func ExampleFont_Rect() {
	f := BitmapFont()
	// Copy f.Atlas's cell at r.Min to the pen position, then advance it by
	// f.CellW (times the client's scale).
	r := f.Rect('A')
	fmt.Println(r, f.CellW, f.CellH)
	// Output: (6,20)-(12,30) 6 10
}
