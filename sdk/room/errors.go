package room

import "errors"

// Errors of rooms and managers. Errors returned wrap them with what failed.
var (
	// ErrFull: the room has no free seat. A Game.Join that returns an error
	// matching ErrFull makes a Manager try another room.
	ErrFull = errors.New("room full")
	// ErrClosed: the room or the manager was closed.
	ErrClosed = errors.New("room closed")
	// ErrNoBaseline: a snapshot is a delta against a tick the Sync no
	// longer has (or never had). The client goes on with the next
	// snapshots: once it acknowledges nothing usable, the room sends full
	// ones.
	ErrNoBaseline = errors.New("snapshot baseline not in history")
)
