package conn

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/gameservertest"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
	"go.uber.org/goleak"
)

// roomClient is what a test saw of one client's events.
type roomClient struct {
	c        *Conn
	seat     Seated // the first
	seats    []Seated
	notes    []Notification // in the order they came
	count    map[string]int // arrivals per notification id
	statuses []session.StatusChange
	// snaps counts snapshots; withShip those holding the client's ship.
	snaps, withShip int
	errs            []error
}

func newRoomClient(c *Conn) *roomClient {
	return &roomClient{c: c, count: make(map[string]int)}
}

func (rc *roomClient) handle(ev Event) {
	switch ev := ev.(type) {
	case Seated:
		if len(rc.seats) == 0 {
			rc.seat = ev
		}
		rc.seats = append(rc.seats, ev)
	case Snapshot:
		rc.snaps++
		if rc.seat.Ship != 0 && ev.World.Ship(rc.seat.Ship) != nil {
			rc.withShip++
		}
	case Notification:
		rc.notes = append(rc.notes, ev)
		rc.count[ev.ID]++
	case Status:
		rc.statuses = append(rc.statuses, ev.StatusChange)
	case Err:
		rc.errs = append(rc.errs, ev.Err)
	}
}

// index returns the index of the first notification from index from on
// that match says, or -1.
func (rc *roomClient) index(from int, match func(Notification) bool) int {
	if i := slices.IndexFunc(rc.notes[from:], match); i >= 0 {
		return from + i
	}
	return -1
}

// hasStatus reports whether a status change to s came, from index from on.
func (rc *roomClient) hasStatus(from int, s session.Status) bool {
	return slices.ContainsFunc(rc.statuses[from:], func(ch session.StatusChange) bool { return ch.Status == s })
}

// pump hands the clients' events to their handle until done reports true;
// it reports false if that takes over d.
func pump(d time.Duration, done func() bool, clients ...*roomClient) bool {
	timeout := time.NewTimer(d)
	defer timeout.Stop()
	cases := []reflect.SelectCase{{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(timeout.C)}}
	for _, rc := range clients {
		cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(rc.c.Events())})
	}
	for !done() {
		i, v, _ := reflect.Select(cases)
		if i == 0 {
			return false
		}
		clients[i-1].handle(v.Interface().(Event))
	}
	return true
}

// adminURL is where the game server's admin listener serves, from its
// "serving" record (the server runs with -admin 127.0.0.1:0).
func adminURL(t *testing.T, srv *gameservertest.Server) string {
	t.Helper()
	for line := range strings.Lines(srv.Output()) {
		if !strings.Contains(line, "msg=serving") {
			continue
		}
		for f := range strings.FieldsSeq(line) {
			if u, ok := strings.CutPrefix(f, "admin="); ok && strings.HasPrefix(u, "http://") {
				return u
			}
		}
	}
	t.Fatalf("no admin URL in the game server's serving record\n%s", srv.Output())
	return ""
}

// broadcast sends every player an operator notification, through the
// admin listener.
func broadcast(ctx context.Context, admin, msg string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, admin+"/admin/broadcast", strings.NewReader(msg))
	if err != nil {
		return err
	}
	req.Close = true // no idle connection left behind
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("admin broadcast: HTTP %d: %s", resp.StatusCode, body)
	}
	return nil
}

// roomWide reports whether the room tells a notification to every player
// in it. High scores are left out: a personal best goes to its player
// alone.
func roomWide(n Notification) bool {
	return arenav1.NotificationKind(n.Kind) != arenav1.NotificationKind_NOTIFICATION_KIND_HIGH_SCORE
}

func isKind(k arenav1.NotificationKind) func(Notification) bool {
	return func(n Notification) bool { return arenav1.NotificationKind(n.Kind) == k }
}

// aboutPlayer matches a PLAYER_JOINED or PLAYER_LEFT notification (kind
// k) about player id.
func aboutPlayer(k arenav1.NotificationKind, id string) func(Notification) bool {
	return func(n Notification) bool {
		e, ok := n.Message.(*arenav1.RosterEntry)
		return arenav1.NotificationKind(n.Kind) == k && ok && e.PlayerId == id
	}
}

func withSubject(s string) func(Notification) bool {
	return func(n Notification) bool { return n.Subject == s }
}

