package arena

// crashShieldTicks is the invulnerability after surviving an asteroid
// crash: long enough to get clear of the fragments the crash made.
const crashShieldTicks = TickRate / 2

// hitWithBullets lets each bullet, in id order, hit the first ship (in id
// order) or else the first asteroid on its path this tick. A bullet never
// hits its owner.
func (w *World) hitWithBullets(events []Event) []Event {
	for bi := range w.Bullets {
		b := &w.Bullets[bi]
		if b.TTL == 0 {
			continue
		}
		from := Vec{b.Pos.X - b.Vel.X, b.Pos.Y - b.Vel.Y}
		for si := range w.Ships {
			s := &w.Ships[si]
			if s.Alive && s.ID != b.Owner && sweepHits(from, b.Pos, s.Pos, ShipRadius+BulletRadius) {
				b.TTL = 0
				events = w.shootShip(b.Owner, s, events)
				break
			}
		}
		if b.TTL == 0 {
			continue
		}
		for ai := range w.Asteroids {
			a := &w.Asteroids[ai]
			if a.Health > 0 && sweepHits(from, b.Pos, a.Pos, AsteroidRadius(a.Size)+BulletRadius) {
				b.TTL = 0
				w.shootAsteroid(b.Owner, ai)
				break
			}
		}
	}
	return events
}

// shootShip applies a bullet from attacker to victim: one damage, none
// through a shield.
func (w *World) shootShip(attacker PlayerID, victim *Ship, events []Event) []Event {
	if w.Match.Phase == Playing {
		if a := w.Ship(attacker); a != nil {
			a.Stats.Hits++
		}
	}
	damage := int8(1)
	if victim.Shield > 0 {
		damage = 0
	}
	events = append(events, Event{Tick: w.Tick, Kind: EventHit, Player: attacker, Other: victim.ID, Value: int32(damage)})
	return w.damage(attacker, victim, damage, events)
}

// shootAsteroid applies a bullet from attacker to asteroid i, which
// splits when its health runs out.
func (w *World) shootAsteroid(attacker PlayerID, i int) {
	a := &w.Asteroids[i]
	a.Health--
	if a.Health > 0 {
		return
	}
	if w.Match.Phase == Playing {
		if s := w.Ship(attacker); s != nil {
			s.Stats.Score += AsteroidScore(a.Size)
		}
	}
	w.splitAsteroid(i)
}

// crashIntoAsteroids damages each unshielded ship touching an asteroid by
// the asteroid's size, and breaks the asteroid without scoring. A crash
// costs ScoreCrash in Playing, but never destroys a ship: its hull holds
// with one health left. So every destroyed ship is some other ship's kill,
// and the kills and deaths of a match always balance. A ship crashes once
// per tick.
func (w *World) crashIntoAsteroids(events []Event) []Event {
	for si := range w.Ships {
		s := &w.Ships[si]
		if !s.Alive || s.Shield > 0 {
			continue
		}
		for ai := range w.Asteroids {
			a := &w.Asteroids[ai]
			if a.Health <= 0 || !touches(s.Pos, a.Pos, ShipRadius, AsteroidRadius(a.Size)) {
				continue
			}
			damage := min(int8(min(a.Size, 100)), s.Health-1)
			a.Health = 0
			w.splitAsteroid(ai)
			s.Shield = crashShieldTicks
			s.Health -= damage
			if w.Match.Phase == Playing {
				s.Stats.Score += ScoreCrash
			}
			events = append(events, Event{Tick: w.Tick, Kind: EventHit, Other: s.ID, Value: int32(damage)})
			break
		}
	}
	return events
}

// takePickups gives each living ship, in id order, the pickups it
// touches. A ship at full health leaves a health pickup for others.
func (w *World) takePickups(events []Event) []Event {
	for si := range w.Ships {
		s := &w.Ships[si]
		for pi := 0; s.Alive && pi < len(w.Pickups); {
			p := w.Pickups[pi]
			if !touches(s.Pos, p.Pos, ShipRadius, PickupRadius) || !w.wants(s, p.Kind) {
				pi++
				continue
			}
			w.apply(s, p.Kind)
			w.Pickups = append(w.Pickups[:pi], w.Pickups[pi+1:]...)
			events = append(events, Event{Tick: w.Tick, Kind: EventPickup, Player: s.ID, Value: int32(p.Kind)})
		}
	}
	return events
}

// wants reports whether s would take a pickup of the given kind.
func (w *World) wants(s *Ship, kind PickupKind) bool {
	return kind != PickupHealth || int(s.Health) < w.Config.ShipHealth
}

// apply gives s the effect of a pickup.
func (w *World) apply(s *Ship, kind PickupKind) {
	switch kind {
	case PickupShield:
		s.Shield = max(s.Shield, uint16(w.Config.ShieldTicks))
	case PickupRapidFire:
		s.RapidFire = max(s.RapidFire, uint16(w.Config.RapidFireTicks))
	case PickupHealth:
		s.Health = int8(min(int(s.Health)+1, w.Config.ShipHealth))
	}
}
