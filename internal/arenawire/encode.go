package arenawire

import (
	"errors"
	"fmt"

	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"google.golang.org/protobuf/proto"
)

// AppendSnapshot appends viewer's view of cur, as a delta against base
// (nil: a full snapshot), and returns the extended buffer.
//
// base must be the world of a snapshot the client decoded (the server's
// world of that tick, not the client's copy): the encoder derives from it
// what the client holds, applying the same view and quantization. An error
// means cur (or base) cannot be sent: a tick before base's, or a value
// beyond what the wire carries, such as more entities than the Limits.
func AppendSnapshot(dst []byte, base, cur *arena.World, viewer arena.PlayerID) ([]byte, error) {
	e := encoder{cur: cur, cv: viewOf(cur, viewer), msg: &arenav1.Snapshot{Viewer: uint32(viewer)}}
	e.msg.Tick = cur.Tick
	if base != nil {
		if cur.Tick < base.Tick {
			return dst, fmt.Errorf("arenawire: encode tick %d against a later baseline, tick %d", cur.Tick, base.Tick)
		}
		e.base, e.bv = base, viewOf(base, viewer)
		e.dt = cur.Tick - base.Tick
		e.msg.Tick = e.dt
		e.idBase = e.baseIDs()
	}
	if err := e.encode(); err != nil {
		return dst, fmt.Errorf("arenawire: encode tick %d for player %d: %w", cur.Tick, viewer, err)
	}
	return proto.MarshalOptions{}.MarshalAppend(dst, e.msg)
}

// encoder writes one snapshot.
type encoder struct {
	base, cur *arena.World // base is nil for a full snapshot
	bv, cv    view
	dt        uint64 // ticks from base to cur
	idBase    uint64
	msg       *arenav1.Snapshot
}

func (e *encoder) encode() error {
	if err := checkCounts(e.cur); err != nil {
		return err
	}
	if e.base == nil || e.base.Match != e.cur.Match {
		e.msg.Match = &arenav1.MatchState{
			Phase:      uint32(e.cur.Match.Phase),
			PhaseEndIn: int64(e.cur.Match.PhaseEnd - e.cur.Tick),
		}
	}
	if err := e.ships(); err != nil {
		return err
	}
	if err := e.bullets(); err != nil {
		return err
	}
	e.asteroids()
	e.pickups()
	return nil
}

// checkCounts refuses a world with more entities than a decoder accepts.
func checkCounts(w *arena.World) error {
	switch {
	case len(w.Ships) > MaxShips:
		return fmt.Errorf("%d ships, more than %d", len(w.Ships), MaxShips)
	case len(w.Bullets) > MaxBullets:
		return fmt.Errorf("%d bullets, more than %d", len(w.Bullets), MaxBullets)
	case len(w.Asteroids) > MaxAsteroids:
		return fmt.Errorf("%d asteroids, more than %d", len(w.Asteroids), MaxAsteroids)
	case len(w.Pickups) > MaxPickups:
		return fmt.Errorf("%d pickups, more than %d", len(w.Pickups), MaxPickups)
	}
	return nil
}

// baseIDs is the id base of a delta: the highest bullet, asteroid or
// pickup id the client holds.
func (e *encoder) baseIDs() uint64 {
	var top uint32
	for i := range e.base.Bullets {
		if b := &e.base.Bullets[i]; e.bv.sees(b.Pos) {
			top = max(top, b.ID)
		}
	}
	for i := range e.base.Asteroids {
		if a := &e.base.Asteroids[i]; e.bv.sees(a.Pos) {
			top = max(top, a.ID)
		}
	}
	for i := range e.base.Pickups {
		if p := &e.base.Pickups[i]; e.bv.sees(p.Pos) {
			top = max(top, p.ID)
		}
	}
	return uint64(top)
}

// errRange is wrapped by the errors of values the wire cannot carry.
var errRange = errors.New("out of range")

// checkRange reports a field outside the range its spec allows.
func checkRange(specs []spec, f *fields) error {
	for i, sp := range specs {
		if f[i] < sp.lo || f[i] > sp.hi {
			return fmt.Errorf("%s %d: %w", sp.name, f[i], errRange)
		}
	}
	return nil
}

// walk calls f for each entity in base or cur, in ascending id order: b
// is the one in base (nil if none), c the one in cur (nil if none). Only
// the entities inBase or inCur keep are walked.
func walk[E any](base, cur []E, id func(*E) uint32, inBase, inCur func(*E) bool, f func(b, c *E) error) error {
	i, j := 0, 0
	for {
		for i < len(base) && !inBase(&base[i]) {
			i++
		}
		for j < len(cur) && !inCur(&cur[j]) {
			j++
		}
		var b, c *E
		switch {
		case i == len(base) && j == len(cur):
			return nil
		case i == len(base):
			c = &cur[j]
		case j == len(cur):
			b = &base[i]
		case id(&base[i]) < id(&cur[j]):
			b = &base[i]
		case id(&base[i]) > id(&cur[j]):
			c = &cur[j]
		default:
			b, c = &base[i], &cur[j]
		}
		if err := f(b, c); err != nil {
			return err
		}
		if b != nil {
			i++
		}
		if c != nil {
			j++
		}
	}
}

func (e *encoder) baseWorld() *arena.World {
	if e.base == nil {
		return &arena.World{}
	}
	return e.base
}

