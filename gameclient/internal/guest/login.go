// Package guest is the arena client's side of the server's guest login and
// of its URLs: POST /login gives a signed token for a name, which the
// session and the replay downloads then present. The window client and the
// headless bots share it.
package guest

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
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// maxLoginResponse bounds the login response body read.
const maxLoginResponse = 16 << 10

// loginTimeout bounds one login request.
const loginTimeout = 10 * time.Second

// Login is what the server's POST /login answers.
type Login struct {
	Token    string    `json:"token"`
	PlayerID string    `json:"player_id"`
	Name     string    `json:"name"`
	Expires  time.Time `json:"expires"`
}

// Error is a login the server refused: it answered with Status. Trying
// again would fail the same way, so callers stop at it.
type Error struct {
	URL     string
	Status  int
	Message string // the server's {"error": ...}, or the body's start
}

func (e *Error) Error() string {
	return fmt.Sprintf("login %s: refused with HTTP %d: %s", e.URL, e.Status, e.Message)
}

// NewHTTPClient returns the client for logins, trusting what ctl trusts.
func NewHTTPClient(ctl sdk.Control) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: ctl.RootCAs, MinVersion: tls.VersionTLS12}
	if ctl.ClientCertificate != nil {
		t.TLSClientConfig.Certificates = []tls.Certificate{*ctl.ClientCertificate}
	}
	return &http.Client{Transport: t, Timeout: loginTimeout}
}

// Do logs in at endpoint (see LoginURL) as a guest called name.
func Do(ctx context.Context, hc *http.Client, endpoint, name string) (Login, error) {
	body, _ := json.Marshal(map[string]string{"name": name})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return Login{}, fmt.Errorf("login %s: %w", endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		// *url.Error would say the method and the URL again.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return Login{}, fmt.Errorf("login %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxLoginResponse+1))
	if err != nil {
		return Login{}, fmt.Errorf("login %s: reading the response: %w", endpoint, err)
	}
	if len(data) > maxLoginResponse {
		return Login{}, fmt.Errorf("login %s: response over %d bytes", endpoint, maxLoginResponse)
	}
	if resp.StatusCode != http.StatusOK {
		return Login{}, &Error{URL: endpoint, Status: resp.StatusCode, Message: errorMessage(data)}
	}
	var l Login
	if err := json.Unmarshal(data, &l); err != nil {
		return Login{}, fmt.Errorf("login %s: response is not the expected JSON: %w", endpoint, err)
	}
	if l.Token == "" {
		return Login{}, errors.New("login " + endpoint + ": response has no token")
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
