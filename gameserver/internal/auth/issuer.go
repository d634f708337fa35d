package auth

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// MinSecretLen is the shortest secret NewIssuer accepts: the size of the
// HMAC-SHA256 output, below which the key is the weak point.
const MinSecretLen = 32

// DefaultTTL is how long a token lasts when NewIssuer is given no ttl.
const DefaultTTL = 24 * time.Hour

// playerIDPrefix marks guest player ids, leaving room for other kinds.
const playerIDPrefix = "g-"

// playerIDChars is the alphabet of the random part of a player id
// (lowercase base32hex); 32 letters so that a random byte maps to one
// without bias.
const playerIDChars = "0123456789abcdefghijklmnopqrstuv"

// playerIDRandLen is the number of random characters in a player id:
// 60 bits, so collisions among guests are not a concern.
const playerIDRandLen = 12

// Claims are what a token says about its holder.
type Claims struct {
	PlayerID string    // "g-" and 12 random characters
	Name     string    // the display name, cleaned by CleanName
	Expires  time.Time // whole seconds, UTC
}

// Issuer issues and verifies guest tokens with one secret. It is safe for
// concurrent use; its settings are fixed when it is made.
type Issuer struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

// NewIssuer returns an Issuer that signs with secret (at least MinSecretLen
// bytes; it is copied) and issues tokens valid for ttl (DefaultTTL if zero
// or less). now is the clock, time.Now if nil; tests pass a fake one.
func NewIssuer(secret []byte, ttl time.Duration, now func() time.Time) (*Issuer, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("auth: secret is %d bytes, at least %d required", len(secret), MinSecretLen)
	}
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Issuer{secret: append([]byte(nil), secret...), ttl: ttl, now: now}, nil
}

// NewSecret returns MinSecretLen random bytes, for a server started without
// a configured secret. Tokens signed with it die with the process.
func NewSecret() ([]byte, error) {
	b := make([]byte, MinSecretLen)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("auth: generate secret: %w", err)
	}
	return b, nil
}

// Issue makes a token for a new guest called name, which it cleans with
// CleanName; an unacceptable name gives an error matching ErrInvalidName.
// Each call makes a new player id.
func (i *Issuer) Issue(name string) (token string, c Claims, err error) {
	name, err = CleanName(name)
	if err != nil {
		return "", Claims{}, err
	}
	id, err := newPlayerID()
	if err != nil {
		return "", Claims{}, err
	}
	c = Claims{PlayerID: id, Name: name, Expires: time.Unix(i.now().Add(i.ttl).Unix(), 0).UTC()}
	token, err = seal(i.secret, c)
	if err != nil {
		return "", Claims{}, err
	}
	return token, c, nil
}

// Verify checks a token's signature (in constant time) and expiry and
// returns its claims. Its errors match ErrMalformed, ErrBadSignature or
// ErrExpired.
func (i *Issuer) Verify(token string) (Claims, error) {
	c, err := open(i.secret, token)
	if err != nil {
		return Claims{}, err
	}
	if now := i.now(); !now.Before(c.Expires) {
		return Claims{}, fmt.Errorf("%w at %s", ErrExpired, c.Expires.Format(time.RFC3339))
	}
	return c, nil
}

// Authenticate verifies the token a client presents at the WebSocket
// upgrade and returns its player id. It has the shape of
// session.ServerOptions.Authenticate. Its errors refuse the upgrade with
// HTTP 401 and Verify's reason (errors.As finds an *sdk.Rejection, and
// errors.Is still matches Verify's error), so a client knows to log in again
// rather than retry.
func (i *Issuer) Authenticate(token string, _ *sdk.UpgradeRequest) (string, error) {
	c, err := i.Verify(token)
	if err != nil {
		return "", &authError{rej: sdk.Reject(http.StatusUnauthorized, err.Error()), err: err}
	}
	return c.PlayerID, nil
}

// authError is both the upgrade's rejection and the reason for it.
type authError struct {
	rej error // an *sdk.Rejection
	err error // from Verify
}

func (e *authError) Error() string   { return e.rej.Error() }
func (e *authError) Unwrap() []error { return []error{e.rej, e.err} }

// newPlayerID returns a fresh random guest player id.
func newPlayerID() (string, error) {
	var b [playerIDRandLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("auth: generate player id: %w", err)
	}
	for k, v := range b {
		b[k] = playerIDChars[v%byte(len(playerIDChars))]
	}
	return playerIDPrefix + string(b[:]), nil
}

// validPlayerID reports whether id has the shape newPlayerID gives.
func validPlayerID(id string) bool {
	rest, ok := strings.CutPrefix(id, playerIDPrefix)
	if !ok || len(rest) != playerIDRandLen {
		return false
	}
	for k := range len(rest) {
		if strings.IndexByte(playerIDChars, rest[k]) < 0 {
			return false
		}
	}
	return true
}
