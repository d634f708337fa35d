package replays

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/gamesock/gamesock/internal/replay"
	"github.com/gamesock/gamesock/sdk"
)

// ChunkSize is the size of the writes a download is sent in: each is one
// WebSocket message.
const ChunkSize = 64 << 10

// errShutdown is the cause that ends downloads when the server stops.
var errShutdown = errors.New("server shutting down")

// Downloads is a Store's StreamWebSocket download endpoint (see package
// replay for the stream it sends). The server mounts it under a path, such
// as /replays/, and a client asks for GET /replays/{id}?offset=N; the id is
// the request path's last element.
//
// Each download runs on its request's goroutine, which it holds until the
// stream is sent; no lock is held while writing. net/http's Shutdown does
// not wait for upgraded connections, so the server calls Downloads.Shutdown
// too (say, from http.Server.RegisterOnShutdown, or after it).
type Downloads struct {
	store        *Store
	authenticate func(token string) (string, error)
	logger       *slog.Logger
	bufs         sync.Pool // *[]byte of ChunkSize

	mu       sync.Mutex
	stopping bool
	active   map[*sdk.StreamWebSocket]stoppers
	idle     chan struct{} // closed once stopping with nothing active
}

// Handler returns the store's download endpoint. authenticate checks the
// token a client sends (as "Authorization: Bearer T", or ?token=T) and
// returns its player id; nil lets anyone download. logger, if not nil,
// gets a debug record per download and per refusal.
func (s *Store) Handler(authenticate func(token string) (playerID string, err error), logger *slog.Logger) *Downloads {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	d := &Downloads{
		store:        s,
		authenticate: authenticate,
		logger:       logger,
		active:       map[*sdk.StreamWebSocket]stoppers{},
		idle:         make(chan struct{}),
	}
	d.bufs.New = func() any { b := make([]byte, ChunkSize); return &b }
	return d
}

// request is what the upgrade checks found out.
type request struct {
	id     string
	player string
	offset int64
	size   int64
	file   *os.File
}

// ServeHTTP upgrades the request and sends the replay. Refusals are HTTP
// statuses at the upgrade: 400 for a malformed id or offset, 401 for a
// missing or bad token, 404 for an unknown replay, 416 for an offset past
// its end, 503 once Shutdown has begun.
func (d *Downloads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws := sdk.NewStreamWebSocket()
	var req request
	ws.Control.Authorize = func(u *sdk.UpgradeRequest) error { return d.check(u, &req) }
	if err := ws.Accept(w, r); err != nil {
		if req.file != nil {
			req.file.Close()
		}
		d.logger.Debug("replay download refused", "remote", r.RemoteAddr, "path", r.URL.Path, "err", err)
		return
	}
	defer req.file.Close()
	// Shutdown cancels soft at once, to end the download between two
	// writes with a close frame, and hard when its own deadline passes, to
	// abort a write a stalled client holds up.
	hard, cancelHard := context.WithCancelCause(r.Context())
	defer cancelHard(nil)
	soft, cancelSoft := context.WithCancelCause(hard)
	defer cancelSoft(nil)
	if !d.track(ws, stoppers{soft: cancelSoft, hard: cancelHard}) {
		ws.CloseWithStatus(sdk.CloseGoingAway, errShutdown.Error())
		return
	}
	defer d.untrack(ws)
	err := d.send(soft, hard, ws, &req)
	switch {
	case err == nil:
		err = ws.Close()
		d.logger.Debug("replay sent", "id", req.id, "player", req.player, "offset", req.offset, "size", req.size, "err", err)
	case errors.Is(context.Cause(soft), errShutdown):
		ws.CloseWithStatus(sdk.CloseGoingAway, errShutdown.Error())
		d.logger.Debug("replay download stopped by shutdown", "id", req.id, "player", req.player)
	default:
		ws.CloseWithStatus(sdk.CloseInternalError, "sending the replay failed")
		d.logger.Debug("replay download failed", "id", req.id, "player", req.player, "err", err)
	}
}

