package headless

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/guest"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/arenawire"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/room"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// maxErrors bounds the error messages a bot keeps; it counts them all.
const maxErrors = 32

// clientName names the bots' software in their Hello.
const clientName = "gamesock-headless"

// bot is one bot player. Its session's handlers run on the session's read
// goroutine and its loop on the goroutine of run; mu guards what both
// touch.
type bot struct {
	n    int
	opts *Options
	log  *slog.Logger

	// The loop's own: the brain, the world it thinks on (a copy of the
	// Sync's newest) and the input buffer.
	brain *arena.Bot
	world *arena.World
	input []byte

	// ended is closed when the session ends without the bot closing it.
	ended     chan struct{}
	endedOnce sync.Once

	// startErr is why the bot never opened a session, opened whether it
	// did; set by run.
	startErr error
	opened   bool

	mu          sync.Mutex
	rep         BotReport
	sync        *room.Sync[*arena.World] // nil until seated
	latest      *arena.World             // the Sync's newest decoded world
	fresh       bool                     // latest is newer than world
	ship        arena.PlayerID
	tickRate    int
	status      session.Status
	seatedSince time.Time // zero while not seated with a connection
	seen        map[string]struct{}
	stopping    bool // the bot is closing its session
}

func newBot(n int, opts *Options) *bot {
	name := fmt.Sprintf("%s-%d", opts.NamePrefix, n)
	return &bot{
		n:     n,
		opts:  opts,
		log:   opts.Logger.With("bot", name),
		brain: arena.NewBot(opts.Seed + uint64(n)),
		world: new(arena.World),
		ended: make(chan struct{}),
		rep:   BotReport{Name: name, Notifications: map[string]int{}},
		seen:  map[string]struct{}{},
	}
}

// run logs in after delay, opens the session, plays until ctx ends or the
// session does, and closes it. A login the server refuses cancels the run.
func (b *bot) run(ctx context.Context, cancel context.CancelCauseFunc, hc *http.Client, loginURL string, delay time.Duration) {
	if !sleep(ctx, delay) {
		return
	}
	l, err := guest.Do(ctx, hc, loginURL, b.rep.Name)
	if err != nil {
		b.startFailed(err)
		if _, ok := errors.AsType[*LoginError](err); ok {
			cancel(err)
		}
		return
	}
	c, err := session.Dial(ctx, b.opts.botURL(b.n), &session.ClientOptions{
		Token:          l.Token,
		Name:           clientName,
		OnNotification: b.onNotification,
		OnStats:        b.onStats,
		OnPayload:      b.onPayload,
		OnState:        b.onState,
		OnStatus:       b.onStatus,
		Reconnect:      b.opts.Reconnect,
		Control:        b.opts.Control,
		Logger:         b.log,
	})
	if err != nil {
		b.startFailed(fmt.Errorf("open session: %w", err))
		return
	}
	b.opened = true
	b.log.Debug("session open", "player", c.PlayerID())
	b.loop(ctx, c)
	b.mu.Lock()
	b.stopping = true
	b.mu.Unlock()
	c.Close()
	b.finish(c)
}

// startFailed records why the bot never got a session.
func (b *bot) startFailed(err error) {
	b.startErr = err
	b.mu.Lock()
	b.failLocked("%v", err)
	b.mu.Unlock()
}

// loop flies the ship at the room's tick rate and samples the round trip
// once a second, until ctx or the session ends.
func (b *bot) loop(ctx context.Context, c *session.Client) {
	rate := defaultTickRate
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	second := time.NewTicker(time.Second)
	defer second.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.ended:
			return
		case <-second.C:
			b.sampleRTT(c)
		case <-tick.C:
			if r := b.currentTickRate(); r != rate {
				rate = r
				tick.Reset(time.Second / time.Duration(rate))
			}
			b.step(c)
		}
	}
}

