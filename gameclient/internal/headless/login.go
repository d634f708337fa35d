package headless

import "github.com/gamesock/gamesock/gameclient/internal/guest"

// LoginError is a login the server refused; Run stops at it, since trying
// again would fail the same way.
type LoginError = guest.Error
