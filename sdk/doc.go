// Package sdk is gamesock's WebSocket layer: MessageWebSocket and
// StreamWebSocket, modelled on the UWP Windows.Networking.Sockets types of the
// same names and built on github.com/gobwas/ws.
//
// The life of a socket follows UWP's Game::InitWebSockets pattern: create the
// socket, set its Control, register the MessageReceived and Closed handlers,
// connect, send:
//
//	ws := sdk.NewMessageWebSocket()
//	ws.Control.MessageType = sdk.UTF8
//	ws.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) { ... })
//	ws.OnClosed(func(s *sdk.MessageWebSocket, e sdk.ClosedEvent) { ... })
//	if err := ws.Connect(ctx, "wss://example.com/game"); err != nil {
//		return fmt.Errorf("joining the game: %w", err) // sdk.GetStatus(err) tells why
//	}
//	err := ws.Send(ctx, []byte("hello"))
//
// The same types serve the server end: Accept upgrades a request inside a
// net/http handler, and AcceptConn upgrades a connection taken straight from
// a net.Listener with gobwas/ws's zero-copy upgrader.
//
// # Concurrency
//
// Each socket runs one read goroutine, plus a keepalive goroutine when
// Control asks for pings. Handlers run on the read goroutine, in order, never
// concurrently, with no hand-off per message; a slow handler delays only its
// own socket. Without a MessageReceived handler, the read goroutine queues up
// to 16 messages for Receive. Send, SendFrame, Write, Information and Close
// are safe from any goroutine; Receive and Read are for one goroutine at a
// time. Close returns when the socket's goroutines have exited.
//
// # Errors
//
// Every failure is an *Error whose WebErrorStatus keeps UWP's numbering
// (GetStatus), whose close code, if the connection ended with one, is
// CloseStatus, and whose cause matches errors.Is and errors.As. A peer that
// breaks the protocol is closed with 1002, invalid UTF-8 with 1007, an
// oversize message with 1009 and a text message on a stream with 1003.
//
// # Timeouts
//
// Every blocking call takes a context.Context; Control adds UWP's defaults:
// 60 s per address to connect (up to 5 addresses), 30 s per send and per
// received message.
package sdk
