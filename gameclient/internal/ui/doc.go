// Package ui is the arena's window client: its scenes (connect, match,
// results, replays), what they draw, and the ebiten.Game that runs them.
//
// The scenes own the game state and run on ebiten's Update goroutine. The
// network runs on goroutines of its own and hands everything through a
// channel (Network.Events) that Update drains without blocking; nothing in
// Draw touches the network or changes state.
//
// # Ticks
//
// ebiten calls Update at its default 60 TPS and Draw at the display's rate.
// The arena steps at 30 Hz, so the match scene keeps a clock of server ticks
// and sends exactly one input per tick period that has elapsed (catching up
// at most a few if a frame was late), rather than setting TPS to 30: that
// keeps remote ships and the camera moving at 60 updates a second while
// the server still sees one input a tick.
package ui
