// Package bufpool pools byte slices by power-of-two size class, so that
// sockets hold no send buffer while idle and steady traffic allocates nothing.
package bufpool

import (
	"math/bits"
	"sync"
)

const (
	minShift = 8  // 256 B
	maxShift = 22 // 4 MiB; larger slices are not pooled
)

var pools [maxShift - minShift + 1]sync.Pool

func class(n int) int {
	if n <= 1<<minShift {
		return 0
	}
	return bits.Len(uint(n-1)) - minShift
}

// Get returns a slice of length n. Its capacity is n rounded up to a power of
// two (at least 256).
func Get(n int) *[]byte {
	c := class(n)
	if c >= len(pools) {
		b := make([]byte, n)
		return &b
	}
	if v := pools[c].Get(); v != nil {
		b := v.(*[]byte)
		*b = (*b)[:n]
		return b
	}
	b := make([]byte, n, 1<<(c+minShift))
	return &b
}

// Grow returns a slice of length n holding the first keep bytes of *b, reusing
// b when it is large enough and releasing it otherwise.
func Grow(b *[]byte, keep, n int) *[]byte {
	if b != nil && cap(*b) >= n {
		*b = (*b)[:n]
		return b
	}
	nb := Get(n)
	if b != nil {
		copy(*nb, (*b)[:keep])
		Put(b)
	}
	return nb
}

// Put returns b to its pool. b must not be used afterwards.
func Put(b *[]byte) {
	if b == nil {
		return
	}
	c := cap(*b)
	if c < 1<<minShift || c&(c-1) != 0 {
		return
	}
	if i := bits.Len(uint(c)) - 1 - minShift; i < len(pools) {
		pools[i].Put(b)
	}
}
