package art

import (
	"encoding/binary"
	"math"
)

// SampleRate is the sounds' rate: 22050 Hz is plenty for short effects and
// keeps them half the size of 44100.
const SampleRate = 22050

// Sound names.
const (
	SoundShot      = "shot"
	SoundExplosion = "explosion"
	SoundPickup    = "pickup"
	SoundNotify    = "notify"
	SoundThrust    = "thrust"
)

// SoundNames lists every sound, in a fixed order.
var SoundNames = []string{SoundShot, SoundExplosion, SoundPickup, SoundNotify, SoundThrust}

// synths makes each sound's samples, in -1..1.
var synths = map[string]func() []float64{
	SoundShot:      shot,
	SoundExplosion: boom,
	SoundPickup:    chime,
	SoundNotify:    blip,
	SoundThrust:    rumble,
}

// samples returns a buffer for a sound of the given length.
func samples(seconds float64) []float64 { return make([]float64, int(seconds*SampleRate)) }

// at is the time of sample i, in seconds.
func at(i int) float64 { return float64(i) / SampleRate }

// shot is a laser zap: a tone sweeping down fast, with a buzzy edge.
func shot() []float64 {
	out := samples(0.16)
	phase, lp := 0.0, 0.0
	for i := range out {
		t := at(i)
		phase += 2 * math.Pi * (260 + 1500*exp(-t*28)) / SampleRate
		s := math.Sin(phase)
		v := 0.6*s + 0.4*sign(s)
		lp += (v - lp) * 0.35 // takes the edge off the square
		out[i] = 0.32 * lp * attack(t, 0.003) * exp(-t*16)
	}
	return fadeOut(out, 0.01)
}

// boom is an explosion: noise through a closing low-pass filter over a
// falling low thump.
func boom() []float64 {
	out := samples(0.8)
	r := rng{0xb00}
	phase, lp1, lp2 := 0.0, 0.0, 0.0
	for i := range out {
		t := at(i)
		k := 0.03 + 0.45*exp(-t*6)
		lp1 += (r.between(-1, 1) - lp1) * k
		lp2 += (lp1 - lp2) * k
		phase += 2 * math.Pi * (35 + 70*exp(-t*8)) / SampleRate
		v := 1.6*lp2*exp(-t*4.5) + 0.55*math.Sin(phase)*exp(-t*7)
		out[i] = 0.7 * softClip(v) * attack(t, 0.004)
	}
	return fadeOut(out, 0.05)
}

// chime is a pickup: a quick rising arpeggio of bell-like notes.
func chime() []float64 {
	out := samples(0.45)
	notes := []float64{880, 1108.73, 1318.51, 1760} // A5, C#6, E6, A6
	for n, f := range notes {
		start := float64(n) * 0.055
		for i := range out {
			t := at(i) - start
			if t < 0 {
				continue
			}
			w := 2 * math.Pi * f * t
			out[i] += 0.16 * (math.Sin(w) + 0.3*math.Sin(2*w)) * attack(t, 0.004) * exp(-t*11)
		}
	}
	return fadeOut(out, 0.02)
}

// blip is a notification: one soft, rounded tone with a slight lift.
func blip() []float64 {
	out := samples(0.12)
	phase := 0.0
	for i := range out {
		t := at(i)
		phase += 2 * math.Pi * (700 + 250*t/0.12) / SampleRate
		window := math.Sin(math.Pi * t / 0.12) // a smooth rise and fall, no clicks
		out[i] = 0.28 * window * window * (math.Sin(phase) + 0.15*math.Sin(2*phase))
	}
	return out
}

// rumble is the engine: low noise that loops without a seam, because its
// filter runs around the buffer twice and only the second lap is kept.
func rumble() []float64 {
	out := samples(0.5)
	r := rng{0x7}
	white := make([]float64, len(out))
	for i := range white {
		white[i] = r.between(-1, 1)
	}
	lp1, lp2 := 0.0, 0.0
	for lap := range 2 {
		for i, w := range white {
			lp1 += (w - lp1) * 0.06
			lp2 += (lp1 - lp2) * 0.06
			if lap == 1 {
				out[i] = lp2
			}
		}
	}
	return normalize(out, 0.3)
}

// attack ramps from 0 to 1 over d seconds, to avoid a click at the start.
func attack(t, d float64) float64 { return clamp01(t / d) }

// fadeOut ramps the last d seconds down to silence.
func fadeOut(s []float64, d float64) []float64 {
	n := min(int(d*SampleRate), len(s))
	for i := range n {
		s[len(s)-1-i] *= float64(i) / float64(n)
	}
	return s
}

// normalize scales s so its loudest sample is peak.
func normalize(s []float64, peak float64) []float64 {
	m := 0.0
	for _, v := range s {
		m = max(m, abs(v))
	}
	if m > 0 {
		for i := range s {
			s[i] *= peak / m
		}
	}
	return s
}

func softClip(v float64) float64 { return v / (1 + abs(v)) }

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// wav encodes samples as a 16-bit mono PCM WAV file.
func wav(s []float64) []byte {
	const header = 44
	data := 2 * len(s)
	b := make([]byte, header, header+data)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(header-8+data))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16) // fmt chunk size
	binary.LittleEndian.PutUint16(b[20:], 1)  // PCM
	binary.LittleEndian.PutUint16(b[22:], 1)  // mono
	binary.LittleEndian.PutUint32(b[24:], SampleRate)
	binary.LittleEndian.PutUint32(b[28:], SampleRate*2) // bytes per second
	binary.LittleEndian.PutUint16(b[32:], 2)            // bytes per frame
	binary.LittleEndian.PutUint16(b[34:], 16)           // bits per sample
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(data))
	for _, v := range s {
		b = binary.LittleEndian.AppendUint16(b, uint16(int16(math.Round(max(-1, min(1, v))*32767))))
	}
	return b
}
