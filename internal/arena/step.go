package arena

// Step advances the world by one tick and appends what happened to events.
//
// inputs are this tick's controls; a player without one keeps its
// LastInput, and an input for a player not in the world or with bits
// outside ValidButtons is ignored (the server rejects those earlier; here
// they must simply not matter). For one player, the last valid input wins.
//
// In Warmup and Results ships fly, fight and die as in Playing, and the
// events say so, but only steps that begin in Playing change stats and
// scores. Once the match is Over, Step does nothing: the caller starts the
// next match with a new World.
//
// Within a tick: inputs, then ships (respawn, fly, fire), bullets,
// asteroids, hits, collisions, pickups, refills, stats, and last the phase
// change, so a phase's ticks are exactly its Config length.
func (w *World) Step(inputs []PlayerInput, events []Event) []Event {
	if w.Match.Phase >= Over {
		return events
	}
	w.Tick++
	w.applyInputs(inputs)
	events = w.stepShips(events)
	w.moveBullets()
	for i := range w.Asteroids {
		driftAsteroid(&w.Asteroids[i], &w.Config)
	}
	events = w.hitWithBullets(events)
	events = w.crashIntoAsteroids(events)
	events = w.takePickups(events)
	w.sweepDead()
	w.topUp()
	if w.Match.Phase == Playing {
		for i := range w.Ships {
			if s := &w.Ships[i]; s.Alive {
				s.Stats.AliveTicks++
			}
		}
	}
	return w.advancePhase(events)
}

// applyInputs records each valid input as its ship's LastInput.
func (w *World) applyInputs(inputs []PlayerInput) {
	for _, in := range inputs {
		if in.Buttons&^ValidButtons != 0 {
			continue
		}
		if s := w.Ship(in.Player); s != nil {
			s.LastInput = in.Buttons
		}
	}
}

// stepShips respawns the ships that are due and flies the living.
func (w *World) stepShips(events []Event) []Event {
	for i := range w.Ships {
		s := &w.Ships[i]
		if !s.Alive {
			if w.Tick >= s.RespawnTick {
				events = w.spawnShip(s, events)
			}
			continue
		}
		if s.Shield > 0 {
			s.Shield--
		}
		if s.RapidFire > 0 {
			s.RapidFire--
		}
		if s.Cooldown > 0 {
			s.Cooldown--
		}
		flyShip(s, &w.Config)
		if s.LastInput&Fire != 0 && s.Cooldown == 0 {
			events = w.fire(s, events)
		}
	}
	return events
}

// fire launches a bullet from s's nose. Bullets do not inherit the ship's
// velocity: aiming is simpler for players and bots alike.
func (w *World) fire(s *Ship, events []Event) []Event {
	cd := w.Config.FireCooldown
	if s.RapidFire > 0 {
		cd = (cd + 1) / 2
	}
	s.Cooldown = uint8(min(max(cd, 1), 255))
	nose := Direction(s.Angle, muzzle)
	w.Bullets = append(w.Bullets, Bullet{
		ID:    w.nextID(),
		Owner: s.ID,
		Pos:   Vec{s.Pos.X + nose.X, s.Pos.Y + nose.Y},
		Vel:   Direction(s.Angle, BulletSpeed),
		TTL:   uint16(min(max(w.Config.BulletTTL, 1), maxTimer)),
	})
	if w.Match.Phase == Playing {
		s.Stats.Shots++
	}
	return append(events, Event{Tick: w.Tick, Kind: EventShot, Player: s.ID})
}

// moveBullets moves the bullets. A bullet that hits something gets TTL 0;
// sweepDead then drops it, and those that have run out of time or gone
// past a wall, after this tick's hits so that a bullet's last step and a
// shot at a ship against a wall count too.
func (w *World) moveBullets() {
	for i := range w.Bullets {
		b := &w.Bullets[i]
		b.Pos.X += b.Vel.X
		b.Pos.Y += b.Vel.Y
	}
}

// sweepDead drops spent bullets and broken asteroids, keeping the order,
// and counts down the bullets' time.
func (w *World) sweepDead() {
	bullets := w.Bullets[:0]
	for _, b := range w.Bullets {
		if b.TTL > 1 && b.Pos.X >= 0 && b.Pos.Y >= 0 && b.Pos.X <= w.Config.Width && b.Pos.Y <= w.Config.Height {
			b.TTL--
			bullets = append(bullets, b)
		}
	}
	clear(w.Bullets[len(bullets):])
	w.Bullets = bullets
	asteroids := w.Asteroids[:0]
	for _, a := range w.Asteroids {
		if a.Health > 0 {
			asteroids = append(asteroids, a)
		}
	}
	clear(w.Asteroids[len(asteroids):])
	w.Asteroids = asteroids
}
