package sdk_test

import (
	"context"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// TestInformationRates checks the bits-per-second figures: they are measured
// over the interval between two calls to Information at least a second
// apart, so this test waits for a timer; the traffic in between is known.
func TestInformationRates(t *testing.T) {
	got := make(chan int, 1)
	url := startSDKServer(t, func(s *sdk.MessageWebSocket) {
		n := 0
		s.OnMessageReceived(func(_ *sdk.MessageWebSocket, m sdk.Message) {
			if n += len(m.Data); n == 64<<10 {
				got <- n
			}
		})
	})
	c := connectSDK(t, url, nil)
	before := c.Information()
	if before.LocalAddress == nil || before.RemoteAddress == nil {
		t.Fatalf("addresses missing: %+v", before)
	}
	start := time.Now()
	ctx := context.Background()
	msg := make([]byte, 1024)
	for range 64 {
		if err := c.Send(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-got:
	case <-time.After(benchWait):
		t.Fatal("the server did not receive the 64 KiB")
	}
	<-time.After(time.Second - time.Since(start))
	info := c.Information()
	bs := info.BandwidthStatistics
	elapsed := time.Since(start)
	if bs.BytesSent != 64<<10 || bs.MessagesSent != 64 {
		t.Errorf("sent %d bytes in %d messages; want 65536 in 64", bs.BytesSent, bs.MessagesSent)
	}
	// 64 KiB over the measured interval, which is at least a second and at
	// most elapsed.
	maxBits := uint64(64 << 10 * 8)
	minBits := uint64(float64(maxBits) / elapsed.Seconds() * 0.99)
	if bs.OutboundBitsPerSecond > maxBits || bs.OutboundBitsPerSecond < minBits {
		t.Errorf("OutboundBitsPerSecond = %d; want between %d and %d", bs.OutboundBitsPerSecond, minBits, maxBits)
	}
	if bs.InboundBitsPerSecond != 0 {
		t.Errorf("InboundBitsPerSecond = %d with nothing received", bs.InboundBitsPerSecond)
	}
	// Within the next second the figure stays as measured.
	if again := c.Information().BandwidthStatistics.OutboundBitsPerSecond; again != bs.OutboundBitsPerSecond {
		t.Errorf("rate changed within a second: %d then %d", bs.OutboundBitsPerSecond, again)
	}
}