// step asks the brain for this tick's buttons and sends them.
func (b *bot) step(c *session.Client) {
	b.mu.Lock()
	if b.fresh {
		b.latest.CopyTo(b.world)
		b.fresh = false
	}
	ready, ship := b.sync != nil && b.latest != nil, b.ship
	b.mu.Unlock()
	if !ready {
		return
	}
	// The brain thinks outside the lock, on the loop's own copy, so the
	// session's reader never waits for it.
	buttons := b.brain.Think(b.world, ship)
	b.input = arenawire.AppendInput(b.input[:0], buttons)

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sync == nil { // the session was lost meanwhile
		return
	}
	_, st := b.sync.Input(b.input)
	// Sent under the lock: st.Data is the Sync's buffer.
	if err := c.Send(st); err != nil {
		if !errors.Is(err, session.ErrClosed) {
			b.failLocked("send input: %v", err)
		}
		return
	}
	b.rep.Inputs++
}

func (b *bot) currentTickRate() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tickRate == 0 {
		return defaultTickRate
	}
	return b.tickRate
}

func (b *bot) sampleRTT(c *session.Client) {
	clk := c.Clock()
	if clk.Samples == 0 {
		return
	}
	b.mu.Lock()
	b.rep.RTT = append(b.rep.RTT, clk.RTT)
	b.mu.Unlock()
}

// finish completes the report once the session is closed.
func (b *bot) finish(c *session.Client) {
	cnt := c.Counters()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopSeatLocked()
	b.rep.PlayerID = c.PlayerID()
	b.rep.BytesDown = cnt.State.BytesIn + cnt.Reliable.BytesIn + cnt.Request.BytesIn
	b.rep.BytesUp = cnt.State.BytesOut + cnt.Reliable.BytesOut + cnt.Request.BytesOut
	b.rep.StateBytesDown = cnt.State.BytesIn
	b.rep.Expected = expectedSnapshots(b.rep.Seated, b.rep.TickRate)
}

// report returns the bot's report; call it after run returned.
func (b *bot) report() BotReport {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rep
}

// onPayload handles the room's payloads: JOINED seats the bot (a fresh
// Sync: the room starts the sequences anew), ROSTER is only checked.
func (b *bot) onPayload(p session.Payload) {
	switch arenav1.PayloadKind(p.Kind) {
	case arenav1.PayloadKind_PAYLOAD_KIND_JOINED:
		var j arenav1.Joined
		if err := proto.Unmarshal(p.Data, &j); err != nil {
			b.fail("JOINED payload: %v", err)
			return
		}
		b.joined(&j)
	case arenav1.PayloadKind_PAYLOAD_KIND_ROSTER:
		var r arenav1.Roster
		if err := proto.Unmarshal(p.Data, &r); err != nil {
			b.fail("ROSTER payload: %v", err)
		}
	}
}

func (b *bot) joined(j *arenav1.Joined) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if j.WireVersion != arenawire.Version {
		b.failLocked("JOINED payload: the server speaks snapshot encoding version %d, this client %d: update the client",
			j.WireVersion, arenawire.Version)
		return // unseated: it decodes nothing and sends nothing
	}
	if j.ShipId == 0 || j.ShipId > 255 {
		b.failLocked("JOINED payload: ship id %d is not an arena player id (1-255)", j.ShipId)
		return
	}
	rate := int(j.TickRate)
	if rate <= 0 || rate > maxTickRate {
		b.failLocked("JOINED payload: tick rate %d out of range (1-%d)", j.TickRate, maxTickRate)
		rate = defaultTickRate
	}
	b.rep.RoomID, b.rep.Ship, b.rep.TickRate = j.RoomId, j.ShipId, rate
	b.ship, b.tickRate = arena.PlayerID(j.ShipId), rate
	b.sync = room.NewSync(arenawire.Decoder(arena.DefaultConfig()), nil)
	b.latest, b.fresh = nil, false
	b.startSeatLocked()
	b.log.Debug("seated", "room", j.RoomId, "ship", j.ShipId, "tick_rate", j.TickRate)
}

