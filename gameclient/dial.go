package main

import (
	"log/slog"

	"github.com/gamesock/gamesock/gameclient/internal/ui"
	"github.com/gamesock/gamesock/sdk"
)

// newDialer is the window's Dialer, trusting the roots in caFile if set.
func newDialer(caFile string, log *slog.Logger) (ui.Dialer, error) {
	var ctl sdk.Control
	if caFile != "" {
		roots, err := loadRoots(caFile)
		if err != nil {
			return nil, err
		}
		ctl.RootCAs = roots
	}
	return ui.ConnDialer(ctl, log), nil
}
