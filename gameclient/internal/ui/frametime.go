package ui

import (
	"slices"
	"time"
)

// maxFrameSamples bounds the frame times kept: an hour at 60 frames a
// second. Past it, the oldest are overwritten.
const maxFrameSamples = 60 * 60 * 60

// frameClock keeps the time each frame took.
type frameClock struct {
	samples []time.Duration
	next    int
}

func (c *frameClock) add(d time.Duration) {
	if len(c.samples) < maxFrameSamples {
		c.samples = append(c.samples, d)
		return
	}
	c.samples[c.next] = d
	c.next = (c.next + 1) % maxFrameSamples
}

// summary is the mean and the 99th percentile of the frames kept.
func (c *frameClock) summary() (mean, p99 time.Duration, n int) {
	n = len(c.samples)
	if n == 0 {
		return 0, 0, 0
	}
	sorted := slices.Clone(c.samples)
	slices.Sort(sorted)
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	return sum / time.Duration(n), sorted[(n*99)/100], n
}
