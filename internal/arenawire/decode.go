package arenawire

import (
	"errors"
	"fmt"
	"math"

	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"google.golang.org/protobuf/proto"
)

// DecodeSnapshot decodes data, made by AppendSnapshot against base (nil
// when the snapshot is full), into dst, which it overwrites, reusing its
// slices' capacity. base is not modified; base and dst must differ and
// share no slices.
//
// dst.Config is left as it is: the rules are not in snapshots. Nor are
// the stats (zero; they come as stat updates), NextID and RNG (zero), or
// what is out of the viewer's view. On an error, dst holds an unspecified
// but valid world.
func DecodeSnapshot(dst, base *arena.World, data []byte) error {
	if err := decodeSnapshot(dst, base, data); err != nil {
		return fmt.Errorf("arenawire: decode snapshot: %w", err)
	}
	return nil
}

func decodeSnapshot(dst, base *arena.World, data []byte) error {
	switch {
	case dst == nil:
		return errors.New("no world to decode into")
	case dst == base:
		return errors.New("the baseline is the world to decode into")
	case len(data) > MaxSnapshotSize:
		return fmt.Errorf("%d bytes, more than %d", len(data), MaxSnapshotSize)
	}
	var msg arenav1.Snapshot
	if err := proto.Unmarshal(data, &msg); err != nil {
		return err
	}
	d := decoder{dst: dst, base: base, msg: &msg}
	if base == nil {
		d.base, d.full = &arena.World{}, true
	}
	return d.decode()
}

// decoder reads one snapshot.
type decoder struct {
	dst, base *arena.World // base is the empty world for a full snapshot
	full      bool
	msg       *arenav1.Snapshot
	viewer    arena.PlayerID
	dt        uint64
	idBase    uint64
}

func (d *decoder) decode() error {
	if err := d.header(); err != nil {
		return err
	}
	dst := d.dst
	ships, err := decodeKind(d.base.Ships, dst.Ships[:0], MaxShips, d.msg.Ships, d.msg.ShipsRemoved, 0, math.MaxUint8,
		func(s *arena.Ship) uint64 { return uint64(s.ID) }, d.ship())
	dst.Ships = ships
	if err != nil {
		return fmt.Errorf("ships: %w", err)
	}
	bullets, err := decodeKind(d.base.Bullets, dst.Bullets[:0], MaxBullets, d.msg.Bullets, d.msg.BulletsRemoved, d.idBase, math.MaxUint32,
		func(b *arena.Bullet) uint64 { return uint64(b.ID) }, d.bullet())
	dst.Bullets = bullets
	if err != nil {
		return fmt.Errorf("bullets: %w", err)
	}
	ref := atViewer(dst.Ships, d.viewer)
	asteroids, err := decodeKind(d.base.Asteroids, dst.Asteroids[:0], MaxAsteroids, d.msg.Asteroids, d.msg.AsteroidsRemoved, d.idBase, math.MaxUint32,
		func(a *arena.Asteroid) uint64 { return uint64(a.ID) }, d.asteroid(ref))
	dst.Asteroids = asteroids
	if err != nil {
		return fmt.Errorf("asteroids: %w", err)
	}
	pickups, err := decodeKind(d.base.Pickups, dst.Pickups[:0], MaxPickups, d.msg.Pickups, d.msg.PickupsRemoved, d.idBase, math.MaxUint32,
		func(p *arena.Pickup) uint64 { return uint64(p.ID) }, d.pickup(ref))
	dst.Pickups = pickups
	if err != nil {
		return fmt.Errorf("pickups: %w", err)
	}
	return nil
}

// header decodes the tick, the viewer and the match, and resets what
// snapshots do not carry. A full snapshot is a delta against the empty
// world of tick 0, so the tick is the baseline's plus the snapshot's
// either way.
func (d *decoder) header() error {
	m := d.msg
	if m.Viewer > math.MaxUint8 {
		return fmt.Errorf("viewer %d is out of range", m.Viewer)
	}
	d.viewer = arena.PlayerID(m.Viewer)
	d.dt = m.Tick
	tick := d.base.Tick + m.Tick
	if tick < d.base.Tick {
		return fmt.Errorf("tick %d after the baseline's %d overflows", m.Tick, d.base.Tick)
	}
	match := d.base.Match
	switch {
	case m.Match != nil:
		if m.Match.Phase > uint32(arena.Over) {
			return fmt.Errorf("match phase %d is out of range", m.Match.Phase)
		}
		match = arena.Match{Phase: arena.Phase(m.Match.Phase), PhaseEnd: tick + uint64(m.Match.PhaseEndIn)}
	case d.full:
		return errors.New("full snapshot without the match")
	}
	d.idBase = maxEntityID(d.base)
	d.dst.Tick, d.dst.Match = tick, match
	d.dst.NextID, d.dst.RNG = 0, 0
	return nil
}

