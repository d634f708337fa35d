package assets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/png"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"testing"

	"github.com/gamesock/gamesock/assets/internal/art"
)

// TestCommittedFilesAreFresh regenerates the assets and compares them with
// the embedded ones, so the committed files can never go stale: after
// changing the generator, run `go generate ./assets`.
//
// On amd64 (where the committed files are made and CI runs) the bytes must
// match exactly. Compilers for some other architectures fuse multiply-adds,
// which may move a value by one step, so there the decoded pixels and
// samples must match within a small tolerance.
func TestCommittedFilesAreFresh(t *testing.T) {
	t.Parallel()
	fresh, err := art.Files()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(data, "data")
	if err != nil {
		t.Fatal(err)
	}
	var committed []string
	for _, e := range entries {
		committed = append(committed, e.Name())
	}
	var made []string
	for name := range fresh {
		made = append(made, name)
	}
	slices.Sort(made)
	if !slices.Equal(committed, made) {
		t.Fatalf("committed files %v, generator makes %v: run go generate ./assets", committed, made)
	}
	for _, name := range made {
		old, err := data.ReadFile("data/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(old, fresh[name]) {
			continue
		}
		if runtime.GOARCH == "amd64" {
			t.Errorf("%s differs from what the generator makes: run go generate ./assets", name)
			continue
		}
		if err := nearlyEqual(name, old, fresh[name]); err != "" {
			t.Errorf("%s differs from what the generator makes (%s): run go generate ./assets", name, err)
		}
	}
}

// nearlyEqual compares two versions of an asset by content, allowing each
// channel or sample to differ by a step or two; it returns what differs.
func nearlyEqual(name string, a, b []byte) string {
	const tolerance = 2
	if path.Ext(name) == ".wav" {
		if len(a) != len(b) || !bytes.Equal(a[:44], b[:44]) {
			return "header or length"
		}
		for i := 44; i+1 < len(a); i += 2 {
			sa, sb := int(int16(binary.LittleEndian.Uint16(a[i:]))), int(int16(binary.LittleEndian.Uint16(b[i:])))
			if max(sa-sb, sb-sa) > tolerance {
				return "samples"
			}
		}
		return ""
	}
	ia, errA := png.Decode(bytes.NewReader(a))
	ib, errB := png.Decode(bytes.NewReader(b))
	if errA != nil || errB != nil || ia.Bounds() != ib.Bounds() {
		return "decoding or size"
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := ia.At(x, y).RGBA()
			r2, g2, b2, a2 := ib.At(x, y).RGBA()
			for _, d := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
				if diff := int(d[0]>>8) - int(d[1]>>8); max(diff, -diff) > tolerance {
					return "pixels"
				}
			}
		}
	}
	return ""
}

// TestConstantsMatchGenerator checks the package's documented constants
// against the generator's, which they repeat so that go doc shows values.
func TestConstantsMatchGenerator(t *testing.T) {
	tests := []struct {
		name      string
		got, want any
	}{
		{"NumPalettes", NumPalettes, art.NumPalettes},
		{"AsteroidVariants", AsteroidVariants, art.AsteroidVariants},
		{"ExplosionFrames", ExplosionFrames, art.ExplosionFrames},
		{"SampleRate", SampleRate, art.SampleRate},
		{"sound names", []string{SoundShot, SoundExplosion, SoundPickup, SoundNotify, SoundThrust}, art.SoundNames},
	}
	for _, tt := range tests {
		if fmt.Sprint(tt.got) != fmt.Sprint(tt.want) {
			t.Errorf("%s = %v, generator has %v", tt.name, tt.got, tt.want)
		}
	}
}
