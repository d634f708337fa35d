// Package arena is the demo game's rules: a top-down space arena where ships
// turn, thrust and fire among drifting asteroids and pickups, in matches of a
// few minutes.
//
// It is a pure, deterministic simulation with a fixed time step: no clock,
// no network, no rendering, no protobuf. The same World and the same inputs
// give the same World, bit for bit, on every machine, since all of it is
// integer arithmetic (positions in sub-pixels, angles in 1/65536 turns, a
// sine table computed with integers) and its random numbers come from
// World.RNG. The server runs it as the authority; a client runs it to
// predict its own ship; a replay is a seed, the joins and leaves, and the
// inputs. World.Hash checks that two runs agree.
//
// # The rules
//
// The arena is a rectangle with walls: ships bounce softly off them,
// asteroids bounce, bullets end there. A ship has Config.ShipHealth
// health; a bullet takes 1, and an asteroid it crashes into takes its size
// and breaks, without points, but never the last one: only another ship
// destroys a ship, so a match's kills and deaths always balance. Bullets
// split asteroids: large into two medium, medium into two small, small into
// nothing. A destroyed ship comes back after Config.RespawnTicks, at the
// random point farthest from other ships and asteroids, shielded for
// Config.SpawnShieldTicks. Pickups give a shield, rapid fire (half the fire
// cooldown) or one health; asteroids and pickups are topped up over time.
//
// A match goes Warmup, Playing, Results, Over. Ships fly and fight in
// every phase but Over, and Step reports it, but only Playing counts:
// ScoreKill (100) a kill, AsteroidScore (10, 20, 30 by size, small ones
// being worth most) an asteroid broken, ScoreCrash (-50) a crash into an
// asteroid. Streaks of 3, 5 and 10 kills are announced. Playing
// starts with everyone respawned, stats zeroed and no bullets in flight;
// it ends with EventMatchEnded naming the Winner (best score, ties to the
// lowest id). After Results the World is Over, and the caller starts the
// next match with a new one.
//
// # Concurrency
//
// A World has one owner: nothing in it is safe for concurrent use. Think
// reads a World, so bots may think concurrently with each other, but not
// with Step.
package arena
