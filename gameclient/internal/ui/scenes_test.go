package ui

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// step runs one Update of s at now and returns the scene after it.
func step(t *testing.T, a *app, s Scene, in *Input, now time.Time) Scene {
	t.Helper()
	a.now = now
	if in == nil {
		in = &Input{}
	}
	next, err := s.Update(in)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if next != nil {
		return next
	}
	return s
}

// waitScene updates s until done says so, for at most 5 s of waiting on
// the connect goroutine.
func waitScene(t *testing.T, a *app, s Scene, done func(Scene) bool) Scene {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !done(s) {
		if time.Now().After(deadline) {
			t.Fatalf("scene %T never got there", s)
		}
		s = step(t, a, s, nil, time.Now())
		runtime.Gosched() // the answer comes from another goroutine: let it run
	}
	return s
}

func TestConnectTypesAndConnects(t *testing.T) {
	net := newFakeNet()
	var gotServer, gotName string
	dial := func(_ context.Context, server, name string) (Network, error) {
		gotServer, gotName = server, name
		return net, nil
	}
	a := testApp(dial)
	a.opts.SettingsPath = filepath.Join(t.TempDir(), "gamesock", "client.json")
	var s Scene = newConnectScene(a)
	in := &Input{}
	in.Press(ebiten.KeyTab) // to the name
	s = step(t, a, s, in, time.Now())
	for range len("tester") {
		in = &Input{}
		in.Press(ebiten.KeyBackspace)
		s = step(t, a, s, in, time.Now())
	}
	s = step(t, a, s, &Input{Chars: []rune("ada")}, time.Now())
	in = &Input{}
	in.Press(ebiten.KeyEnter)
	s = step(t, a, s, in, time.Now())
	waitScene(t, a, s, func(s Scene) bool { _, ok := s.(*matchScene); return ok })
	if gotServer != "ws://127.0.0.1:1/session" || gotName != "ada" {
		t.Errorf("dialled %q as %q, want the default server as ada", gotServer, gotName)
	}
	saved, err := LoadSettings(a.opts.SettingsPath)
	if err != nil || saved.Name != "ada" || saved.Server != gotServer {
		t.Errorf("settings saved = %+v, %v; want the server and ada", saved, err)
	}
}

func TestConnectFailureIsShownAndRetried(t *testing.T) {
	calls := 0
	dial := func(context.Context, string, string) (Network, error) {
		calls++
		return nil, errors.New("dial tcp 127.0.0.1:1: connection refused")
	}
	a := testApp(dial)
	a.opts.AutoConnect = true
	var s Scene = newConnectScene(a)
	s = waitScene(t, a, s, func(s Scene) bool { return !s.(*connectScene).dialing })
	cs := s.(*connectScene)
	if !strings.Contains(cs.errMsg, "connection refused") {
		t.Errorf("error shown = %q, want the cause", cs.errMsg)
	}
	in := &Input{}
	in.Press(ebiten.KeyEnter)
	s = step(t, a, s, in, time.Now())
	waitScene(t, a, s, func(s Scene) bool { return !s.(*connectScene).dialing })
	if calls != 2 {
		t.Errorf("dialled %d times, want 2 (Enter retries)", calls)
	}
}

// seatedMatch is a match scene seated as ship 1 with one snapshot.
func seatedMatch(t *testing.T) (*app, *matchScene, *fakeNet, time.Time) {
	t.Helper()
	net := newFakeNet()
	a := testApp(nil)
	m := newMatchScene(a, net, "tester")
	now := time.Unix(1000, 0)
	w := arena.New(arena.DefaultConfig(), 1)
	for id := arena.PlayerID(1); id <= 3; id++ {
		if err := w.Join(id, id != 1); err != nil {
			t.Fatal(err)
		}
	}
	w.Step(nil, nil)
	net.events <- Seated{RoomID: "r1", Ship: 1, TickRate: 30, Match: 1}
	net.events <- Snapshot{Tick: 1, World: w.Clone(), Arrived: now}
	net.events <- Roster{Entries: []RosterEntry{{Ship: 1, Name: "tester"}, {Ship: 2, Name: "bot-2", Bot: true}}}
	step(t, a, m, nil, now)
	return a, m, net, now
}

