package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"google.golang.org/protobuf/proto"

	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
)

// maxReplaysShown bounds the list drawn.
const maxReplaysShown = 12

// listResult is the METHOD_LIST_REPLAYS request's outcome.
type listResult struct {
	list *arenav1.ReplayList
	err  error
}

// replayScene lists the server's replays over the running match, and
// downloads the one chosen (Enter) into the cache, showing the progress,
// then plays it back (a playbackScene). A failed download is retried with
// Enter, from where it stopped.
type replayScene struct {
	app      *app
	match    *matchScene
	result   chan listResult
	list     *arenav1.ReplayList
	err      error
	selected int

	// dir is the replay cache ("" keeps downloads in memory); dlOpts
	// configure the downloads (tests shorten the retries).
	dir    string
	dlOpts replay.DownloadOptions

	fetch    *replayFetch // the download under way or the last one
	fetching bool
	progress fetchProgress
	rate     rateMeter
	fetchErr error
}

func newReplayScene(a *app, m *matchScene) *replayScene {
	s := &replayScene{app: a, match: m, result: make(chan listResult, 1), dir: replayCacheDir()}
	go listReplays(m.net, s.result)
	return s
}

// listReplays asks for the replays on its own goroutine and reports on
// out (buffered: it never blocks).
func listReplays(n Network, out chan<- listResult) {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	data, err := n.Request(ctx, arenav1.Method_METHOD_LIST_REPLAYS, nil)
	if err != nil {
		out <- listResult{err: fmt.Errorf("list replays: %w", err)}
		return
	}
	list := new(arenav1.ReplayList)
	if err := proto.Unmarshal(data, list); err != nil {
		out <- listResult{err: fmt.Errorf("list replays: the answer is not a replay list: %w", err)}
		return
	}
	out <- listResult{list: list}
}

// keepMatch keeps the match under a replay scene going: its events
// drained, idle inputs sent, its clock advanced.
func keepMatch(m *matchScene, now time.Time) {
	m.drain(now)
	m.sendInputs(0, now)
	m.advance(now)
}

// Update keeps the match running, follows the download, moves the
// selection, starts a download on Enter, and goes back on Esc (after
// cancelling the download, if one runs).
func (s *replayScene) Update(in *Input) (Scene, error) {
	m := s.match
	now := s.app.now
	keepMatch(m, now)
	select {
	case r := <-s.result:
		s.list, s.err = r.list, r.err
	default:
	}
	if next := s.follow(now); next != nil {
		return next, nil
	}
	n := 0
	if s.list != nil {
		n = min(len(s.list.Replays), maxReplaysShown)
	}
	switch {
	case in.Pressed(ebiten.KeyEscape) && s.fetching:
		s.fetch.stop()
		<-s.fetch.result // there: the goroutine has ended
		s.fetching = false
		s.fetchErr = errors.New("download cancelled")
		s.drainFetch()
	case in.Pressed(ebiten.KeyEscape) || m.closed != nil:
		return m, nil
	case n == 0 || s.fetching:
	case in.Pressed(ebiten.KeyArrowDown) || in.Pressed(ebiten.KeyS):
		s.selected = (s.selected + 1) % n
	case in.Pressed(ebiten.KeyArrowUp) || in.Pressed(ebiten.KeyW):
		s.selected = (s.selected + n - 1) % n
	case in.confirm():
		s.startFetch(now)
	}
	return nil, nil
}

// startFetch downloads the selected replay; the same one again resumes
// the last try.
func (s *replayScene) startFetch(now time.Time) {
	info := s.list.Replays[s.selected]
	if s.fetch == nil || s.fetch.info.Id != info.Id {
		url := s.match.net.ReplayURL(s.list.DownloadPath, info.Id)
		s.fetch = newReplayFetch(info, url, s.match.net.Token(), s.dir, s.dlOpts)
		s.progress = fetchProgress{0, int64(info.Size)}
	}
	s.fetching, s.fetchErr = true, nil
	s.rate.reset(now, s.progress.done)
	s.fetch.start()
}

// follow drains the download's reports without waiting and, when it is
// done, opens the playback.
func (s *replayScene) follow(now time.Time) Scene {
	if !s.fetching {
		return nil
	}
	select { // the channel holds the newest report only
	case p := <-s.fetch.progress:
		s.progress = p
		s.rate.add(now, p.done)
	default:
	}
	var r fetchResult
	select {
	case r = <-s.fetch.result:
	default:
		return nil
	}
	s.fetching = false
	s.drainFetch()
	if r.err != nil {
		s.fetchErr = r.err
		return nil
	}
	info := s.fetch.info
	title := fmt.Sprintf("match #%d  %s", info.MatchNumber, strings.Join(info.Players, ", "))
	return newPlaybackScene(s.app, s, r.replay, title)
}

