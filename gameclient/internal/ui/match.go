package ui

import (
	"errors"
	"fmt"
	"image/color"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/gamesock/gamesock/assets"
	"github.com/gamesock/gamesock/gameclient/internal/netcode"
	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
)

// Match scene limits and timings.
const (
	maxEventsPerUpdate = 512                    // events drained per Update at most; the rest wait
	maxInputCatchUp    = 3                      // input ticks sent at once after a late frame
	statsEvery         = 100 * time.Millisecond // how often the HUD reads the network's figures
	explosionLife      = 700 * time.Millisecond
	matchShotAfter     = 5 * time.Second // the match screenshot: this long after being seated...
	matchShotLatest    = 13 * time.Second
)

// explosion is a ship's destruction being drawn.
type explosion struct {
	x, y float64 // pixels
	born time.Time
	c    color.RGBA
}

// shipStats are one ship's stats from the server's stat updates.
type shipStats struct {
	name  string
	stats map[string]float64
}

// matchScene plays the match: it drains the network's events, sends one
// input a server tick and samples the interpolated world to draw.
type matchScene struct {
	app  *app
	net  Network
	name string

	seated   bool
	seat     Seated
	interp   *netcode.Interpolator
	pred     ownShip
	cues     ownCues      // the own ship's shots and pickups, for their sounds
	latest   *arena.World // the newest snapshot, the match's clock
	view     *netcode.View
	ownPose  netcode.Pose
	ownAlive bool
	ownShip  arena.Ship

	roster   map[arena.PlayerID]RosterEntry
	stats    map[arena.PlayerID]*shipStats
	statsFor string // the match the stats are of

	toasts    toasts
	graph     netGraph
	netStats  NetStats
	statsRead time.Time
	showGraph bool
	showScore bool

	status  session.Status // Connected unless the session is away
	attempt int
	dropErr error
	closed  error // why the connection ended for good; nil while live

	alive    map[arena.PlayerID]bool
	fx       []explosion
	camX     float64
	camY     float64
	camReady bool

	nextInput   time.Time
	seatedAt    time.Time
	results     *arenav1.MatchResults
	resultsSeen bool
}

func newMatchScene(a *app, n Network, name string) *matchScene {
	return &matchScene{
		app: a, net: n, name: name,
		interp: netcode.NewInterpolator(nil),
		roster: map[arena.PlayerID]RosterEntry{},
		stats:  map[arena.PlayerID]*shipStats{},
		alive:  map[arena.PlayerID]bool{},
		status: session.Connected,
	}
}

// Update runs one frame of the match.
func (m *matchScene) Update(in *Input) (Scene, error) {
	m.app.inMatch = true
	now := m.app.now
	m.drain(now)
	switch {
	case in.Pressed(ebiten.KeyEscape):
		m.close()
		m.app.inMatch = false
		return newConnectScene(m.app), nil
	case in.Pressed(ebiten.KeyF3):
		m.showGraph = !m.showGraph
	case in.Pressed(ebiten.KeyR) && m.closed == nil:
		return newReplayScene(m.app, m), nil
	case in.confirm() && m.closed != nil:
		m.close()
		m.app.opts.AutoConnect = true
		return newConnectScene(m.app), nil
	}
	m.showScore = in.Held(ebiten.KeyTab)
	m.sendInputs(buttonsOf(in), now)
	m.advance(now)
	if m.results != nil && !m.resultsSeen {
		m.resultsSeen = true
		return newResultsScene(m.app, m, m.results), nil
	}
	m.screenshot(now)
	return nil, nil
}

// advance moves what is drawn to now: the world, the camera, the effects.
func (m *matchScene) advance(now time.Time) {
	if now.Sub(m.statsRead) >= statsEvery {
		m.statsRead = now
		m.netStats = m.net.Stats()
	}
	m.graph.add(m.netStats, now)
	m.toasts.expire(now)
	if !m.seated {
		return
	}
	m.view = m.interp.Sample(now)
	m.ownPose, m.ownShip, m.ownAlive = m.pred.pose(now)
	m.detectExplosions(now)
	m.followCamera()
	kept := m.fx[:0]
	for _, e := range m.fx {
		if now.Sub(e.born) < explosionLife {
			kept = append(kept, e)
		}
	}
	m.fx = kept
}

