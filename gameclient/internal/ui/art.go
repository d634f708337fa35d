package ui

import (
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/gamesock/gamesock/assets"
	"github.com/gamesock/gamesock/internal/arena"
)

// numPalettes is how many ship colours there are; the own ship has 0.
const numPalettes = assets.NumPalettes

// art holds the sprites (package assets) as ebiten images, made once.
type art struct {
	ships      [numPalettes]*ebiten.Image
	palette    [numPalettes]color.RGBA
	flame      *ebiten.Image
	bullet     *ebiten.Image
	asteroids  [4][assets.AsteroidVariants]*ebiten.Image // by size (1-3), then variant
	pickups    [4]*ebiten.Image                          // by arena.PickupKind
	shield     *ebiten.Image
	stars      *ebiten.Image
	explosions [assets.ExplosionFrames]*ebiten.Image
}

// paletteColors are the ship palettes' main colours.
func paletteColors() [numPalettes]color.RGBA {
	var p [numPalettes]color.RGBA
	for i := range p {
		p[i] = assets.PaletteColor(i)
	}
	return p
}

func newArt() *art {
	a := &art{palette: paletteColors()}
	for i := range a.ships {
		a.ships[i] = ebiten.NewImageFromImage(assets.Ship(i))
	}
	a.flame = ebiten.NewImageFromImage(assets.Flame())
	a.bullet = ebiten.NewImageFromImage(assets.Bullet())
	for size := 1; size <= 3; size++ {
		for v := range assets.AsteroidVariants {
			a.asteroids[size][v] = ebiten.NewImageFromImage(assets.Asteroid(uint8(size), v))
		}
	}
	for _, k := range []arena.PickupKind{arena.PickupShield, arena.PickupRapidFire, arena.PickupHealth} {
		a.pickups[k] = ebiten.NewImageFromImage(assets.Pickup(k))
	}
	a.shield = ebiten.NewImageFromImage(assets.Shield())
	a.stars = ebiten.NewImageFromImage(assets.Stars())
	for i := range a.explosions {
		a.explosions[i] = ebiten.NewImageFromImage(assets.Explosion(i))
	}
	return a
}

// shipPalette is the palette ship id is drawn in: 0 for the own ship,
// the others spread over the rest.
func shipPalette(id, own arena.PlayerID) int {
	if id == own {
		return 0
	}
	return 1 + int(id)%(numPalettes-1)
}
