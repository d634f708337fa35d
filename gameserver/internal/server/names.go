package server

import (
	"sync"

	"github.com/gamesock/gamesock/sdk/session"
)

// maxNames bounds the names kept: each upgrade leaves one, whether its
// client goes on to open a session or not.
const maxNames = 100_000

// names maps player ids to the display names their tokens carry, set at
// each upgrade. It is bounded: past maxNames, the names of players without
// a session are dropped. (Names are not dropped when a session ends: a
// newer session of the same player may already have replaced it.)
type names struct {
	mu sync.Mutex
	m  map[string]string
}

func (n *names) set(playerID, name string, sessions *session.Server) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m == nil {
		n.m = make(map[string]string)
	}
	if len(n.m) >= maxNames {
		for id := range n.m {
			if sessions.Session(id) == nil {
				delete(n.m, id)
			}
		}
	}
	n.m[playerID] = name
}

func (n *names) get(playerID string) (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	name, ok := n.m[playerID]
	return name, ok
}