// followCamera eases the camera toward the own ship.
func (m *matchScene) followCamera() {
	x, y := m.ownPose.Pixels()
	if !m.ownAlive && m.latest != nil {
		// Dead: stay where the ship was.
		return
	}
	if !m.camReady {
		m.camX, m.camY, m.camReady = x, y, true
		return
	}
	m.camX += (x - m.camX) * 0.25
	m.camY += (y - m.camY) * 0.25
}

// detectExplosions starts an explosion where a ship went from alive to dead.
func (m *matchScene) detectExplosions(now time.Time) {
	if m.view == nil {
		return
	}
	seen := func(id arena.PlayerID, alive bool, p netcode.Pose) {
		if m.alive[id] && !alive {
			x, y := p.Pixels()
			m.fx = append(m.fx, explosion{x: x, y: y, born: now, c: m.app.art.palette[shipPalette(id, m.seat.Ship)]})
			if sx, sy := m.toScreen(x, y); sx > -64 && sy > -64 && sx < ScreenWidth+64 && sy < ScreenHeight+64 {
				m.app.sound.play(assets.SoundExplosion)
			}
		}
		m.alive[id] = alive
	}
	for i := range m.view.Ships {
		s := &m.view.Ships[i]
		seen(s.ID, s.Alive, s.Pose)
	}
	if m.pred.known() {
		seen(m.seat.Ship, m.ownAlive, m.ownPose)
	}
}

// buttonsOf maps the keys to the ship's controls.
func buttonsOf(in *Input) arena.Buttons {
	var b arena.Buttons
	if in.Held(ebiten.KeyArrowLeft) || in.Held(ebiten.KeyA) {
		b |= arena.TurnLeft
	}
	if in.Held(ebiten.KeyArrowRight) || in.Held(ebiten.KeyD) {
		b |= arena.TurnRight
	}
	if in.Held(ebiten.KeyArrowUp) || in.Held(ebiten.KeyW) {
		b |= arena.Thrust
	}
	if in.Held(ebiten.KeySpace) {
		b |= arena.Fire
	}
	return b
}

// sendInputs sends one input for every server tick period elapsed since
// the last, at most maxInputCatchUp at once (a longer stall is not made
// up: those ticks are gone on the server too).
func (m *matchScene) sendInputs(b arena.Buttons, now time.Time) {
	if !m.seated || m.closed != nil {
		return
	}
	period := time.Second / time.Duration(max(m.seat.TickRate, 1))
	if m.nextInput.IsZero() || now.Sub(m.nextInput) > maxInputCatchUp*period {
		m.nextInput = now
	}
	for !m.nextInput.After(now) {
		seq := m.net.SendInput(b)
		m.pred.input(seq, b, now)
		m.nextInput = m.nextInput.Add(period)
	}
}

// drain handles the events waiting, without blocking.
func (m *matchScene) drain(now time.Time) {
	for range maxEventsPerUpdate {
		ev, ok := m.net.Poll()
		if !ok {
			return
		}
		m.handle(ev, now)
	}
}

// handle applies one event.
func (m *matchScene) handle(ev Event, now time.Time) {
	switch ev := ev.(type) {
	case Seated:
		m.seat, m.seated, m.seatedAt = ev, true, now
		m.interp = netcode.NewInterpolator(&netcode.InterpolatorOptions{TickRate: ev.TickRate, Own: ev.Ship})
		m.pred.reset(ev.Ship)
		m.cues.reset(ev.Ship)
		m.latest, m.view, m.camReady = nil, nil, false
		clear(m.alive)
	case Snapshot:
		if !m.seated {
			return
		}
		m.latest = ev.World
		m.interp.Push(ev.Tick, ev.Arrived, ev.World)
		m.pred.snapshot(ev, now)
		shot, pickup := m.cues.observe(ev.World)
		if shot {
			m.app.sound.play(assets.SoundShot)
		}
		if pickup {
			m.app.sound.play(assets.SoundPickup)
		}
	case Roster:
		clear(m.roster)
		for _, e := range ev.Entries {
			m.roster[e.Ship] = e
		}
	case Notice:
		m.notice(ev, now)
	case Stats:
		m.applyStats(ev.StatUpdate)
	case Status:
		m.statusChanged(ev.StatusChange, now)
	case Failure:
		m.toasts.push(ev.Err.Error(), colBad, now)
		m.app.sound.play(assets.SoundNotify)
	}
}

