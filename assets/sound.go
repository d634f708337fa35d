package assets

import "github.com/gamesock/gamesock/assets/internal/art"

// Sound names, for Sound.
const (
	SoundShot      = "shot"      // a laser zap, 0.16 s
	SoundExplosion = "explosion" // a noise burst with a low thump, 0.8 s
	SoundPickup    = "pickup"    // a rising chime, 0.45 s
	SoundNotify    = "notify"    // a soft blip, 0.12 s
	SoundThrust    = "thrust"    // a low engine rumble that loops seamlessly, 0.5 s
)

// SampleRate is every sound's sample rate, in Hz.
const SampleRate = 22050

// Sound returns a sound's WAV file (16-bit mono PCM at SampleRate), a fresh
// copy the caller may keep, and whether the name is known.
func Sound(name string) ([]byte, bool) {
	b, err := data.ReadFile("data/" + art.SoundFile(name))
	if err != nil {
		return nil, false
	}
	return b, true
}
