package server

import (
	"log/slog"
	"sync"

	"github.com/gamesock/gamesock/gameserver/internal/replays"
)

// replaySaver writes finished replays to the store on a goroutine of its
// own, so a room's tick never waits for the disk. Its queue is bounded: a
// replay that does not fit is dropped and logged.
type replaySaver struct {
	store *replays.Store
	log   *slog.Logger
	jobs  chan replayJob
	done  sync.WaitGroup

	mu     sync.Mutex // guards closed and sending on jobs
	closed bool
}

type replayJob struct {
	id   string
	data []byte
}

func newReplaySaver(store *replays.Store, log *slog.Logger) *replaySaver {
	s := &replaySaver{store: store, log: log, jobs: make(chan replayJob, 32)}
	s.done.Add(1)
	go s.run()
	return s
}

func (s *replaySaver) run() {
	defer s.done.Done()
	for j := range s.jobs {
		if _, err := s.store.Save(j.data); err != nil {
			s.log.Error("saving a replay", "replay", j.id, "err", err)
			continue
		}
		s.log.Info("replay saved", "replay", j.id, "bytes", len(j.data))
	}
}

// save queues a replay and returns its id, or "" when the queue is full.
func (s *replaySaver) save(roomID string, match uint32, data []byte) string {
	id := replays.ID(roomID, match, data)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		// A room that outlived the shutdown's deadline: too late to save.
		s.log.Warn("server shut down; dropping a replay", "replay", id)
		return ""
	}
	select {
	case s.jobs <- replayJob{id: id, data: data}:
		return id
	default:
		s.log.Warn("replay queue full; dropping a replay", "replay", id)
		return ""
	}
}

// close writes what is queued and stops.
func (s *replaySaver) close() {
	s.mu.Lock()
	s.closed = true
	close(s.jobs)
	s.mu.Unlock()
	s.done.Wait()
}
