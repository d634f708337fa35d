package session_test

import (
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

// TestClockSync runs a client against a server whose clock is skewed,
// through a proxy that delays each direction, and checks the estimates
// against the truth. With one-way delays up and down, the offset estimate
// is skew + (up - down)/2: exact for a symmetric path, off by half the
// asymmetry otherwise, as for NTP.
func TestClockSync(t *testing.T) {
	const skew = 1500 * time.Millisecond
	const tolerance = 5 * time.Millisecond
	cases := []struct {
		name     string
		up, down time.Duration
	}{
		{"symmetric 15ms", 15 * time.Millisecond, 15 * time.Millisecond},
		{"asymmetric 30ms up 10ms down", 30 * time.Millisecond, 10 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := startServer(t, session.ServerOptions{
				Now: func() time.Time { return time.Now().Add(skew) },
			})
			p := newTCPProxy(t, hostPort(url), proxyOptions{ToServer: tc.up, ToClient: tc.down})
			c := dial(t, p.URL(), "clock", &session.ClientOptions{PingInterval: 50 * time.Millisecond})
			waitUntil(t, "eight pongs", func() bool { return c.Clock().Samples >= 8 })

			clk := c.Clock()
			t.Logf("offset %v (truth %v), RTT %v, min RTT %v, jitter %v", clk.Offset, skew+(tc.up-tc.down)/2, clk.RTT, clk.MinRTT, clk.Jitter)
			wantOffset := skew + (tc.up-tc.down)/2
			if d := clk.Offset - wantOffset; d < -tolerance || d > tolerance {
				t.Errorf("Offset = %v, want %v ± %v", clk.Offset, wantOffset, tolerance)
			}
			wantRTT := tc.up + tc.down
			if clk.MinRTT < wantRTT || clk.MinRTT > wantRTT+tolerance {
				t.Errorf("MinRTT = %v, want %v to %v", clk.MinRTT, wantRTT, wantRTT+tolerance)
			}
			if clk.RTT < wantRTT {
				t.Errorf("RTT = %v, below the path's %v", clk.RTT, wantRTT)
			}
			if d := c.ServerNow().Sub(time.Now().Add(skew)); d < -tolerance-(tc.up-tc.down)/2 || d > tolerance+(tc.up-tc.down)/2 {
				t.Errorf("ServerNow is %v off the server's clock", d)
			}
			// The server learns the round trip from the client's pings.
			waitUntil(t, "the server to know the RTT", func() bool {
				s := srv.Session("clock")
				return s != nil && s.RTT() >= wantRTT
			})
		})
	}
}

// hostPort returns the host:port of a ws:// URL.
func hostPort(url string) string {
	const prefix = "ws://"
	s := url[len(prefix):]
	for i := range len(s) {
		if s[i] == '/' {
			return s[:i]
		}
	}
	return s
}
