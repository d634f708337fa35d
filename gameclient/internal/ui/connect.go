package ui

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

// The connect screen's limits.
const (
	maxServerLen = 200
	maxNameLen   = 24
	dialTimeout  = 15 * time.Second
)

// dialResult is what the connect goroutine reports.
type dialResult struct {
	net Network
	err error
}

// connectScene asks for the server and the name and connects.
type connectScene struct {
	app    *app
	fields [2]string // server, name
	focus  int
	status string
	errMsg string

	dialing bool
	cancel  context.CancelFunc
	result  chan dialResult
	since   time.Time
}

func newConnectScene(a *app) *connectScene {
	s := &connectScene{app: a}
	saved, err := LoadSettings(a.opts.SettingsPath)
	if err != nil {
		a.log.Warn("settings not read", "err", err)
	}
	s.fields[0], s.fields[1] = saved.Server, saved.Name
	if s.fields[0] == "" || a.opts.AutoConnect || a.opts.ServerGiven {
		s.fields[0] = a.opts.Server
	}
	if s.fields[1] == "" || a.opts.AutoConnect || a.opts.NameGiven {
		s.fields[1] = a.opts.Name
	}
	if a.opts.AutoConnect {
		s.dial()
	}
	return s
}

// Update types into the fields, connects on Enter and switches to the match
// when the connection is up.
func (s *connectScene) Update(in *Input) (Scene, error) {
	s.app.inMatch = false
	if s.dialing {
		return s.poll(in)
	}
	if in.Pressed(ebiten.KeyEscape) {
		return nil, ebiten.Termination
	}
	if in.Pressed(ebiten.KeyTab) || in.Pressed(ebiten.KeyArrowDown) || in.Pressed(ebiten.KeyArrowUp) {
		s.focus = 1 - s.focus
	}
	f := &s.fields[s.focus]
	limit := maxServerLen
	if s.focus == 1 {
		limit = maxNameLen
	}
	for _, r := range in.Chars {
		if r >= ' ' && r != 0x7f && utf8.RuneCountInString(*f) < limit {
			*f += string(r)
		}
	}
	if in.Repeated(ebiten.KeyBackspace) && *f != "" {
		_, n := utf8.DecodeLastRuneInString(*f)
		*f = (*f)[:len(*f)-n]
	}
	if in.confirm() {
		s.dial()
	}
	return nil, nil
}

// dial starts connecting on a goroutine that reports on s.result.
func (s *connectScene) dial() {
	server, name := strings.TrimSpace(s.fields[0]), strings.TrimSpace(s.fields[1])
	if server == "" || name == "" {
		s.errMsg = "type a server address and a name first"
		return
	}
	if err := SaveSettings(s.app.opts.SettingsPath, Settings{Server: server, Name: name}); err != nil {
		s.app.log.Warn("settings not saved", "err", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	s.dialing, s.cancel, s.errMsg = true, cancel, ""
	s.result = make(chan dialResult, 1)
	s.since = s.app.now
	s.status = "connecting to " + server + " as " + name
	dial, result := s.app.opts.Dial, s.result
	go func() {
		defer cancel()
		n, err := dial(ctx, server, name)
		result <- dialResult{n, err}
	}()
}

// poll checks the connect goroutine; Esc gives up on it.
func (s *connectScene) poll(in *Input) (Scene, error) {
	if in.Pressed(ebiten.KeyEscape) {
		s.cancel()
	}
	select {
	case r := <-s.result:
		s.dialing = false
		if r.err != nil {
			s.errMsg = fmt.Sprintf("could not connect: %v", r.err)
			s.status = "press Enter to retry"
			return nil, nil
		}
		s.app.setNetwork(r.net)
		return newMatchScene(s.app, r.net, s.fields[1]), nil
	default:
		return nil, nil
	}
}

// Draw draws the form.
func (s *connectScene) Draw(screen *ebiten.Image) {
	a := s.app
	drawBackdrop(screen, a, float64(a.now.UnixMilli())/40, 0)
	f := a.font
	cx := float64(ScreenWidth) / 2
	f.drawCentered(screen, "GAMESOCK ARENA", cx, 120, textStyle{scale: 5, color: colOwn, shadow: true})
	f.drawCentered(screen, "a multiplayer space arena", cx, 210, textStyle{scale: 2, color: colDim, shadow: true})

	labels := [2]string{"server", "name"}
	for i, v := range s.fields {
		y := float64(290 + i*90)
		f.draw(screen, labels[i], cx-360, y, textStyle{scale: 2, color: colDim})
		border := color.RGBA{70, 80, 110, 255}
		if i == s.focus && !s.dialing {
			border = colOwn
		}
		panel(screen, cx-360, y+34, 720, 44, color.RGBA{12, 16, 34, 230}, border)
		text := v
		if i == s.focus && !s.dialing && (a.now.UnixMilli()/500)%2 == 0 {
			text += "_"
		}
		f.draw(screen, clip(text, 56), cx-348, y+40, textStyle{scale: 2, color: colText})
	}
	y := 490.0
	if s.dialing {
		dots := strings.Repeat(".", int(a.now.Sub(s.since)/(300*time.Millisecond))%4)
		f.drawCentered(screen, s.status+dots, cx, y, textStyle{scale: 2, color: colText, shadow: true})
		f.drawCentered(screen, "Esc: cancel", cx, y+36, textStyle{scale: 2, color: colDim})
	} else {
		if s.errMsg != "" {
			for i, line := range wrap(s.errMsg, 100) {
				f.drawCentered(screen, line, cx, y+float64(i)*20, textStyle{scale: 2, color: colBad, shadow: true})
			}
			y += 50
		}
		f.drawCentered(screen, "Enter: connect   Tab: next field   Esc: quit", cx, y+20, textStyle{scale: 2, color: colDim})
	}
	drawControls(screen, a)
}

// drawControls lists the keys at the bottom of the screen.
func drawControls(screen *ebiten.Image, a *app) {
	const help = "arrows/WASD turn+thrust   Space fire   Tab scores   F3 net graph   R replays   Esc back/quit"
	vector.FillRect(screen, 0, ScreenHeight-28, ScreenWidth, 28, color.RGBA{0, 0, 0, 150}, false)
	a.font.drawCentered(screen, help, ScreenWidth/2, ScreenHeight-22, textStyle{scale: 1, color: colDim})
}

// close gives up a connection in progress.
func (s *connectScene) close() {
	if s.dialing {
		s.cancel()
		if r := <-s.result; r.net != nil {
			r.net.Close()
		}
	}
}
