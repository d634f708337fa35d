package ui

import (
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// watchedKeys are the keys the scenes read.
var watchedKeys = [...]ebiten.Key{
	ebiten.KeyArrowLeft, ebiten.KeyArrowRight, ebiten.KeyArrowUp, ebiten.KeyArrowDown,
	ebiten.KeyA, ebiten.KeyD, ebiten.KeyW, ebiten.KeyS,
	ebiten.KeySpace, ebiten.KeyTab, ebiten.KeyEnter, ebiten.KeyNumpadEnter,
	ebiten.KeyEscape, ebiten.KeyBackspace, ebiten.KeyF3, ebiten.KeyR, ebiten.KeyL,
	ebiten.KeyDigit1, ebiten.KeyDigit2, ebiten.KeyDigit4,
	ebiten.KeyEqual, ebiten.KeyMinus, ebiten.KeyNumpadAdd, ebiten.KeyNumpadSubtract,
}

// Input is the keyboard as one Update sees it: what is held, what went
// down since the last Update, and the characters typed. Scenes read it
// instead of ebiten's input functions, so a script or a test can drive
// them.
type Input struct {
	held, pressed [ebiten.KeyMax + 1]bool
	repeat        [ebiten.KeyMax + 1]bool
	Chars         []rune
}

// Held reports whether k is down.
func (in *Input) Held(k ebiten.Key) bool { return in.held[k] }

// Pressed reports whether k went down since the last Update.
func (in *Input) Pressed(k ebiten.Key) bool { return in.pressed[k] }

// Repeated reports whether k went down, or has been held long enough to
// repeat, since the last Update: for editing text.
func (in *Input) Repeated(k ebiten.Key) bool { return in.pressed[k] || in.repeat[k] }

// Press marks k as going down this Update (and held).
func (in *Input) Press(k ebiten.Key) { in.pressed[k], in.held[k] = true, true }

// Hold marks k as held.
func (in *Input) Hold(k ebiten.Key) { in.held[k] = true }

// reset clears in for the next Update, keeping Chars' memory.
func (in *Input) reset() {
	in.held = [ebiten.KeyMax + 1]bool{}
	in.pressed = [ebiten.KeyMax + 1]bool{}
	in.repeat = [ebiten.KeyMax + 1]bool{}
	in.Chars = in.Chars[:0]
}

// readKeyboard fills in from ebiten's keyboard state.
func (in *Input) readKeyboard() {
	for _, k := range watchedKeys {
		if ebiten.IsKeyPressed(k) {
			in.held[k] = true
		}
		if inpututil.IsKeyJustPressed(k) {
			in.pressed[k] = true
		}
		// Repeat after half a second, then 20 times a second (at 60 TPS).
		if d := inpututil.KeyPressDuration(k); d > 30 && d%3 == 0 {
			in.repeat[k] = true
		}
	}
	in.Chars = ebiten.AppendInputChars(in.Chars)
}

// confirm reports whether Enter (either one) went down.
func (in *Input) confirm() bool {
	return in.Pressed(ebiten.KeyEnter) || in.Pressed(ebiten.KeyNumpadEnter)
}
