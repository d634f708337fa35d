package room

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: a
// room's, a session's or a client's.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
