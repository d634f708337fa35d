package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameserver/internal/replays"
	"github.com/gamesock/gamesock/gameserver/internal/server"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// TestRequests asks a server everything a client may ask, before and after
// a short match: the leaderboard, the replays (and downloads them), the
// match's stats, and what it does not answer.
func TestRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{Warmup: shortWarmup, MatchLength: 2 * time.Second, Results: shortWarmup})
	p := ts.join(t, "Reader", session.Reconnect{})

	// Before the first match ends (2 s from now).
	t.Run("empty leaderboard", func(t *testing.T) {
		page := leaderboard(t, p, &arenav1.LeaderboardRequest{})
		if len(page.Records) != 0 || page.NextCursor != "" {
			t.Errorf("the leaderboard before any match ended: %+v, want no records", page)
		}
	})
	t.Run("no replays yet", func(t *testing.T) {
		if list := listReplays(t, p); len(list.Replays) != 0 {
			t.Errorf("replays before any match ended: %v", list.Replays)
		}
	})
	t.Run("match stats", func(t *testing.T) {
		res := p.matchStats(t)
		if res.RoomId != p.roomID || res.MatchNumber != 1 {
			t.Errorf("match stats of room %q match %d, want room %q match 1", res.RoomId, res.MatchNumber, p.roomID)
		}
		pr := resultOf(res, p.id)
		if pr == nil {
			t.Fatalf("match stats %v lack the player %s", res, p.id)
		}
		if pr.Name != p.name || pr.ShipId != uint32(p.ship) || pr.Bot {
			t.Errorf("the player's line %v, want name %q, ship %d, not a bot", pr, p.name, p.ship)
		}
	})
	t.Run("bad leaderboard requests", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			data []byte
		}{
			{"not protobuf", []byte{0xFF, 0xFF, 0xFF}},
			{"cursor the board did not make", mustMarshal(t, &arenav1.LeaderboardRequest{Cursor: "not-a-cursor"})},
			{"cursor of the right length, not base64", mustMarshal(t, &arenav1.LeaderboardRequest{Cursor: "!!!!!!!!!!!!!!!!!!!!!!"})},
		} {
			_, err := p.requestRaw(arenav1.Method_METHOD_LEADERBOARD, tc.data)
			if err == nil {
				t.Errorf("%s: answered, want CodeInvalidArgument", tc.name)
				continue
			}
			if code := errorCode(t, err); code != session.CodeInvalidArgument {
				t.Errorf("%s: %v, want CodeInvalidArgument", tc.name, err)
			}
		}
	})
	t.Run("unknown methods", func(t *testing.T) {
		for _, m := range []arenav1.Method{arenav1.Method_METHOD_UNSPECIFIED, 4, 99, math.MaxInt32} {
			_, err := p.requestRaw(m, nil)
			if err == nil {
				t.Errorf("method %d answered, want CodeUnimplemented", m)
				continue
			}
			if code := errorCode(t, err); code != session.CodeUnimplemented {
				t.Errorf("method %d: %v, want CodeUnimplemented", m, err)
			}
		}
	})
	if t.Failed() {
		return
	}

	// The match ends: its results name the replay, and the first score on
	// an empty board is a new high score.
	var results arenav1.MatchResults
	waitNotification(t, p, arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED, &results)
	pr := resultOf(&results, p.id)
	if pr == nil || results.ReplayId == "" {
		t.Fatalf("MATCH_ENDED results %v: want the player's line and a replay id", &results)
	}
	var hs arenav1.HighScore
	waitNotification(t, p, arenav1.NotificationKind_NOTIFICATION_KIND_HIGH_SCORE, &hs)

	t.Run("leaderboard after the match", func(t *testing.T) {
		page := leaderboard(t, p, &arenav1.LeaderboardRequest{Limit: 10})
		i := slices.IndexFunc(page.Records, func(r session.LeaderboardRecord) bool { return r.PlayerID == p.id })
		if i < 0 {
			t.Fatalf("the leaderboard %+v lacks the player %s after the match", page, p.id)
		}
		rec := page.Records[i]
		if rec.Name != p.name || rec.Score != int64(pr.Score) || rec.Rank != 1 || rec.Rank != hs.Rank {
			t.Errorf("the player's record %+v, want name %q, score %d, rank 1 (HIGH_SCORE said %d)", rec, p.name, pr.Score, hs.Rank)
		}
	})

	// The replay is saved on a goroutine of its own: wait for the list,
	// asking every fifth tick, within the server's request rate.
	var list *arenav1.ReplayList
	var info *arenav1.ReplayInfo
	polls := 0
	p.waitUntil(t, "the replay listed", func() bool {
		if polls++; polls%5 != 1 {
			return false
		}
		list = listReplays(t, p)
		i := slices.IndexFunc(list.Replays, func(r *arenav1.ReplayInfo) bool { return r.Id == results.ReplayId })
		if i >= 0 {
			info = list.Replays[i]
		}
		return info != nil
	})
	t.Run("replay listed", func(t *testing.T) {
		if info.Size == 0 || len(info.Sha256) != sha256.Size || info.RoomId != p.roomID || info.MatchNumber != 1 || info.Ticks == 0 {
			t.Errorf("replay info %v: want a size, a SHA-256, room %s, match 1 and ticks", info, p.roomID)
		}
		if !slices.Contains(info.Players, p.name) {
			t.Errorf("replay players %q lack %q", info.Players, p.name)
		}
		if list.DownloadPath != "/replays" {
			t.Errorf("download path %q, want /replays", list.DownloadPath)
		}
	})

	url := ts.ws + list.DownloadPath + "/" + info.Id
	var file []byte
	t.Run("download", func(t *testing.T) {
		var buf bytes.Buffer
		size, err := download(url, p.token, 0, &buf)
		if err != nil {
			t.Fatalf("download %s: %v", url, err)
		}
		file = buf.Bytes()
		if size != int64(info.Size) || len(file) != int(info.Size) {
			t.Errorf("downloaded %d bytes of a file of %d; the list says %d", len(file), size, info.Size)
		}
		if sum := sha256.Sum256(file); !bytes.Equal(sum[:], info.Sha256) {
			t.Errorf("downloaded SHA-256 %x, the list says %x", sum, info.Sha256)
		}
		rp, err := replay.Parse(file)
		if err != nil {
			t.Fatalf("the downloaded replay does not parse: %v", err)
		}
		if err := rp.Play(func(*arena.World, []arena.Event) bool { return true }); err != nil {
			t.Errorf("the downloaded replay does not play back: %v", err)
		}
		want := replay.Entry{Ship: p.ship, Name: p.name}
		if !slices.Contains(rp.Roster, want) {
			t.Errorf("the replay's roster %+v lacks %+v", rp.Roster, want)
		}
	})
	t.Run("download from an offset", func(t *testing.T) {
		if file == nil {
			t.Fatal("no whole download to compare with")
		}
		for _, off := range []int64{1, int64(info.Size) / 2, int64(info.Size)} {
			var buf bytes.Buffer
			if _, err := download(url, p.token, off, &buf); err != nil {
				t.Errorf("download from %d: %v", off, err)
				continue
			}
			if !bytes.Equal(buf.Bytes(), file[off:]) {
				t.Errorf("download from %d: %d bytes that are not the file's last %d", off, buf.Len(), len(file[off:]))
			}
		}
	})
	t.Run("download refusals", func(t *testing.T) {
		unknown := replays.ID(p.roomID, 99, []byte("no such match"))
		if !replays.ValidID(unknown) {
			t.Fatalf("replays.ID gave an invalid id %q", unknown)
		}
		for _, tc := range []struct {
			name   string
			url    string
			token  string
			offset int64
			status sdk.WebErrorStatus
		}{
			{"unknown replay", ts.ws + "/replays/" + unknown, p.token, 0, 404},
			{"offset past the end", url, p.token, int64(info.Size) + 1, 416},
			{"offset far past the end", url, p.token, math.MaxInt64, 416},
			{"no token", url, "", 0, 401},
			{"forged token", url, p.token + "x", 0, 401},
			{"malformed id", ts.ws + "/replays/" + "bad.id", p.token, 0, 400},
		} {
			var buf bytes.Buffer
			_, err := download(tc.url, tc.token, tc.offset, &buf)
			if err == nil {
				t.Errorf("%s: downloaded %d bytes, want status %d", tc.name, buf.Len(), tc.status)
				continue
			}
			if got := sdk.GetStatus(err); got != tc.status {
				t.Errorf("%s: %v: status %d, want %d", tc.name, err, got, tc.status)
			}
			if buf.Len() != 0 {
				t.Errorf("%s: %d bytes written before the refusal", tc.name, buf.Len())
			}
		}
	})
}