// maxEntityID is the highest bullet, asteroid or pickup id in w.
func maxEntityID(w *arena.World) uint64 {
	var top uint32
	for i := range w.Bullets {
		top = max(top, w.Bullets[i].ID)
	}
	for i := range w.Asteroids {
		top = max(top, w.Asteroids[i].ID)
	}
	for i := range w.Pickups {
		top = max(top, w.Pickups[i].ID)
	}
	return uint64(top)
}

// kind decodes the entities of one kind: what a baseline entity becomes
// without a record (and whether it stays), with one, and a new entity.
type kind[E any] struct {
	keep   func(b *E) (E, bool)
	update func(b *E, recs *stream) (E, error)
	create func(id uint64, recs *stream) (E, error)
}

// decodeKind merges the baseline's entities (sorted by id) with a
// snapshot's records and removals into out, in id order.
func decodeKind[E any](base, out []E, maxCount int, recVals, remVals []uint64, idBase, maxID uint64, id func(*E) uint64, k kind[E]) ([]E, error) {
	recs := stream{vals: recVals}
	recIDs, remIDs := newIDs(idBase), newIDs(idBase)
	rems := stream{vals: remVals}
	var recID, remID uint64
	hasRec, hasRem := false, false
	nextRec := func() (err error) {
		if hasRec = recs.more(); hasRec {
			v, _ := recs.next()
			recID, err = recIDs.decode(v, maxID)
		}
		return err
	}
	nextRem := func() (err error) {
		if hasRem = rems.more(); hasRem {
			v, _ := rems.next()
			remID, err = remIDs.decode(v, maxID)
		}
		return err
	}
	add := func(e E, err error) error {
		if err != nil {
			return err
		}
		if len(out) >= maxCount {
			return fmt.Errorf("more than %d", maxCount)
		}
		out = append(out, e)
		return nil
	}
	if err := errors.Join(nextRec(), nextRem()); err != nil {
		return out, err
	}
	for i := range base {
		b := &base[i]
		bid := id(b)
		if i > 0 && bid <= id(&base[i-1]) {
			return out, fmt.Errorf("the baseline's ids are not ascending at %d", bid)
		}
		for hasRec && recID < bid {
			if err := add(k.create(recID, &recs)); err != nil {
				return out, fmt.Errorf("new %d: %w", recID, err)
			}
			if err := nextRec(); err != nil {
				return out, err
			}
		}
		switch {
		case hasRem && remID < bid:
			return out, fmt.Errorf("removal of %d, which the baseline does not hold", remID)
		case hasRem && remID == bid:
			if hasRec && recID == bid {
				return out, fmt.Errorf("%d is both removed and updated", bid)
			}
			if err := nextRem(); err != nil {
				return out, err
			}
		case hasRec && recID == bid:
			if err := add(k.update(b, &recs)); err != nil {
				return out, fmt.Errorf("%d: %w", bid, err)
			}
			if err := nextRec(); err != nil {
				return out, err
			}
		default:
			if e, ok := k.keep(b); ok {
				if err := add(e, nil); err != nil {
					return out, err
				}
			}
		}
	}
	for hasRec {
		if err := add(k.create(recID, &recs)); err != nil {
			return out, fmt.Errorf("new %d: %w", recID, err)
		}
		if err := nextRec(); err != nil {
			return out, err
		}
	}
	if hasRem {
		return out, fmt.Errorf("removal of %d, which the baseline does not hold", remID)
	}
	return out, nil
}

// ship is the codec of ships.
func (d *decoder) ship() kind[arena.Ship] {
	read := func(id arena.PlayerID, pred *arena.Ship, recs *stream) (arena.Ship, error) {
		pf := shipFields(pred)
		var f fields
		if err := recs.readRecord(shipSpecs, shipShifts(id, d.viewer), &pf, &f); err != nil {
			return arena.Ship{}, err
		}
		return shipFromFields(id, &f), nil
	}
	return kind[arena.Ship]{
		keep: func(b *arena.Ship) (arena.Ship, bool) {
			return predictShip(*b, d.dt, b.ID == d.viewer), true
		},
		update: func(b *arena.Ship, recs *stream) (arena.Ship, error) {
			pred := predictShip(*b, d.dt, b.ID == d.viewer)
			return read(b.ID, &pred, recs)
		},
		create: func(id uint64, recs *stream) (arena.Ship, error) {
			if id == 0 {
				return arena.Ship{}, errors.New("ship id 0")
			}
			pred := arena.Ship{ID: arena.PlayerID(id)}
			return read(arena.PlayerID(id), &pred, recs)
		},
	}
}

