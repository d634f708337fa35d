package room

import (
	"context"
	"errors"
	"testing"
	"time"
)

// startManager starts a Manager of lineGames, closed when the test ends,
// that h routes the inputs to.
func startManager(t *testing.T, h *server, opts ManagerOptions[lineSnap]) *Manager[lineSnap] {
	t.Helper()
	opts.NewGame = func(string) Game[lineSnap] { return newLineGame() }
	m := NewManager(opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := m.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	f := m.HandleState
	h.route.Store(&f)
	return m
}

// mjoin joins c through m and returns the id of its room.
func mjoin(t *testing.T, m *Manager[lineSnap], c *client) string {
	t.Helper()
	r, p, err := m.Join(context.Background(), c.sess)
	if err != nil {
		t.Fatalf("Join %s: %v", c.sess.PlayerID(), err)
	}
	if p.Room() != r.ID() || m.Room(p.ID()) != r {
		t.Fatalf("%s seated in %s, Join said %s, Room says %v", p.ID(), p.Room(), r.ID(), m.Room(p.ID()))
	}
	return r.ID()
}

// A manager fills the fullest room with a free seat first, and opens a
// new room when all are full.
func TestManagerFillsRooms(t *testing.T) {
	t.Parallel()
	h := startServer(t)
	m := startManager(t, h, ManagerOptions[lineSnap]{Room: Options{TickRate: 100, MaxPlayers: 3}, EmptyTimeout: -1})
	c := map[string]*client{}
	for _, id := range []string{"p1", "p2", "p3", "p4", "p5", "p6", "p7"} {
		c[id] = h.dial(t, id)
	}
	steps := []struct {
		join, leave string
		want        string // the room of join
		left        int    // the players left in the room after leave
	}{
		{join: "p1", want: "room-1"},
		{join: "p2", want: "room-1"},
		{join: "p3", want: "room-1"},
		{join: "p4", want: "room-2"}, // room-1 full
		{join: "p5", want: "room-2"},
		{leave: "p1", left: 2},
		{leave: "p2", left: 1},
		{join: "p6", want: "room-2"}, // 2 players against room-1's 1
		{join: "p7", want: "room-1"}, // room-2 full
		{join: "p3", want: "room-1"}, // already there
	}
	for _, s := range steps {
		if s.leave != "" {
			r := m.Room(s.leave)
			m.Leave(s.leave)
			waitUntil(t, s.leave+" to leave", func() bool { return m.Room(s.leave) == nil })
			if r.Stats().Players != s.left {
				t.Fatalf("after %s left, %d players", s.leave, r.Stats().Players)
			}
			continue
		}
		if got := mjoin(t, m, c[s.join]); got != s.want {
			t.Errorf("%s joined %s, want %s", s.join, got, s.want)
		}
	}
	if n := len(m.Rooms()); n != 2 {
		t.Errorf("%d rooms, want 2", n)
	}
	// Inputs reach the player's room through the manager.
	c["p7"].nextSnapshot()
	_, st := c["p7"].sync.Input([]byte{1})
	c["p7"].send(st)
	waitUntil(t, "p7's input applied", func() bool { return m.Room("p7").Stats().Inputs.Applied == 1 })
}

// A room left empty closes after EmptyTimeout; a negative one keeps it.
func TestManagerClosesEmptyRooms(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{false, true} {
		h := startServer(t)
		timeout := 20 * time.Millisecond
		if keep {
			timeout = -1
		}
		m := startManager(t, h, ManagerOptions[lineSnap]{Room: Options{TickRate: 100}, EmptyTimeout: timeout})
		a := h.dial(t, "alice")
		mjoin(t, m, a)
		r := m.Room("alice")
		m.Leave("alice")
		if keep {
			// Long past when a 20 ms timeout would have closed it.
			ticks := r.Stats().Ticks
			waitUntil(t, "ticks of the empty room", func() bool { return r.Stats().Ticks > ticks+10 })
			if n := len(m.Rooms()); n != 1 {
				t.Errorf("EmptyTimeout < 0: %d rooms, want the empty one kept", n)
			}
			continue
		}
		waitUntil(t, "the empty room to close", func() bool { return len(m.Rooms()) == 0 })
		if _, err := r.Join(context.Background(), a.sess); !errors.Is(err, ErrClosed) {
			t.Errorf("Join on a closed room: %v, want ErrClosed", err)
		}
		if got := mjoin(t, m, a); got != "room-2" {
			t.Errorf("joined %s after the room closed, want a new room-2", got)
		}
	}
}

func TestManagerClose(t *testing.T) {
	t.Parallel()
	h := startServer(t)
	m := NewManager(ManagerOptions[lineSnap]{NewGame: func(string) Game[lineSnap] { return newLineGame() }})
	a := h.dial(t, "alice")
	mjoin(t, m, a)
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Rooms()); n != 0 {
		t.Errorf("%d rooms after Close", n)
	}
	if _, _, err := m.Join(context.Background(), a.sess); !errors.Is(err, ErrClosed) {
		t.Errorf("Join after Close: %v, want ErrClosed", err)
	}
}
