package headless

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/gamesock/gamesock/internal/arenawire"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
)

// TestJoinedChecksTheWireVersion: a server whose snapshot encoding differs
// from the client's would be decoded into the wrong world without an
// error, so a bot seated by one reports it and does not play.
func TestJoinedChecksTheWireVersion(t *testing.T) {
	tests := []struct {
		name    string
		version uint32
		seated  bool
	}{
		{"same", arenawire.Version, true},
		{"newer server", arenawire.Version + 1, false},
		{"unversioned server", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBot(1, &Options{NamePrefix: "bot", Logger: slog.New(slog.DiscardHandler)})
			b.joined(&arenav1.Joined{RoomId: "room-1", ShipId: 3, TickRate: 30, WireVersion: tt.version})
			rep := b.report()
			if seated := b.sync != nil && rep.Ship == 3; seated != tt.seated {
				t.Errorf("seated %v, want %v (report %+v)", seated, tt.seated, rep)
			}
			if tt.seated {
				if rep.ErrorCount != 0 {
					t.Errorf("errors %q", rep.Errors)
				}
				return
			}
			if rep.ErrorCount != 1 || !strings.Contains(rep.Errors[0], "snapshot encoding version") {
				t.Errorf("errors %q, want one naming the snapshot encoding version", rep.Errors)
			}
		})
	}
}
