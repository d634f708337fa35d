package session_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
)

// receiver records what one client receives: the newest state tick and the
// notifications, in the order they arrived.
type receiver struct {
	lastTick atomic.Uint64

	mu    sync.Mutex
	kinds []uint32 // Kind of each notification: the broadcaster numbers them 1, 2, ...
}

func (r *receiver) onState(st session.State) {
	if st.Tick > r.lastTick.Load() {
		r.lastTick.Store(st.Tick) // one reader goroutine per client: no race between stores
	}
}

func (r *receiver) onNotification(n session.Notification) {
	r.mu.Lock()
	r.kinds = append(r.kinds, n.Kind)
	r.mu.Unlock()
}

func (r *receiver) notifications() []uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.kinds)
}

// checkNotifications reports whether r got notifications 1 to n, each once,
// in order, and if not, what it got instead.
func (r *receiver) checkNotifications(n uint32) error {
	got := r.notifications()
	for i, k := range got {
		if k != uint32(i+1) {
			return fmt.Errorf("notification %d has number %d: got %v", i, k, got)
		}
	}
	if len(got) != int(n) {
		return fmt.Errorf("got %d notifications, want %d", len(got), n)
	}
	return nil
}

// broadcaster broadcasts states every interval and, every notifyEvery
// ticks (never if 0), a reliable notification numbered in its Kind, until
// stopped.
type broadcaster struct {
	stopc    chan struct{}
	done     chan struct{}
	notified atomic.Uint32 // the number of the last notification sent
}

func startBroadcaster(tb testing.TB, srv *session.Server, interval time.Duration, notifyEvery uint64) *broadcaster {
	bc := &broadcaster{stopc: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(bc.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		data := make([]byte, 64)
		// Bounded: a test that hangs stops broadcasting after a minute.
		for tick := uint64(1); tick <= uint64(time.Minute/interval); tick++ {
			if err := srv.Broadcast(stampedState(tick, data)); err != nil {
				tb.Errorf("Broadcast state: %v", err)
				return
			}
			if notifyEvery > 0 && tick%notifyEvery == 0 {
				k := bc.notified.Load() + 1
				if err := srv.Broadcast(session.Notification{Kind: k, Subject: "tick"}); err != nil {
					tb.Errorf("Broadcast notification: %v", err)
					return
				}
				bc.notified.Store(k)
			}
			select {
			case <-t.C:
			case <-bc.stopc:
				return
			}
		}
	}()
	tb.Cleanup(func() { bc.stop() })
	return bc
}

// stop stops the broadcaster and returns the number of the last
// notification it sent.
func (bc *broadcaster) stop() uint32 {
	select {
	case <-bc.stopc:
	default:
		close(bc.stopc)
	}
	<-bc.done
	return bc.notified.Load()
}

// blockingHandler blocks the first call of its handler until released, as
// a client whose game stopped taking messages: its socket stops reading.
type blockingHandler struct {
	blocked     chan struct{} // closed when the handler blocks
	release     chan struct{}
	blockedOnce sync.Once
	releaseOnce sync.Once
	tick        atomic.Uint64 // the tick of the state it blocked on
}

func newBlockingHandler() *blockingHandler {
	return &blockingHandler{blocked: make(chan struct{}), release: make(chan struct{})}
}

func (h *blockingHandler) onState(st session.State) {
	h.blockedOnce.Do(func() {
		h.tick.Store(st.Tick)
		close(h.blocked)
		<-h.release
	})
}

func (h *blockingHandler) unblock() { h.releaseOnce.Do(func() { close(h.release) }) }

// disconnects records the players whose connection the server saw drop,
// with why, and signals the first drop of one player.
type disconnects struct {
	watch string
	first chan error // the first drop of player watch

	mu    sync.Mutex
	drops map[string][]error
}

func newDisconnects(watch string) *disconnects {
	return &disconnects{watch: watch, first: make(chan error, 1), drops: make(map[string][]error)}
}

func (d *disconnects) onDisconnect(s *session.Session, err error) {
	d.mu.Lock()
	d.drops[s.PlayerID()] = append(d.drops[s.PlayerID()], err)
	d.mu.Unlock()
	if s.PlayerID() == d.watch {
		select {
		case d.first <- err:
		default:
		}
	}
}

func (d *disconnects) players() map[string][]error {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string][]error, len(d.drops))
	for p, errs := range d.drops {
		out[p] = slices.Clone(errs)
	}
	return out
}

