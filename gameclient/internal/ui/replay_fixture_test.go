package ui

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk"
)

// recordBotMatch plays ticks ticks of a match of ships arena bots and
// returns its replay file.
func recordBotMatch(tb testing.TB, ships, ticks int) []byte {
	tb.Helper()
	cfg := arena.DefaultConfig()
	cfg.WarmupTicks = arena.TickRate
	h := replay.Header{RoomID: "room-1", Match: 4, Config: cfg, Seed: 0xabcdef, Started: time.Unix(1700000000, 0)}
	w := arena.New(cfg, h.Seed)
	rec := replay.NewRecorder(h)
	bots := map[arena.PlayerID]*arena.Bot{}
	for i := range ships {
		id := arena.PlayerID(i + 1)
		if err := w.Join(id, true); err != nil {
			tb.Fatalf("join %d: %v", id, err)
		}
		rec.Join(id, true, fmt.Sprintf("bot-%d", id))
		bots[id] = arena.NewBot(uint64(id) * 7919)
	}
	var (
		events []arena.Event
		inputs []arena.PlayerInput
	)
	for range ticks {
		inputs = inputs[:0]
		for _, s := range w.Ships {
			inputs = append(inputs, arena.PlayerInput{Player: s.ID, Buttons: bots[s.ID].Think(w, s.ID)})
		}
		events = w.Step(inputs, events[:0])
		rec.Step(inputs, w.Hash())
	}
	file, err := rec.Finish()
	if err != nil {
		tb.Fatalf("Finish: %v", err)
	}
	return file
}

// replayInfo lists file as replay id.
func replayInfo(id string, file []byte) *arenav1.ReplayInfo {
	sum := sha256.Sum256(file)
	return &arenav1.ReplayInfo{Id: id, RoomId: "room-1", MatchNumber: 4, Size: uint64(len(file)), Sha256: sum[:],
		Ticks: 600, EndedUnixMs: 1700000020000, Players: []string{"bot-1", "bot-2"}}
}

// streamServer serves one replay the way the game server does: a
// StreamWebSocket at /replays/{id}?offset=N, bearer token checked at the
// upgrade, the 24-byte stream header, then the bytes. The first
// connection may be cut after cutAt bytes of the file, with an abnormal
// close.
type streamServer struct {
	srv   *httptest.Server
	id    string
	file  []byte
	cutAt int64 // 0: no cut
	// stall, if set, makes the cut connection wait for it to close (or
	// the client to go) instead of closing: a download that hangs.
	stall chan struct{}

	mu      sync.Mutex
	offsets []int64 // the offsets asked for, in order
	conns   int
}

func newStreamServer(t *testing.T, id string, file []byte, cutAt int64) *streamServer {
	s := &streamServer{id: id, file: file, cutAt: cutAt}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

// base is the server's ws:// address, for fakeNet.replayBase.
func (s *streamServer) base() string { return "ws://" + strings.TrimPrefix(s.srv.URL, "http://") }

func (s *streamServer) asked() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.offsets...)
}

func (s *streamServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws := sdk.NewStreamWebSocket()
	var offset int64
	ws.Control.Authorize = func(u *sdk.UpgradeRequest) error {
		if u.Header.Get("Authorization") != "Bearer "+fakeToken {
			return sdk.Reject(http.StatusUnauthorized, "bad token")
		}
		if u.URL.Path != "/replays/"+s.id {
			return sdk.Reject(http.StatusNotFound, "no such replay")
		}
		n, err := strconv.ParseInt(u.URL.Query().Get("offset"), 10, 64)
		if err != nil || n < 0 || n > int64(len(s.file)) {
			return sdk.Reject(http.StatusRequestedRangeNotSatisfiable, "bad offset")
		}
		offset = n
		return nil
	}
	if err := ws.Accept(w, r); err != nil {
		return
	}
	s.mu.Lock()
	s.offsets = append(s.offsets, offset)
	s.conns++
	cut := s.cutAt > offset && s.conns == 1
	s.mu.Unlock()
	end := int64(len(s.file))
	if cut {
		end = s.cutAt
	}
	if _, err := ws.Write(replay.AppendStreamHeader(nil, int64(len(s.file)), offset)); err != nil {
		ws.Close()
		return
	}
	// In pieces, as the server sends them, so progress is reported along.
	for p := offset; p < end; p += 4096 {
		if _, err := ws.Write(s.file[p:min(p+4096, end)]); err != nil {
			ws.Close()
			return
		}
	}
	if cut && s.stall != nil {
		select {
		case <-s.stall:
		case <-r.Context().Done():
		}
	}
	if cut {
		ws.CloseWithStatus(sdk.CloseInternalError, "cut by the test")
		return
	}
	ws.Close()
}
