package assets

import (
	"image"
	"testing"

	"github.com/gamesock/gamesock/assets/internal/art"
	"github.com/gamesock/gamesock/internal/arena"
)

// sprite is one image the package hands out and the size it must have.
type sprite struct {
	name string
	img  image.Image
	w, h int
}

func sprites() []sprite {
	list := []sprite{
		{"flame", Flame(), 64, 32},
		{"bullet", Bullet(), 12, 12},
		{"shield", Shield(), 48, 48},
		{"stars", Stars(), 512, 512},
	}
	for p := range NumPalettes {
		list = append(list, sprite{art.ShipFile(p), Ship(p), 32, 32})
	}
	for size := uint8(1); size <= 3; size++ {
		side := 2*int(arena.AsteroidRadius(size)/arena.Sub) + 8
		for v := range AsteroidVariants {
			list = append(list, sprite{art.AsteroidFile(size, v), Asteroid(size, v), side, side})
		}
	}
	for k := arena.PickupShield; k <= arena.PickupHealth; k++ {
		list = append(list, sprite{art.PickupFile(int(k - 1)), Pickup(k), 40, 40})
	}
	for f := range ExplosionFrames {
		list = append(list, sprite{art.ExplosionFile(f), Explosion(f), 64, 64})
	}
	return list
}

func TestSprites(t *testing.T) {
	for _, s := range sprites() {
		t.Run(s.name, func(t *testing.T) {
			b := s.img.Bounds()
			if b.Dx() != s.w || b.Dy() != s.h {
				t.Fatalf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), s.w, s.h)
			}
			if n := opaquePixels(s.img); n == 0 {
				t.Errorf("no opaque pixels: the sprite is empty")
			}
			for _, p := range []image.Point{b.Min, {b.Max.X - 1, b.Min.Y}, {b.Min.X, b.Max.Y - 1}, b.Max.Sub(image.Pt(1, 1))} {
				if _, _, _, a := s.img.At(p.X, p.Y).RGBA(); a != 0 {
					t.Errorf("corner %v has alpha %d, want transparent", p, a>>8)
				}
			}
		})
	}
}

// opaquePixels counts the pixels at least half opaque.
func opaquePixels(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a >= 0x8000 {
				n++
			}
		}
	}
	return n
}

// samePixels reports whether two images have the same size and pixels.
func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

func TestShipPalettesDiffer(t *testing.T) {
	for i := range NumPalettes {
		for j := range i {
			if samePixels(Ship(i), Ship(j)) {
				t.Errorf("ships %d and %d are identical", i, j)
			}
			if PaletteColor(i) == PaletteColor(j) {
				t.Errorf("palette colours %d and %d are both %v", i, j, PaletteColor(i))
			}
		}
	}
}

func TestIndexesWrapAndClamp(t *testing.T) {
	tests := []struct {
		name      string
		got, want image.Image
	}{
		{"Ship(-1)", Ship(-1), Ship(NumPalettes - 1)},
		{"Ship(NumPalettes)", Ship(NumPalettes), Ship(0)},
		{"Asteroid(2, -1)", Asteroid(2, -1), Asteroid(2, AsteroidVariants-1)},
		{"Asteroid(0, 0)", Asteroid(0, 0), Asteroid(1, 0)},
		{"Asteroid(9, 5)", Asteroid(9, 5), Asteroid(3, 1)},
		{"Explosion(-3)", Explosion(-3), Explosion(0)},
		{"Explosion(99)", Explosion(99), Explosion(ExplosionFrames - 1)},
		{"Pickup(0)", Pickup(0), Pickup(arena.PickupShield)},
		{"Pickup(200)", Pickup(200), Pickup(arena.PickupShield)},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s is not the same image as expected", tt.name)
		}
	}
	if PaletteColor(-1) != PaletteColor(NumPalettes-1) {
		t.Errorf("PaletteColor(-1) = %v, want palette %d's %v", PaletteColor(-1), NumPalettes-1, PaletteColor(NumPalettes-1))
	}
}

func TestPickupsDiffer(t *testing.T) {
	kinds := []arena.PickupKind{arena.PickupShield, arena.PickupRapidFire, arena.PickupHealth}
	for i, a := range kinds {
		for _, b := range kinds[:i] {
			if samePixels(Pickup(a), Pickup(b)) {
				t.Errorf("pickups %d and %d are identical", a, b)
			}
		}
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	// The cache is filled once however many goroutines ask at once; the
	// race detector checks the sharing.
	done := make(chan image.Image)
	for range 8 {
		go func() { done <- Ship(0) }()
	}
	first := <-done
	for range 7 {
		if img := <-done; img != first {
			t.Fatalf("goroutines got different images for Ship(0)")
		}
	}
}
