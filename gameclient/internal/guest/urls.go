package guest

import (
	"fmt"
	"net/url"
	"strings"
)

// sessionPath is the session endpoint's path on the arena server.
const sessionPath = "/session"

// ParseServer checks that raw is a ws:// or wss:// URL with a host.
func ParseServer(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("server URL %q: %w", raw, err)
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return nil, fmt.Errorf("server URL %q: scheme %q is not ws or wss", raw, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("server URL %q: no host", raw)
	}
	return u, nil
}

// LoginURL maps the session endpoint to the login endpoint beside it:
// ws becomes http, wss https, and a trailing /session becomes /login (a
// server mounted under a prefix keeps it). The query is dropped.
func LoginURL(server *url.URL) string {
	u := *server
	u.Scheme = "http"
	if server.Scheme == "wss" {
		u.Scheme = "https"
	}
	u.Path = siblingPath(server.Path, "/login")
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u.String()
}

// ReplayURL is where the replay id downloads from: downloadPath (from
// arenav1.ReplayList, "/replays") and the id on the session endpoint's
// host, over the same ws or wss. A downloadPath that is not absolute is
// taken relative to the session endpoint's prefix.
func ReplayURL(server *url.URL, downloadPath, id string) string {
	u := *server
	p := strings.TrimSuffix(downloadPath, "/")
	if p != "" && !strings.HasPrefix(p, "/") {
		p = siblingPath(server.Path, "/"+p)
	}
	// An id is the server's text: escaped, a "/" in it stays in the id.
	u.Path, u.RawPath = p+"/"+id, p+"/"+url.PathEscape(id)
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// siblingPath replaces the session endpoint at the end of path by
// endpoint, keeping what comes before it.
func siblingPath(path, endpoint string) string {
	prefix := strings.TrimSuffix(strings.TrimSuffix(path, "/"), sessionPath)
	return prefix + endpoint
}
