package assets

import (
	"encoding/binary"
	"io/fs"
	"testing"
)

func TestSounds(t *testing.T) {
	tests := []struct {
		name           string
		minSec, maxSec float64
	}{
		{SoundShot, 0.05, 0.4},
		{SoundExplosion, 0.3, 1.5},
		{SoundPickup, 0.1, 0.8},
		{SoundNotify, 0.05, 0.4},
		{SoundThrust, 0.2, 1.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, ok := Sound(tt.name)
			if !ok {
				t.Fatalf("Sound(%q) not found", tt.name)
			}
			samples := checkWAV(t, b)
			if sec := float64(len(samples)) / SampleRate; sec < tt.minSec || sec > tt.maxSec {
				t.Errorf("lasts %.3f s, want %.2f-%.2f s", sec, tt.minSec, tt.maxSec)
			}
			peak := 0
			for _, s := range samples {
				peak = max(peak, int(s), -int(s))
			}
			if peak < 1000 {
				t.Errorf("peak amplitude %d: nearly silent", peak)
			}
		})
	}
}

// checkWAV checks b is a canonical 16-bit mono PCM WAV file at SampleRate
// and returns its samples.
func checkWAV(t *testing.T, b []byte) []int16 {
	t.Helper()
	le := binary.LittleEndian
	if len(b) < 44 {
		t.Fatalf("%d bytes: too short for a WAV header", len(b))
	}
	fields := []struct {
		what      string
		got, want uint32
	}{
		{"RIFF size", le.Uint32(b[4:]), uint32(len(b) - 8)},
		{"fmt size", le.Uint32(b[16:]), 16},
		{"format (1 = PCM)", uint32(le.Uint16(b[20:])), 1},
		{"channels", uint32(le.Uint16(b[22:])), 1},
		{"sample rate", le.Uint32(b[24:]), SampleRate},
		{"byte rate", le.Uint32(b[28:]), SampleRate * 2},
		{"block align", uint32(le.Uint16(b[32:])), 2},
		{"bits per sample", uint32(le.Uint16(b[34:])), 16},
		{"data size", le.Uint32(b[40:]), uint32(len(b) - 44)},
	}
	if string(b[0:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " || string(b[36:40]) != "data" {
		t.Fatalf("header %q is not RIFF/WAVE/fmt/data", b[:44])
	}
	for _, f := range fields {
		if f.got != f.want {
			t.Errorf("%s = %d, want %d", f.what, f.got, f.want)
		}
	}
	samples := make([]int16, (len(b)-44)/2)
	for i := range samples {
		samples[i] = int16(le.Uint16(b[44+2*i:]))
	}
	return samples
}

func TestSoundUnknown(t *testing.T) {
	for _, name := range []string{"", "nope", "../assets", "shot.wav"} {
		if b, ok := Sound(name); ok || b != nil {
			t.Errorf("Sound(%q) = %d bytes, %v; want nil, false", name, len(b), ok)
		}
	}
}

func TestSoundIsACopy(t *testing.T) {
	a, _ := Sound(SoundShot)
	a[0] = 'X'
	if b, _ := Sound(SoundShot); b[0] != 'R' {
		t.Errorf("changing one Sound result changed the next: got %q", b[0])
	}
}

func TestEmbeddedSize(t *testing.T) {
	const limit = 300 << 10
	total := 0
	err := fs.WalkDir(data, "data", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		total += int(info.Size())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > limit {
		t.Errorf("embedded files total %d bytes, over the %d byte budget", total, limit)
	}
	t.Logf("embedded files total %d bytes", total)
}