func TestMatchSendsOneInputPerTick(t *testing.T) {
	a, m, net, now := seatedMatch(t)
	in := &Input{}
	in.Hold(ebiten.KeyArrowUp)
	in.Hold(ebiten.KeySpace)
	// 60 Updates a second for one second: 30 inputs (one per tick), plus
	// the one sent at the first Update.
	before := len(net.sent())
	for i := 1; i <= 60; i++ {
		step(t, a, m, in, now.Add(time.Duration(i)*time.Second/60))
	}
	got := net.sent()[before:]
	if len(got) < 29 || len(got) > 31 {
		t.Errorf("sent %d inputs in a second at 30 Hz, want 30", len(got))
	}
	for _, b := range got {
		if b != arena.Thrust|arena.Fire {
			t.Fatalf("sent %v, want thrust and fire", b)
		}
	}
	if !m.seated || m.view == nil || m.view.Empty {
		t.Errorf("seated %v, view %v: want a world to draw", m.seated, m.view)
	}
}

func TestMatchEvents(t *testing.T) {
	tests := []struct {
		name  string
		ev    Event
		check func(*matchScene) string
	}{
		{"kill toast", Notice{Notification: session.Notification{Kind: uint32(arenav1.NotificationKind_NOTIFICATION_KIND_KILL), Subject: "a destroyed b"},
			Content: &arenav1.Kill{Killer: 1, Victim: 2}},
			func(m *matchScene) string {
				if m.toasts.visible() != 1 || m.toasts.list[0].text != "a destroyed b" || m.toasts.list[0].color != colGood {
					return "want one green toast for the own kill"
				}
				return ""
			}},
		{"stats", Stats{session.StatUpdate{MatchID: "r1#1", Players: []session.PlayerStats{{Name: "tester",
			Stats: []session.Stat{{Name: "ship", Value: 1}, {Name: "score", Value: 300}, {Name: "kills", Value: 3}}}}}},
			func(m *matchScene) string {
				if st := m.ownStats(); st["score"] != 300 || st["kills"] != 3 {
					return "want score 300, kills 3"
				}
				return ""
			}},
		{"reconnecting", Status{session.StatusChange{Status: session.Reconnecting, Attempt: 2, Err: errors.New("EOF")}},
			func(m *matchScene) string {
				if m.status != session.Reconnecting || m.attempt != 2 {
					return "want the reconnecting overlay"
				}
				return ""
			}},
		{"results", Notice{Notification: session.Notification{Kind: uint32(arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED), Subject: "match over"},
			Content: &arenav1.MatchResults{MatchNumber: 1, Players: []*arenav1.PlayerResult{{ShipId: 1, Name: "tester", Score: 100}}}},
			func(m *matchScene) string {
				if m.results == nil {
					return "want the results kept"
				}
				return ""
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, m, net, now := seatedMatch(t)
			net.events <- tt.ev
			next := step(t, a, m, nil, now.Add(time.Millisecond))
			if msg := tt.check(m); msg != "" {
				t.Error(msg)
			}
			if _, ok := tt.ev.(Notice); ok && tt.name == "results" {
				if _, ok := next.(*resultsScene); !ok {
					t.Errorf("next scene %T, want the results", next)
				}
			}
		})
	}
}

func TestToastsStackAndExpire(t *testing.T) {
	var ts toasts
	now := time.Unix(0, 0)
	for i := range 8 {
		ts.push(string(rune('a'+i)), colText, now.Add(time.Duration(i)*time.Second))
	}
	if ts.visible() != maxToasts || ts.list[0].text != "h" {
		t.Fatalf("visible %d, top %q; want %d, the newest (h) on top", ts.visible(), ts.list[0].text, maxToasts)
	}
	ts.expire(now.Add(7*time.Second + time.Millisecond))
	// Born at 0..7 s; at 7.001 s those under 6 s old are c (2 s) to h.
	if len(ts.list) != 6 || ts.list[len(ts.list)-1].text != "c" {
		t.Errorf("after expiry %d toasts, oldest %q; want 6, c", len(ts.list), ts.list[len(ts.list)-1].text)
	}
}

