package ui

import (
	"image/color"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

// Toasts: how many show at once, how long one lives, and its fade-out.
const (
	maxToasts     = 5
	toastLife     = 6 * time.Second
	toastFade     = time.Second
	toastFadeIn   = 150 * time.Millisecond
	maxToastsKept = 32
)

// toast is one notification on the screen.
type toast struct {
	text  string
	color color.RGBA
	born  time.Time
}

// toasts stack notifications, newest first.
type toasts struct {
	list []toast
}

// push adds a toast on top.
func (t *toasts) push(text string, c color.RGBA, now time.Time) {
	t.list = append([]toast{{text: clip(text, 60), color: c, born: now}}, t.list...)
	if len(t.list) > maxToastsKept {
		t.list = t.list[:maxToastsKept]
	}
}

// expire drops the toasts past their life, and those beyond the visible
// ones that have waited longer than a life.
func (t *toasts) expire(now time.Time) {
	kept := t.list[:0]
	for _, x := range t.list {
		if now.Sub(x.born) < toastLife {
			kept = append(kept, x)
		}
	}
	t.list = kept
}

// settled reports whether a toast is drawn and fully faded in.
func (t *toasts) settled(now time.Time) bool {
	return len(t.list) > 0 && now.Sub(t.list[0].born) >= toastFadeIn
}

// visible is the number of toasts drawn.
func (t *toasts) visible() int { return min(len(t.list), maxToasts) }

// draw stacks the toasts downward from (x, y), right-aligned at x; each
// fades in its last second.
func (t *toasts) draw(dst *ebiten.Image, f *font, x, y float64, now time.Time) {
	const h = 30
	for i := range t.visible() {
		x0 := t.list[i]
		age := now.Sub(x0.born)
		alpha := float32(1)
		if left := toastLife - age; left < toastFade {
			alpha = float32(left) / float32(toastFade)
		}
		if age < toastFadeIn {
			alpha = float32(age) / float32(toastFadeIn)
		}
		w := f.width(x0.text, 2) + 24
		top := y + float64(i)*(h+6)
		bg := color.RGBA{8, 12, 28, uint8(210 * alpha)}
		edge := color.RGBA{x0.color.R, x0.color.G, x0.color.B, uint8(255 * alpha)}
		panel(dst, x-w, top, w, h, bg, edge)
		f.draw(dst, x0.text, x-w+12, top+3, textStyle{scale: 2, color: x0.color, alpha: alpha})
	}
}