// waitChan waits for ch to deliver, or fails after 10 s.
func waitChan[T any](t testing.TB, what string, ch <-chan T) T {
	t.Helper()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		var zero T
		t.Fatalf("timed out waiting for %s", what)
		return zero
	}
}

// TestSlowConsumerIsCut checks that a client that stops reading is cut with
// CloseTooSlow once it leaves what it was sent unacknowledged for longer
// than Limits.MaxLag, that the healthy clients meanwhile keep getting
// states and every reliable notification in order, and that the slow
// client, once it reads again, sees the close code, resumes its session
// and misses nothing reliable.
func TestSlowConsumerIsCut(t *testing.T) {
	const healthy = 20
	drops := newDisconnects("slow")
	srv, url := startServer(t, session.ServerOptions{
		// MaxLag well above a healthy client's acknowledgement delay
		// (20 ms) even on a loaded machine under -race, and a short close
		// handshake: the slow client does not answer the close.
		Limits:       session.Limits{MaxLag: 500 * time.Millisecond},
		Control:      sdk.Control{CloseTimeout: 200 * time.Millisecond},
		ResumeWindow: 30 * time.Second,
		OnDisconnect: drops.onDisconnect,
	})

	recv := make([]receiver, healthy)
	dialFleet(t, url, "healthy", healthy, func(i int) *session.ClientOptions {
		return &session.ClientOptions{OnState: recv[i].onState, OnNotification: recv[i].onNotification}
	})

	block := newBlockingHandler()
	var slowRecv receiver
	statuses := make(chan session.StatusChange, 64)
	dial(t, url, "slow", &session.ClientOptions{
		OnState:        block.onState,
		OnNotification: slowRecv.onNotification,
		OnStatus:       func(ch session.StatusChange) { statuses <- ch },
		Reconnect:      session.Reconnect{MinDelay: 20 * time.Millisecond, MaxDelay: 200 * time.Millisecond},
	})
	t.Cleanup(block.unblock) // before the client's Close, which waits for its reader
	if st := waitChan(t, "the slow client's first status", statuses); st.Status != session.Connected {
		t.Fatalf("slow client's first status %v, want connected", st.Status)
	}
	waitUntil(t, "every session on the server", func() bool { return srv.Stats().Sessions == healthy+1 })

	bc := startBroadcaster(t, srv, 20*time.Millisecond, 3) // 50 Hz, a notification every 60 ms

	waitChan(t, "the slow client to block", block.blocked)
	blockedAt := block.tick.Load()

	err := waitChan(t, "the server to drop the slow client", drops.first)
	var ce *sdk.CloseError
	if code := sdk.CloseStatus(err); code != int(session.CloseTooSlow) || !errors.As(err, &ce) || ce.Code != session.CloseTooSlow {
		t.Errorf("slow client's connection ended with %v (close status %d), want close %d", err, code, session.CloseTooSlow)
	}
	if st := srv.Stats(); st.TooSlow == 0 {
		t.Errorf("ServerStats.TooSlow = 0 after the slow client was cut; stats %+v", st)
	}
	if ss := srv.Session("slow"); ss == nil {
		t.Errorf("the slow client's session ended with its connection; it should wait for a resume")
	}

	// The slow client is still blocked: the others went on regardless.
	waitUntil(t, "every healthy client to get states sent after the slow one blocked", func() bool {
		for i := range recv {
			if recv[i].lastTick.Load() <= blockedAt {
				return false
			}
		}
		return true
	})

	block.unblock()
	ev := waitChan(t, "the slow client to report the drop", statuses)
	if ev.Status != session.Reconnecting || sdk.CloseStatus(ev.Err) != int(session.CloseTooSlow) {
		t.Errorf("after the cut the slow client reported %v (err %v, close status %d), want reconnecting after close %d",
			ev.Status, ev.Err, sdk.CloseStatus(ev.Err), session.CloseTooSlow)
	}
	for attempts := 0; ev.Status == session.Reconnecting && attempts < 20; attempts++ {
		ev = waitChan(t, "the slow client to reconnect", statuses)
	}
	if ev.Status != session.Connected || !ev.Resumed || ev.SessionLost {
		t.Fatalf("slow client came back with %+v, want connected and resumed", ev)
	}

	// Everyone, the slow client included, gets every notification, once.
	last := bc.stop()
	if last == 0 {
		t.Fatal("no notification was broadcast")
	}
	waitUntil(t, "every client to get every notification", func() bool {
		for i := range recv {
			if len(recv[i].notifications()) < int(last) {
				return false
			}
		}
		return len(slowRecv.notifications()) >= int(last)
	})
	for i := range recv {
		if err := recv[i].checkNotifications(last); err != nil {
			t.Errorf("healthy client %d: %v", i, err)
		}
	}
	if err := slowRecv.checkNotifications(last); err != nil {
		t.Errorf("slow client: %v", err)
	}
	var dropped []string
	var why error
	for player, errs := range drops.players() {
		if player != "slow" {
			dropped = append(dropped, player)
			why = errs[0]
		}
	}
	if len(dropped) > 0 {
		slices.Sort(dropped)
		t.Errorf("%d healthy clients were dropped: %v; one with: %v", len(dropped), dropped, why)
	}
	if n := len(drops.players()["slow"]); n != 1 {
		t.Errorf("slow client dropped %d times, want once", n)
	}
}

