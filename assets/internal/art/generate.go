// Package art draws the demo game's sprites, font and sounds from code:
// the generator behind package assets. Everything is deterministic, so
// running it again gives the same files, byte for byte.
package art

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
)

// File names, shared by the generator and the package that embeds them.

// ShipFile names the ship sprite in palette colour p.
func ShipFile(p int) string { return fmt.Sprintf("ship%d.png", p) }

// AsteroidFile names an asteroid sprite.
func AsteroidFile(size uint8, variant int) string {
	return fmt.Sprintf("asteroid%d_%d.png", size, variant)
}

// PickupFile names a pickup sprite, by the package's 0-based kind.
func PickupFile(kind int) string {
	return [NumPickups]string{"pickup_shield.png", "pickup_rapidfire.png", "pickup_health.png"}[kind]
}

// ExplosionFile names an explosion frame.
func ExplosionFile(f int) string { return fmt.Sprintf("explosion%d.png", f) }

// SoundFile names a sound.
func SoundFile(name string) string { return name + ".wav" }

// Single sprites' file names.
const (
	FlameFile  = "flame.png"
	BulletFile = "bullet.png"
	ShieldFile = "shield.png"
	StarsFile  = "stars.png"
	FontFile   = "font.png"
)

// ExplosionFrames is how many frames the explosion has.
const ExplosionFrames = 8

// Files draws every asset and returns each file's bytes by name.
func Files() (map[string][]byte, error) {
	imgs := map[string]image.Image{
		FlameFile:  flame(),
		BulletFile: bullet(),
		ShieldFile: shield(),
		StarsFile:  stars(),
	}
	for p, col := range Palette {
		imgs[ShipFile(p)] = ship(col)
	}
	for size := uint8(1); size <= 3; size++ {
		for v := range AsteroidVariants {
			imgs[AsteroidFile(size, v)] = asteroid(size, v)
		}
	}
	for k := range NumPickups {
		imgs[PickupFile(k)] = pickup(k)
	}
	for f := range ExplosionFrames {
		imgs[ExplosionFile(f)] = explosion(f, ExplosionFrames)
	}
	atlas, err := fontAtlas()
	if err != nil {
		return nil, fmt.Errorf("draw font: %w", err)
	}
	imgs[FontFile] = atlas

	files := make(map[string][]byte, len(imgs)+len(SoundNames))
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	for name, img := range imgs {
		var buf bytes.Buffer
		if err := enc.Encode(&buf, img); err != nil {
			return nil, fmt.Errorf("encode %s: %w", name, err)
		}
		files[name] = buf.Bytes()
	}
	for _, name := range SoundNames {
		files[SoundFile(name)] = wav(synths[name]())
	}
	return files, nil
}
