package room

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

// ManagerOptions configure a Manager.
type ManagerOptions[S any] struct {
	// NewGame returns the game of a new room. Required.
	NewGame func(roomID string) Game[S]
	// Room configures every room.
	Room Options
	// EmptyTimeout is how long a room stays open with no player in it.
	// Default 30 s (when 0); negative: rooms stay until Close.
	EmptyTimeout time.Duration
}

// Manager assigns players to rooms: a player joins the fullest room with
// a free seat, so that rooms fill, or a new one. It starts the rooms,
// closes them once empty for EmptyTimeout, and routes each player's
// inputs to its room. Its methods are safe from any goroutine.
//
// Wire it to a session server:
//
//	session.ServerOptions{
//		OnSessionStart: func(s *session.Session) { rooms.Join(ctx, s) },
//		OnSessionEnd:   func(s *session.Session, _ error) { rooms.Leave(s.PlayerID()) },
//		OnState:        rooms.HandleState,
//	}
type Manager[S any] struct {
	opts ManagerOptions[S]
	wg   sync.WaitGroup // the rooms' goroutines

	mu      sync.RWMutex
	rooms   []*Room[S]          // oldest first
	players map[string]*Room[S] // seated, or joining
	nextID  int
	closed  bool
}

// NewManager returns a Manager. It panics if opts.NewGame is nil.
func NewManager[S any](opts ManagerOptions[S]) *Manager[S] {
	if opts.NewGame == nil {
		panic("room: ManagerOptions.NewGame is nil")
	}
	if opts.EmptyTimeout == 0 {
		opts.EmptyTimeout = 30 * time.Second
	}
	opts.Room = opts.Room.withDefaults()
	return &Manager[S]{opts: opts, players: make(map[string]*Room[S])}
}

// maxJoinAttempts bounds the rooms one Join tries when rooms fill or close
// under it.
const maxJoinAttempts = 4

// Join seats the player of s: in the room it is already in (see
// Room.Join), else in the fullest room with a free seat, else in a new
// room. A game refusing the player (other than with ErrFull) ends the
// attempt with its error.
func (m *Manager[S]) Join(ctx context.Context, s *session.Session) (*Room[S], *Player, error) {
	var err error
	for range maxJoinAttempts {
		r, reserved, lerr := m.pick(s.PlayerID())
		if lerr != nil {
			return nil, nil, lerr
		}
		var p *Player
		p, err = r.join(ctx, s, reserved)
		if err == nil {
			return r, p, nil
		}
		if reserved {
			m.forget(s.PlayerID(), r)
		}
		// A room that filled or closed since it was picked: try another.
		retry := errors.Is(err, ErrFull) || errors.Is(err, ErrClosed)
		if !retry || ctx.Err() != nil {
			break
		}
	}
	return nil, nil, err
}

// pick chooses a player's room, and reserves a seat in it unless the
// player is in it already.
func (m *Manager[S]) pick(playerID string) (r *Room[S], reserved bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, false, fmt.Errorf("room manager: join %s: %w", playerID, ErrClosed)
	}
	if r := m.players[playerID]; r != nil {
		return r, false, nil
	}
	var best *Room[S]
	bestLoad := -1
	for _, r := range m.rooms {
		n, closing := r.load()
		if !closing && n < m.opts.Room.MaxPlayers && n > bestLoad {
			best, bestLoad = r, n
		}
	}
	if best == nil || !best.reserve() {
		best = m.openLocked()
		best.reserve()
	}
	m.players[playerID] = best
	return best, true, nil
}

// openLocked starts a new room.
func (m *Manager[S]) openLocked() *Room[S] {
	m.nextID++
	id := "room-" + strconv.Itoa(m.nextID)
	var r *Room[S]
	r = newRoom(id, m.opts.NewGame(id), &m.opts.Room, roomHooks{
		seated:       func(pid string) { m.seated(pid, r) },
		unseated:     func(pid string) { m.forget(pid, r) },
		idle:         func() bool { return m.retire(r) },
		emptyTimeout: m.opts.EmptyTimeout,
		closed:       func() { m.roomClosed(r) },
	})
	m.rooms = append(m.rooms, r)
	m.wg.Add(1)
	r.start()
	return r
}

func (m *Manager[S]) seated(playerID string, r *Room[S]) {
	m.mu.Lock()
	m.players[playerID] = r
	m.mu.Unlock()
}

// forget removes a player's entry, if it is still for room r.
func (m *Manager[S]) forget(playerID string, r *Room[S]) {
	m.mu.Lock()
	if m.players[playerID] == r {
		delete(m.players, playerID)
	}
	m.mu.Unlock()
}

// retire reports whether the empty room r may close, and if so stops
// sending it players.
func (m *Manager[S]) retire(r *Room[S]) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.seated) > 0 || r.reserved > 0 {
		return false
	}
	r.closing = true
	m.rooms = slices.DeleteFunc(m.rooms, func(q *Room[S]) bool { return q == r })
	return true
}

// roomClosed forgets a room whose goroutine is exiting.
func (m *Manager[S]) roomClosed(r *Room[S]) {
	m.mu.Lock()
	m.rooms = slices.DeleteFunc(m.rooms, func(q *Room[S]) bool { return q == r })
	m.mu.Unlock()
	m.wg.Done()
}

// Leave frees a player's seat; see Room.Leave.
func (m *Manager[S]) Leave(playerID string) {
	if r := m.Room(playerID); r != nil {
		r.Leave(playerID)
	}
}

// HandleState hands a client's RoomInput to its player's room; see
// Room.HandleState. States of players without a room are ignored.
func (m *Manager[S]) HandleState(s *session.Session, st session.State) {
	if r := m.Room(s.PlayerID()); r != nil {
		r.HandleState(s, st)
	}
}

// Room returns the room of a player, or nil.
func (m *Manager[S]) Room(playerID string) *Room[S] {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.players[playerID]
}

// Rooms returns the open rooms, oldest first.
func (m *Manager[S]) Rooms() []*Room[S] {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Clone(m.rooms)
}

// Close closes every room (see Room.Close) and opens no more. It returns
// when the rooms' goroutines have exited, or with ctx's error if ctx ends
// first; they exit anyway.
func (m *Manager[S]) Close(ctx context.Context) error {
	m.mu.Lock()
	m.closed = true
	rooms := slices.Clone(m.rooms)
	m.mu.Unlock()
	for _, r := range rooms {
		r.closer.Do(func() { close(r.quit) })
	}
	done := make(chan struct{})
	go func() {
		m.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("room manager: close: %w", ctx.Err())
	}
}