func (e *encoder) ships() error {
	rec, rem := newIDs(0), newIDs(0)
	viewer := e.cv.viewer
	return walk(e.baseWorld().Ships, e.cur.Ships,
		func(s *arena.Ship) uint32 { return uint32(s.ID) },
		e.bv.seesShip, e.cv.seesShip,
		func(b, c *arena.Ship) error {
			if c == nil {
				e.msg.ShipsRemoved = append(e.msg.ShipsRemoved, rem.encode(uint64(b.ID)))
				return nil
			}
			if c.ID == 0 {
				return fmt.Errorf("ship id 0: %w", errRange)
			}
			exact := c.ID == viewer
			cs := clientShip(*c, exact)
			cf := shipFields(&cs)
			if err := checkRange(shipSpecs, &cf); err != nil {
				return fmt.Errorf("ship %d: %w", c.ID, err)
			}
			pred := arena.Ship{ID: c.ID}
			if b != nil {
				pred = predictShip(clientShip(*b, exact), e.dt, exact)
			}
			pf := shipFields(&pred)
			if b != nil && sameFields(shipSpecs, &cf, &pf) {
				return nil
			}
			e.msg.Ships = append(e.msg.Ships, rec.encode(uint64(c.ID)))
			e.msg.Ships = appendRecord(e.msg.Ships, shipSpecs, shipShifts(c.ID, viewer), &cf, &pf)
			return nil
		})
}

// clientShipOf is ship id as the client holds it in cur, or nil when it
// is out of view.
func (e *encoder) clientShipOf(id arena.PlayerID, buf *arena.Ship) *arena.Ship {
	s := findShip(e.cur.Ships, id)
	if s == nil || !e.cv.seesShip(s) {
		return nil
	}
	*buf = clientShip(*s, id == e.cv.viewer)
	return buf
}

func (e *encoder) bullets() error {
	rec, rem := newIDs(e.idBase), newIDs(e.idBase)
	var prevTTL uint16
	return walk(e.baseWorld().Bullets, e.cur.Bullets,
		func(b *arena.Bullet) uint32 { return b.ID },
		func(b *arena.Bullet) bool { return e.bv.sees(b.Pos) },
		func(b *arena.Bullet) bool { return e.cv.sees(b.Pos) },
		func(b, c *arena.Bullet) error {
			if c == nil {
				if _, flying := predictBullet(*b, e.dt); flying {
					e.msg.BulletsRemoved = append(e.msg.BulletsRemoved, rem.encode(uint64(b.ID)))
				}
				return nil
			}
			cf := bulletFields(c)
			if b != nil {
				pred, _ := predictBullet(*b, e.dt)
				pf := bulletFields(&pred)
				if !sameFields(bulletSpecs, &cf, &pf) {
					e.msg.Bullets = append(e.msg.Bullets, rec.encode(uint64(c.ID)))
					e.msg.Bullets = appendRecord(e.msg.Bullets, bulletSpecs, &exactShifts, &cf, &pf)
				}
				return nil
			}
			var buf arena.Ship
			pred := newBullet(c.ID, c.Owner, e.clientShipOf(c.Owner, &buf), prevTTL)
			pf := bulletFields(&pred)
			prevTTL = c.TTL
			e.msg.Bullets = append(e.msg.Bullets, rec.encode(uint64(c.ID)), uint64(c.Owner))
			e.msg.Bullets = appendRecord(e.msg.Bullets, bulletSpecs, &exactShifts, &cf, &pf)
			return nil
		})
}

func (e *encoder) asteroids() {
	rec, rem := newIDs(e.idBase), newIDs(e.idBase)
	ref := atViewer(e.cur.Ships, e.cv.viewer)
	_ = walk(e.baseWorld().Asteroids, e.cur.Asteroids,
		func(a *arena.Asteroid) uint32 { return a.ID },
		func(a *arena.Asteroid) bool { return e.bv.sees(a.Pos) },
		func(a *arena.Asteroid) bool { return e.cv.sees(a.Pos) },
		func(b, c *arena.Asteroid) error {
			if c == nil {
				e.msg.AsteroidsRemoved = append(e.msg.AsteroidsRemoved, rem.encode(uint64(b.ID)))
				return nil
			}
			cf := asteroidFields(c)
			pred := arena.Asteroid{ID: c.ID, Pos: ref}
			if b != nil {
				pred = predictAsteroid(*b, e.dt)
			}
			pf := asteroidFields(&pred)
			if b != nil && sameFields(asteroidSpecs, &cf, &pf) {
				return nil
			}
			e.msg.Asteroids = append(e.msg.Asteroids, rec.encode(uint64(c.ID)))
			e.msg.Asteroids = appendRecord(e.msg.Asteroids, asteroidSpecs, &exactShifts, &cf, &pf)
			return nil
		})
}

func (e *encoder) pickups() {
	rec, rem := newIDs(e.idBase), newIDs(e.idBase)
	ref := atViewer(e.cur.Ships, e.cv.viewer)
	_ = walk(e.baseWorld().Pickups, e.cur.Pickups,
		func(p *arena.Pickup) uint32 { return p.ID },
		func(p *arena.Pickup) bool { return e.bv.sees(p.Pos) },
		func(p *arena.Pickup) bool { return e.cv.sees(p.Pos) },
		func(b, c *arena.Pickup) error {
			if c == nil {
				e.msg.PickupsRemoved = append(e.msg.PickupsRemoved, rem.encode(uint64(b.ID)))
				return nil
			}
			cf := pickupFields(c)
			pred := arena.Pickup{ID: c.ID, Pos: ref}
			if b != nil {
				pred = *b
			}
			pf := pickupFields(&pred)
			if b != nil && sameFields(pickupSpecs, &cf, &pf) {
				return nil
			}
			e.msg.Pickups = append(e.msg.Pickups, rec.encode(uint64(c.ID)))
			e.msg.Pickups = appendRecord(e.msg.Pickups, pickupSpecs, &exactShifts, &cf, &pf)
			return nil
		})
}
