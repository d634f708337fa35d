package arena

// Hash is FNV-1a (64 bits) over a canonical encoding of every field of the
// world: each integer little-endian at its declared width, each slice
// preceded by its length. Two worlds hash alike exactly when they are
// alike, up to collisions, so clients and replays can check that they
// computed the same world as the server. Adding a field to the World
// means adding it here.
func (w *World) Hash() uint64 {
	h := fnv{sum: fnvOffset}
	h.config(&w.Config)
	h.u64(w.Tick)
	h.u8(uint8(w.Match.Phase))
	h.u64(w.Match.PhaseEnd)
	h.u64(uint64(len(w.Ships)))
	for i := range w.Ships {
		h.ship(&w.Ships[i])
	}
	h.u64(uint64(len(w.Bullets)))
	for _, b := range w.Bullets {
		h.u32(b.ID)
		h.u8(uint8(b.Owner))
		h.vec(b.Pos)
		h.vec(b.Vel)
		h.u16(b.TTL)
	}
	h.u64(uint64(len(w.Asteroids)))
	for _, a := range w.Asteroids {
		h.u32(a.ID)
		h.vec(a.Pos)
		h.vec(a.Vel)
		h.u8(a.Size)
		h.u8(uint8(a.Health))
	}
	h.u64(uint64(len(w.Pickups)))
	for _, p := range w.Pickups {
		h.u32(p.ID)
		h.u8(uint8(p.Kind))
		h.vec(p.Pos)
	}
	h.u32(w.NextID)
	h.u64(w.RNG)
	return h.sum
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnv accumulates an FNV-1a hash without allocating.
type fnv struct{ sum uint64 }

func (h *fnv) u8(v uint8) {
	h.sum ^= uint64(v)
	h.sum *= fnvPrime
}

func (h *fnv) u16(v uint16) { h.u8(uint8(v)); h.u8(uint8(v >> 8)) }
func (h *fnv) u32(v uint32) { h.u16(uint16(v)); h.u16(uint16(v >> 16)) }
func (h *fnv) u64(v uint64) { h.u32(uint32(v)); h.u32(uint32(v >> 32)) }
func (h *fnv) i32(v int32)  { h.u32(uint32(v)) }
func (h *fnv) int(v int)    { h.u64(uint64(int64(v))) }
func (h *fnv) vec(v Vec)    { h.i32(v.X); h.i32(v.Y) }

func (h *fnv) bool(v bool) {
	if v {
		h.u8(1)
	} else {
		h.u8(0)
	}
}

func (h *fnv) config(c *Config) {
	h.i32(c.Width)
	h.i32(c.Height)
	for _, v := range [...]int{
		c.WarmupTicks, c.MatchTicks, c.ResultsTicks, c.RespawnTicks,
		c.Asteroids, c.Pickups, c.MaxShips,
		c.ShipHealth, c.SpawnShieldTicks, c.ShieldTicks, c.RapidFireTicks,
		c.FireCooldown, c.BulletTTL, c.PickupRespawnTicks, c.AsteroidRespawnTicks,
	} {
		h.int(v)
	}
}

func (h *fnv) ship(s *Ship) {
	h.u8(uint8(s.ID))
	h.bool(s.Bot)
	h.bool(s.Alive)
	h.vec(s.Pos)
	h.vec(s.Vel)
	h.u16(s.Angle)
	h.u8(uint8(s.Health))
	h.u16(s.Shield)
	h.u16(s.RapidFire)
	h.u8(s.Cooldown)
	h.u64(s.RespawnTick)
	h.u8(uint8(s.LastInput))
	st := &s.Stats
	for _, v := range [...]int32{st.Score, st.Kills, st.Deaths, st.Streak, st.BestStreak, st.Shots, st.Hits, st.AliveTicks} {
		h.i32(v)
	}
}
