package server

import (
	"context"
	"time"

	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// authenticate turns a guest token into the player id, at the upgrade, and
// remembers the name it carries.
func (s *Server) authenticate(token string, _ *sdk.UpgradeRequest) (string, error) {
	c, err := s.issuer.Verify(token)
	if err != nil {
		return "", sdk.Reject(401, err.Error())
	}
	s.names.set(c.PlayerID, c.Name, s.sessions)
	return c.PlayerID, nil
}

// verify checks a token for the replay downloads.
func (s *Server) verify(token string) (string, error) {
	c, err := s.issuer.Verify(token)
	if err != nil {
		return "", err
	}
	return c.PlayerID, nil
}

// name is a player's display name.
func (s *Server) name(playerID string) string {
	if n, ok := s.names.get(playerID); ok {
		return n
	}
	return playerID
}

// joinTimeout bounds the wait for a room to seat a new session.
const joinTimeout = 5 * time.Second

// onSessionStart seats a new session in a room with a free seat, or a new
// room.
func (s *Server) onSessionStart(ss *session.Session) {
	ctx, cancel := context.WithTimeout(context.Background(), joinTimeout)
	defer cancel()
	r, _, err := s.rooms.Join(ctx, ss)
	if err != nil {
		s.log.Error("seating a player", "player", ss.PlayerID(), "err", err)
		ss.Close(session.CloseKicked, "no room could seat you: "+err.Error())
		return
	}
	s.log.Info("session started", "player", ss.PlayerID(), "name", s.name(ss.PlayerID()), "room", r.ID())
}

// onSessionEnd frees the player's seat.
func (s *Server) onSessionEnd(ss *session.Session, err error) {
	s.rooms.Leave(ss.PlayerID())
	s.log.Info("session ended", "player", ss.PlayerID(), "reason", err)
}

// onRequest answers the arena's requests (arenav1.Method).
func (s *Server) onRequest(ctx context.Context, ss *session.Session, r session.Request) ([]byte, error) {
	switch arenav1.Method(r.Method) {
	case arenav1.Method_METHOD_LEADERBOARD:
		var req arenav1.LeaderboardRequest
		if err := proto.Unmarshal(r.Data, &req); err != nil {
			return nil, session.Errorf(session.CodeInvalidArgument, "leaderboard request: %v", err)
		}
		page, err := s.board.Page(int(req.Limit), req.Cursor)
		if err != nil {
			return nil, session.Errorf(session.CodeInvalidArgument, "leaderboard: %v", err)
		}
		return session.EncodeLeaderboardPage(page)
	case arenav1.Method_METHOD_LIST_REPLAYS:
		return proto.Marshal(&arenav1.ReplayList{Replays: s.store.List(), DownloadPath: "/replays"})
	case arenav1.Method_METHOD_MATCH_STATS:
		return s.matchStats(ctx, ss)
	}
	return nil, session.Errorf(session.CodeUnimplemented, "no method %d", r.Method)
}

// matchStats answers with the scores of the player's match so far.
func (s *Server) matchStats(ctx context.Context, ss *session.Session) ([]byte, error) {
	r := s.rooms.Room(ss.PlayerID())
	if r == nil {
		return nil, session.Errorf(session.CodeFailedPrecondition, "you are not in a room")
	}
	var res *arenav1.MatchResults
	err := r.Do(ctx, func() { res = s.game(r.ID()).MatchResults() })
	if err != nil {
		return nil, session.Errorf(session.CodeUnavailable, "room %s: %v", r.ID(), err)
	}
	return proto.Marshal(res)
}
