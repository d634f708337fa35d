package arena

// Bot is a computer player: it hunts the nearest enemy, leads its shots,
// dodges asteroids, keeps off the walls and grabs pickups on the way. Its
// whims come from its own seed, never the world's RNG, so a server can run
// bots without changing the simulation, and a bot's choices are the same
// given the same seed and the same worlds.
//
// A Bot is not safe for concurrent use; use one per ship.
type Bot struct {
	rng      uint64
	maxSkew  int32  // its aim's worst error: bots differ in skill
	aimSkew  int32  // angle units added to every aim, redrawn now and then
	patience int32  // extra pixels a pickup may be out of the way
	until    uint64 // the tick to redraw the whims
}

// Bot tuning, in sub-pixels and ticks.
const (
	botLookahead  = 30                   // ticks ahead it watches for asteroids
	botDodgeGap   = 24 * Sub             // clearance it keeps from asteroids
	botWallTicks  = 12                   // ticks ahead it watches for walls
	botCloseRange = 220 * Sub            // stops closing in on a target nearer than this
	botPickupNear = 450 * Sub            // pickups this near are worth a detour
	botAsteroidGo = 420 * Sub            // shoots asteroids in front nearer than this
	botMaxSkew    = ShipTurnRate / 3     // the best bots' worst aim error, made on purpose
	botFireRange  = BulletSpeed * 36     // a little under a bullet's reach
	botWhimTicks  = 2 * TickRate         // how long a whim lasts
	botThrustCone = 1 << 13              // thrusts only within 1/8 turn of its goal
	botNoTarget   = int64(1) << 62       // distance² meaning "none"
	botHitSlack   = ShipRadius * 3 / 4   // how far off-centre a shot may land
	botTurnDead   = ShipTurnRate / 2     // no turning within this of the goal
	botShieldSafe = botLookahead         // shield ticks that make asteroids harmless
	botLowHealth  = 2                    // at or below this, health pickups draw it far
	botFarPickup  = 3 * botPickupNear    // how far it goes for a pickup it needs
	botWallMargin = ShipRadius + 8*Sub   // how close to a wall it lets itself drift
	botChaseSkew  = int32(1) << 11       // how much it swerves while closing in
	botCruise     = ShipMaxSpeed * 3 / 4 // speed it holds when wandering
)

// NewBot is a bot whose whims come from seed.
func NewBot(seed uint64) *Bot {
	b := &Bot{rng: seed}
	b.maxSkew = botMaxSkew * (1 + randN(&b.rng, 3))
	return b
}

// Think is the bot's controls for ship self this tick, or none if the ship
// is absent or dead. It reads w and never changes it.
func (b *Bot) Think(w *World, self PlayerID) Buttons {
	s := w.Ship(self)
	if s == nil || !s.Alive {
		return 0
	}
	if w.Tick >= b.until {
		b.aimSkew = randRange(&b.rng, -b.maxSkew, b.maxSkew)
		b.patience = randRange(&b.rng, 0, 200*Sub)
		b.until = w.Tick + uint64(randRange(&b.rng, botWhimTicks/2, botWhimTicks*3/2))
	}
	target := nearestEnemy(w, s)
	var aim Vec // where a shot should go, relative to s
	if target != nil {
		aim = leadPoint(s, target)
	}

	goal, thrust := b.steer(w, s, target, aim)
	out := turnToward(s.Angle, goal)
	if thrust && absAngle(int16(goal-s.Angle)) < botThrustCone {
		out |= Thrust
	}
	if s.Cooldown <= 1 && b.wantsFire(w, s, target, aim) {
		out |= Fire
	}
	return out
}

// steer is the heading the bot wants and whether to thrust along it, by
// priority: dodge, walls, pickups, the hunt, wandering.
func (b *Bot) steer(w *World, s *Ship, target *Ship, aim Vec) (uint16, bool) {
	if s.Shield < botShieldSafe {
		if away, ok := dodge(w, s); ok {
			return away, true
		}
	}
	if headingForWall(w, s) {
		return AngleOf(Vec{w.Config.Width/2 - s.Pos.X, w.Config.Height/2 - s.Pos.Y}), true
	}
	targetDist := botNoTarget
	if target != nil {
		targetDist = distSq(s.Pos, target.Pos)
	}
	if p := b.wantedPickup(w, s, targetDist); p != nil {
		return AngleOf(Vec{p.Pos.X - s.Pos.X, p.Pos.Y - s.Pos.Y}), true
	}
	if target != nil {
		goal := AngleOf(aim) + uint16(b.aimSkew)
		far := targetDist > int64(botCloseRange)*int64(botCloseRange)
		if far && target.Shield > 0 {
			goal += uint16(botChaseSkew) // circle a shielded target until it is vulnerable
		}
		return goal, far
	}
	toMiddle := AngleOf(Vec{w.Config.Width/2 - s.Pos.X, w.Config.Height/2 - s.Pos.Y})
	speedSq := distSq(s.Vel, Vec{})
	return toMiddle + uint16(b.aimSkew*8), speedSq < int64(botCruise)*int64(botCruise)
}

