package headless

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"none", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of odd", ms(1, 2, 3), 50, 2 * time.Millisecond},
		{"median of even is the lower", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p100", ms(hundred...), 100, 100 * time.Millisecond},
		{"p99 of 10 is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"tiny p is the min", ms(3, 4, 5), 0.1, 3 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: percentile(p%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestExpectedSnapshots(t *testing.T) {
	tests := []struct {
		d    time.Duration
		rate int
		want int
	}{
		{0, 30, 0},
		{time.Second, 30, 30},
		{2500 * time.Millisecond, 30, 75},
		{1016 * time.Millisecond, 30, 30}, // 30.48 rounds down
		{1017 * time.Millisecond, 30, 31}, // 30.51 rounds up
		{10 * time.Second, 0, 0},
	}
	for _, tt := range tests {
		if got := expectedSnapshots(tt.d, tt.rate); got != tt.want {
			t.Errorf("expectedSnapshots(%v, %d) = %d, want %d", tt.d, tt.rate, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	r := &Report{
		Duration: 10 * time.Second,
		TickRate: 30,
		Bots: []BotReport{
			{
				Name: "bot-1", Seated: 10 * time.Second, Snapshots: 300, Expected: 300,
				RTT:       []time.Duration{3 * time.Millisecond, 1 * time.Millisecond},
				BytesDown: 60000, BytesUp: 6000, StateBytesDown: 45000,
				Notifications: map[string]int{"KILL": 2, "STREAK": 1},
				StatUpdates:   4, Reconnects: 1, Resumes: 1, ErrorCount: 1, Errors: []string{"x"},
			},
			{
				Name: "bot-2", Seated: 5 * time.Second, Snapshots: 120, Expected: 150,
				RTT:       []time.Duration{2 * time.Millisecond},
				BytesDown: 30000, BytesUp: 3000, StateBytesDown: 18000,
				Notifications: map[string]int{"KILL": 1},
				SessionsLost:  1, NoBaseline: 2,
			},
			{Name: "bot-3"}, // never seated
		},
	}
	r.summarize()
	checks := []struct {
		name      string
		got, want float64
	}{
		{"seated", float64(r.SeatedBots), 2},
		{"snapshots/s mean", r.SnapshotsPerSecondMean, (30 + 24) / 2.0},
		{"snapshots/s min", r.SnapshotsPerSecondMin, 24},
		{"snapshots", float64(r.Snapshots), 420},
		{"expected", float64(r.Expected), 450},
		{"ratio", r.SnapshotRatio, 420.0 / 450},
		{"rtt samples", float64(r.RTTSamples), 3},
		{"rtt p50 ms", float64(r.RTTP50) / 1e6, 2},
		{"rtt p99 ms", float64(r.RTTP99) / 1e6, 3},
		// 3 bots x 10 s x 30 ticks = 900 player ticks.
		{"down/player/tick", r.BytesDownPerPlayerTick, 90000.0 / 900},
		{"up/player/tick", r.BytesUpPerPlayerTick, 9000.0 / 900},
		{"state bytes/snapshot", r.StateBytesPerSnapshot, 63000.0 / 420},
		{"KILL", float64(r.Notifications["KILL"]), 3},
		{"STREAK", float64(r.Notifications["STREAK"]), 1},
		{"stat updates", float64(r.StatUpdates), 4},
		{"reconnects", float64(r.Reconnects), 1},
		{"resumes", float64(r.Resumes), 1},
		{"sessions lost", float64(r.SessionsLost), 1},
		{"no baseline", float64(r.NoBaseline), 2},
		{"errors", float64(r.Errors), 1},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if r.OK() {
		t.Error("OK() with an error in the report")
	}
}

func TestSummarizeEmpty(t *testing.T) {
	r := &Report{Bots: []BotReport{{Name: "bot-1"}}}
	r.summarize()
	if r.SnapshotsPerSecondMin != 0 || r.SnapshotRatio != 0 || r.BytesDownPerPlayerTick != 0 || r.RTTP99 != 0 {
		t.Errorf("a run that saw nothing summarized as %+v", r)
	}
	if !r.OK() {
		t.Error("OK() = false for a report without errors")
	}
}

func kill(id, room string, killer, victim uint32, tick uint64) KillSeen {
	return KillSeen{ID: id, Room: room, Kill: &arenav1.Kill{Killer: killer, Victim: victim, Tick: tick}}
}

func TestCheckRooms(t *testing.T) {
	tests := []struct {
		name string
		bots []BotReport
		want []RoomCheck
	}{
		{
			name: "agree, one joined late",
			bots: []BotReport{
				{RoomID: "r1", Kills: []KillSeen{kill("a", "r1", 1, 2, 10), kill("b", "r1", 2, 3, 20), kill("c", "r1", 3, 1, 30)}},
				{RoomID: "r1", Kills: []KillSeen{kill("b", "r1", 2, 3, 20), kill("c", "r1", 3, 1, 30)}},
			},
			want: []RoomCheck{{RoomID: "r1", Bots: 2, Kills: 3, HeardByAll: 2}},
		},
		{
			name: "same id, other content",
			bots: []BotReport{
				{RoomID: "r1", Kills: []KillSeen{kill("a", "r1", 1, 2, 10)}},
				{RoomID: "r1", Kills: []KillSeen{kill("a", "r1", 1, 3, 10)}},
			},
			want: []RoomCheck{{RoomID: "r1", Bots: 2, Kills: 1, HeardByAll: 1, Conflicts: 1}},
		},
		{
			name: "out of order",
			bots: []BotReport{
				{RoomID: "r1", Kills: []KillSeen{kill("a", "r1", 1, 2, 10), kill("b", "r1", 2, 3, 20)}},
				{RoomID: "r1", Kills: []KillSeen{kill("b", "r1", 2, 3, 20), kill("a", "r1", 1, 2, 10)}},
				{RoomID: "r1", Kills: []KillSeen{kill("a", "r1", 1, 2, 10), kill("b", "r1", 2, 3, 20)}},
			},
			want: []RoomCheck{{RoomID: "r1", Bots: 3, Kills: 2, HeardByAll: 2, OutOfOrder: 2}},
		},
		{
			name: "two rooms, a bot moved, a bot without kills",
			bots: []BotReport{
				{RoomID: "r2", Kills: []KillSeen{kill("a", "r1", 1, 2, 10), kill("x", "r2", 4, 5, 7)}},
				{RoomID: "r1", Kills: []KillSeen{kill("a", "r1", 1, 2, 10)}},
				{RoomID: "r2"},
			},
			want: []RoomCheck{
				{RoomID: "r1", Bots: 2, Kills: 1, HeardByAll: 1},
				{RoomID: "r2", Bots: 2, Kills: 1, HeardByAll: 0},
			},
		},
		{name: "nobody seated", bots: []BotReport{{}}, want: []RoomCheck{}},
	}
	for _, tt := range tests {
		got := checkRooms(tt.bots)
		if len(got) != len(tt.want) {
			t.Errorf("%s: checkRooms = %+v, want %+v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: room %d = %+v, want %+v", tt.name, i, got[i], tt.want[i])
			}
			if got[i].OK() != (tt.want[i].Conflicts == 0 && tt.want[i].OutOfOrder == 0) {
				t.Errorf("%s: room %d OK() = %v", tt.name, i, got[i].OK())
			}
		}
	}
}

func TestNotificationKindName(t *testing.T) {
	tests := []struct {
		kind uint32
		want string
	}{
		{uint32(arenav1.NotificationKind_NOTIFICATION_KIND_KILL), "KILL"},
		{uint32(arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED), "MATCH_ENDED"},
		{0, "UNSPECIFIED"},
		{999, "KIND_999"},
		{math.MaxUint32, "KIND_4294967295"},
	}
	for _, tt := range tests {
		if got := notificationKindName(tt.kind); got != tt.want {
			t.Errorf("notificationKindName(%d) = %q, want %q", tt.kind, got, tt.want)
		}
	}
}

func TestReportWrite(t *testing.T) {
	r := &Report{
		Duration: 3 * time.Second, TickRate: 30,
		Bots: []BotReport{
			{Name: "bot-1", RoomID: "r1", Seated: 3 * time.Second, Snapshots: 90, Expected: 90,
				Kills:         []KillSeen{kill("a", "r1", 1, 2, 10)},
				Notifications: map[string]int{"KILL": 1, "PLAYER_JOINED": 3}},
			{Name: "bot-2", RoomID: "r1", Errors: []string{"snapshot at tick 7: bad"}, ErrorCount: 1,
				Kills: []KillSeen{kill("a", "r1", 9, 2, 10)}},
		},
		Replay: &ReplayCheck{ID: "rep-1", Size: 1000, SHA256OK: true, Error: "play: diverged"},
	}
	r.summarize()
	var buf bytes.Buffer
	r.Write(&buf)
	text := buf.String()
	for _, want := range []string{
		"2, 1 seated", "tick rate 30 Hz", "90 of 90 expected",
		"PLAYER_JOINED 3, KILL 1", "room r1", "MISMATCH: 1 conflicting",
		"rep-1, 1000 bytes", "play FAILED", "bot-2: snapshot at tick 7: bad",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q:\n%s", want, text)
		}
	}

	buf.Reset()
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	var back struct {
		Bots []struct {
			Name  string
			Kills []struct {
				ID   string `json:"id"`
				Kill struct {
					Killer uint32 `json:"killer"`
				} `json:"kill"`
			}
		}
		SnapshotRatio float64
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("WriteJSON wrote what does not decode: %v\n%s", err, buf.Bytes())
	}
	if len(back.Bots) != 2 || back.Bots[1].Kills[0].Kill.Killer != 9 || back.SnapshotRatio != r.SnapshotRatio {
		t.Errorf("WriteJSON round trip = %+v", back)
	}
}

func TestOptionsResolve(t *testing.T) {
	o, u, err := Options{Server: "ws://127.0.0.1:1/session", Bots: 1000, Duration: 4 * time.Second}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "127.0.0.1:1" || o.NamePrefix != "bot" || o.Logger == nil {
		t.Errorf("resolve defaults: %+v", o)
	}
	// 1000 bots start within the first quarter of 4 s.
	if got := o.Stagger * time.Duration(o.Bots); got > time.Second {
		t.Errorf("stagger %v x %d bots = %v, over a quarter of the run", o.Stagger, o.Bots, got)
	}
	for _, bad := range []Options{
		{Server: "http://x/session"},
		{Server: "ws://x/session", Bots: -1},
		{Server: "ws://x/session", Duration: -time.Second},
	} {
		if _, _, err := bad.resolve(); err == nil {
			t.Errorf("resolve(%+v) accepted", bad)
		}
	}
}
