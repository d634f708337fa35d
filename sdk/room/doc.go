// Package room is the server side of a real-time game on top of
// sdk/session: rooms (matches) that run a game at a fixed tick rate, take
// the players' inputs and send each player a snapshot of the world every
// tick, plus Sync, the matching helper for game clients.
//
// # Rooms and goroutines
//
// A Room runs one Game (the game's rules, through the Game hooks) for up to
// Options.MaxPlayers players. One goroutine per room owns its world: New
// starts it, Close stops it and waits for it. It runs every Game method,
// so a game needs no locks. Nothing else touches the world: joins, leaves
// and operator commands (Room.Do) are handed to that goroutine, and the
// sessions' read goroutines hand it inputs through a bounded channel
// (Room.HandleState, which never blocks). Nothing in a tick waits for the
// network either: Session.Send only queues, latest wins.
//
// A Manager assigns players to rooms: the fullest room with a free seat,
// so rooms fill, or a new one; it closes rooms left empty.
//
// # The tick
//
// Every 1/TickRate (30 Hz by default), the room:
//
//  1. hands the game at most one queued input per player (Game.Input),
//     the next in sequence, so no client moves faster by sending more;
//  2. advances the world (Game.Tick) and captures it (Game.Snapshot);
//  3. encodes each player's view (Game.Encode) and sends it in a session
//     State of Options.SnapshotKind, whose Tick is the room's tick.
//
// A tick that overruns its period is counted, and the tick it delayed is
// skipped rather than run in a burst to catch up.
//
// # The wire
//
// proto/gamesock/v1/room.proto defines what rides in the States' Data.
// Clients send RoomInput: the inputs the room has not acknowledged yet,
// numbered from 1, so that an input is lost only if every frame carrying it
// is, and snapshot_ack, the newest snapshot they decoded. The room answers
// with RoomSnapshot: the game's bytes, the baseline they are a delta
// against, and input_ack, the client's last input the room applied, for
// the client to replay the later ones on top (reconciliation).
//
// The delta rule: a player's snapshot is a delta against the newest
// snapshot its client acknowledged, provided the room still keeps it
// (Options.History ticks) and did send that tick to that client; else it
// is whole. Acknowledgements only move forward.
//
// # Bad input
//
// Input from the network is hostile. The player is the session: identity
// is the session's authenticated player id, never a field of a message,
// so nobody can send input for someone else. A frame that does not
// decode, carries too many inputs or too large ones, goes back in sequence
// or jumps too far ahead is dropped whole; an input the game's Input
// refuses is dropped; inputs sent faster than one a tick queue up to
// Options.InputQueue and then push out the oldest. Each is counted by
// reason (InputStats, for the room and each player) and none reaches the
// game, and the room ticks on for everyone else.
//
// # The client
//
// Sync numbers a client's inputs and builds its frames (Sync.Input),
// decodes snapshots against the baselines it kept (Sync.Snapshot) and
// tells which inputs the room has not applied yet (Sync.Pending), for
// prediction.
package room
