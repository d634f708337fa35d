// Package conn is the game client's connection to the arena server: it logs
// in, opens the session, decodes what the server sends on the network's
// goroutines and hands it to the game loop as Events, through a bounded
// channel the loop drains without waiting.
//
//	c, err := conn.Connect(ctx, conn.Options{Server: "ws://127.0.0.1:8080/session", Name: "ada"})
//	...
//	// in the game loop, once a tick:
//	for drained := false; !drained; {
//		select {
//		case ev := <-c.Events():
//			switch ev := ev.(type) {
//			case conn.Seated: ...
//			case conn.Snapshot: ...
//			}
//		default:
//			drained = true
//		}
//	}
//	seq := c.SendInput(buttons)
//
// Snapshots are decoded on the session's read goroutine, with the
// room.Sync that also numbers the inputs (a mutex keeps the two apart), so
// the game loop gets whole worlds, its own to keep.
//
// Nothing here blocks the game loop: SendInput queues, Events is a
// channel, Stats reads counters. It has no ebiten dependency, and is tested
// headless against the real game server.
package conn
