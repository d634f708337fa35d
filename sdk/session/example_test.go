package session_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
)

// A client that receives its notifications and stats. The server here
// greets each player with a notification and their stats as they arrive.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	srv := session.NewServer(session.ServerOptions{
		// A real game verifies a signed token here; the example takes the
		// token as the player id.
		Authenticate: func(token string, _ *sdk.UpgradeRequest) (string, error) {
			if token == "" {
				return "", sdk.Reject(http.StatusUnauthorized, "no token")
			}
			return token, nil
		},
		OnSessionStart: func(s *session.Session) {
			_ = s.Send(session.Notification{Kind: 1, Subject: "welcome, " + s.PlayerID()})
			_ = s.Send(session.StatUpdate{MatchID: "match-1", Players: []session.PlayerStats{
				{PlayerID: s.PlayerID(), Stats: []session.Stat{{Name: "kills", Value: 0}, {Name: "score", Value: 120}}},
			}})
		},
	})
	web := httptest.NewServer(srv)
	defer web.Close()
	defer srv.Shutdown(ctx)

	url := "ws" + strings.TrimPrefix(web.URL, "http") + "/session"
	c, err := session.Dial(ctx, url, &session.ClientOptions{Token: "alice"})
	if err != nil {
		fmt.Println("dial:", err)
		return
	}
	defer c.Close()

	// Without handlers, events queue for Next (or Poll, in a game loop).
	for received := 0; received < 2; {
		ev, err := c.Next(ctx)
		if err != nil {
			fmt.Println("next:", err)
			return
		}
		switch ev := ev.(type) {
		case session.StatusChange:
			fmt.Println("status:", ev.Status)
		case session.Notification:
			fmt.Println("notification:", ev.Subject)
			received++
		case session.StatUpdate:
			for _, p := range ev.Players {
				fmt.Println("stats of", p.PlayerID+":", p.Stats)
			}
			received++
		}
	}
	// Output:
	// status: connected
	// notification: welcome, alice
	// stats of alice: [{kills 0} {score 120}]
}

// A client whose handlers hand messages to the game loop, which drains
// them once a frame without blocking.
func ExampleDial_handlers() {
	notifications := make(chan session.Notification, 64)
	states := make(chan session.State, 1)
	opts := &session.ClientOptions{
		Token:          "a signed token",
		OnNotification: func(n session.Notification) { notifications <- n },
		OnState: func(s session.State) {
			// Keep only the latest snapshot: drop an unread one.
			select {
			case <-states:
			default:
			}
			states <- s
		},
	}
	c, err := session.Dial(context.Background(), "wss://game.example.com/session", opts)
	if err != nil {
		fmt.Println("cannot reach the game server:", err)
		return
	}
	defer c.Close()

	update := func() {
		for {
			select {
			case n := <-notifications:
				fmt.Println(n.Subject) // show a toast
			case s := <-states:
				_ = s.Data // apply the snapshot
			default:
				return
			}
		}
	}
	update()
}

// A server that sends the world to every player on a 30 Hz tick and
// answers requests.
func ExampleServer() {
	srv := session.NewServer(session.ServerOptions{
		Authenticate: func(token string, req *sdk.UpgradeRequest) (string, error) {
			return verify(token) // the player id; an error refuses with 401
		},
		OnRequest: func(ctx context.Context, s *session.Session, r session.Request) ([]byte, error) {
			switch r.Method {
			case 1: // the game's "fetch leaderboard"
				return leaderboard(ctx)
			}
			return nil, session.Errorf(session.CodeUnimplemented, "method %d", r.Method)
		},
		TickRate: 30,
	})
	http.Handle("/session", srv)

	tick := time.NewTicker(time.Second / 30)
	defer tick.Stop()
	for n := uint64(1); n <= 3; n++ {
		<-tick.C
		// Encoded once, queued for every player; never waits for one.
		_ = srv.Broadcast(session.State{Kind: 1, Tick: n, Data: world()})
	}
	_ = srv.Shutdown(context.Background())
}

func verify(token string) (string, error)             { return token, nil }
func leaderboard(ctx context.Context) ([]byte, error) { return nil, nil }
func world() []byte                                   { return []byte("the world") }
