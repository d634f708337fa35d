package headless

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/gameservertest"
	"github.com/gamesock/gamesock/gameclient/internal/guest"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
)

// TestEndToEnd is the game as it runs: the gameserver command and 50
// headless bots playing it for 20 s over loopback, with server bots in the
// rooms' empty seats. A match (5 s warmup, 8 s play) ends within the run,
// so its results, stats and replay are checked too. One bot's connection
// is cut in the middle of the match and kept out while the match goes on;
// it must resume and have missed nothing.
func TestEndToEnd(t *testing.T) {
	const (
		bots     = 50
		duration = 20 * time.Second
		cutBot   = 1 // the bot whose connection goes through the proxy
	)
	srv := gameservertest.Start(t, "-bots", "8", "-warmup", "5s", "-match", "8s", "-results", "2s")
	u, err := guest.ParseServer(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, u.Host)
	away := newOutage(proxy)

	ctx, cancel := context.WithTimeout(context.Background(), 2*duration)
	defer cancel()
	rep, err := Run(ctx, Options{
		Server: srv.URL, Bots: bots, Duration: duration, DownloadReplay: true,
		BotURL: func(n int, server string) string {
			if n != cutBot {
				return server
			}
			v := *u
			v.Host = proxy.addr()
			return v.String()
		},
		OnNotification: away.observe,
	})
	if err != nil {
		t.Fatalf("Run: %v\nserver log:\n%s", err, srv.Output())
	}
	var text bytes.Buffer
	rep.Write(&text)
	t.Logf("report:\n%s", text.String())

	if rep.SeatedBots != bots {
		t.Errorf("%d of %d bots seated", rep.SeatedBots, bots)
	}
	if rep.Errors != 0 {
		t.Errorf("%d errors in the run", rep.Errors)
	}
	for _, b := range rep.Bots {
		if b.ErrorCount != 0 {
			t.Errorf("%s: errors %q", b.Name, b.Errors)
		}
		if b.Expected == 0 || float64(b.Snapshots) < 0.95*float64(b.Expected) {
			t.Errorf("%s: %d snapshots of %d expected: under 95%%", b.Name, b.Snapshots, b.Expected)
		}
		wantDrops := 0
		if b.Name == fmt.Sprintf("bot-%d", cutBot) {
			wantDrops = 1
		}
		if b.Reconnects != wantDrops || b.Resumes != wantDrops || b.SessionsLost != 0 {
			t.Errorf("%s: %d reconnects, %d resumes, %d sessions lost; want %d, %d, 0",
				b.Name, b.Reconnects, b.Resumes, b.SessionsLost, wantDrops, wantDrops)
		}
	}
	if !away.happened() {
		t.Errorf("bot %d's connection was never cut and restored while the match went on", cutBot)
	}
	checkKillsAndResults(t, rep)
	if rep.Replay == nil || !rep.Replay.OK() {
		t.Errorf("replay check: %+v", rep.Replay)
	}
}

// checkKillsAndResults checks, room by room, that every kill reached every
// bot in the room exactly once, and that each finished match's results
// count exactly those kills, as many as its deaths.
func checkKillsAndResults(t *testing.T, rep *Report) {
	t.Helper()
	type matchKey struct {
		room  string
		match uint32
	}
	heard := make(map[matchKey]map[string]int) // kill notification id -> bots that heard it
	botsIn := make(map[string]int)
	results := make(map[matchKey]*arenav1.MatchResults)
	for _, b := range rep.Bots {
		botsIn[b.RoomID]++
		for _, k := range b.Kills {
			key := matchKey{k.Room, k.Kill.GetMatchNumber()}
			if heard[key] == nil {
				heard[key] = make(map[string]int)
			}
			heard[key][k.ID]++
		}
		for _, r := range b.Results {
			results[matchKey{r.GetRoomId(), r.GetMatchNumber()}] = r
		}
	}
	if len(heard) == 0 {
		t.Fatal("no kills in 20 s of play")
	}
	for key, ids := range heard {
		for id, n := range ids {
			if n != botsIn[key.room] {
				t.Errorf("room %s match %d: kill %s reached %d of the room's %d bots", key.room, key.match, id, n, botsIn[key.room])
			}
		}
	}
	for _, c := range rep.Rooms {
		if !c.OK() {
			t.Errorf("room %s: the bots disagree on its kills: %+v", c.RoomID, c)
		}
	}
	if len(results) == 0 {
		t.Fatal("no match ended within the run")
	}
	for key, r := range results {
		var kills, deaths int32
		for _, p := range r.GetPlayers() {
			kills += p.GetKills()
			deaths += p.GetDeaths()
		}
		if kills != deaths {
			t.Errorf("room %s match %d: %d kills but %d deaths in the results", key.room, key.match, kills, deaths)
		}
		if got := len(heard[key]); int32(got) != kills {
			t.Errorf("room %s match %d: the results count %d kills, the bots were told of %d", key.room, key.match, kills, got)
		}
	}
}

// outage cuts the proxied bot's connection at the first kill it hears,
// and keeps it out until bot 2, in the same room (rooms fill in order),
// has heard two more kills or the end of the match: notifications the cut
// bot must get on its resume, exactly once.
type outage struct {
	proxy *cutProxy

	mu       sync.Mutex
	cut      bool
	missed   int // kills bot 2 heard while bot 1 was out
	restored bool
}

func newOutage(p *cutProxy) *outage { return &outage{proxy: p} }

func (o *outage) observe(n int, note session.Notification) {
	kind := arenav1.NotificationKind(note.Kind)
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case n == 1 && !o.cut && kind == arenav1.NotificationKind_NOTIFICATION_KIND_KILL:
		o.cut = true
		o.proxy.hold()
		o.proxy.cut()
	case n == 2 && o.cut && !o.restored:
		if kind == arenav1.NotificationKind_NOTIFICATION_KIND_KILL {
			o.missed++
		}
		if o.missed == 2 || kind == arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED {
			o.restored = true
			o.proxy.release()
		}
	}
}

func (o *outage) happened() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.restored
}