// TestShortMaxLagKeepsHealthyClient checks that a client that reads and
// acknowledges everything stays connected when Limits.MaxLag is under a
// second, for several times MaxLag and past the first second of its
// connection.
func TestShortMaxLagKeepsHealthyClient(t *testing.T) {
	drops := newDisconnects("alice")
	srv, url := startServer(t, session.ServerOptions{
		Limits:       session.Limits{MaxLag: 300 * time.Millisecond},
		OnDisconnect: drops.onDisconnect,
	})
	var r receiver
	statuses := make(chan session.StatusChange, 64)
	dial(t, url, "alice", &session.ClientOptions{
		OnState:  r.onState,
		OnStatus: func(ch session.StatusChange) { statuses <- ch },
	})
	if st := waitChan(t, "the first status", statuses); st.Status != session.Connected {
		t.Fatalf("first status %v, want connected", st.Status)
	}
	waitUntil(t, "alice's session on the server", func() bool { return srv.Session("alice") != nil })

	const ticks = 75 // 1.5 s at 50 Hz
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	data := make([]byte, 64)
	for i := uint64(1); i <= ticks; i++ {
		if err := srv.Send("alice", session.State{Kind: 1, Tick: i, Data: data}); err != nil {
			t.Fatalf("Send state %d: %v", i, err)
		}
		<-tick.C
	}
	waitUntil(t, "the last state", func() bool { return r.lastTick.Load() == ticks })
	if errs := drops.players()["alice"]; len(errs) > 0 {
		t.Errorf("a client that acknowledged everything was dropped %d times: %v", len(errs), errs)
	}
	select {
	case ev := <-statuses:
		t.Errorf("client status changed to %v (err %v); want it connected throughout", ev.Status, ev.Err)
	default:
	}
}

// cutSlowClient connects one client whose OnState blocks on its first
// state, sends it a state every 2 ms, and waits until the server drops it.
// It checks that the server's OnDisconnect got the CloseTooSlow the lag
// check closes with, and returns the server, the handler (still blocked)
// and the client's status changes after the first. maxLag is above a
// second: see TestShortMaxLagKeepsHealthyClient for below.
func cutSlowClient(t *testing.T, maxLag time.Duration) (*session.Server, *blockingHandler, <-chan session.StatusChange) {
	t.Helper()
	drops := newDisconnects("slow")
	srv, url := startServer(t, session.ServerOptions{
		Limits:       session.Limits{MaxLag: maxLag},
		Control:      sdk.Control{CloseTimeout: 200 * time.Millisecond},
		OnDisconnect: drops.onDisconnect,
	})
	block := newBlockingHandler()
	statuses := make(chan session.StatusChange, 64)
	dial(t, url, "slow", &session.ClientOptions{
		OnState:   block.onState,
		OnStatus:  func(ch session.StatusChange) { statuses <- ch },
		Reconnect: session.Reconnect{MinDelay: 20 * time.Millisecond, MaxDelay: 200 * time.Millisecond},
	})
	t.Cleanup(block.unblock) // before the client's Close, which waits for its reader
	if st := waitChan(t, "the first status", statuses); st.Status != session.Connected {
		t.Fatalf("first status %v, want connected", st.Status)
	}
	waitUntil(t, "the session on the server", func() bool { return srv.Session("slow") != nil })
	startBroadcaster(t, srv, 2*time.Millisecond, 0)
	waitChan(t, "the client's handler to block", block.blocked)
	err := waitChan(t, "the server to drop the client", drops.first)
	if code := sdk.CloseStatus(err); code != int(session.CloseTooSlow) {
		t.Fatalf("the server dropped the client with %v (close status %d), want close %d", err, code, session.CloseTooSlow)
	}
	return srv, block, statuses
}

