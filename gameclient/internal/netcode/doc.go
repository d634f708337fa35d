// Package netcode is the game client's side of playing over a network: it
// turns the snapshots the server sends, late and unevenly, into smooth
// motion on the screen.
//
//   - An Interpolator draws the other ships (and bullets and asteroids) a
//     little in the past, between two snapshots it already has, so that
//     they move smoothly whatever the network's jitter; the delay adapts to
//     the jitter it measures.
//   - A Predictor draws the player's own ship in the present: the server's
//     last word on it, plus the inputs the server has not applied yet,
//     flown with the game's own rules (arena's Ship.Fly). When a snapshot
//     shows the prediction was off, the correction is eased in rather than
//     snapped.
//
// Both are plain data owned by the game loop: no goroutines, no clock of
// their own (every method that needs the time is told it), no locks. They
// are not safe for concurrent use.
//
// Units are the arena's: positions in sub-pixels (arena.Sub per pixel),
// angles in 1/65536 of a turn; Pose converts to pixels and radians.
package netcode
