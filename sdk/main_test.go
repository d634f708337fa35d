package sdk_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// socket's read loop, keepalive and event goroutine must have exited once
// the tests have closed their sockets, servers and listeners.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
