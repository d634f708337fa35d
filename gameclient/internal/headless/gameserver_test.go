package headless

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/gameservertest"
	"github.com/gamesock/gamesock/gameclient/internal/guest"
	"go.uber.org/goleak"
)

func TestRunAgainstGameServer(t *testing.T) {
	// Registered first, the leak check runs last: after the subtests, the
	// proxy and the server are done.
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	srv := gameservertest.Start(t, "-bots", "4")

	t.Run("bots", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		rep, err := Run(ctx, Options{
			Server: srv.URL, Bots: 4, Duration: 3 * time.Second, DownloadReplay: true,
		})
		if err != nil {
			t.Fatalf("Run: %v\nserver log:\n%s", err, srv.Output())
		}
		var text bytes.Buffer
		rep.Write(&text)
		t.Logf("report:\n%s", text.String())

		if len(rep.Bots) != 4 || rep.SeatedBots != 4 || rep.TickRate != 30 {
			t.Errorf("%d bots, %d seated, tick rate %d; want 4, 4, 30", len(rep.Bots), rep.SeatedBots, rep.TickRate)
		}
		for _, b := range rep.Bots {
			switch {
			case b.Snapshots == 0 || b.Inputs == 0:
				t.Errorf("%s: %d snapshots, %d inputs sent", b.Name, b.Snapshots, b.Inputs)
			case b.ErrorCount != 0:
				t.Errorf("%s: errors %q", b.Name, b.Errors)
			case b.RoomID == "" || b.Ship == 0 || b.PlayerID == "":
				t.Errorf("%s: room %q, ship %d, player %q", b.Name, b.RoomID, b.Ship, b.PlayerID)
			case b.NoBaseline != 0:
				t.Errorf("%s: %d snapshots without their baseline on a steady connection", b.Name, b.NoBaseline)
			case b.BytesDown == 0 || b.StateBytesDown == 0 || b.StateBytesDown > b.BytesDown || b.BytesUp == 0:
				t.Errorf("%s: bytes down %d (state %d), up %d", b.Name, b.BytesDown, b.StateBytesDown, b.BytesUp)
			}
		}
		for _, c := range rep.Rooms {
			if !c.OK() {
				t.Errorf("room %s: the bots disagree on its kills: %+v", c.RoomID, c)
			}
		}
		// No match ends in 3 s: the listing works and is empty.
		if rep.Replay == nil || !strings.Contains(rep.Replay.Error, "no replays") {
			t.Errorf("replay check = %+v, want the empty listing reported", rep.Replay)
		}
	})

	t.Run("a bot's connection cut", func(t *testing.T) {
		t.Parallel()
		u, err := guest.ParseServer(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		proxy := newCutProxy(t, u.Host)
		type result struct {
			rep *Report
			err error
		}
		// The run lasts until the cut bot has resumed and gets data again.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan result, 1)
		go func() {
			rep, err := Run(ctx, Options{
				Server: srv.URL, Bots: 2, Duration: time.Minute, NamePrefix: "cut",
				BotURL: func(n int, server string) string {
					if n != 1 {
						return server
					}
					v := *u
					v.Host = proxy.addr()
					return v.String()
				},
			})
			done <- result{rep, err}
		}()
		for i, step := range []string{"flowing", "flowing again after the cut"} {
			select {
			case <-proxy.flowingCh(i):
			case r := <-done:
				t.Fatalf("the run ended before bot 1's connection was %s: %v", step, r.err)
			}
			if i == 0 {
				proxy.cut()
			}
		}
		cancel()
		r := <-done
		if r.err != nil {
			t.Fatalf("Run: %v", r.err)
		}
		cut, other := r.rep.Bots[0], r.rep.Bots[1]
		if cut.Reconnects < 1 || cut.Resumes < 1 || cut.SessionsLost != 0 {
			t.Errorf("cut bot: %d reconnects, %d resumes, %d sessions lost; want >= 1, >= 1, 0",
				cut.Reconnects, cut.Resumes, cut.SessionsLost)
		}
		if other.Reconnects != 0 {
			t.Errorf("the bot not behind the proxy reconnected %d times", other.Reconnects)
		}
		for _, b := range r.rep.Bots {
			if b.ErrorCount != 0 {
				t.Errorf("%s: errors %q", b.Name, b.Errors)
			}
		}
	})

	t.Run("login refused", func(t *testing.T) {
		t.Parallel()
		_, err := Run(context.Background(), Options{Server: srv.URL, Bots: 2, Duration: 3 * time.Second, NamePrefix: "<bot>"})
		le, ok := errors.AsType[*LoginError](err)
		if !ok || le.Status != 400 {
			t.Fatalf("Run with names the server refuses = %v, want a *LoginError with HTTP 400", err)
		}
	})
}

func TestRunServerUnreachable(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now

	rep, err := Run(context.Background(), Options{Server: "ws://" + addr + "/session", Bots: 3, Duration: 5 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "could open a session") {
		t.Fatalf("Run against a closed port = %v, %v; want a setup error", rep, err)
	}
}
