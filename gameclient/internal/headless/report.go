package headless

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// Report is what a Run saw: each bot's counts, and the aggregates a load
// test looks at.
type Report struct {
	// Bots are the bots' own reports, in the order they started.
	Bots []BotReport
	// Duration is how long the run lasted, from the first bot's start to
	// the stop.
	Duration time.Duration
	// TickRate is the rooms' tick rate, from the first JOINED a bot got;
	// 0 if no bot was seated.
	TickRate int
	// SeatedBots is how many bots were seated in a room at least once.
	SeatedBots int

	// SnapshotsPerSecondMean and SnapshotsPerSecondMin are over the bots
	// that were seated: snapshots each got per second seated.
	SnapshotsPerSecondMean, SnapshotsPerSecondMin float64
	// Snapshots and Expected sum the bots' counts; SnapshotRatio is
	// Snapshots / Expected (1: every tick reached every bot; 0 when
	// nothing was expected).
	Snapshots, Expected int
	SnapshotRatio       float64
	// RTTSamples counts the round-trip samples over all bots (one a second
	// per bot, once its clock had one); RTTP50 and RTTP99 are their
	// percentiles (nearest rank).
	RTTSamples     int
	RTTP50, RTTP99 time.Duration
	// BytesDownPerPlayerTick and BytesUpPerPlayerTick are the session
	// bytes each way (whole envelopes, all classes) per bot per tick:
	// total / (bots × seconds × tick rate).
	BytesDownPerPlayerTick, BytesUpPerPlayerTick float64
	// StateBytesPerSnapshot is the state class's bytes down per snapshot
	// received.
	StateBytesPerSnapshot float64
	// Notifications counts the notifications by kind (as KILL, STREAK).
	Notifications map[string]int
	// StatUpdates, Reconnects, Resumes and SessionsLost sum the bots'.
	StatUpdates, Reconnects, Resumes, SessionsLost int
	// NoBaseline sums the bots' snapshots that had no baseline.
	NoBaseline int
	// Errors counts the errors of every bot (including those whose
	// message was not kept).
	Errors int

	// Rooms check, per room, the kill notifications the bots in it heard.
	Rooms []RoomCheck

	// Replay is the replay check, when Options.DownloadReplay asked for it.
	Replay *ReplayCheck
}

// OK reports whether the run was clean: no bot saw an error, the rooms'
// kills agree, and the replay (if checked) downloaded and played.
func (r *Report) OK() bool {
	if r.Errors > 0 || (r.Replay != nil && !r.Replay.OK()) {
		return false
	}
	for _, c := range r.Rooms {
		if !c.OK() {
			return false
		}
	}
	return true
}

// BotReport is what one bot saw.
type BotReport struct {
	Name     string // the name it logged in with
	PlayerID string // the id the server gave it
	RoomID   string // the room it was last seated in
	Ship     uint32 // its ship's arena.PlayerID there
	TickRate int    // the room's tick rate, from JOINED

	// Seated is how long it was seated with a connection; Expected is
	// the snapshots the tick rate promised for that time, Snapshots those
	// that arrived.
	Seated              time.Duration
	Snapshots, Expected int
	// NoBaseline counts the snapshots that were deltas against a
	// baseline the bot did not have (room.ErrNoBaseline): not errors, as
	// the room recovers by sending full ones, but none should come on a
	// steady connection.
	NoBaseline int
	// Inputs counts the input states it sent.
	Inputs int
	// RTT holds its round-trip samples, one a second.
	RTT []time.Duration

	// Kills are the KILL notifications it got, in order.
	Kills []KillSeen
	// Results are the MATCH_ENDED notifications' results, in order.
	Results []*arenav1.MatchResults `json:"-"`
	// Notifications counts its notifications by kind.
	Notifications map[string]int
	StatUpdates   int

	// Reconnects counts the connections it lost (Reconnecting), Resumes
	// the reconnections that resumed the session, SessionsLost those that
	// could not.
	Reconnects, Resumes, SessionsLost int

	// Errors holds the first errors' messages (at most 32);
	// ErrorCount counts them all.
	Errors     []string
	ErrorCount int

	// BytesDown and BytesUp are its session traffic, all classes;
	// StateBytesDown is the state class's share down.
	BytesDown, BytesUp, StateBytesDown uint64
}

