package ui

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"google.golang.org/protobuf/proto"
)

// fakeNet is an in-memory Network: the test pushes events, and reads the
// inputs sent.
type fakeNet struct {
	events chan Event
	mu     sync.Mutex
	inputs []arena.Buttons
	reqs   []arenav1.Method
	answer func(arenav1.Method) ([]byte, error)
	closed bool
	// replayBase is where ReplayURL points: a test download server.
	replayBase string
}

func newFakeNet() *fakeNet {
	return &fakeNet{events: make(chan Event, 1024)}
}

func (f *fakeNet) Poll() (Event, bool) {
	select {
	case ev := <-f.events:
		return ev, true
	default:
		return nil, false
	}
}

func (f *fakeNet) SendInput(b arena.Buttons) uint32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inputs = append(f.inputs, b)
	return uint32(len(f.inputs))
}

func (f *fakeNet) Request(_ context.Context, m arenav1.Method, _ proto.Message) ([]byte, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, m)
	answer := f.answer
	f.mu.Unlock()
	if answer == nil {
		return nil, errors.New("fake: no answer")
	}
	return answer(m)
}

func (f *fakeNet) Stats() NetStats {
	return NetStats{RTT: 42 * time.Millisecond, Jitter: 3 * time.Millisecond, BytesInPerS: 20000, BytesOutPerS: 1500, SnapshotRate: 30}
}

func (f *fakeNet) Token() string { return fakeToken }

func (f *fakeNet) ReplayURL(downloadPath, id string) string {
	return f.replayBase + downloadPath + "/" + id
}

func (f *fakeNet) Close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
}

func (f *fakeNet) sent() []arena.Buttons {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]arena.Buttons(nil), f.inputs...)
}

// fakeToken is the token a fakeNet gives, which the test download
// server asks for.
const fakeToken = "fake-token"

// testApp is an app for scene tests, dialling fake networks.
func testApp(dial Dialer) *app {
	return newApp(Options{Server: "ws://127.0.0.1:1/session", Name: "tester", Dial: dial, Mute: true,
		Logger: nil})
}
