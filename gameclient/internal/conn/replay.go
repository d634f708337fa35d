package conn

import "github.com/gamesock/gamesock/gameclient/internal/guest"

// Token returns the bearer token the login gave the player. The server's
// other endpoints (replay downloads) take it as "Authorization: Bearer".
func (c *Conn) Token() string { return c.token }

// ReplayURL returns where to download replay id from: the session
// server's scheme (ws or wss) and host, then downloadPath (as a
// ReplayList gives it) and the id, path-escaped so that no id can name
// another path.
func (c *Conn) ReplayURL(downloadPath, id string) string {
	return guest.ReplayURL(c.server, downloadPath, id)
}