// KillSeen is a KILL notification as a bot got it.
type KillSeen struct {
	ID   string        // the notification's id
	Room string        // the room the bot was in
	Kill *arenav1.Kill // its content
}

// MarshalJSON encodes k with the kill in protobuf's JSON mapping.
func (k KillSeen) MarshalJSON() ([]byte, error) {
	kill := json.RawMessage("null")
	if k.Kill != nil {
		b, err := protojson.Marshal(k.Kill)
		if err != nil {
			return nil, err
		}
		kill = b
	}
	return json.Marshal(struct {
		ID   string          `json:"id"`
		Room string          `json:"room"`
		Kill json.RawMessage `json:"kill"`
	}{k.ID, k.Room, kill})
}

// ReplayCheck is the outcome of downloading and playing the newest replay.
type ReplayCheck struct {
	ID       string
	Size     int64 // bytes downloaded
	Listed   int64 // bytes the listing said
	SHA256OK bool  // the download's hash is the listing's
	PlayOK   bool  // it re-simulated with every recorded hash matching
	Ticks    int   // ticks played
	// Elapsed is the download's time; MBPerSecond its throughput.
	Elapsed     time.Duration
	MBPerSecond float64
	// Error says what failed, if anything did.
	Error string
}

// OK reports whether the replay downloaded whole, hashed right and played.
func (c *ReplayCheck) OK() bool {
	return c.Error == "" && c.SHA256OK && c.PlayOK
}

// notificationKindName names a notification kind, as KILL.
func notificationKindName(kind uint32) string {
	if kind > math.MaxInt32 {
		return "KIND_" + strconv.FormatUint(uint64(kind), 10)
	}
	name, ok := arenav1.NotificationKind_name[int32(kind)]
	if !ok {
		return "KIND_" + strconv.FormatUint(uint64(kind), 10)
	}
	return strings.TrimPrefix(name, "NOTIFICATION_KIND_")
}

// percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method, or 0 for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// ratio is n / d, 0 when d is 0.
func ratio(n, d float64) float64 {
	if d == 0 {
		return 0
	}
	return n / d
}

// expectedSnapshots is how many snapshots tickRate promises in d.
func expectedSnapshots(d time.Duration, tickRate int) int {
	return int(math.Round(d.Seconds() * float64(tickRate)))
}

// summarize fills the report's aggregates from its bots.
func (r *Report) summarize() {
	r.Notifications = map[string]int{}
	var rtts []time.Duration
	var down, up, stateDown uint64
	r.SnapshotsPerSecondMin = math.Inf(1)
	var rateSum float64
	for i := range r.Bots {
		b := &r.Bots[i]
		if b.Seated > 0 {
			rate := ratio(float64(b.Snapshots), b.Seated.Seconds())
			rateSum += rate
			r.SnapshotsPerSecondMin = min(r.SnapshotsPerSecondMin, rate)
			r.SeatedBots++
		}
		r.Snapshots += b.Snapshots
		r.Expected += b.Expected
		rtts = append(rtts, b.RTT...)
		down += b.BytesDown
		up += b.BytesUp
		stateDown += b.StateBytesDown
		for k, n := range b.Notifications {
			r.Notifications[k] += n
		}
		r.StatUpdates += b.StatUpdates
		r.Reconnects += b.Reconnects
		r.Resumes += b.Resumes
		r.SessionsLost += b.SessionsLost
		r.NoBaseline += b.NoBaseline
		r.Errors += b.ErrorCount
	}
	if r.SeatedBots == 0 {
		r.SnapshotsPerSecondMin = 0
	}
	r.SnapshotsPerSecondMean = ratio(rateSum, float64(r.SeatedBots))
	r.SnapshotRatio = ratio(float64(r.Snapshots), float64(r.Expected))
	slices.Sort(rtts)
	r.RTTSamples = len(rtts)
	r.RTTP50, r.RTTP99 = percentile(rtts, 50), percentile(rtts, 99)
	playerTicks := float64(len(r.Bots)) * r.Duration.Seconds() * float64(r.TickRate)
	r.BytesDownPerPlayerTick = ratio(float64(down), playerTicks)
	r.BytesUpPerPlayerTick = ratio(float64(up), playerTicks)
	r.StateBytesPerSnapshot = ratio(float64(stateDown), float64(r.Snapshots))
	r.Rooms = checkRooms(r.Bots)
}
