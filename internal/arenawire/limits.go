package arenawire

// Limits a decoder enforces, whatever a snapshot says: a snapshot that
// would make a world with more entities, or that is longer, is refused
// before anything is allocated for it.
const (
	MaxShips     = 255  // every PlayerID but 0
	MaxBullets   = 8192 // 255 ships firing at the fastest rate for a whole bullet lifetime, twice over
	MaxAsteroids = 4096
	MaxPickups   = 1024

	// MaxSnapshotSize is the longest snapshot DecodeSnapshot reads, in
	// bytes: a full snapshot of a world at every limit above fits.
	MaxSnapshotSize = 1 << 20
)