// statusChanged follows the session through drops and resumes.
func (m *matchScene) statusChanged(ch session.StatusChange, now time.Time) {
	m.status, m.attempt = ch.Status, ch.Attempt
	switch ch.Status {
	case session.Reconnecting:
		m.dropErr = ch.Err
	case session.Connected:
		m.dropErr = nil
		if ch.SessionLost {
			// A new session: the server seats the player again.
			m.seated = false
			m.toasts.push("reconnected (new session)", colWarn, now)
			m.app.sound.play(assets.SoundNotify)
		} else if ch.Resumed {
			m.toasts.push("reconnected", colGood, now)
			m.app.sound.play(assets.SoundNotify)
		}
	case session.Closed:
		m.closed = ch.Err
		if m.closed == nil {
			m.closed = errors.New("the session was closed")
		}
	}
}

// applyStats merges a stat update into the scoreboard.
func (m *matchScene) applyStats(u session.StatUpdate) {
	if u.MatchID != m.statsFor {
		m.statsFor = u.MatchID
		clear(m.stats)
	}
	for _, p := range u.Players {
		var id arena.PlayerID
		for _, s := range p.Stats {
			if s.Name == "ship" {
				id = arena.PlayerID(s.Value)
			}
		}
		if id == 0 {
			continue
		}
		st := m.stats[id]
		if st == nil {
			st = &shipStats{stats: map[string]float64{}}
			m.stats[id] = st
		}
		if p.Name != "" {
			st.name = p.Name
		}
		for _, s := range p.Stats {
			st.stats[s.Name] = s.Value
		}
	}
}

// notice turns a notification into a toast, and keeps the match results.
func (m *matchScene) notice(n Notice, now time.Time) {
	c := colText
	switch arenav1.NotificationKind(n.Kind) {
	case arenav1.NotificationKind_NOTIFICATION_KIND_KILL:
		c = colBad
		if k, ok := n.Content.(*arenav1.Kill); ok && arena.PlayerID(k.Killer) == m.seat.Ship {
			c = colGood
		}
	case arenav1.NotificationKind_NOTIFICATION_KIND_STREAK:
		c = colWarn
	case arenav1.NotificationKind_NOTIFICATION_KIND_HIGH_SCORE:
		c = color.RGBA{255, 150, 255, 255}
	case arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_JOINED, arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_LEFT:
		c = colDim
	case arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_STARTING:
		c = colOwn
		clear(m.stats)
	case arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED:
		c = colOwn
		if r, ok := n.Content.(*arenav1.MatchResults); ok {
			m.results, m.resultsSeen = r, false
		}
	case arenav1.NotificationKind_NOTIFICATION_KIND_OPERATOR:
		c = colWarn
	}
	text := n.Subject
	if text == "" {
		text = fmt.Sprintf("notification %d", n.Kind)
	}
	m.toasts.push(text, c, now)
	m.app.sound.play(assets.SoundNotify)
}

// screenshot asks for the match's screenshot once the HUD, the net graph
// and a toast are all up (or when waiting longer would be pointless).
func (m *matchScene) screenshot(now time.Time) {
	if !m.seated || m.view == nil {
		return
	}
	since := now.Sub(m.seatedAt)
	ready := m.toasts.settled(now) && m.showGraph && m.ownAlive && m.shipsOnScreen() > 0
	if since >= matchShotAfter && (ready || since >= matchShotLatest) {
		m.app.shots.request("match")
	}
}

// shipsOnScreen counts the other ships alive in view.
func (m *matchScene) shipsOnScreen() int {
	n := 0
	for i := range m.view.Ships {
		s := &m.view.Ships[i]
		x, y := m.toScreen(s.Pose.Pixels())
		if s.Alive && x > 0 && y > 0 && x < ScreenWidth && y < ScreenHeight {
			n++
		}
	}
	return n
}

// close ends the connection.
func (m *matchScene) close() {
	m.app.closeNetwork()
}

// nameOf is ship id's player name.
func (m *matchScene) nameOf(id arena.PlayerID) string {
	if e, ok := m.roster[id]; ok && e.Name != "" {
		return e.Name
	}
	if s := m.stats[id]; s != nil && s.name != "" {
		return s.name
	}
	if id == m.seat.Ship {
		return m.name
	}
	return fmt.Sprintf("ship %d", id)
}
