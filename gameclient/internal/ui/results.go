package ui

import (
	"cmp"
	"context"
	"fmt"
	"image/color"
	"slices"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/gamesock/gamesock/internal/arena"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
)

// Results screen timings.
const (
	requestTimeout  = 5 * time.Second
	resultsShotWait = 1500 * time.Millisecond // for the leaderboard to come
	leaderboardSize = 10
)

// boardResult is the leaderboard request's outcome.
type boardResult struct {
	page session.LeaderboardPage
	err  error
}

// resultsScene shows a match's results and the leaderboard over the
// match, which keeps running underneath (its events drained, idle inputs
// sent) so that nothing is missed and Esc goes straight back.
type resultsScene struct {
	app     *app
	match   *matchScene
	res     *arenav1.MatchResults
	players []*arenav1.PlayerResult
	shown   time.Time

	board    chan boardResult
	page     *session.LeaderboardPage
	boardErr error
}

func newResultsScene(a *app, m *matchScene, res *arenav1.MatchResults) *resultsScene {
	s := &resultsScene{app: a, match: m, res: res, shown: a.now, board: make(chan boardResult, 1)}
	s.players = slices.Clone(res.Players)
	slices.SortFunc(s.players, func(x, y *arenav1.PlayerResult) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.ShipId, y.ShipId))
	})
	go fetchLeaderboard(m.net, s.board)
	return s
}

// fetchLeaderboard asks for the leaderboard's first page; it runs on its
// own goroutine and reports on out (buffered: it never blocks).
func fetchLeaderboard(n Network, out chan<- boardResult) {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	data, err := n.Request(ctx, arenav1.Method_METHOD_LEADERBOARD, &arenav1.LeaderboardRequest{Limit: leaderboardSize})
	if err != nil {
		out <- boardResult{err: fmt.Errorf("leaderboard: %w", err)}
		return
	}
	page, err := session.DecodeLeaderboardPage(data)
	if err != nil {
		err = fmt.Errorf("leaderboard: %w", err)
	}
	out <- boardResult{page: page, err: err}
}

// Update keeps the match running and goes back to it on Enter or Esc.
func (s *resultsScene) Update(in *Input) (Scene, error) {
	m := s.match
	now := s.app.now
	m.drain(now)
	m.sendInputs(0, now)
	m.advance(now)
	select {
	case r := <-s.board:
		s.boardErr = r.err
		if r.err == nil {
			s.page = &r.page
		}
	default:
	}
	if now.Sub(s.shown) >= resultsShotWait && (s.page != nil || s.boardErr != nil || now.Sub(s.shown) > requestTimeout) {
		s.app.shots.request("results")
	}
	if in.Pressed(ebiten.KeyEscape) || in.confirm() || m.closed != nil {
		return m, nil
	}
	return nil, nil
}

// Draw draws the results table and the leaderboard.
func (s *resultsScene) Draw(screen *ebiten.Image) {
	a := s.app
	f := a.font
	drawBackdrop(screen, a, float64(a.now.UnixMilli())/60, 0)
	f.drawCentered(screen, fmt.Sprintf("MATCH %d RESULTS", s.res.MatchNumber), ScreenWidth/2, 30, textStyle{scale: 4, color: colOwn, shadow: true})
	if len(s.players) > 0 {
		win := s.players[0]
		f.drawCentered(screen, "winner: "+win.Name, ScreenWidth/2, 96, textStyle{scale: 2, color: colWarn, shadow: true})
	}
	s.drawTable(screen, 30, 140)
	s.drawBoard(screen, 900, 140)
	f.drawCentered(screen, "Enter/Esc: back to the arena", ScreenWidth/2, ScreenHeight-60, textStyle{scale: 2, color: colDim})
	drawControls(screen, a)
}

// resultColumns are the results table's columns: title, right edge.
var resultColumns = []struct {
	title string
	x     float64
}{{"score", 420}, {"kills", 500}, {"deaths", 590}, {"acc", 670}, {"streak", 755}, {"alive", 825}}

func (s *resultsScene) drawTable(screen *ebiten.Image, x, y float64) {
	f := s.app.font
	rows := min(len(s.players), 18)
	panel(screen, x, y, 840, 60+float64(rows)*26, colPanel, colEdge)
	head := textStyle{scale: 2, color: colDim}
	f.draw(screen, "#  player", x+16, y+14, head)
	for _, c := range resultColumns {
		f.drawRight(screen, c.title, x+c.x, y+14, head)
	}
	own := s.match.seat.Ship
	for i, p := range s.players[:rows] {
		ry := y + 46 + float64(i)*26
		c := colText
		if arena.PlayerID(p.ShipId) == own {
			panel(screen, x+4, ry-4, 832, 24, color.RGBA{20, 60, 90, 200}, nil)
			c = colOwn
		}
		if p.Left {
			c = colDim
		}
		st := textStyle{scale: 2, color: c}
		name := p.Name
		if p.Bot {
			name += " (bot)"
		}
		f.draw(screen, fmt.Sprintf("%-2d %s", i+1, clip(name, 22)), x+16, ry, st)
		vals := []string{
			fmt.Sprint(p.Score), fmt.Sprint(p.Kills), fmt.Sprint(p.Deaths),
			fmt.Sprintf("%.0f%%", 100*p.Accuracy), fmt.Sprint(p.BestStreak),
			fmt.Sprintf("%.0fs", p.SecondsAlive),
		}
		for j, v := range vals {
			f.drawRight(screen, v, x+resultColumns[j].x, ry, st)
		}
	}
}

func (s *resultsScene) drawBoard(screen *ebiten.Image, x, y float64) {
	f := s.app.font
	panel(screen, x, y, 350, 60+leaderboardSize*26, colPanel, colEdge)
	f.draw(screen, "LEADERBOARD", x+16, y+12, textStyle{scale: 2, color: colWarn})
	switch {
	case s.boardErr != nil:
		for i, l := range wrap(s.boardErr.Error(), 40) {
			f.draw(screen, l, x+16, y+50+float64(i)*18, textStyle{color: colBad})
		}
	case s.page == nil:
		f.draw(screen, "loading"+dots(s.app.now), x+16, y+50, textStyle{scale: 2, color: colDim})
	case len(s.page.Records) == 0:
		f.draw(screen, "no scores yet", x+16, y+50, textStyle{scale: 2, color: colDim})
	default:
		for i, r := range s.page.Records {
			ry := y + 50 + float64(i)*26
			st := textStyle{scale: 2, color: colText}
			if r.Name == s.match.name {
				st.color = colOwn
			}
			f.draw(screen, fmt.Sprintf("%2d %s", r.Rank, clip(r.Name, 18)), x+16, ry, st)
			f.drawRight(screen, fmt.Sprint(r.Score), x+334, ry, st)
		}
	}
}
