package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

// scriptStep is a stretch of scripted input: keys held for a while, keys
// pressed once at its start.
type scriptStep struct {
	d     time.Duration
	hold  []ebiten.Key
	press []ebiten.Key
}

// Scripts are the named inputs -script plays in the match, in a loop
// (steps with press keys only at the first pass).
var scripts = map[string][]scriptStep{
	// fly thrusts, turns and fires, with the net graph on.
	"fly": {
		{d: 300 * time.Millisecond, press: []ebiten.Key{ebiten.KeyF3}},
		{d: 1500 * time.Millisecond, hold: []ebiten.Key{ebiten.KeyArrowUp, ebiten.KeySpace}},
		{d: 600 * time.Millisecond, hold: []ebiten.Key{ebiten.KeyArrowLeft, ebiten.KeySpace}},
		{d: 1200 * time.Millisecond, hold: []ebiten.Key{ebiten.KeyArrowUp, ebiten.KeyArrowRight, ebiten.KeySpace}},
		{d: 800 * time.Millisecond, hold: []ebiten.Key{ebiten.KeySpace}},
	},
	// idle sits still with the net graph on.
	"idle": {
		{d: 300 * time.Millisecond, press: []ebiten.Key{ebiten.KeyF3}},
		{d: time.Second},
	},
}

// ScriptNames lists the scripts, for -help.
func ScriptNames() string {
	var names []string
	for n := range scripts {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// script plays a named script from its first use.
type script struct {
	steps   []scriptStep
	start   time.Time
	pressed map[int]bool // steps whose presses are done
}

func newScript(name string) (*script, error) {
	steps, ok := scripts[name]
	if !ok {
		return nil, fmt.Errorf("no script %q (there are: %s)", name, ScriptNames())
	}
	return &script{steps: steps, pressed: map[int]bool{}}, nil
}

// fill sets in to the script's keys at now.
func (s *script) fill(in *Input, now time.Time) {
	if s.start.IsZero() {
		s.start = now
	}
	var total time.Duration
	for _, st := range s.steps {
		total += st.d
	}
	el := now.Sub(s.start)
	first := el < total
	el %= total
	for i, st := range s.steps {
		if el >= st.d {
			el -= st.d
			continue
		}
		for _, k := range st.hold {
			in.Hold(k)
		}
		if first && !s.pressed[i] {
			s.pressed[i] = true
			for _, k := range st.press {
				in.Press(k)
			}
		}
		return
	}
}
