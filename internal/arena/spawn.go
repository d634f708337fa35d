package arena

// Where things appear. Every choice draws on World.RNG, so the places are
// part of the deterministic simulation.

const (
	// spawnMargin keeps spawn points and pickups off the walls.
	spawnMargin = 120 * Sub
	// spawnCandidates is how many random points a spawn considers; it
	// takes the one farthest from danger.
	spawnCandidates = 12
	// asteroidEdgeCandidates is how many wall positions a drifting-in
	// asteroid considers; it takes the one farthest from ships.
	asteroidEdgeCandidates = 4
)

// spawnShip brings s (back) to life at a safe point with a spawn shield.
func (w *World) spawnShip(s *Ship, events []Event) []Event {
	p := w.safeSpawnPoint(s.ID)
	s.Alive = true
	s.Pos = p
	s.Vel = Vec{}
	s.Angle = AngleOf(Vec{w.Config.Width/2 - p.X, w.Config.Height/2 - p.Y})
	s.Health = int8(w.Config.ShipHealth)
	s.Shield = uint16(w.Config.SpawnShieldTicks)
	s.RapidFire = 0
	s.Cooldown = 0
	s.RespawnTick = 0
	return append(events, Event{Tick: w.Tick, Kind: EventSpawned, Player: s.ID})
}

// randomPoint is a random point at least margin from the walls (less in
// an arena too small for it).
func (w *World) randomPoint(margin int32) Vec {
	mx := min(margin, w.Config.Width/4)
	my := min(margin, w.Config.Height/4)
	return Vec{
		X: randRange(&w.RNG, mx, w.Config.Width-mx),
		Y: randRange(&w.RNG, my, w.Config.Height-my),
	}
}

// safeSpawnPoint is the best of a few random points: the one whose
// nearest danger (another ship, the edge of an asteroid) is farthest.
func (w *World) safeSpawnPoint(self PlayerID) Vec {
	var best Vec
	bestScore := int64(-1 << 62)
	for range spawnCandidates {
		p := w.randomPoint(spawnMargin)
		if score := w.spawnScore(p, self); score > bestScore {
			best, bestScore = p, score
		}
	}
	return best
}

// spawnScore is the distance from p to its nearest danger.
func (w *World) spawnScore(p Vec, self PlayerID) int64 {
	score := int64(1) << 40
	for i := range w.Ships {
		s := &w.Ships[i]
		if s.Alive && s.ID != self {
			score = min(score, int64(isqrt(uint64(distSq(p, s.Pos)))))
		}
	}
	for i := range w.Asteroids {
		a := &w.Asteroids[i]
		d := int64(isqrt(uint64(distSq(p, a.Pos)))) - int64(AsteroidRadius(a.Size))
		score = min(score, d)
	}
	return score
}

// newAsteroid appends an asteroid of the given size at p, heading at angle.
func (w *World) newAsteroid(size uint8, p Vec, angle uint16) {
	lo, hi := asteroidSpeed(size)
	w.Asteroids = append(w.Asteroids, Asteroid{
		ID:     w.nextID(),
		Pos:    p,
		Vel:    Direction(angle, randRange(&w.RNG, lo, hi)),
		Size:   size,
		Health: asteroidHealth(size),
	})
}

// placeAsteroid puts a large asteroid anywhere, for a new world.
func (w *World) placeAsteroid() {
	p := w.randomPoint(AsteroidRadius(3))
	w.newAsteroid(3, p, uint16(splitmix64(&w.RNG)))
}

// driftInAsteroid brings a large asteroid in at a wall, away from the
// ships, heading roughly toward the middle.
func (w *World) driftInAsteroid() {
	r := AsteroidRadius(3)
	var best Vec
	bestScore := int64(-1)
	for range asteroidEdgeCandidates {
		p := w.randomPoint(r)
		switch randN(&w.RNG, 4) {
		case 0:
			p.X = r
		case 1:
			p.X = w.Config.Width - r
		case 2:
			p.Y = r
		default:
			p.Y = w.Config.Height - r
		}
		score := int64(1) << 40
		for i := range w.Ships {
			if s := &w.Ships[i]; s.Alive {
				score = min(score, distSq(p, s.Pos))
			}
		}
		if score > bestScore {
			best, bestScore = p, score
		}
	}
	toMiddle := AngleOf(Vec{w.Config.Width/2 - best.X, w.Config.Height/2 - best.Y})
	w.newAsteroid(3, best, toMiddle+uint16(randRange(&w.RNG, -1<<13, 1<<13)))
}

// splitAsteroid replaces a broken asteroid (already marked dead) by two
// smaller ones flying apart; a small one just goes.
func (w *World) splitAsteroid(i int) {
	parent := w.Asteroids[i] // copy: appending may move the slice
	if parent.Size <= 1 {
		return
	}
	size := parent.Size - 1
	heading := AngleOf(parent.Vel)
	spread := uint16(randRange(&w.RNG, 1<<12, 1<<13+1<<12))
	for _, a := range [2]uint16{heading + spread, heading - spread} {
		off := Direction(a, AsteroidRadius(size)/2)
		w.newAsteroid(size, Vec{parent.Pos.X + off.X, parent.Pos.Y + off.Y}, a)
	}
}

// rockMass is how much rock is on the field, counting a large asteroid as
// 4 (it splits into two mediums, each into two smalls).
func (w *World) rockMass() int {
	m := 0
	for i := range w.Asteroids {
		if a := &w.Asteroids[i]; a.Health > 0 {
			m += 1 << (min(a.Size, 3) - 1)
		}
	}
	return m
}

// placePickup puts a pickup of the scarcest kind at a random point.
func (w *World) placePickup() {
	var count [PickupHealth + 1]int
	for _, p := range w.Pickups {
		if p.Kind >= PickupShield && p.Kind <= PickupHealth {
			count[p.Kind]++
		}
	}
	kind := PickupShield
	for k := PickupShield; k <= PickupHealth; k++ {
		if count[k] < count[kind] {
			kind = k
		}
	}
	w.Pickups = append(w.Pickups, Pickup{ID: w.nextID(), Kind: kind, Pos: w.randomPoint(spawnMargin)})
}

// topUp brings back asteroids and pickups, each on its own period of the
// tick.
func (w *World) topUp() {
	if n := uint64(max(w.Config.AsteroidRespawnTicks, 1)); w.Tick%n == 0 && w.rockMass() < 4*w.Config.Asteroids {
		w.driftInAsteroid()
	}
	if n := uint64(max(w.Config.PickupRespawnTicks, 1)); w.Tick%n == 0 && len(w.Pickups) < w.Config.Pickups {
		w.placePickup()
	}
}

// nextID hands out bullet, asteroid and pickup ids in increasing order, so
// appending keeps those slices sorted.
func (w *World) nextID() uint32 {
	id := w.NextID
	w.NextID++
	return id
}
