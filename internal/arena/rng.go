package arena

// splitmix64 advances *state and returns its next random number. It is the
// world's generator (World.RNG) and each Bot's: tiny, a single uint64 of
// state that a save carries, and the same on every platform.
func splitmix64(state *uint64) uint64 {
	*state += 0x9E3779B97F4A7C15
	z := *state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// randN is a number in [0, n) from state, or 0 when n <= 0. The
// multiply-shift maps 32 random bits without a loop; its bias (below
// n/2^32) does not matter for a game.
func randN(state *uint64, n int32) int32 {
	if n <= 0 {
		return 0
	}
	return int32((splitmix64(state) >> 32) * uint64(n) >> 32)
}

// randRange is a number in [lo, hi], or lo when hi < lo.
func randRange(state *uint64, lo, hi int32) int32 {
	return lo + randN(state, hi-lo+1)
}
