// Package session carries a game's traffic over one sdk.MessageWebSocket as
// protobuf envelopes (proto/gamesock/v1), with the guarantees a game needs
// from its server connection:
//
//   - state (State): latest wins. A newer snapshot replaces one that has
//     not been sent, so the client always gets the freshest and a slow link
//     never builds a backlog.
//   - reliable (Notification, StatUpdate, LeaderboardPage, Payload):
//     ordered, sequence-numbered, acknowledged, replayed after a reconnect
//     and delivered to the application exactly once.
//   - request/response (Client.Request, ServerOptions.OnRequest): a
//     correlation id, the caller's deadline sent along, a typed *Error back.
//
// A client dials with a token, and is a player from then on: the server's
// Authenticate hook turns the token into the player id at the upgrade,
// and no message body can change it.
//
//	c, err := session.Dial(ctx, "wss://game.example.com/session", &session.ClientOptions{
//		Token:          token,
//		OnNotification: func(n session.Notification) { toasts <- n },
//		OnState:        func(s session.State) { snapshots <- s },
//	})
//
// When the connection drops, the client reconnects with exponential
// backoff and jitter and resumes its session: the server kept what the
// client had not acknowledged (for ServerOptions.ResumeWindow, 30 s by
// default) and sends it again; the client does the same for what it sent.
// Sequence numbers make sure nothing arrives twice. Status changes
// (connecting, connected, reconnecting, closed) arrive as StatusChange
// events. A client does not reconnect after an authentication failure or
// a close that says trying again will not help.
//
// Pings carry timestamps: Client.Clock gives the round-trip time, its
// jitter and the offset of the server's clock, and Client.ServerNow the
// server's time.
//
// The server side is a Server: an http.Handler, or Serve on a
// net.Listener. Each connection has its own reader and one writer, with
// bounded queues in between, so sending never waits for a client's
// network: Server.Broadcast encodes a message once for every recipient
// and returns. A client that stops reading is closed with CloseTooSlow
// once it leaves what it was sent unacknowledged for Limits.MaxLag.
// Limits (message size, rates per class, requests in flight) are enforced
// on every connection, and every violation closes it with a code and a
// reason that says what was wrong (see the Close constants), or answers
// with a typed error. Shutdown sends clients what is queued, then closes
// with 1001 and a reason that tells them to come back.
package session
