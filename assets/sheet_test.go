package assets

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/gamesock/gamesock/internal/arena"
)

// TestContactSheet lays every sprite and some text out on the game's dark
// background, at 1x and enlarged, for a person to judge: run with
// `go test -run ContactSheet -artifacts -outputdir DIR ./assets` to keep
// it. It checks that the layout drew something over the background.
func TestContactSheet(t *testing.T) {
	t.Parallel()
	sheet := contactSheet()
	big := enlarge(sheet, 2)
	dir := t.ArtifactDir()
	for name, img := range map[string]image.Image{"sheet.png": sheet, "sheet2x.png": big} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("contact sheet in %s", dir)
	if sheet.RGBAAt(30, 25) == background {
		t.Errorf("the first ship was not drawn: pixel at its centre is the background")
	}
}

var background = color.RGBA{8, 10, 22, 255}

// contactSheet draws all the sprites in rows.
func contactSheet() *image.RGBA {
	sheet := image.NewRGBA(image.Rect(0, 0, 560, 440))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)
	draw.Draw(sheet, image.Rect(0, 320, 560, 440), Stars(), image.Point{}, draw.Over)
	x := 2
	place := func(img image.Image, y int) {
		b := img.Bounds()
		draw.Draw(sheet, image.Rect(x, y, x+b.Dx(), y+b.Dy()), img, b.Min, draw.Over)
		x += b.Dx() + 4
	}
	centre := func(img image.Image, cx, cy int) {
		b := img.Bounds()
		r := image.Rect(cx-b.Dx()/2, cy-b.Dy()/2, cx+b.Dx()-b.Dx()/2, cy+b.Dy()-b.Dy()/2)
		draw.Draw(sheet, r, img, b.Min, draw.Over)
	}
	for p := range NumPalettes {
		cx := 30 + p*66
		centre(Flame(), cx, 25)
		centre(Ship(p), cx, 25)
		centre(Shield(), cx, 25)
		centre(Ship(p), cx-14, 65)
		centre(Flame(), cx+16, 65)
		centre(Ship(p), cx+16, 65)
	}
	x = 2
	for size := uint8(1); size <= 3; size++ {
		for v := range AsteroidVariants {
			place(Asteroid(size, v), 85+int(3-size)*12)
		}
	}
	x = 2
	for k := arena.PickupShield; k <= arena.PickupHealth; k++ {
		place(Pickup(k), 190)
	}
	place(Bullet(), 200)
	for f := range ExplosionFrames {
		place(Explosion(f), 180)
	}
	x = 2
	for f := range ExplosionFrames {
		place(Explosion(f), 240)
	}
	drawText(sheet, 4, 306, "GAMESOCK 0123456789 The quick brown fox jumps over the lazy dog!")
	drawText(sheet, 4, 330, `!"#$%&'()*+,-./:;<=>?@[\]^_{|}~`)
	for p := range NumPalettes {
		drawText(sheet, 4+p*60, 350, "Player")
		draw.Draw(sheet, image.Rect(4+p*60, 362, 40+p*60, 366), image.NewUniform(PaletteColor(p)), image.Point{}, draw.Src)
	}
	return sheet
}

// drawText copies the font's cells for s to x, y.
func drawText(dst draw.Image, x, y int, s string) {
	f := BitmapFont()
	for _, r := range s {
		cell := f.Rect(r)
		draw.Draw(dst, image.Rect(x, y, x+f.CellW, y+f.CellH), f.Atlas, cell.Min, draw.Over)
		x += f.CellW
	}
}

// enlarge scales img by k with nearest-neighbour sampling.
func enlarge(img *image.RGBA, k int) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			out.SetRGBA(x, y, img.RGBAAt(x/k, y/k))
		}
	}
	return out
}