// wantsFire reports whether a shot now would hit the target or an
// asteroid close in front.
func (b *Bot) wantsFire(w *World, s *Ship, target *Ship, aim Vec) bool {
	// it judges its aim off by its skew, so a shot it takes can miss
	if target != nil && target.Shield == 0 && onLine(s.Angle-uint16(b.aimSkew), aim, botFireRange, botHitSlack) {
		return true
	}
	for i := range w.Asteroids {
		a := &w.Asteroids[i]
		rel := Vec{a.Pos.X - s.Pos.X, a.Pos.Y - s.Pos.Y}
		if onLine(s.Angle, rel, botAsteroidGo+AsteroidRadius(a.Size), AsteroidRadius(a.Size)) {
			return true
		}
	}
	return false
}

// wantedPickup is the pickup worth a detour: a near one, or a far health
// pickup when hurt, if it is nearer than the fight.
func (b *Bot) wantedPickup(w *World, s *Ship, targetDist int64) *Pickup {
	var best *Pickup
	bestDist := botNoTarget
	for i := range w.Pickups {
		p := &w.Pickups[i]
		if !w.wants(s, p.Kind) {
			continue
		}
		reach := int64(botPickupNear + b.patience)
		if p.Kind == PickupHealth && int(s.Health) <= botLowHealth {
			reach = botFarPickup
		}
		d := distSq(s.Pos, p.Pos)
		if d <= reach*reach && d < bestDist && (d < targetDist || p.Kind == PickupHealth) {
			best, bestDist = p, d
		}
	}
	return best
}

// headingForWall reports whether s will be at a wall in botWallTicks.
func headingForWall(w *World, s *Ship) bool {
	x := s.Pos.X + s.Vel.X*botWallTicks
	y := s.Pos.Y + s.Vel.Y*botWallTicks
	return x < botWallMargin || y < botWallMargin || x > w.Config.Width-botWallMargin || y > w.Config.Height-botWallMargin
}

// nearestEnemy is the nearest living ship other than s, counting shielded
// ones as twice as far since shooting them is wasted.
func nearestEnemy(w *World, s *Ship) *Ship {
	var best *Ship
	bestDist := botNoTarget
	for i := range w.Ships {
		o := &w.Ships[i]
		if !o.Alive || o.ID == s.ID {
			continue
		}
		d := distSq(s.Pos, o.Pos)
		if o.Shield > 0 {
			d *= 4
		}
		if d < bestDist {
			best, bestDist = o, d
		}
	}
	return best
}

// leadPoint is where to shoot to meet target, relative to s: where the
// target will be when a bullet fired now gets there, refined twice.
func leadPoint(s, target *Ship) Vec {
	rel := Vec{target.Pos.X - s.Pos.X, target.Pos.Y - s.Pos.Y}
	aim := rel
	for range 2 {
		dist := int64(isqrt(uint64(distSq(aim, Vec{})))) - muzzle
		t := int32(max(dist, 0) / BulletSpeed)
		aim = Vec{rel.X + target.Vel.X*t, rel.Y + target.Vel.Y*t}
	}
	return aim
}

// onLine reports whether a bullet fired at angle would pass within slack
// of the point rel (relative to the ship) no farther than reach.
func onLine(angle uint16, rel Vec, reach, slack int32) bool {
	if distSq(rel, Vec{}) > int64(reach)*int64(reach) {
		return false
	}
	d := Direction(angle, trigOne)
	along := int64(d.X)*int64(rel.X) + int64(d.Y)*int64(rel.Y)
	if along <= 0 {
		return false
	}
	across := abs64(int64(d.X)*int64(rel.Y)-int64(d.Y)*int64(rel.X)) >> 14
	return across <= int64(slack)
}

// dodge is the heading away from the asteroid that would hit s soonest in
// the next botLookahead ticks, if any.
func dodge(w *World, s *Ship) (uint16, bool) {
	soonest := int64(botLookahead + 1)
	var away Vec
	for i := range w.Asteroids {
		a := &w.Asteroids[i]
		d := Vec{a.Pos.X - s.Pos.X, a.Pos.Y - s.Pos.Y}
		v := Vec{a.Vel.X - s.Vel.X, a.Vel.Y - s.Vel.Y}
		vv := int64(v.X)*int64(v.X) + int64(v.Y)*int64(v.Y)
		t := int64(0)
		if vv > 0 {
			t = min(max(-(int64(d.X)*int64(v.X)+int64(d.Y)*int64(v.Y))/vv, 0), botLookahead)
		}
		c := Vec{d.X + v.X*int32(t), d.Y + v.Y*int32(t)} // the asteroid at its closest
		r := int64(ShipRadius + AsteroidRadius(a.Size) + botDodgeGap)
		if t >= soonest || distSq(c, Vec{}) > r*r {
			continue
		}
		soonest = t
		away = Vec{-c.X, -c.Y}
		if away == (Vec{}) { // head-on: sidestep
			away = Vec{-v.Y, v.X}
		}
	}
	if soonest > botLookahead {
		return 0, false
	}
	return AngleOf(away), true
}

// turnToward is the turn button that brings angle toward goal, or none
// when it is close enough.
func turnToward(angle, goal uint16) Buttons {
	switch diff := int16(goal - angle); {
	case diff > botTurnDead:
		return TurnLeft
	case diff < -botTurnDead:
		return TurnRight
	}
	return 0
}

func absAngle(a int16) int32 {
	if a < 0 {
		return -int32(a)
	}
	return int32(a)
}