// drainFetch takes a finished download's last progress report.
func (s *replayScene) drainFetch() {
	select {
	case p := <-s.fetch.progress:
		s.progress = p
	default:
	}
}

// back is the list again, after a playback.
func (s *replayScene) back() Scene { return s }

// close stops the download and ends the connection: the game is closing.
func (s *replayScene) close() {
	if s.fetch != nil {
		s.fetch.stop()
	}
	s.match.close()
}

// Draw draws the list.
func (s *replayScene) Draw(screen *ebiten.Image) {
	a := s.app
	f := a.font
	drawBackdrop(screen, a, 0, 0)
	f.drawCentered(screen, "REPLAYS", ScreenWidth/2, 30, textStyle{scale: 4, color: colOwn, shadow: true})
	x, y := 140.0, 90.0
	panel(screen, x, y, 1000, 490, colPanel, colEdge)
	switch {
	case s.err != nil:
		f.draw(screen, clip(s.err.Error(), 75), x+20, y+20, textStyle{scale: 2, color: colBad})
	case s.list == nil:
		f.draw(screen, "loading"+dots(a.now), x+20, y+20, textStyle{scale: 2, color: colDim})
	case len(s.list.Replays) == 0:
		f.draw(screen, "no replays yet: finish a match first", x+20, y+20, textStyle{scale: 2, color: colDim})
	default:
		s.drawList(screen, x, y)
	}
	s.drawFetch(screen, x, y+380)
	hint := "Up/Down: select   Enter: download and play   Esc: back to the arena"
	if s.fetching {
		hint = "Esc: cancel the download"
	}
	f.drawCentered(screen, hint, ScreenWidth/2, ScreenHeight-60, textStyle{scale: 2, color: colDim})
	drawControls(screen, a)
}

func (s *replayScene) drawList(screen *ebiten.Image, x, y float64) {
	f := s.app.font
	head := textStyle{scale: 2, color: colDim}
	f.draw(screen, "match      ended     length     size   players", x+20, y+16, head)
	for i, r := range s.list.Replays[:min(len(s.list.Replays), maxReplaysShown)] {
		ry := y + 48 + float64(i)*26
		st := textStyle{scale: 2, color: colText}
		if i == s.selected {
			panel(screen, x+4, ry-4, 992, 24, colSelect, nil)
			st.color = colOwn
		}
		ended := time.UnixMilli(r.EndedUnixMs).Format("15:04:05")
		secs := float64(r.Ticks) / arena.TickRate
		line := fmt.Sprintf("%-8s %9s %7.0fs %7.1fK   %s", fmt.Sprintf("#%d", r.MatchNumber), ended, secs,
			float64(r.Size)/1024, strings.Join(r.Players, ", "))
		f.draw(screen, clip(line, 80), x+20, ry, st)
	}
}

// drawFetch draws the download's progress bar, figures and error at y.
func (s *replayScene) drawFetch(screen *ebiten.Image, x, y float64) {
	if s.fetch == nil {
		return
	}
	f := s.app.font
	p := s.progress
	frac := 0.0
	if p.total > 0 {
		frac = min(float64(p.done)/float64(p.total), 1)
	}
	const w = 960.0
	vector.FillRect(screen, float32(x+20), float32(y), w, 16, color.RGBA{30, 40, 70, 255}, false)
	bar := colOwn
	if s.fetchErr != nil {
		bar = colBad
	}
	vector.FillRect(screen, float32(x+20), float32(y), float32(w*frac), 16, bar, false)
	line := fmt.Sprintf("#%d  %.1f / %.1f KB  %3.0f%%", s.fetch.info.MatchNumber,
		float64(p.done)/1024, float64(p.total)/1024, 100*frac)
	if s.fetching {
		line += fmt.Sprintf("  %.1f KB/s", s.rate.rate/1024)
	}
	f.draw(screen, line, x+20, y+24, textStyle{scale: 2, color: colText})
	if s.fetchErr != nil {
		head := "download failed - Enter: retry"
		if p.done > 0 && p.done < p.total {
			head += fmt.Sprintf(", from %.1f KB", float64(p.done)/1024)
		}
		f.draw(screen, head, x+20, y+50, textStyle{scale: 2, color: colBad})
		lines := wrap(s.fetchErr.Error(), 160)
		for i, l := range lines[:min(len(lines), 3)] {
			f.draw(screen, l, x+20, y+74+float64(i)*12, textStyle{scale: 1, color: colBad})
		}
	}
}
