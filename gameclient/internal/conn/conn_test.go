package conn

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/gameservertest"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"
)

func TestConnectUnreachable(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now

	_, err = Connect(context.Background(), Options{Server: "ws://" + addr + "/session", Name: "nobody"})
	ue, ok := errors.AsType[*UnreachableError](err)
	if !ok || ue.Addr != addr || !strings.HasPrefix(err.Error(), "cannot reach the game server at "+addr+": ") {
		t.Fatalf("Connect to a closed port = %v, want an *UnreachableError for %s", err, addr)
	}
}

func TestConnect(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	srv := gameservertest.Start(t, "-bots", "2")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("name refused", func(t *testing.T) {
		_, err := Connect(ctx, Options{Server: srv.URL, Name: "<bad name>"})
		le, ok := errors.AsType[*LoginError](err)
		if !ok || le.Status != 400 {
			t.Fatalf("Connect with a name the server refuses = %v, want a *LoginError with HTTP 400", err)
		}
	})
	t.Run("bad URL", func(t *testing.T) {
		if _, err := Connect(ctx, Options{Server: "http://" + strings.TrimPrefix(srv.URL, "ws://"), Name: "x"}); err == nil || !strings.Contains(err.Error(), "not ws or wss") {
			t.Fatalf("Connect to an http URL = %v, want a scheme error", err)
		}
	})
	t.Run("seated, snapshots, request", func(t *testing.T) {
		c, err := Connect(ctx, Options{Server: srv.URL, Name: "plain"})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		seat := waitSeated(t, c)
		if seat.Ship == 0 || seat.TickRate != 30 || seat.RoomID == "" {
			t.Errorf("seated %+v, want a ship, 30 Hz, a room", seat)
		}
		// Snapshots with the own ship, and a roster with it, arrive.
		var gotSnap, gotRoster bool
		timeout := time.NewTimer(10 * time.Second)
		defer timeout.Stop()
		for !gotSnap || !gotRoster {
			select {
			case ev := <-c.Events():
				switch ev := ev.(type) {
				case Snapshot:
					if ev.World.Ship(seat.Ship) == nil {
						t.Fatalf("snapshot at tick %d without the own ship %d", ev.Tick, seat.Ship)
					}
					ev.World.Ships = nil // the game's to change
					gotSnap = true
				case Roster:
					for _, e := range ev.Entries {
						gotRoster = gotRoster || (e.Ship == seat.Ship && e.Name == "plain" && !e.Bot)
					}
				case Err:
					t.Fatal(ev.Err)
				}
			case <-timeout.C:
				t.Fatalf("within 10 s: snapshot %v, roster with the player %v", gotSnap, gotRoster)
			}
		}
		if seq := c.SendInput(0); seq == 0 {
			t.Error("SendInput when seated returned sequence 0")
		}
		data, err := c.Request(ctx, arenav1.Method_METHOD_MATCH_STATS, nil)
		if err != nil {
			t.Fatalf("MATCH_STATS request: %v", err)
		}
		var r arenav1.MatchResults
		if err := proto.Unmarshal(data, &r); err != nil || r.RoomId != seat.RoomID {
			t.Errorf("MATCH_STATS answer: room %q, err %v; want room %q", r.RoomId, err, seat.RoomID)
		}
		if st := c.Stats(); st.Snapshots == 0 || st.BytesIn == 0 || st.BytesOut == 0 || st.Inputs != 1 {
			t.Errorf("stats %+v: want snapshots, bytes both ways, 1 input", st)
		}
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := c.Close(); err != nil {
			t.Errorf("Close again: %v", err)
		}
	})
}