// TestSlowConsumerCutIsCounted checks that a connection the lag check
// closes with CloseTooSlow counts in ServerStats.TooSlow.
func TestSlowConsumerCutIsCounted(t *testing.T) {
	srv, _, _ := cutSlowClient(t, 1200*time.Millisecond)
	if st := srv.Stats(); st.TooSlow != 1 {
		t.Errorf("ServerStats.TooSlow = %d after one connection was closed with %d, want 1", st.TooSlow, session.CloseTooSlow)
	}
}

// TestSlowConsumerSeesItsCloseCode checks that a client cut for lag learns
// why once it reads again, even after it stalled longer than the server's
// close handshake waits: the close frame is in its socket's buffer, after
// the states it had not read (about 600, whose acknowledgements the
// client writes as it catches up).
func TestSlowConsumerSeesItsCloseCode(t *testing.T) {
	_, block, statuses := cutSlowClient(t, 1200*time.Millisecond)
	block.unblock()
	ev := waitChan(t, "the client to report the drop", statuses)
	if ev.Status != session.Reconnecting || sdk.CloseStatus(ev.Err) != int(session.CloseTooSlow) {
		t.Errorf("the client reported %v with err %v (close status %d), want reconnecting after close %d",
			ev.Status, ev.Err, sdk.CloseStatus(ev.Err), session.CloseTooSlow)
	}
}

// BenchmarkSlowConsumer measures what one client that stops reading does
// to the others: 100 healthy clients get a 500-byte State at 30 Hz, with
// (slow=1) and without (slow=0) one more client whose handler blocks on
// its first state until the benchmark ends. Its p99 is to compare across
// the two:
//
//	go test -run '^$' -bench SlowConsumer -benchtime 300x ./sdk/session/
//
// The limits are the defaults: the slow client is left unread for MaxLag
// (5 s), then cut (slow-cut reports whether it was); it cannot come back
// while its handler blocks, so with 300 ticks (10 s) about half the run
// has it connected and unread, and half has it cut.
func BenchmarkSlowConsumer(b *testing.B) {
	for _, slow := range []int{0, 1} {
		b.Run(fmt.Sprintf("slow=%d", slow), func(b *testing.B) {
			benchmarkSlowConsumer(b, 100, slow == 1)
		})
	}
}

func benchmarkSlowConsumer(b *testing.B, healthy int, withSlow bool) {
	drops := newDisconnects("slow")
	srv, url := startServer(b, session.ServerOptions{OnDisconnect: drops.onDisconnect})
	lat := make([]latencies, healthy)
	dialFleet(b, url, "healthy", healthy, func(i int) *session.ClientOptions {
		return &session.ClientOptions{OnState: lat[i].record}
	})
	if withSlow {
		block := newBlockingHandler()
		dial(b, url, "slow", &session.ClientOptions{OnState: block.onState})
		b.Cleanup(block.unblock) // before the client's Close
	}
	want := healthy
	if withSlow {
		want++
	}
	if got := srv.Stats().Sessions; got != want {
		b.Fatalf("%d sessions on the server, want %d", got, want)
	}

	data := make([]byte, 500)
	ticker := time.NewTicker(time.Second / 30)
	defer ticker.Stop()
	var ticks uint64
	for b.Loop() {
		ticks++
		if err := srv.Broadcast(stampedState(ticks, data)); err != nil {
			b.Fatal(err)
		}
		<-ticker.C
	}
	reportDeliveries(b, "healthy-", lat, int64(ticks)*int64(healthy))
	if withSlow {
		cut := 0.0
		if len(drops.players()["slow"]) > 0 {
			cut = 1
		}
		b.ReportMetric(cut, "slow-cut")
	}
	for player := range drops.players() {
		if player != "slow" {
			b.Errorf("healthy client %s was dropped", player)
		}
	}
}