// onState decodes a snapshot. One that comes before the bot is seated is
// from a room it does not know yet, and ignored.
func (b *bot) onState(st session.State) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sync == nil {
		return
	}
	b.rep.Snapshots++
	snap, err := b.sync.Snapshot(st)
	switch {
	case errors.Is(err, room.ErrNoBaseline):
		// Documented recovery: the room sends full snapshots again.
		b.rep.NoBaseline++
	case err != nil:
		b.failLocked("snapshot at tick %d: %v", st.Tick, err)
	default:
		b.latest, b.fresh = snap.State, true
	}
}

// onNotification counts a notification, checks that it is not one already
// delivered, and records the kills.
func (b *bot) onNotification(n session.Notification) {
	kind := notificationKindName(n.Kind)
	if f := b.opts.OnNotification; f != nil {
		defer f(b.n, n) // deferred first, so it runs after the unlock below
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rep.Notifications[kind]++
	if _, dup := b.seen[n.ID]; dup {
		b.failLocked("%s notification %q delivered twice", kind, n.ID)
		return
	}
	b.seen[n.ID] = struct{}{}
	switch arenav1.NotificationKind(n.Kind) {
	case arenav1.NotificationKind_NOTIFICATION_KIND_KILL:
		k := new(arenav1.Kill)
		if err := proto.Unmarshal(n.Content, k); err != nil {
			b.failLocked("KILL notification %q: %v", n.ID, err)
			return
		}
		b.rep.Kills = append(b.rep.Kills, KillSeen{ID: n.ID, Room: b.rep.RoomID, Kill: k})
	case arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED:
		r := new(arenav1.MatchResults)
		if err := proto.Unmarshal(n.Content, r); err != nil {
			b.failLocked("MATCH_ENDED notification %q: %v", n.ID, err)
			return
		}
		b.rep.Results = append(b.rep.Results, r)
	}
}

func (b *bot) onStats(session.StatUpdate) {
	b.mu.Lock()
	b.rep.StatUpdates++
	b.mu.Unlock()
}

// onStatus counts the drops, resumes and lost sessions, and keeps the
// clock of the time seated with a connection that Expected is made of.
func (b *bot) onStatus(ch session.StatusChange) {
	b.mu.Lock()
	defer b.mu.Unlock()
	prev := b.status
	b.status = ch.Status
	switch ch.Status {
	case session.Reconnecting:
		if prev == session.Connected {
			b.rep.Reconnects++
			b.stopSeatLocked()
			b.log.Debug("reconnecting", "err", ch.Err)
		}
	case session.Connected:
		switch {
		case ch.Resumed:
			b.rep.Resumes++
			if b.sync != nil {
				b.startSeatLocked()
			}
		case ch.SessionLost:
			// A new session: the room seats the bot anew and says so
			// with a JOINED; until then its snapshots are not ours.
			b.rep.SessionsLost++
			if b.sync != nil {
				b.sync.Reset()
			}
			b.sync, b.latest, b.fresh = nil, nil, false
			b.stopSeatLocked()
			b.log.Debug("session lost", "err", ch.Err)
		}
	case session.Closed:
		b.stopSeatLocked()
		if !b.stopping {
			b.failLocked("session closed: %v", ch.Err)
			b.endedOnce.Do(func() { close(b.ended) })
		}
	}
}

func (b *bot) startSeatLocked() {
	if b.seatedSince.IsZero() {
		b.seatedSince = time.Now()
	}
}

func (b *bot) stopSeatLocked() {
	if !b.seatedSince.IsZero() {
		b.rep.Seated += time.Since(b.seatedSince)
		b.seatedSince = time.Time{}
	}
}

func (b *bot) fail(format string, args ...any) {
	b.mu.Lock()
	b.failLocked(format, args...)
	b.mu.Unlock()
}

// failLocked records an error of the bot.
func (b *bot) failLocked(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	b.rep.ErrorCount++
	if len(b.rep.Errors) < maxErrors {
		b.rep.Errors = append(b.rep.Errors, msg)
	}
	b.log.Warn("bot error", "err", msg)
}

// sleep waits d or until ctx ends, and reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
