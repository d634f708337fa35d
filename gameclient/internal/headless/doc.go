// Package headless runs bot players against the arena game server without a
// window: the load tool, and the client end of the end-to-end tests.
//
// Run logs each bot in (POST /login), opens its session, waits to be seated
// (the JOINED payload), decodes every snapshot through a room.Sync and flies
// its ship at the server's tick rate with the arena's bot brain. At the end
// it returns a Report: snapshots against what the tick rate promised, round
// trips, bytes per player per tick, notifications, reconnects and resumes,
// every kill each bot heard of (checked per room), and the errors seen.
//
//	rep, err := headless.Run(ctx, headless.Options{
//		Server:   "ws://127.0.0.1:8080/session",
//		Bots:     16,
//		Duration: 30 * time.Second,
//	})
//	if err != nil {
//		return err // setup: no bot could log in or connect
//	}
//	rep.Write(os.Stdout)
//
// Problems of single bots (a decode error, a duplicate notification, a
// session closed by the server) do not fail Run; they are in the Report.
package headless
