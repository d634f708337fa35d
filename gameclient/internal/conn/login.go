package conn

import "github.com/gamesock/gamesock/gameclient/internal/guest"

// LoginError is a login the server refused; Connect gives up at it, since
// trying again would fail the same way.
type LoginError = guest.Error
