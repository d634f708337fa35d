package room

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gamesock/gamesock/sdk/session"
)

// Room is a match: a Game and its players, run by one goroutine that
// New starts and Close stops. That goroutine owns the world: it runs every
// Game method, applies joins, leaves and inputs, ticks at
// Options.TickRate and sends each player its snapshot.
//
// Its methods are safe from any goroutine, except that Join, Do and Close
// wait for the room's goroutine and so must not be called from it (from
// a Game method, or a function given to Do).
type Room[S any] struct {
	id     string
	game   Game[S]
	opts   Options
	hooks  roomHooks
	period time.Duration

	inbox  chan *inboxFrame
	calls  chan *call
	wake   chan struct{} // leaves are waiting
	quit   chan struct{}
	done   chan struct{}
	closer sync.Once
	frames sync.Pool // *inboxFrame

	mu       sync.RWMutex
	seated   map[string]*Player // written by the room's goroutine only
	reserved int                // seats a Manager promised to joins on their way
	leaving  []string
	closing  bool

	counts counters
	stats  tickStats

	// The rest belongs to the room's goroutine.
	players    []*Player // in the order they joined
	tick       uint64
	hist       []baseline[S]
	data, wire []byte
	gone       []*Player
	leaveIDs   []string
	emptySince time.Time
}

// baseline is a snapshot the room keeps for deltas.
type baseline[S any] struct {
	tick uint64
	snap S
}

// roomHooks tie a room to its Manager. All run on the room's goroutine.
type roomHooks struct {
	seated, unseated func(playerID string)
	// idle is asked when the room has been empty for emptyTimeout; true
	// closes it.
	idle         func() bool
	emptyTimeout time.Duration
	// closed runs last as the room's goroutine exits.
	closed func()
}

// New starts a room running game; opts may be nil for the defaults. Close
// stops it.
func New[S any](id string, game Game[S], opts *Options) *Room[S] {
	r := newRoom(id, game, opts, roomHooks{})
	r.start()
	return r
}

func newRoom[S any](id string, game Game[S], opts *Options, hooks roomHooks) *Room[S] {
	o := opts.withDefaults()
	r := &Room[S]{
		id:     id,
		game:   game,
		opts:   o,
		hooks:  hooks,
		period: o.period(),
		inbox:  make(chan *inboxFrame, max(64, 4*o.MaxPlayers)),
		calls:  make(chan *call, 16),
		wake:   make(chan struct{}, 1),
		quit:   make(chan struct{}),
		done:   make(chan struct{}),
		seated: make(map[string]*Player),
		hist:   make([]baseline[S], o.History+1),
	}
	r.frames.New = func() any {
		return &inboxFrame{f: inputFrame{inputs: make([][]byte, 0, o.MaxInputsPerFrame)}}
	}
	return r
}

func (r *Room[S]) start() {
	r.opts.Logger.Info("room open", "room", r.id)
	go r.run()
}

// ID returns the room's id.
func (r *Room[S]) ID() string { return r.id }

// Join seats the player of session s, and returns when the game has
// seated it (Game.Join), or with the error that prevented it: ErrFull,
// ErrClosed, the game's refusal, or ctx's end. A player already seated
// keeps its seat; if s is a new session of that player, s takes the seat
// over and its input and snapshot sequences start again (the game is not
// told).
func (r *Room[S]) Join(ctx context.Context, s *session.Session) (*Player, error) {
	return r.join(ctx, s, false)
}

// join is Join, for a seat the Manager reserved when reserved.
func (r *Room[S]) join(ctx context.Context, s *session.Session, reserved bool) (p *Player, err error) {
	ran := false
	callErr := r.Do(ctx, func() {
		ran = true
		if reserved {
			r.unreserve()
		}
		p, err = r.seat(s)
	})
	if !ran && reserved {
		r.unreserve()
	}
	if callErr != nil {
		return nil, fmt.Errorf("room %s: join %s: %w", r.id, s.PlayerID(), callErr)
	}
	return p, err
}

// Leave frees the seat of a player: Game.Leave runs on the room's
// goroutine soon after, and before any later Join is seated. It returns at
// once, so it is fit for ServerOptions.OnSessionEnd. A player whose
// session ended leaves by itself at the next tick anyway.
func (r *Room[S]) Leave(playerID string) {
	r.mu.Lock()
	if !r.closing {
		r.leaving = append(r.leaving, playerID)
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Do runs f on the room's goroutine, between ticks, and returns when f
// has: for operator commands and queries of the game's state. If ctx ends
// before f starts, f does not run and Do returns ctx's error; once it
// started, Do waits for it. After Close, Do returns ErrClosed.
func (r *Room[S]) Do(ctx context.Context, f func()) error {
	c := &call{f: f, done: make(chan struct{})}
	select {
	case r.calls <- c:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.done:
		return ErrClosed
	}
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		if c.abandon() {
			return ctx.Err()
		}
	case <-r.done:
		if c.abandon() {
			return ErrClosed
		}
	}
	<-c.done
	return nil
}

// Close stops the room: the players still seated leave (Game.Leave), and
// the room's goroutine exits. It returns when it has. Close may be called
// more than once.
func (r *Room[S]) Close() {
	r.closer.Do(func() { close(r.quit) })
	<-r.done
}

// Stats returns the room's counters.
func (r *Room[S]) Stats() Stats {
	s := r.stats.load()
	r.mu.RLock()
	s.Players = len(r.seated)
	r.mu.RUnlock()
	s.Inputs = r.counts.stats()
	return s
}

// call is a function to run on the room's goroutine, which either runs it
// or sees it abandoned by a caller who stopped waiting, never both.
type call struct {
	f     func()
	state atomic.Int32 // callPending, callRunning or callAbandoned
	done  chan struct{}
}

const (
	callPending int32 = iota
	callRunning
	callAbandoned
)

func (c *call) run() {
	if c.state.CompareAndSwap(callPending, callRunning) {
		c.f()
	}
	close(c.done)
}

// abandon reports whether the call will not run; false means it runs or
// ran, and done will close.
func (c *call) abandon() bool {
	return c.state.CompareAndSwap(callPending, callAbandoned)
}

// reserve promises a join on its way a seat, if there is one.
func (r *Room[S]) reserve() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closing || len(r.seated)+r.reserved >= r.opts.MaxPlayers {
		return false
	}
	r.reserved++
	return true
}

func (r *Room[S]) unreserve() {
	r.mu.Lock()
	r.reserved--
	r.mu.Unlock()
}

// load returns the seats taken or promised, and whether the room is
// closing.
func (r *Room[S]) load() (n int, closing bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.seated) + r.reserved, r.closing
}
