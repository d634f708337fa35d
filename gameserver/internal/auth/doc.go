// Package auth is the demo game's guest login: a player picks a name and
// gets a signed token, which the session layer verifies at the WebSocket
// upgrade. There are no accounts and no store: everything the server needs
// to know about a player (id, name, expiry) travels in the token, so any
// process holding the secret can verify it.
//
// # Token format
//
// A token is two base64url parts (RFC 4648 §5, no padding) joined by a dot:
//
//	base64url(payload) "." base64url(HMAC-SHA256(secret, base64url(payload)))
//
// The payload is a JSON object:
//
//	{"v":1,"id":"g-0a1b2c3d4e5f","name":"Alice","exp":1767225600}
//
// v is the format version (1), id the player id ("g-" and 12 characters of
// lowercase base32hex), name the cleaned display name (see [CleanName]) and
// exp the expiry in Unix seconds. The MAC covers the encoded payload, so a
// token is checked byte for byte before any of it is decoded as JSON.
// Tokens are at most [MaxTokenLen] bytes; a longer one is refused unread.
//
// Tokens are bearer credentials, readable by whoever holds them: they are
// signed, not encrypted, and carry nothing secret.
package auth
