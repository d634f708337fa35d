package ui

import (
	"context"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// Network is a connection to a game server as the scenes see it. Its
// methods never block the caller for long: SendInput queues, Poll does not
// wait, Request runs on a goroutine of the caller's choosing (the scenes
// start one).
type Network interface {
	// Poll returns the next event the server sent, in order, or false
	// when none is waiting. It never blocks.
	Poll() (Event, bool)
	// SendInput sends one tick's buttons and returns the input's sequence
	// number (which a Snapshot's InputAck acknowledges).
	SendInput(arena.Buttons) uint32
	// Request calls a method of the server and returns its answer.
	Request(ctx context.Context, m arenav1.Method, req proto.Message) ([]byte, error)
	// Stats are the connection's figures now.
	Stats() NetStats
	// Token is the player's bearer token, for the server's other
	// endpoints (replay downloads).
	Token() string
	// ReplayURL is the ws:// or wss:// URL to download replay id from,
	// given the download path a ReplayList names.
	ReplayURL(downloadPath, id string) string
	// Close ends the connection and waits for its goroutines.
	Close()
}

// Dialer opens a Network to server as the player name. It runs on a
// goroutine of the connect scene, never on Update's.
type Dialer func(ctx context.Context, server, name string) (Network, error)

// NetStats are a connection's live figures.
type NetStats struct {
	RTT          time.Duration
	Jitter       time.Duration
	BytesInPerS  float64
	BytesOutPerS float64
	SnapshotRate float64 // snapshots a second
}

// Event is something a Network delivers: one of Seated, Snapshot, Roster,
// Notice, Stats, Status or Failure.
type Event interface{ isEvent() }

// Seated says the server seated the player in a room.
type Seated struct {
	RoomID   string
	Ship     arena.PlayerID
	TickRate int
	Match    uint32
}

// Snapshot is a decoded world from the server. World belongs to the
// receiver.
type Snapshot struct {
	Tick     uint64
	InputAck uint32 // the newest input the server applied
	World    *arena.World
	Arrived  time.Time
}

// RosterEntry names one ship of the room.
type RosterEntry struct {
	Ship     arena.PlayerID
	PlayerID string
	Name     string
	Bot      bool
}

// Roster is the room's ships and their players.
type Roster struct{ Entries []RosterEntry }

// Notice is a notification and its decoded content: one of *arenav1.Kill,
// *arenav1.Streak, *arenav1.HighScore, *arenav1.MatchInfo,
// *arenav1.MatchResults, *arenav1.RosterEntry, or nil.
type Notice struct {
	session.Notification
	Content proto.Message
}

// Stats is a stat update.
type Stats struct{ session.StatUpdate }

// Status is a change of the connection's status.
type Status struct{ session.StatusChange }

// Failure is an error of the connection that the player should see.
type Failure struct{ Err error }

func (Seated) isEvent()   {}
func (Snapshot) isEvent() {}
func (Roster) isEvent()   {}
func (Notice) isEvent()   {}
func (Stats) isEvent()    {}
func (Status) isEvent()   {}
func (Failure) isEvent()  {}
