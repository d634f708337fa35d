package ui

import (
	"context"
	"log/slog"

	"github.com/gamesock/gamesock/gameclient/internal/conn"
	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk"
	"google.golang.org/protobuf/proto"
)

// ConnDialer is the Dialer of real connections (package conn), with the
// socket settings ctl.
func ConnDialer(ctl sdk.Control, log *slog.Logger) Dialer {
	return func(ctx context.Context, server, name string) (Network, error) {
		c, err := conn.Connect(ctx, conn.Options{Server: server, Name: name, Control: ctl, Logger: log})
		if err != nil {
			return nil, err
		}
		return &connNetwork{c: c}, nil
	}
}

// connNetwork is a conn.Conn as a Network: it translates the events.
type connNetwork struct {
	c *conn.Conn
}

func (n *connNetwork) Poll() (Event, bool) {
	for {
		select {
		case ev := <-n.c.Events():
			if e, ok := translate(ev); ok {
				return e, true
			}
		default:
			return nil, false
		}
	}
}

// translate maps a conn event to the scenes' own; false for those they
// do not use.
func translate(ev conn.Event) (Event, bool) {
	switch ev := ev.(type) {
	case conn.Seated:
		return Seated{RoomID: ev.RoomID, Ship: ev.Ship, TickRate: ev.TickRate, Match: ev.Match}, true
	case conn.Snapshot:
		return Snapshot{Tick: ev.Tick, InputAck: ev.InputAck, World: ev.World, Arrived: ev.Arrived}, true
	case conn.Roster:
		r := Roster{Entries: make([]RosterEntry, len(ev.Entries))}
		for i, e := range ev.Entries {
			r.Entries[i] = RosterEntry{Ship: e.Ship, PlayerID: e.PlayerID, Name: e.Name, Bot: e.Bot}
		}
		return r, true
	case conn.Notification:
		return Notice{Notification: ev.Notification, Content: ev.Message}, true
	case conn.Stats:
		return Stats{ev.StatUpdate}, true
	case conn.Status:
		return Status{ev.StatusChange}, true
	case conn.Err:
		return Failure{ev.Err}, true
	}
	return nil, false
}

func (n *connNetwork) SendInput(b arena.Buttons) uint32 { return n.c.SendInput(b) }

func (n *connNetwork) Request(ctx context.Context, m arenav1.Method, req proto.Message) ([]byte, error) {
	return n.c.Request(ctx, m, req)
}

func (n *connNetwork) Stats() NetStats {
	s := n.c.Stats()
	return NetStats{RTT: s.RTT, Jitter: s.Jitter, BytesInPerS: s.BytesInPerSec,
		BytesOutPerS: s.BytesOutPerSec, SnapshotRate: s.SnapshotsPerSec}
}

func (n *connNetwork) Token() string { return n.c.Token() }

func (n *connNetwork) ReplayURL(downloadPath, id string) string {
	return n.c.ReplayURL(downloadPath, id)
}

func (n *connNetwork) Close() { n.c.Close() }
