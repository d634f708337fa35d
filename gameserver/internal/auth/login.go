package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"
)

// MaxLoginBody is the largest login request body LoginHandler reads.
const MaxLoginBody = 4 << 10

// LoginResponse is the JSON body of a successful login.
type LoginResponse struct {
	Token    string    `json:"token"`
	PlayerID string    `json:"player_id"`
	Name     string    `json:"name"`
	Expires  time.Time `json:"expires"` // RFC 3339
}

// loginRequest is the JSON body of a login.
type loginRequest struct {
	Name string `json:"name"`
}

// errorResponse is the JSON body of every failed login.
type errorResponse struct {
	Error string `json:"error"`
}

// LoginHandler returns the guest login endpoint, to mount at a path such as
// "/login". It takes a POST whose body is JSON {"name": "..."} or a form
// (application/x-www-form-urlencoded) with a name field, and answers 200
// with a LoginResponse. Failures answer a JSON {"error": "..."} saying what
// was wrong: 400 for a bad name or body, 405 for a method other than POST,
// 413 for a body over MaxLoginBody, 500 if no token could be made.
func (i *Issuer) LoginHandler() http.Handler {
	return http.HandlerFunc(i.serveLogin)
}

func (i *Issuer) serveLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, errorResponse{Error: "method " + r.Method + " not allowed; use POST"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxLoginBody)
	name, err := loginName(r)
	if err != nil {
		status := http.StatusBadRequest
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status = http.StatusRequestEntityTooLarge
			err = fmt.Errorf("request body over %d bytes", MaxLoginBody)
		}
		writeJSON(w, status, errorResponse{Error: err.Error()})
		return
	}
	token, c, err := i.Issue(name)
	switch {
	case errors.Is(err, ErrInvalidName):
		writeJSON(w, http.StatusBadRequest, errorResponse{Error: err.Error()})
		return
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, errorResponse{Error: "could not make a token"})
		return
	}
	writeJSON(w, http.StatusOK, LoginResponse{Token: token, PlayerID: c.PlayerID, Name: c.Name, Expires: c.Expires})
}

// loginName reads the requested name from a form or a JSON body.
func loginName(r *http.Request) (string, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err != nil {
			return "", fmt.Errorf("form body: %w", err)
		}
		if _, ok := r.PostForm["name"]; !ok {
			return "", errors.New("form body has no name field")
		}
		return r.PostForm.Get("name"), nil
	}
	var req loginRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return "", err
		}
		if errors.Is(err, io.EOF) {
			return "", errors.New(`empty body; send JSON {"name": "..."}`)
		}
		return "", fmt.Errorf(`body is not JSON {"name": "..."}: %w`, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return "", err
		}
		return "", errors.New("data after the JSON object")
	}
	return req.Name, nil
}

// writeJSON sends v as the response body with the given status. Tokens are
// credentials, so no cache keeps them.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"error":"could not encode the response"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
