package conn

import (
	"errors"
	"fmt"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/arenawire"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/room"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// maxTickRate bounds the tick rate a JOINED may announce.
const maxTickRate = 240

// onPayload handles the room's payloads: JOINED seats the player with a
// fresh Sync (the room starts the sequences anew), ROSTER is passed on.
func (c *Conn) onPayload(p session.Payload) {
	switch arenav1.PayloadKind(p.Kind) {
	case arenav1.PayloadKind_PAYLOAD_KIND_JOINED:
		var j arenav1.Joined
		if err := proto.Unmarshal(p.Data, &j); err != nil {
			c.deliver(Err{fmt.Errorf("JOINED payload: %w", err)})
			return
		}
		ev, err := c.seat(&j)
		if err != nil {
			c.deliver(Err{err})
			return
		}
		c.deliver(ev)
	case arenav1.PayloadKind_PAYLOAD_KIND_ROSTER:
		var r arenav1.Roster
		if err := proto.Unmarshal(p.Data, &r); err != nil {
			c.deliver(Err{fmt.Errorf("ROSTER payload: %w", err)})
			return
		}
		c.deliver(rosterOf(&r))
	}
}

// seat checks a JOINED and seats the player by it.
func (c *Conn) seat(j *arenav1.Joined) (Seated, error) {
	switch {
	case j.WireVersion != arenawire.Version:
		c.unseat()
		return Seated{}, fmt.Errorf("JOINED payload: the server speaks snapshot encoding version %d, this client %d: update the client",
			j.WireVersion, arenawire.Version)
	case j.ShipId == 0 || j.ShipId > 255:
		c.unseat()
		return Seated{}, fmt.Errorf("JOINED payload: ship id %d is not an arena player id (1-255)", j.ShipId)
	case j.TickRate == 0 || j.TickRate > maxTickRate:
		c.unseat()
		return Seated{}, fmt.Errorf("JOINED payload: tick rate %d out of range (1-%d)", j.TickRate, maxTickRate)
	}
	c.mu.Lock()
	c.sync = room.NewSync(arenawire.Decoder(arena.DefaultConfig()), nil)
	c.ship = arena.PlayerID(j.ShipId)
	c.mu.Unlock()
	return Seated{RoomID: j.RoomId, Ship: arena.PlayerID(j.ShipId), TickRate: int(j.TickRate), Match: j.MatchNumber}, nil
}

func (c *Conn) unseat() {
	c.mu.Lock()
	c.sync, c.ship = nil, 0
	c.mu.Unlock()
}

func rosterOf(r *arenav1.Roster) Roster {
	out := Roster{Entries: make([]RosterEntry, 0, len(r.Entries))}
	for _, e := range r.Entries {
		if e.ShipId == 0 || e.ShipId > 255 {
			continue // not a ship of this game
		}
		out.Entries = append(out.Entries, RosterEntry{Ship: arena.PlayerID(e.ShipId), PlayerID: e.PlayerId, Name: e.Name, Bot: e.Bot})
	}
	return out
}

// onState decodes a snapshot and hands the game a copy of its world. One
// that comes before the player is seated is from a room it does not know
// yet, and ignored.
func (c *Conn) onState(st session.State) {
	arrived := time.Now()
	c.mu.Lock()
	if c.sync == nil {
		c.mu.Unlock()
		return
	}
	snap, err := c.sync.Snapshot(st)
	if err != nil {
		c.counter.decodeErrors++
		c.mu.Unlock()
		if !errors.Is(err, room.ErrNoBaseline) { // the room recovers from that by itself
			c.deliver(Err{fmt.Errorf("snapshot at tick %d: %w", st.Tick, err)})
		}
		return
	}
	ev := Snapshot{Tick: snap.Tick, InputAck: snap.InputAck, World: snap.State.Clone(), Arrived: arrived}
	for _, in := range c.sync.Pending() {
		ev.Pending = append(ev.Pending, room.Input{Seq: in.Seq, Data: append([]byte(nil), in.Data...)})
	}
	c.counter.snapshots++
	if !c.deliverSnapshot(ev) {
		c.counter.snapshotsDropped++
	}
	c.mu.Unlock()
}

// onNotification decodes a notification's content by its kind.
func (c *Conn) onNotification(n session.Notification) {
	var m proto.Message
	switch arenav1.NotificationKind(n.Kind) {
	case arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_JOINED, arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_LEFT:
		m = new(arenav1.RosterEntry)
	case arenav1.NotificationKind_NOTIFICATION_KIND_KILL:
		m = new(arenav1.Kill)
	case arenav1.NotificationKind_NOTIFICATION_KIND_STREAK:
		m = new(arenav1.Streak)
	case arenav1.NotificationKind_NOTIFICATION_KIND_HIGH_SCORE:
		m = new(arenav1.HighScore)
	case arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_STARTING:
		m = new(arenav1.MatchInfo)
	case arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED:
		m = new(arenav1.MatchResults)
	}
	if m != nil {
		if err := proto.Unmarshal(n.Content, m); err != nil {
			c.deliver(Err{fmt.Errorf("%v notification %q: %w", arenav1.NotificationKind(n.Kind), n.ID, err)})
			m = nil
		}
	}
	c.deliver(Notification{Notification: n, Message: m})
}

// onStatus passes status changes on. A lost session unseats the player:
// the room seats it again with a JOINED, and until then its snapshots
// and inputs belong to no seat.
func (c *Conn) onStatus(ch session.StatusChange) {
	if ch.Status == session.Connected && ch.SessionLost {
		c.unseat()
	}
	c.deliver(Status{ch})
}
