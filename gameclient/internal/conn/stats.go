package conn

import (
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

// rateWindow is the shortest span per-second rates are measured over.
const rateWindow = time.Second

// NetStats are the connection's figures, for a HUD.
type NetStats struct {
	Status session.Status
	// RTT, MinRTT and Jitter are the session clock's round-trip
	// estimates (Jitter: the round trip's mean deviation).
	RTT, MinRTT, Jitter time.Duration
	// BytesIn and BytesOut count whole envelopes, all classes.
	BytesIn, BytesOut uint64
	// BytesInPerSec, BytesOutPerSec and SnapshotsPerSec are rates over
	// the last one to two seconds.
	BytesInPerSec, BytesOutPerSec, SnapshotsPerSec float64
	// Snapshots counts those decoded; SnapshotsDropped those decoded but
	// dropped because Events was over half full; DecodeErrors those that
	// did not decode (a missing baseline, mostly, which the room repairs).
	Snapshots, SnapshotsDropped, DecodeErrors uint64
	// Inputs counts the inputs sent.
	Inputs uint64
}

// counters are the Conn's own counts, and the sample the rates start
// from; guarded by Conn.mu.
type counters struct {
	snapshots, snapshotsDropped, decodeErrors, inputs uint64

	since, prevSince         time.Time
	in, out, snaps           uint64 // at since
	prevIn, prevOut, prevSnp uint64 // at prevSince
}

func (k *counters) start(now time.Time) { k.since, k.prevSince = now, now }

// Stats returns the connection's figures now.
func (c *Conn) Stats() NetStats {
	clk := c.client.Clock()
	cnt := c.client.Counters()
	in := cnt.State.BytesIn + cnt.Reliable.BytesIn + cnt.Request.BytesIn
	out := cnt.State.BytesOut + cnt.Reliable.BytesOut + cnt.Request.BytesOut
	now := time.Now()

	c.mu.Lock()
	defer c.mu.Unlock()
	k := &c.counter
	st := NetStats{
		Status: c.client.Status(),
		RTT:    clk.RTT, MinRTT: clk.MinRTT, Jitter: clk.Jitter,
		BytesIn: in, BytesOut: out,
		Snapshots: k.snapshots, SnapshotsDropped: k.snapshotsDropped, DecodeErrors: k.decodeErrors,
		Inputs: k.inputs,
	}
	// Rates run from the older of two samples a window apart, so they
	// cover one to two seconds and never a sliver.
	if now.Sub(k.since) >= rateWindow {
		k.prevSince, k.prevIn, k.prevOut, k.prevSnp = k.since, k.in, k.out, k.snaps
		k.since, k.in, k.out, k.snaps = now, in, out, k.snapshots
	}
	if secs := now.Sub(k.prevSince).Seconds(); secs > 0 {
		st.BytesInPerSec = float64(in-k.prevIn) / secs
		st.BytesOutPerSec = float64(out-k.prevOut) / secs
		st.SnapshotsPerSec = float64(k.snapshots-k.prevSnp) / secs
	}
	return st
}