func download(url, token string, offset int64, w *bytes.Buffer) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	return replay.Download(ctx, url, &replay.DownloadOptions{Token: token, MaxAttempts: 1}, offset, w)
}

func leaderboard(t *testing.T, p *player, req *arenav1.LeaderboardRequest) session.LeaderboardPage {
	t.Helper()
	b, err := p.request(t, arenav1.Method_METHOD_LEADERBOARD, req)
	if err != nil {
		t.Fatalf("METHOD_LEADERBOARD: %v", err)
	}
	page, err := session.DecodeLeaderboardPage(b)
	if err != nil {
		t.Fatalf("METHOD_LEADERBOARD answer: %v", err)
	}
	return page
}

func listReplays(t *testing.T, p *player) *arenav1.ReplayList {
	t.Helper()
	b, err := p.request(t, arenav1.Method_METHOD_LIST_REPLAYS, nil)
	if err != nil {
		t.Fatalf("METHOD_LIST_REPLAYS: %v", err)
	}
	var list arenav1.ReplayList
	if err := proto.Unmarshal(b, &list); err != nil {
		t.Fatalf("METHOD_LIST_REPLAYS answer: %v", err)
	}
	return &list
}

// waitNotification waits for p's next notification of kind, and decodes
// its content into content.
func waitNotification(t *testing.T, p *player, kind arenav1.NotificationKind, content proto.Message) session.Notification {
	t.Helper()
	timeout := time.After(waitTimeout)
	for {
		select {
		case n := <-p.notes:
			if arenav1.NotificationKind(n.Kind) != kind {
				continue
			}
			if content != nil {
				if err := proto.Unmarshal(n.Content, content); err != nil {
					t.Fatalf("%v notification %q: content: %v", kind, n.Subject, err)
				}
			}
			return n
		case <-timeout:
			t.Fatalf("%s: no %v notification within %v", p.name, kind, waitTimeout)
		}
	}
}

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
