// Package arenawire is the arena's wire format: world snapshots, as each
// client sees them, and inputs.
//
// # Snapshots
//
// The server sends each client, every tick, AppendSnapshot(base, cur,
// viewer): a delta against base, the world of a tick the client
// acknowledged, or a full snapshot when base is nil. The client decodes it
// with DecodeSnapshot against its own decoded world of that tick. The
// message is arena.v1.Snapshot (proto/arena/v1/snapshot.proto); it is
// small because of four things.
//
// View. A client is sent only what is within ViewHalfWidth and
// ViewHalfHeight of its ship (where it died, while it is dead); a
// spectator (a viewer without a ship) is sent everything. The encoder
// applies the same view to the baseline's world, so a thing that leaves
// the view is removed and one that enters it is new.
//
// Prediction. Both ends predict the baseline forward to the snapshot's
// tick: ships fly on their last input (turn, thrust, drag, top speed; no
// walls), their shield, cooldown and rapid-fire timers run down; bullets
// and asteroids fly in a straight line; a bullet whose TTL runs out
// vanishes; pickups stay. A snapshot carries only what differs from the
// prediction, field by field: an entity as predicted costs nothing, an
// entity gone is one id in a removal list. The prediction needs not be
// right, only the same on both ends: the encoder checks it against the
// world, so the decoded world is exact whatever the rules do.
//
// Quantization. The viewer's ship is exact, for the client's prediction.
// Other ships are drawn, not predicted, so their position is rounded down
// to a pixel, their velocity to a quarter pixel per tick and their angle to
// 1/256 of a turn, and their cooldown and rapid-fire timers are left out.
// Bullets, asteroids and pickups are exact.
//
// Packing. Each kind is one packed repeated varint field, not a message
// per entity: per entity, its id as a difference from the previous one,
// a mask of the fields that differ from the prediction, and each such
// field as a zigzag difference in its quantum (or its value, for flags,
// sizes and kinds).
//
// A full snapshot is the same encoding against the empty world, with new
// entities predicted from a reference: a bullet at its owner's nose,
// flying the way the owner faces; an asteroid or pickup at the viewer's
// ship.
//
// What the client gets: the tick, the match's phase and end, and the
// ships, bullets, asteroids and pickups in view. Not on the wire: the
// Config (the decoder leaves dst.Config alone; the client sets it from
// what the server told it), stats (they come as stat updates), NextID and
// RNG (zero), and anything out of view.
//
// In a 16-bot match at 30 Hz, with a baseline 3 ticks old, a snapshot is
// about 46 bytes on average (p99 about 113), a full one about 220: see
// BenchmarkSnapshotBytes16.
//
// # Inputs
//
// An input is one byte, its buttons: AppendInput and DecodeInput.
//
// # Hostile input
//
// DecodeSnapshot never panics. It reads at most MaxSnapshotSize bytes,
// allocates in proportion to what it reads, never grows a world beyond
// MaxShips, MaxBullets, MaxAsteroids and MaxPickups, and refuses values
// out of their type's range, ids out of order or repeated, and removals of
// what the baseline does not hold.
package arenawire

// Version names this encoding, its predictions included: arena's
// Ship.Steer, the straight flight of bullets and asteroids, the view and
// the precisions. A snapshot carries only where the world differs from what
// both ends predict, so two ends of different versions decode a different
// world without any error. The server announces its Version when it seats
// a player, and a client of another stops. Change it with any change to
// what is predicted or how.
const Version = 1
