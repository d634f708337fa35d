package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"google.golang.org/protobuf/proto"

	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
)

// maxReplaysShown bounds the list drawn.
const maxReplaysShown = 16

// listResult is the METHOD_LIST_REPLAYS request's outcome.
type listResult struct {
	list *arenav1.ReplayList
	err  error
}

// replayScene lists the server's replays over the running match.
//
// Downloading and playing one back is not built: replay.Download needs
// the session's bearer token, which package conn does not expose yet.
type replayScene struct {
	app      *app
	match    *matchScene
	result   chan listResult
	list     *arenav1.ReplayList
	err      error
	selected int
}

func newReplayScene(a *app, m *matchScene) *replayScene {
	s := &replayScene{app: a, match: m, result: make(chan listResult, 1)}
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

// Update keeps the match running, moves the selection and goes back on Esc.
func (s *replayScene) Update(in *Input) (Scene, error) {
	m := s.match
	m.drain(s.app.now)
	m.sendInputs(0, s.app.now)
	m.advance(s.app.now)
	select {
	case r := <-s.result:
		s.list, s.err = r.list, r.err
	default:
	}
	if s.list != nil && len(s.list.Replays) > 0 {
		n := min(len(s.list.Replays), maxReplaysShown)
		if in.Pressed(ebiten.KeyArrowDown) || in.Pressed(ebiten.KeyS) {
			s.selected = (s.selected + 1) % n
		}
		if in.Pressed(ebiten.KeyArrowUp) || in.Pressed(ebiten.KeyW) {
			s.selected = (s.selected + n - 1) % n
		}
	}
	if in.Pressed(ebiten.KeyEscape) || m.closed != nil {
		return m, nil
	}
	return nil, nil
}

// Draw draws the list.
func (s *replayScene) Draw(screen *ebiten.Image) {
	a := s.app
	f := a.font
	drawBackdrop(screen, a, 0, 0)
	f.drawCentered(screen, "REPLAYS", ScreenWidth/2, 30, textStyle{scale: 4, color: colOwn, shadow: true})
	x, y := 140.0, 110.0
	panel(screen, x, y, 1000, 480, colPanel, colEdge)
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
	f.drawCentered(screen, "Up/Down: select   Esc: back to the arena   (download and playback: not built yet)",
		ScreenWidth/2, ScreenHeight-60, textStyle{scale: 2, color: colDim})
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
