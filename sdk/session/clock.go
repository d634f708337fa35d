package session

import (
	"sync"
	"time"
)

// Clock is what a client knows of its link to the server, from the
// timestamps in pings and pongs.
type Clock struct {
	// RTT is the smoothed round-trip time (as TCP's SRTT, RFC 6298).
	RTT time.Duration
	// MinRTT is the lowest round trip among the recent samples.
	MinRTT time.Duration
	// Jitter is the mean deviation of the round trip (RFC 6298's RTTVAR).
	Jitter time.Duration
	// Offset is the server's clock minus the client's: the server's time
	// is time.Now().Add(Offset). It comes from the recent sample with the
	// lowest round trip, whose error is smallest (NTP's clock filter); its
	// error is at most half that round trip's asymmetry.
	Offset time.Duration
	// Samples is how many pongs the estimate is built on; 0 means no
	// estimate yet.
	Samples int
}

// clockFilter keeps the recent samples and the running estimates.
type clockFilter struct {
	mu      sync.Mutex
	samples [8]clockSample
	n       int // samples taken, ever
	srtt    time.Duration
	rttvar  time.Duration
}

type clockSample struct {
	rtt, offset time.Duration
}

// add takes one ping's four timestamps (t0 client send, t1 server receive,
// t2 server send, t3 client receive), in microseconds.
func (f *clockFilter) add(t0, t1, t2, t3 int64) {
	rtt := time.Duration((t3-t0)-(t2-t1)) * time.Microsecond
	if rtt < 0 {
		rtt = 0
	}
	offset := time.Duration(((t1-t0)+(t2-t3))/2) * time.Microsecond
	f.mu.Lock()
	defer f.mu.Unlock()
	f.samples[f.n%len(f.samples)] = clockSample{rtt: rtt, offset: offset}
	f.n++
	if f.n == 1 {
		f.srtt, f.rttvar = rtt, rtt/2
		return
	}
	d := f.srtt - rtt
	if d < 0 {
		d = -d
	}
	f.rttvar += (d - f.rttvar) / 4
	f.srtt += (rtt - f.srtt) / 8
}

func (f *clockFilter) clock() Clock {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := Clock{RTT: f.srtt, Jitter: f.rttvar, Samples: f.n}
	k := min(f.n, len(f.samples))
	for i := range k {
		s := f.samples[i]
		if i == 0 || s.rtt < c.MinRTT {
			c.MinRTT, c.Offset = s.rtt, s.offset
		}
	}
	return c
}

// reset forgets the estimates, for a new server.
func (f *clockFilter) reset() {
	f.mu.Lock()
	f.samples, f.n, f.srtt, f.rttvar = [8]clockSample{}, 0, 0, 0
	f.mu.Unlock()
}
