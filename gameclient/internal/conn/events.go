package conn

import (
	"time"

	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/sdk/room"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// Event is what the connection hands the game loop: a Seated, Snapshot,
// Roster, Notification, Stats, Leaderboard, Status or Err.
type Event interface{ isEvent() }

// Seated: the server seated the player in a room (its JOINED payload).
// Inputs and snapshots start from here; after a lost session, the player is
// seated again, with sequences starting anew.
type Seated struct {
	RoomID   string
	Ship     arena.PlayerID // the player's ship
	TickRate int            // the room's ticks a second
	Match    uint32         // the match number
}

// Snapshot is a world snapshot the room sent, decoded.
type Snapshot struct {
	// Tick is the room's tick (not the match's World.Tick): it only grows
	// within a seat, and dates the snapshot for interpolation.
	Tick uint64
	// InputAck is the player's last input the room applied.
	InputAck uint32
	// World is the decoded world, with the rules of arena.DefaultConfig;
	// the game's to keep and change.
	World *arena.World
	// Arrived is when the snapshot came off the network.
	Arrived time.Time
	// Pending are the inputs the room had not applied when the snapshot
	// was decoded (a copy, the game's).
	Pending []room.Input
}

// RosterEntry is one ship in the room.
type RosterEntry struct {
	Ship     arena.PlayerID
	PlayerID string // empty for a bot
	Name     string
	Bot      bool
}

// Roster is everyone in the room, sent whole when it changes.
type Roster struct {
	Entries []RosterEntry
}

// Notification is a notification from the server, with its Content
// decoded into Message when the kind says what it holds: an
// *arenav1.RosterEntry (PLAYER_JOINED, PLAYER_LEFT), *arenav1.Kill,
// *arenav1.Streak, *arenav1.HighScore, *arenav1.MatchInfo
// (MATCH_STARTING) or *arenav1.MatchResults (MATCH_ENDED); nil otherwise
// (OPERATOR: the Subject is the message).
type Notification struct {
	session.Notification
	Message proto.Message
}

// Stats are game stats that changed.
type Stats struct {
	session.StatUpdate
}

// Leaderboard is a leaderboard page the server pushed.
type Leaderboard struct {
	session.LeaderboardPage
}

// Status is a change of the connection's status: reconnecting, connected
// again (resumed, or with the session lost and the player to be seated
// again), closed.
type Status struct {
	session.StatusChange
}

// Err is something the server sent that the client could not use: a
// payload that does not decode, a snapshot encoding of another version
// (the client then stops decoding snapshots: update it).
type Err struct {
	Err error
}

func (e Err) Error() string { return e.Err.Error() }

func (Seated) isEvent()       {}
func (Snapshot) isEvent()     {}
func (Roster) isEvent()       {}
func (Notification) isEvent() {}
func (Stats) isEvent()        {}
func (Leaderboard) isEvent()  {}
func (Status) isEvent()       {}
func (Err) isEvent()          {}