// check runs the upgrade's checks, filling req; it opens req.file.
func (d *Downloads) check(u *sdk.UpgradeRequest, req *request) error {
	path := u.URL.EscapedPath()
	req.id = path[strings.LastIndexByte(path, '/')+1:]
	if !ValidID(req.id) {
		return sdk.Reject(http.StatusBadRequest, fmt.Sprintf("malformed replay id %q", req.id))
	}
	q := u.URL.Query()
	if o := q.Get("offset"); o != "" {
		n, err := strconv.ParseInt(o, 10, 64)
		if err != nil || n < 0 {
			return sdk.Reject(http.StatusBadRequest, fmt.Sprintf("malformed offset %q: want a byte count", o))
		}
		req.offset = n
	}
	if d.authenticate != nil {
		token := q.Get("token")
		if a := u.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
			token = a[7:]
		}
		if token == "" {
			return sdk.Reject(http.StatusUnauthorized, "missing token")
		}
		player, err := d.authenticate(token)
		if err != nil {
			return sdk.Reject(http.StatusUnauthorized, "invalid token: "+err.Error())
		}
		req.player = player
	}
	if d.isStopping() {
		return sdk.Reject(http.StatusServiceUnavailable, errShutdown.Error())
	}
	f, _, err := d.store.Open(req.id)
	if errors.Is(err, ErrNotFound) {
		return sdk.Reject(http.StatusNotFound, fmt.Sprintf("replay %s not found", req.id))
	}
	if err != nil {
		d.logger.Warn("replay download: opening the file", "id", req.id, "err", err)
		return sdk.Reject(http.StatusInternalServerError, "cannot read replay "+req.id)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		d.logger.Warn("replay download: reading the file's size", "id", req.id, "err", err)
		return sdk.Reject(http.StatusInternalServerError, "cannot read replay "+req.id)
	}
	req.size = st.Size()
	if req.offset > req.size {
		f.Close()
		return sdk.Reject(http.StatusRequestedRangeNotSatisfiable,
			fmt.Sprintf("offset %d is past the end of replay %s (size %d)", req.offset, req.id, req.size))
	}
	req.file = f
	return nil
}

// stoppers end a download; see ServeHTTP.
type stoppers struct{ soft, hard context.CancelCauseFunc }

// send writes the stream header and the file from the offset on. It stops
// between writes when soft ends; writes end with ctx.
func (d *Downloads) send(soft, ctx context.Context, ws *sdk.StreamWebSocket, req *request) error {
	bp := d.bufs.Get().(*[]byte)
	defer d.bufs.Put(bp)
	buf := *bp
	if _, err := ws.WriteContext(ctx, replay.AppendStreamHeader(buf[:0], req.size, req.offset)); err != nil {
		return err
	}
	sr := io.NewSectionReader(req.file, req.offset, req.size-req.offset)
	for {
		if err := context.Cause(soft); err != nil {
			return err
		}
		n, err := io.ReadFull(sr, buf)
		if n > 0 {
			if _, werr := ws.WriteContext(ctx, buf[:n]); werr != nil {
				return werr
			}
		}
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return nil
		case err != nil:
			return fmt.Errorf("reading replay %s: %w", req.id, err)
		}
	}
}

func (d *Downloads) isStopping() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stopping
}

// track adds a download to those Shutdown stops, unless it has begun.
func (d *Downloads) track(ws *sdk.StreamWebSocket, st stoppers) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopping {
		return false
	}
	d.active[ws] = st
	return true
}

func (d *Downloads) untrack(ws *sdk.StreamWebSocket) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.active, ws)
	if d.stopping && len(d.active) == 0 {
		close(d.idle)
	}
}

// Shutdown stops the endpoint: new downloads are refused with 503, and
// those in progress are closed with 1001 (going away) after their current
// write, so their clients resume later (replay.Download does). It returns
// when they have ended; if ctx ends first, it aborts the writes still in
// progress and returns ctx's error. Later calls wait the same way.
func (d *Downloads) Shutdown(ctx context.Context) error {
	d.stop()
	select {
	case <-d.idle:
		return nil
	case <-ctx.Done():
		d.mu.Lock()
		for _, st := range d.active {
			st.hard(errShutdown)
		}
		d.mu.Unlock()
		return fmt.Errorf("replay downloads: shutdown: %w", ctx.Err())
	}
}

// stop refuses new downloads and asks those in progress to end.
func (d *Downloads) stop() {
	d.mu.Lock()
	if !d.stopping {
		d.stopping = true
		for _, st := range d.active {
			st.soft(errShutdown)
		}
		if len(d.active) == 0 {
			close(d.idle)
		}
	}
	d.mu.Unlock()
}