func TestNetGraphKeepsTenSeconds(t *testing.T) {
	var g netGraph
	now := time.Unix(0, 0)
	for i := range 250 {
		g.add(NetStats{RTT: time.Duration(i) * time.Millisecond}, now.Add(time.Duration(i)*graphEvery))
	}
	vals, top := g.series(func(s NetStats) float64 { return float64(s.RTT / time.Millisecond) })
	if len(vals) != graphSamples || vals[0] != 150 || top != 249 {
		t.Errorf("series of %d from %v, top %v; want %d samples from 150 to 249", len(vals), vals[0], top, graphSamples)
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x", "client.json")
	if s, err := LoadSettings(p); err != nil || s != (Settings{}) {
		t.Fatalf("missing file: %+v, %v; want nothing", s, err)
	}
	want := Settings{Server: "ws://h:1/session", Name: "ada"}
	if err := SaveSettings(p, want); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadSettings(p); err != nil || got != want {
		t.Errorf("LoadSettings = %+v, %v; want %+v", got, err, want)
	}
}

func TestScriptHoldsKeys(t *testing.T) {
	sc, err := newScript("fly")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Unix(0, 0)
	in := &Input{}
	sc.fill(in, start)
	if !in.Pressed(ebiten.KeyF3) {
		t.Error("the fly script does not press F3 at first")
	}
	in = &Input{}
	sc.fill(in, start.Add(time.Second))
	if b := buttonsOf(in); b != arena.Thrust|arena.Fire {
		t.Errorf("at 1 s the fly script holds %v, want thrust and fire", b)
	}
	if _, err := newScript("nope"); err == nil {
		t.Error("newScript(nope) = nil error")
	}
}

func TestRequestsRunOffTheLoop(t *testing.T) {
	tests := []struct {
		name   string
		open   func(*app, *matchScene) Scene
		answer func(arenav1.Method) ([]byte, error)
		done   func(Scene) string // "" when the answer is shown
	}{
		{"leaderboard",
			func(a *app, m *matchScene) Scene { return newResultsScene(a, m, &arenav1.MatchResults{MatchNumber: 1}) },
			func(arenav1.Method) ([]byte, error) {
				return session.EncodeLeaderboardPage(session.LeaderboardPage{Records: []session.LeaderboardRecord{{Name: "ada", Score: 300, Rank: 1}}})
			},
			func(s Scene) string {
				if p := s.(*resultsScene).page; p == nil || len(p.Records) != 1 || p.Records[0].Name != "ada" {
					return "no leaderboard"
				}
				return ""
			}},
		{"leaderboard error",
			func(a *app, m *matchScene) Scene { return newResultsScene(a, m, &arenav1.MatchResults{MatchNumber: 1}) },
			func(arenav1.Method) ([]byte, error) { return nil, errors.New("unavailable") },
			func(s Scene) string {
				if err := s.(*resultsScene).boardErr; err == nil || !strings.Contains(err.Error(), "unavailable") {
					return "no error shown"
				}
				return ""
			}},
		{"replays",
			func(a *app, m *matchScene) Scene { return newReplayScene(a, m) },
			func(arenav1.Method) ([]byte, error) {
				return proto.Marshal(&arenav1.ReplayList{Replays: []*arenav1.ReplayInfo{{Id: "r1", MatchNumber: 3, Ticks: 300}}})
			},
			func(s Scene) string {
				if l := s.(*replayScene).list; l == nil || len(l.Replays) != 1 || l.Replays[0].Id != "r1" {
					return "no replay list"
				}
				return ""
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, m, net, _ := seatedMatch(t)
			net.answer = tt.answer
			s := tt.open(a, m)
			waitScene(t, a, s, func(s Scene) bool { return tt.done(s) == "" })
			in := &Input{}
			in.Press(ebiten.KeyEscape)
			if next := step(t, a, s, in, time.Now()); next != m {
				t.Errorf("Esc went to %T, want the match", next)
			}
		})
	}
}

// TestConnectPrefersWhatWasGiven: the connect screen shows the remembered
// server and name, unless this run was given its own on the command line.
func TestConnectPrefersWhatWasGiven(t *testing.T) {
	tests := []struct {
		name                   string
		serverGiven, nameGiven bool
		wantServer, wantName   string
	}{
		{"remembered", false, false, "ws://remembered:1/session", "old"},
		{"server given", true, false, "ws://given:2/session", "old"},
		{"both given", true, true, "ws://given:2/session", "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testApp(func(context.Context, string, string) (Network, error) { return newFakeNet(), nil })
			a.opts.SettingsPath = filepath.Join(t.TempDir(), "client.json")
			if err := SaveSettings(a.opts.SettingsPath, Settings{Server: "ws://remembered:1/session", Name: "old"}); err != nil {
				t.Fatal(err)
			}
			a.opts.Server, a.opts.Name = "ws://given:2/session", "new"
			a.opts.ServerGiven, a.opts.NameGiven = tt.serverGiven, tt.nameGiven
			s := newConnectScene(a)
			if s.fields[0] != tt.wantServer || s.fields[1] != tt.wantName {
				t.Errorf("fields %q, %q; want %q, %q", s.fields[0], s.fields[1], tt.wantServer, tt.wantName)
			}
		})
	}
}
