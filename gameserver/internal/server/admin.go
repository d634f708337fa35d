package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
)

// AdminHandler serves the operators' endpoints, for a listener of their
// own: POST /admin/broadcast (a message to every player, as a
// notification), GET /admin/stats (JSON) and GET /healthz.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/broadcast", s.adminBroadcast)
	mux.HandleFunc("GET /admin/stats", s.adminStats)
	mux.HandleFunc("GET /healthz", s.healthz)
	return mux
}

// maxBroadcast bounds an operator's message.
const maxBroadcast = 500

// adminBroadcast sends every player the request's body (plain text, or JSON
// {"message": "..."}) as a notification.
func (s *Server) adminBroadcast(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<10))
	if err != nil {
		httpError(w, http.StatusRequestEntityTooLarge, "the message is too long")
		return
	}
	msg := string(body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var req struct{ Message string }
		if err := json.Unmarshal(body, &req); err != nil {
			httpError(w, http.StatusBadRequest, "bad JSON: "+err.Error())
			return
		}
		msg = req.Message
	}
	msg = strings.TrimSpace(msg)
	switch {
	case msg == "":
		httpError(w, http.StatusBadRequest, "no message")
		return
	case !utf8.ValidString(msg):
		httpError(w, http.StatusBadRequest, "the message is not UTF-8")
		return
	case utf8.RuneCountInString(msg) > maxBroadcast:
		httpError(w, http.StatusBadRequest, "the message is over 500 characters")
		return
	}
	n := session.Notification{Kind: uint32(arenav1.NotificationKind_NOTIFICATION_KIND_OPERATOR), Subject: msg}
	if err := s.sessions.Broadcast(n); err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.log.Info("operator broadcast", "message", msg, "sessions", s.sessions.Stats().Sessions)
	writeJSON(w, http.StatusOK, map[string]any{"sent_to": s.sessions.Stats().Sessions})
}

// Stats is what GET /admin/stats reports.
type Stats struct {
	Sessions session.ServerStats `json:"sessions"`
	Rooms    []RoomStats         `json:"rooms"`
	Kills    uint64              `json:"kills"`
	// CPUSeconds is the process's CPU time so far, user and system.
	CPUSeconds float64 `json:"cpu_seconds"`
	Goroutines int     `json:"goroutines"`
}

// RoomStats is one room's line in Stats.
type RoomStats struct {
	ID      string `json:"id"`
	Players int    `json:"players"`
	Ticks   uint64 `json:"ticks"`
	Kills   uint64 `json:"kills"`
	TickP50 string `json:"tick_p50"`
	TickP99 string `json:"tick_p99"`
}

// Stats reports the server's counters.
func (s *Server) Stats(ctx context.Context) Stats {
	st := Stats{Sessions: s.sessions.Stats(), CPUSeconds: cpuSeconds(), Goroutines: runtime.NumGoroutine()}
	for _, r := range s.rooms.Rooms() {
		rs := r.Stats()
		line := RoomStats{
			ID: r.ID(), Players: rs.Players, Ticks: rs.Ticks,
			TickP50: rs.TickP50.String(), TickP99: rs.TickP99.String(),
		}
		if g := s.game(r.ID()); g != nil {
			_ = r.Do(ctx, func() { line.Kills = g.Kills() })
		}
		st.Kills += line.Kills
		st.Rooms = append(st.Rooms, line)
	}
	return st
}

func (s *Server) adminStats(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	writeJSON(w, http.StatusOK, s.Stats(ctx))
}

// healthz answers 200 while the server serves.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "ok", "sessions": s.sessions.Stats().Sessions, "rooms": len(s.rooms.Rooms()),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func httpError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// cpuSeconds is the process's CPU time, user and system.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