// bullet is the codec of bullets; new ones refer to their owners in the
// ships decoded already.
func (d *decoder) bullet() kind[arena.Bullet] {
	var prevTTL uint16
	read := func(pred *arena.Bullet, recs *stream) (arena.Bullet, error) {
		pf := bulletFields(pred)
		var f fields
		if err := recs.readRecord(bulletSpecs, &exactShifts, &pf, &f); err != nil {
			return arena.Bullet{}, err
		}
		return bulletFromFields(pred.ID, pred.Owner, &f), nil
	}
	return kind[arena.Bullet]{
		keep: func(b *arena.Bullet) (arena.Bullet, bool) { return predictBullet(*b, d.dt) },
		update: func(b *arena.Bullet, recs *stream) (arena.Bullet, error) {
			pred, _ := predictBullet(*b, d.dt)
			return read(&pred, recs)
		},
		create: func(id uint64, recs *stream) (arena.Bullet, error) {
			owner, err := recs.next()
			if err != nil {
				return arena.Bullet{}, err
			}
			if owner > math.MaxUint8 {
				return arena.Bullet{}, fmt.Errorf("owner %d is out of range", owner)
			}
			o := arena.PlayerID(owner)
			pred := newBullet(uint32(id), o, findShip(d.dst.Ships, o), prevTTL)
			b, err := read(&pred, recs)
			prevTTL = b.TTL
			return b, err
		},
	}
}

func (d *decoder) asteroid(ref arena.Vec) kind[arena.Asteroid] {
	read := func(pred *arena.Asteroid, recs *stream) (arena.Asteroid, error) {
		pf := asteroidFields(pred)
		var f fields
		if err := recs.readRecord(asteroidSpecs, &exactShifts, &pf, &f); err != nil {
			return arena.Asteroid{}, err
		}
		return asteroidFromFields(pred.ID, &f), nil
	}
	return kind[arena.Asteroid]{
		keep: func(b *arena.Asteroid) (arena.Asteroid, bool) { return predictAsteroid(*b, d.dt), true },
		update: func(b *arena.Asteroid, recs *stream) (arena.Asteroid, error) {
			pred := predictAsteroid(*b, d.dt)
			return read(&pred, recs)
		},
		create: func(id uint64, recs *stream) (arena.Asteroid, error) {
			pred := arena.Asteroid{ID: uint32(id), Pos: ref}
			return read(&pred, recs)
		},
	}
}

func (d *decoder) pickup(ref arena.Vec) kind[arena.Pickup] {
	read := func(pred *arena.Pickup, recs *stream) (arena.Pickup, error) {
		pf := pickupFields(pred)
		var f fields
		if err := recs.readRecord(pickupSpecs, &exactShifts, &pf, &f); err != nil {
			return arena.Pickup{}, err
		}
		return pickupFromFields(pred.ID, &f), nil
	}
	return kind[arena.Pickup]{
		keep:   func(b *arena.Pickup) (arena.Pickup, bool) { return *b, true },
		update: func(b *arena.Pickup, recs *stream) (arena.Pickup, error) { return read(b, recs) },
		create: func(id uint64, recs *stream) (arena.Pickup, error) {
			pred := arena.Pickup{ID: uint32(id), Pos: ref}
			return read(&pred, recs)
		},
	}
}

// Decoder returns a decoder of snapshots in the shape sdk/room's Sync
// takes: it decodes data against base when hasBase, into reuse (a new
// World with cfg, the rules, when reuse is nil: snapshots do not carry
// them).
func Decoder(cfg arena.Config) func(base *arena.World, hasBase bool, data []byte, reuse *arena.World) (*arena.World, error) {
	return func(base *arena.World, hasBase bool, data []byte, reuse *arena.World) (*arena.World, error) {
		if reuse == nil {
			reuse = &arena.World{Config: cfg}
		}
		if !hasBase {
			base = nil
		}
		return reuse, DecodeSnapshot(reuse, base, data)
	}
}
