package netcode

import "slices"

// errorWindow is how many recent samples an ErrorStats' percentiles cover.
const errorWindow = 1024

// ErrorStats sum up a series of errors or corrections, in pixels.
type ErrorStats struct {
	// Count is how many samples were taken in all.
	Count uint64
	// Last is the latest sample.
	Last float64
	// P50 and P99 are over the recent samples (the last 1024); Max over
	// all of them.
	P50, P99, Max float64
}

// errorSeries keeps a window of samples for ErrorStats.
type errorSeries struct {
	ring    [errorWindow]float64
	n       uint64
	max     float64
	scratch []float64
}

func (s *errorSeries) add(v float64) {
	s.ring[s.n%errorWindow] = v
	s.n++
	s.max = max(s.max, v)
}

func (s *errorSeries) stats() ErrorStats {
	st := ErrorStats{Count: s.n, Max: s.max}
	if s.n == 0 {
		return st
	}
	st.Last = s.ring[(s.n-1)%errorWindow]
	s.scratch = append(s.scratch[:0], s.ring[:min(s.n, errorWindow)]...)
	slices.Sort(s.scratch)
	st.P50 = percentile(s.scratch, 0.50)
	st.P99 = percentile(s.scratch, 0.99)
	return st
}

// percentile is the q-th quantile of sorted, by the nearest rank.
func percentile(sorted []float64, q float64) float64 {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
