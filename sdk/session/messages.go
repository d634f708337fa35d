package session

import (
	"fmt"
	"time"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Message is what a session carries for a game: a State, a Payload, a
// Notification, a StatUpdate or a LeaderboardPage. State is in the
// latest-wins class; the others are in the reliable class.
type Message interface {
	// setBody points e's envelope at the message, through e's reusable
	// wrappers for the messages sent most.
	setBody(e *encoder)
	class() Class
}

// Event is what a Client's Poll and Next return: a received Message, or a
// StatusChange.
type Event interface {
	isEvent()
}

// State is a snapshot of game state, in the latest-wins class: a newer
// State of the same Kind replaces one that has not been sent yet, so the
// peer always gets the freshest, and never a backlog. Tick must not
// decrease from one State to the next; the peer acknowledges the highest
// Tick it received (see Session.StateAck), which is what delta compression
// and the server's lag check (Limits.MaxLag) build on. States with Tick 0
// are never acknowledged.
type State struct {
	Kind uint32 // the game's code for what the state describes
	Tick uint64
	Data []byte // the game's encoding, usually protobuf
}

// Payload is one of the game's own messages (an input, a chat line, a game
// event), in the reliable class. Kind says which of the game's message
// types Data holds, so the wire carries no type name.
type Payload struct {
	Kind uint32
	Data []byte
}

// Notification is a message for a player: a kill, a join, a new high
// score, an operator broadcast. It is in the reliable class.
type Notification struct {
	ID         string    // unique; the server fills it in when empty
	Kind       uint32    // the game's code for what happened
	Subject    string    // short text fit to show as is
	Content    []byte    // the game's data about it, in any encoding
	Sender     string    // the player it came from; empty for the server
	Created    time.Time // the server fills it in when zero
	Persistent bool      // kept for an offline player until the next session
}

// Stat is one named value, such as "kills" or "accuracy".
type Stat struct {
	Name  string
	Value float64
}

// PlayerStats are one player's stats. In a StatUpdate, only the named stats
// changed.
type PlayerStats struct {
	PlayerID string
	Name     string
	Stats    []Stat
}

// StatUpdate carries game stats that changed, per player and for the match.
// It is in the reliable class.
type StatUpdate struct {
	MatchID string
	Players []PlayerStats
	Match   []Stat // match-wide stats: time left, team scores
}

// LeaderboardRecord is one entry of a leaderboard.
type LeaderboardRecord struct {
	PlayerID string
	Name     string
	Score    int64
	Rank     uint32
	Updated  time.Time
}

// LeaderboardPage is one page of a leaderboard, best first. Pushed, it is
// in the reliable class; fetched, it is a Request's answer (see
// EncodeLeaderboardPage and DecodeLeaderboardPage).
type LeaderboardPage struct {
	LeaderboardID string
	Records       []LeaderboardRecord
	NextCursor    string // fetches the following page; empty on the last
}

func (State) isEvent()           {}
func (Payload) isEvent()         {}
func (Notification) isEvent()    {}
func (StatUpdate) isEvent()      {}
func (LeaderboardPage) isEvent() {}

func (State) class() Class           { return ClassState }
func (Payload) class() Class         { return ClassReliable }
func (Notification) class() Class    { return ClassReliable }
func (StatUpdate) class() Class      { return ClassReliable }
func (LeaderboardPage) class() Class { return ClassReliable }

func (m State) setBody(e *encoder) {
	e.state = gamesockv1.State{Kind: m.Kind, Tick: m.Tick, Data: m.Data}
	e.stateB.State = &e.state
	e.env.Body = &e.stateB
}

func (m Payload) setBody(e *encoder) {
	e.payload = gamesockv1.Payload{Kind: m.Kind, Data: m.Data}
	e.payB.Payload = &e.payload
	e.env.Body = &e.payB
}

func (m Notification) setBody(e *encoder) {
	e.notif = gamesockv1.Notification{Id: m.ID, Kind: m.Kind, Subject: m.Subject, Content: m.Content,
		SenderId: m.Sender, Persistent: m.Persistent}
	if !m.Created.IsZero() {
		e.created = timestamppb.Timestamp{Seconds: m.Created.Unix(), Nanos: int32(m.Created.Nanosecond())}
		e.notif.CreateTime = &e.created
	}
	e.notifB.Notification = &e.notif
	e.env.Body = &e.notifB
}

func (m StatUpdate) setBody(e *encoder) {
	e.env.Body = &gamesockv1.Envelope_StatUpdate{StatUpdate: statUpdateProto(m)}
}

func (m LeaderboardPage) setBody(e *encoder) {
	e.env.Body = &gamesockv1.Envelope_LeaderboardPage{LeaderboardPage: leaderboardProto(m)}
}

// EncodeLeaderboardPage encodes p in the wire format, for a request
// handler that answers with a page.
func EncodeLeaderboardPage(p LeaderboardPage) ([]byte, error) {
	return proto.Marshal(leaderboardProto(p))
}

// DecodeLeaderboardPage decodes a page that EncodeLeaderboardPage encoded,
// as a Request's answer.
func DecodeLeaderboardPage(b []byte) (LeaderboardPage, error) {
	var p gamesockv1.LeaderboardPage
	if err := proto.Unmarshal(b, &p); err != nil {
		return LeaderboardPage{}, fmt.Errorf("leaderboard page: %w", err)
	}
	return leaderboardFrom(&p), nil
}

func timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func fromTimestamp(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}

func statsProto(in []Stat) []*gamesockv1.Stat {
	if len(in) == 0 {
		return nil
	}
	out := make([]*gamesockv1.Stat, len(in))
	for i, s := range in {
		out[i] = &gamesockv1.Stat{Name: s.Name, Value: s.Value}
	}
	return out
}

func statsFrom(in []*gamesockv1.Stat) []Stat {
	if len(in) == 0 {
		return nil
	}
	out := make([]Stat, len(in))
	for i, s := range in {
		out[i] = Stat{Name: s.GetName(), Value: s.GetValue()}
	}
	return out
}

func statUpdateProto(m StatUpdate) *gamesockv1.StatUpdate {
	u := &gamesockv1.StatUpdate{MatchId: m.MatchID, Match: statsProto(m.Match)}
	if len(m.Players) > 0 {
		u.Players = make([]*gamesockv1.PlayerStats, len(m.Players))
		for i, p := range m.Players {
			u.Players[i] = &gamesockv1.PlayerStats{PlayerId: p.PlayerID, Name: p.Name, Stats: statsProto(p.Stats)}
		}
	}
	return u
}

func statUpdateFrom(u *gamesockv1.StatUpdate) StatUpdate {
	m := StatUpdate{MatchID: u.GetMatchId(), Match: statsFrom(u.GetMatch())}
	if ps := u.GetPlayers(); len(ps) > 0 {
		m.Players = make([]PlayerStats, len(ps))
		for i, p := range ps {
			m.Players[i] = PlayerStats{PlayerID: p.GetPlayerId(), Name: p.GetName(), Stats: statsFrom(p.GetStats())}
		}
	}
	return m
}

func leaderboardProto(m LeaderboardPage) *gamesockv1.LeaderboardPage {
	p := &gamesockv1.LeaderboardPage{LeaderboardId: m.LeaderboardID, NextCursor: m.NextCursor}
	if len(m.Records) > 0 {
		p.Records = make([]*gamesockv1.LeaderboardRecord, len(m.Records))
		for i, r := range m.Records {
			p.Records[i] = &gamesockv1.LeaderboardRecord{
				PlayerId: r.PlayerID, Name: r.Name, Score: r.Score, Rank: r.Rank,
				UpdateTime: timestamp(r.Updated),
			}
		}
	}
	return p
}

func leaderboardFrom(p *gamesockv1.LeaderboardPage) LeaderboardPage {
	m := LeaderboardPage{LeaderboardID: p.GetLeaderboardId(), NextCursor: p.GetNextCursor()}
	if rs := p.GetRecords(); len(rs) > 0 {
		m.Records = make([]LeaderboardRecord, len(rs))
		for i, r := range rs {
			m.Records[i] = LeaderboardRecord{
				PlayerID: r.GetPlayerId(), Name: r.GetName(), Score: r.GetScore(), Rank: r.GetRank(),
				Updated: fromTimestamp(r.GetUpdateTime()),
			}
		}
	}
	return m
}

func notificationFrom(n *gamesockv1.Notification) Notification {
	return Notification{
		ID:         n.GetId(),
		Kind:       n.GetKind(),
		Subject:    n.GetSubject(),
		Content:    n.GetContent(),
		Sender:     n.GetSenderId(),
		Created:    fromTimestamp(n.GetCreateTime()),
		Persistent: n.GetPersistent(),
	}
}

// messageFrom returns the Message an envelope's body carries, or nil if the
// body is not a Message.
func messageFrom(env *gamesockv1.Envelope) Message {
	switch b := env.Body.(type) {
	case *gamesockv1.Envelope_State:
		return State{Kind: b.State.GetKind(), Tick: b.State.GetTick(), Data: b.State.GetData()}
	case *gamesockv1.Envelope_Payload:
		return Payload{Kind: b.Payload.GetKind(), Data: b.Payload.GetData()}
	case *gamesockv1.Envelope_Notification:
		return notificationFrom(b.Notification)
	case *gamesockv1.Envelope_StatUpdate:
		return statUpdateFrom(b.StatUpdate)
	case *gamesockv1.Envelope_LeaderboardPage:
		return leaderboardFrom(b.LeaderboardPage)
	}
	return nil
}
