package conn

// Copied from gameclient/internal/headless (login.go and urls.go), whose
// helpers are unexported: logging in as a guest over POST /login.

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// maxLoginResponse bounds the login response body read.
const maxLoginResponse = 16 << 10

// loginTimeout bounds one login request.
const loginTimeout = 10 * time.Second

// login is what the server's POST /login answers.
type login struct {
	Token    string    `json:"token"`
	PlayerID string    `json:"player_id"`
	Name     string    `json:"name"`
	Expires  time.Time `json:"expires"`
}

// LoginError is a login the server refused: it answered with Status.
// Trying again would fail the same way, so Connect gives up at it.
type LoginError struct {
	URL     string
	Status  int
	Message string // the server's {"error": ...}, or the body's start
}

func (e *LoginError) Error() string {
	return fmt.Sprintf("login %s: refused with HTTP %d: %s", e.URL, e.Status, e.Message)
}

// newHTTPClient returns the client for logins, trusting what ctl trusts.
func newHTTPClient(ctl sdk.Control) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: ctl.RootCAs, MinVersion: tls.VersionTLS12}
	if ctl.ClientCertificate != nil {
		t.TLSClientConfig.Certificates = []tls.Certificate{*ctl.ClientCertificate}
	}
	return &http.Client{Transport: t, Timeout: loginTimeout}
}

// doLogin logs in as a guest called name.
func doLogin(ctx context.Context, hc *http.Client, endpoint, name string) (login, error) {
	body, _ := json.Marshal(map[string]string{"name": name})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return login{}, fmt.Errorf("login %s: %w", endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		// *url.Error would say the method and the URL again.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return login{}, fmt.Errorf("login %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxLoginResponse+1))
	if err != nil {
		return login{}, fmt.Errorf("login %s: reading the response: %w", endpoint, err)
	}
	if len(data) > maxLoginResponse {
		return login{}, fmt.Errorf("login %s: response over %d bytes", endpoint, maxLoginResponse)
	}
	if resp.StatusCode != http.StatusOK {
		return login{}, &LoginError{URL: endpoint, Status: resp.StatusCode, Message: errorMessage(data)}
	}
	var l login
	if err := json.Unmarshal(data, &l); err != nil {
		return login{}, fmt.Errorf("login %s: response is not the expected JSON: %w", endpoint, err)
	}
	if l.Token == "" {
		return login{}, errors.New("login " + endpoint + ": response has no token")
	}
	return l, nil
}

// errorMessage is the error a failed login's body states.
func errorMessage(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return e.Error
	}
	const max = 200
	if len(body) > max {
		body = body[:max]
	}
	return string(bytes.TrimSpace(body))
}

// sessionPath is the session endpoint's path on the arena server.
const sessionPath = "/session"

// parseServer checks that raw is a ws:// or wss:// URL with a host.
func parseServer(raw string) (*url.URL, error) {
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

// loginURL maps the session endpoint to the login endpoint beside it:
// ws becomes http, wss https, and a trailing /session becomes /login (a
// server mounted under a prefix keeps it). The query is dropped.
func loginURL(server *url.URL) string {
	u := *server
	u.Scheme = "http"
	if server.Scheme == "wss" {
		u.Scheme = "https"
	}
	prefix := strings.TrimSuffix(strings.TrimSuffix(server.Path, "/"), sessionPath)
	u.Path = prefix + "/login"
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u.String()
}
