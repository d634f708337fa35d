package room_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/room"
	"github.com/gamesock/gamesock/sdk/session"
)

// counter is a game: every input adds its byte to a shared counter. Its
// snapshot is the counter; a delta is the difference from the baseline.
type counter struct{ n uint64 }

func (g *counter) Join(*room.Player) error { return nil }
func (g *counter) Leave(*room.Player)      {}
func (g *counter) Tick(uint64)             {}

func (g *counter) Input(_ *room.Player, _ uint32, data []byte) error {
	if len(data) != 1 {
		return errors.New("an input is one byte")
	}
	g.n += uint64(data[0])
	return nil
}

func (g *counter) Snapshot(uint64, uint64) uint64 { return g.n }

func (g *counter) Encode(dst []byte, _ *room.Player, base uint64, _ bool, cur uint64) ([]byte, error) {
	return binary.AppendUvarint(dst, cur-base), nil // base is 0 when there is none
}

func decodeCounter(base uint64, _ bool, data []byte, _ uint64) (uint64, error) {
	d, n := binary.Uvarint(data)
	if n <= 0 {
		return 0, errors.New("bad counter")
	}
	return base + d, nil
}

// A session server whose players join rooms of the counter game, and a
// client that sends three inputs and sees them applied.
func ExampleManager() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	rooms := room.NewManager(room.ManagerOptions[uint64]{
		NewGame: func(string) room.Game[uint64] { return &counter{} },
	})
	defer rooms.Close(ctx)
	srv := session.NewServer(session.ServerOptions{
		Authenticate: func(token string, _ *sdk.UpgradeRequest) (string, error) { return token, nil },
		OnSessionStart: func(s *session.Session) {
			if r, _, err := rooms.Join(ctx, s); err == nil {
				fmt.Println(s.PlayerID(), "joined", r.ID())
			}
		},
		OnSessionEnd: func(s *session.Session, _ error) { rooms.Leave(s.PlayerID()) },
		OnState:      rooms.HandleState,
	})
	web := httptest.NewServer(srv)
	defer web.Close()
	defer srv.Shutdown(ctx)

	// The client: snapshots go to its loop through a channel.
	snapshots := make(chan session.State, 1)
	c, err := session.Dial(ctx, "ws"+strings.TrimPrefix(web.URL, "http"), &session.ClientOptions{
		Token: "alice",
		OnState: func(st session.State) {
			select {
			case <-snapshots: // latest wins: drop the one not yet read
			default:
			}
			snapshots <- st
		},
	})
	if err != nil {
		fmt.Println("dial:", err)
		return
	}
	defer c.Close()

	sync := room.NewSync(decodeCounter, nil)
	for inputs := 0; ; {
		var st session.State
		select {
		case st = <-snapshots:
		case <-ctx.Done():
			fmt.Println("no snapshot:", ctx.Err())
			return
		}
		snap, err := sync.Snapshot(st)
		if err != nil {
			continue // a delta against a baseline this client lacks; full ones follow
		}
		if snap.InputAck == 3 {
			fmt.Println("counter", snap.State, "after input", snap.InputAck)
			return
		}
		frame := sync.Frame()
		if inputs < 3 {
			_, frame = sync.Input([]byte{10})
			inputs++
		}
		_ = c.Send(frame)
	}
	// Output:
	// alice joined room-1
	// counter 30 after input 3
}