// TestResumeAfterConnectionLoss cuts a seated client's connection (it goes
// through a proxy) and keeps it out while the room plays on, with kills
// and an operator broadcast that another player in the room, connected
// directly, receives; then lets it back. The client must resume its
// session (Reconnecting, then Connected and Resumed, never SessionLost),
// still seated on the same ship, and must have received every
// notification the other player got while both were in the room, each
// exactly once.
func TestResumeAfterConnectionLoss(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	srv := gameservertest.Start(t, "-bots", "6", "-warmup", "1s", "-match", "20s", "-admin", "127.0.0.1:0")
	admin := adminURL(t, srv)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, u.Host)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	dc, err := Connect(ctx, Options{Server: srv.URL, Name: "direct"})
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	direct := newRoomClient(dc)
	// Seated first, so that the room tells it of the other's arrival.
	if !pump(10*time.Second, func() bool { return len(direct.seats) > 0 }, direct) {
		t.Fatalf("the direct client was not seated within 10 s\n%s", srv.Output())
	}

	pc, err := Connect(ctx, Options{
		Server:    "ws://" + proxy.addr() + "/session",
		Name:      "proxied",
		Reconnect: session.Reconnect{MinDelay: 20 * time.Millisecond, MaxDelay: 100 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	prox := newRoomClient(pc)
	joined := aboutPlayer(arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_JOINED, pc.PlayerID())
	if !pump(10*time.Second, func() bool {
		return len(prox.seats) > 0 && prox.withShip > 0 && direct.index(0, joined) >= 0
	}, direct, prox) {
		t.Fatalf("within 10 s: proxied client seated %v, with snapshots of its ship %d; direct client told of it %v",
			len(prox.seats) > 0, prox.withShip, direct.index(0, joined) >= 0)
	}
	if prox.seat.RoomID != direct.seat.RoomID {
		t.Fatalf("the clients were seated in rooms %s and %s, want one room", prox.seat.RoomID, direct.seat.RoomID)
	}
	// From the join's announcement on, the room tells both players what it
	// tells everyone in it.
	from := direct.index(0, joined) + 1

	// The connection drops, and no new one gets through.
	proxy.hold()
	if n := proxy.cut(); n == 0 {
		t.Fatal("the proxy had no connection to cut")
	}
	cutNote, cutSnap, cutStatus := len(direct.notes), direct.snaps, len(prox.statuses)
	if !pump(5*time.Second, func() bool { return prox.hasStatus(cutStatus, session.Reconnecting) }, direct, prox) {
		t.Fatalf("no Reconnecting status within 5 s of the cut; statuses %+v", prox.statuses[cutStatus:])
	}

	// While it is away: an operator broadcast for sure, and two kills, or
	// eight seconds' snapshots if the bots are slow to kill (the first
	// kills come some four seconds into a match).
	const awaySnaps = 8 * 30
	away := "resume test: sent while away"
	if err := broadcast(ctx, admin, away); err != nil {
		t.Fatal(err)
	}
	kills := func() int {
		return len(slices.DeleteFunc(slices.Clone(direct.notes[cutNote:]),
			func(n Notification) bool { return !isKind(arenav1.NotificationKind_NOTIFICATION_KIND_KILL)(n) }))
	}
	if !pump(12*time.Second, func() bool {
		_, refused, _ := proxy.stats()
		return refused > 0 && direct.index(cutNote, withSubject(away)) >= 0 && (kills() >= 2 || direct.snaps-cutSnap >= awaySnaps)
	}, direct, prox) {
		_, refused, _ := proxy.stats()
		t.Fatalf("within 12 s of the cut: %d reconnections refused, broadcast received %v, %d kills",
			refused, direct.index(cutNote, withSubject(away)) >= 0, kills())
	}
	missed, killsAway, snapsAway := len(direct.notes)-cutNote, kills(), direct.snaps-cutSnap
	_, refused, _ := proxy.stats()

	// Back in.
	proxy.release()
	if !pump(10*time.Second, func() bool { return prox.hasStatus(cutStatus, session.Connected) }, direct, prox) {
		t.Fatalf("not connected again within 10 s of the release; statuses %+v", prox.statuses[cutStatus:])
	}
	resumeSnaps := prox.withShip

	// A second broadcast marks the end: what the direct client received
	// before it, the proxied one must have received too.
	back := "resume test: sent after the resume"
	if err := broadcast(ctx, admin, back); err != nil {
		t.Fatal(err)
	}
	var want []string
	missing := func() []string {
		end := direct.index(from, withSubject(back))
		if end < 0 {
			return []string{"(the direct client's marker)"}
		}
		want = want[:0]
		var miss []string
		for _, n := range direct.notes[from : end+1] {
			if roomWide(n) {
				want = append(want, n.ID)
				if prox.count[n.ID] == 0 {
					miss = append(miss, fmt.Sprintf("%s %v %q", n.ID, arenav1.NotificationKind(n.Kind), n.Subject))
				}
			}
		}
		return miss
	}
	if !pump(10*time.Second, func() bool {
		return len(missing()) == 0 && prox.withShip >= resumeSnaps+30
	}, direct, prox) {
		t.Errorf("within 10 s of the resume: %d snapshots with the own ship; notifications the direct client got and the proxied did not: %v",
			prox.withShip-resumeSnaps, missing())
	}

	// Reconnecting (once a try), then Connected to the same session.
	after := prox.statuses[cutStatus:]
	last := len(after) - 1
	for i, ch := range after {
		switch {
		case i < last && ch.Status != session.Reconnecting, i == last && (ch.Status != session.Connected || !ch.Resumed || ch.SessionLost):
			t.Errorf("status changes after the cut %+v: want Reconnecting, then Connected with Resumed and not SessionLost", after)
		}
	}
	for id, n := range prox.count {
		if n != 1 {
			t.Errorf("the proxied client received notification %s %d times, want once", id, n)
		}
	}
	if len(prox.seats) != 1 {
		t.Errorf("the proxied client was seated %d times (%+v), want once: a resumed session keeps its seat", len(prox.seats), prox.seats)
	}
	if i := direct.index(0, aboutPlayer(arenav1.NotificationKind_NOTIFICATION_KIND_PLAYER_LEFT, pc.PlayerID())); i >= 0 {
		t.Errorf("the room said the proxied player left: %q", direct.notes[i].Subject)
	}
	if seq := pc.SendInput(0); seq == 0 {
		t.Error("SendInput after the resume returned 0: the client is not seated")
	}
	if slices.ContainsFunc(direct.statuses, func(ch session.StatusChange) bool { return ch.Status != session.Connected }) {
		t.Errorf("the direct client's connection broke: status changes %+v", direct.statuses)
	}
	for _, rc := range []*roomClient{direct, prox} {
		for _, err := range rc.errs {
			t.Errorf("event error: %v", err)
		}
	}
	t.Logf("away: %d notifications (%d kills), %d snapshots, %d reconnections refused; %d room-wide notifications compared",
		missed, killsAway, snapsAway, refused, len(want))
}
