package session

import (
	"testing"
	"time"
)

// TestReconnectDelay checks the backoff: doubling from MinDelay up to
// MaxDelay, with a random part from half to all of it.
func TestReconnectDelay(t *testing.T) {
	r := Reconnect{MinDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second}
	none := func(time.Duration) time.Duration { return 0 }
	all := func(n time.Duration) time.Duration { return n - 1 }
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 50 * time.Millisecond, 100 * time.Millisecond},
		{2, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 200 * time.Millisecond, 400 * time.Millisecond},
		{6, 1600 * time.Millisecond, 3200 * time.Millisecond},
		{7, 2500 * time.Millisecond, 5 * time.Second},
		{1000, 2500 * time.Millisecond, 5 * time.Second},
	}
	for _, tc := range tests {
		if got := r.delay(tc.attempt, none); got != tc.min {
			t.Errorf("attempt %d, least jitter: %v, want %v", tc.attempt, got, tc.min)
		}
		if got := r.delay(tc.attempt, all); got != tc.max {
			t.Errorf("attempt %d, most jitter: %v, want %v", tc.attempt, got, tc.max)
		}
	}
}
