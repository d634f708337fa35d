// Package assets holds the demo game's sprites, bitmap font and sounds, all
// made by the project: a generator under internal/ draws and synthesizes
// them, and its output under data/ is committed and embedded, so the game
// runs from any directory. Regenerate them with
//
//	go generate ./assets
//
// after changing the generator; a test fails while the committed files
// differ from what it makes.
//
// Every sprite has a transparent background and is drawn centred: the
// middle of the image is the object's position, and ships, flames and
// bullets point toward +X (angle 0). Sprites are at 1x, sized to the
// game's collision radii (see package arena).
//
// Images are decoded once, on first use, and shared: they are safe for
// concurrent use, and callers must not modify them. The package does not
// depend on any game engine; the client converts the images itself.
package assets

//go:generate go run ./internal/gen -out data

import (
	"bytes"
	"embed"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"strings"
	"sync"

	"github.com/gamesock/gamesock/assets/internal/art"
	"github.com/gamesock/gamesock/internal/arena"
)

//go:embed data/*.png data/*.wav
var data embed.FS

// NumPalettes is how many ship colours there are. Palette 0 is the local
// player's.
const NumPalettes = 8

// AsteroidVariants is how many shapes each asteroid size comes in.
const AsteroidVariants = 4

// ExplosionFrames is how many frames the explosion animation has, meant to
// be shown over about half a second.
const ExplosionFrames = 8

// sheet is every image, decoded.
type sheet struct {
	ships     [NumPalettes]image.Image
	asteroids [3][AsteroidVariants]image.Image
	pickups   [art.NumPickups]image.Image
	explosion [ExplosionFrames]image.Image
	flame     image.Image
	bullet    image.Image
	shield    image.Image
	stars     image.Image
	font      *Font
}

// images decodes the embedded images on first use. It panics if they do
// not decode, which the package's tests rule out for the committed files.
var images = sync.OnceValue(func() *sheet {
	s, err := decodeAll(data)
	if err != nil {
		panic("assets: " + err.Error())
	}
	return s
})

// decodeAll decodes every image in fsys.
func decodeAll(fsys fs.FS) (*sheet, error) {
	var s sheet
	var errs []string
	load := func(name string) image.Image {
		img, err := decode(fsys, name)
		if err != nil {
			errs = append(errs, err.Error())
		}
		return img
	}
	for p := range s.ships {
		s.ships[p] = load(art.ShipFile(p))
	}
	for i := range s.asteroids {
		for v := range s.asteroids[i] {
			s.asteroids[i][v] = load(art.AsteroidFile(uint8(i+1), v))
		}
	}
	for k := range s.pickups {
		s.pickups[k] = load(art.PickupFile(k))
	}
	for f := range s.explosion {
		s.explosion[f] = load(art.ExplosionFile(f))
	}
	s.flame = load(art.FlameFile)
	s.bullet = load(art.BulletFile)
	s.shield = load(art.ShieldFile)
	s.stars = load(art.StarsFile)
	s.font = newFont(load(art.FontFile))
	if len(errs) > 0 {
		return nil, fmt.Errorf("decode images: %s", strings.Join(errs, "; "))
	}
	return &s, nil
}

// decode reads and decodes one PNG.
func decode(fsys fs.FS, name string) (image.Image, error) {
	b, err := fs.ReadFile(fsys, "data/"+name)
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return img, nil
}

// wrap maps any index onto 0..n-1, negative ones included.
func wrap(i, n int) int { return (i%n + n) % n }

// Ship returns the ship sprite in a palette colour (0 to NumPalettes-1;
// other values wrap): 32x32, pointing toward +X, with a dark outline that
// keeps it readable against the stars.
func Ship(palette int) image.Image { return images().ships[wrap(palette, NumPalettes)] }

// PaletteColor returns a palette's main colour, for names in the HUD and
// lines in graphs (palette wraps as in Ship).
func PaletteColor(palette int) color.RGBA { return art.Palette[wrap(palette, NumPalettes)] }

// Flame returns the thrust flame: 64x32 and centred on the ship's centre,
// so the client draws it at the ship's position and angle, under the ship.
func Flame() image.Image { return images().flame }

// Bullet returns a bullet: a 12x12 glowing dot, near white so the client
// can tint it with the shooter's colour.
func Bullet() image.Image { return images().bullet }

// Asteroid returns an asteroid of a size (1 small, 2 medium, 3 large;
// others are clamped) in one of AsteroidVariants shapes (variant wraps).
// Its side is twice arena.AsteroidRadius in pixels plus 8: 36, 60 or 96.
func Asteroid(size uint8, variant int) image.Image {
	size = min(max(size, 1), 3)
	return images().asteroids[size-1][wrap(variant, AsteroidVariants)]
}

// Pickup returns a pickup's 40x40 token: a blue bubble for a shield, a gold
// bolt for rapid fire, a green cross for health. An unknown kind gets the
// shield's.
func Pickup(kind arena.PickupKind) image.Image {
	k := int(kind) - int(arena.PickupShield)
	if k < 0 || k >= art.NumPickups {
		k = 0
	}
	return images().pickups[k]
}

// Shield returns the 48x48 translucent bubble drawn over a shielded ship,
// centred on it.
func Shield() image.Image { return images().shield }

// Stars returns a 512x512 starfield on a transparent background that tiles
// seamlessly: the client fills the screen with a dark colour and repeats
// the tile over it (at different offsets for parallax, if it likes).
func Stars() image.Image { return images().stars }

// Explosion returns a frame of the explosion (0 to ExplosionFrames-1;
// other values are clamped, so a finished animation holds its last
// frame), 64x64.
func Explosion(frame int) image.Image {
	return images().explosion[min(max(frame, 0), ExplosionFrames-1)]
}
