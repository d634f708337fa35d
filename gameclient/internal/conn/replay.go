package conn

import (
	"net/url"
	"strings"
)

// Token returns the bearer token the login gave the player. The server's
// other endpoints (replay downloads) take it as "Authorization: Bearer".
func (c *Conn) Token() string { return c.token }

// ReplayURL returns where to download replay id from: the session
// server's scheme (ws or wss) and host, then downloadPath (as a
// ReplayList gives it) and the id, path-escaped so that no id can name
// another path.
func (c *Conn) ReplayURL(downloadPath, id string) string {
	return replayURL(c.server, downloadPath, id)
}

func replayURL(server *url.URL, downloadPath, id string) string {
	u := url.URL{Scheme: server.Scheme, Host: server.Host}
	p := "/" + strings.Trim(downloadPath, "/")
	if p == "/" {
		p = ""
	}
	u.Path = p + "/" + id
	u.RawPath = p + "/" + url.PathEscape(id)
	return u.String()
}
