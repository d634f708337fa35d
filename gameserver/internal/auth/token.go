package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MaxTokenLen is the longest token Verify reads. Tokens the Issuer makes are
// well under it (about 200 bytes); anything longer is refused before any
// decoding or hashing.
const MaxTokenLen = 512

// tokenVersion is the payload format version, "v" in the payload.
const tokenVersion = 1

// Errors that Verify's errors match with errors.Is, one for each way a token
// fails. The error returned wraps one of them and says more.
var (
	// ErrMalformed: the token is not of the documented shape (length,
	// parts, base64url, payload fields).
	ErrMalformed = errors.New("malformed token")
	// ErrBadSignature: the MAC does not match: the token was altered or
	// signed with another secret.
	ErrBadSignature = errors.New("token signature not valid")
	// ErrExpired: the token was genuine but its time has passed.
	ErrExpired = errors.New("token expired")
)

// b64 is the token's base64 alphabet; Strict refuses encodings with stray
// bits so that each token has exactly one spelling.
var b64 = base64.RawURLEncoding.Strict()

// payload is the JSON inside a token.
type payload struct {
	V    int    `json:"v"`
	ID   string `json:"id"`
	Name string `json:"name"`
	Exp  int64  `json:"exp"`
}

// seal encodes c as a token signed with secret.
func seal(secret []byte, c Claims) (string, error) {
	js, err := json.Marshal(payload{V: tokenVersion, ID: c.PlayerID, Name: c.Name, Exp: c.Expires.Unix()})
	if err != nil {
		return "", fmt.Errorf("encode token payload: %w", err)
	}
	body := b64.EncodeToString(js)
	return body + "." + b64.EncodeToString(mac(secret, body)), nil
}

// mac is the token's signature over its encoded payload.
func mac(secret []byte, body string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(body))
	return h.Sum(nil)
}

// open checks token's shape and signature and decodes its payload. It does
// not look at the expiry.
func open(secret []byte, token string) (Claims, error) {
	if len(token) > MaxTokenLen {
		return Claims{}, fmt.Errorf("%w: %d bytes, at most %d allowed", ErrMalformed, len(token), MaxTokenLen)
	}
	// Go's base64 decoders skip '\r' and '\n', which would let one token
	// be spelled many ways; only the alphabet and the dot are allowed.
	if k := strings.IndexFunc(token, notTokenRune); k >= 0 {
		return Claims{}, fmt.Errorf("%w: byte %d is %q, not base64url or '.'", ErrMalformed, k, token[k])
	}
	body, sig, ok := strings.Cut(token, ".")
	if !ok {
		return Claims{}, fmt.Errorf("%w: no '.' between payload and signature", ErrMalformed)
	}
	if body == "" {
		return Claims{}, fmt.Errorf("%w: empty payload", ErrMalformed)
	}
	got, err := b64.DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return Claims{}, fmt.Errorf("%w: signature is not %d bytes of base64url", ErrMalformed, sha256.Size)
	}
	if !hmac.Equal(got, mac(secret, body)) {
		return Claims{}, ErrBadSignature
	}
	// From here on the payload is one this package signed; the checks
	// below guard against a secret shared with a different token format.
	js, err := b64.DecodeString(body)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: payload is not base64url", ErrMalformed)
	}
	return decodePayload(js)
}

// decodePayload parses a signed payload into Claims.
func decodePayload(js []byte) (Claims, error) {
	var p payload
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Claims{}, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	if dec.More() {
		return Claims{}, fmt.Errorf("%w: payload: data after the JSON object", ErrMalformed)
	}
	if p.V != tokenVersion {
		return Claims{}, fmt.Errorf("%w: payload version %d, want %d", ErrMalformed, p.V, tokenVersion)
	}
	if !validPlayerID(p.ID) {
		return Claims{}, fmt.Errorf("%w: payload player id %q not valid", ErrMalformed, p.ID)
	}
	if _, err := CleanName(p.Name); err != nil {
		return Claims{}, fmt.Errorf("%w: payload %v", ErrMalformed, err)
	}
	return Claims{PlayerID: p.ID, Name: p.Name, Expires: time.Unix(p.Exp, 0).UTC()}, nil
}

// notTokenRune reports whether r cannot appear in a token.
func notTokenRune(r rune) bool {
	switch {
	case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '_', r == '.':
		return false
	}
	return true
}
