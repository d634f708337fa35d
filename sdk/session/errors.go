package session

import (
	"errors"
	"fmt"
	"strings"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk"
)

// Class is one of the three ways a session delivers a message.
type Class uint8

const (
	// ClassState is latest-wins: a newer State replaces an unsent older one.
	ClassState Class = iota
	// ClassReliable is ordered, acknowledged, replayed after a reconnect and
	// delivered exactly once.
	ClassReliable
	// ClassRequest is a request or its response.
	ClassRequest
	numClasses
	noClass Class = 255 // a control message counted in no class
)

func (c Class) String() string {
	switch c {
	case ClassState:
		return "state"
	case ClassReliable:
		return "reliable"
	case ClassRequest:
		return "request"
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

// Close codes a session ends a connection with, besides the WebSocket ones
// (1001 when the server shuts down, 1009 for an envelope over the maximum
// size). Each close also carries a reason that says what was wrong. A
// client reconnects after 1001, 1006, 1011-1014 and CloseTooSlow; after any
// other code it stops, since trying again would fail the same way.
const (
	// CloseBadEnvelope: an envelope that does not decode, has envelope
	// fields this protocol version does not know, is not allowed in that
	// direction or at that point, or has a sequence number out of order.
	CloseBadEnvelope sdk.CloseCode = 4400
	// CloseUnauthorized: the session's player is no longer allowed.
	CloseUnauthorized sdk.CloseCode = 4401
	// CloseKicked: the game removed the player (Session.Close).
	CloseKicked sdk.CloseCode = 4403
	// CloseTooSlow: the peer fell too far behind: it did not acknowledge
	// what it was sent within Limits.MaxLag, or its unacknowledged reliable
	// messages outgrew the window.
	CloseTooSlow sdk.CloseCode = 4408
	// CloseReplaced: a newer connection took over the session or the
	// player (one session per player).
	CloseReplaced sdk.CloseCode = 4409
	// CloseProtocolVersion: the peers do not speak a common protocol version.
	CloseProtocolVersion sdk.CloseCode = 4426
	// CloseRateLimited: the peer sent reliable messages or pings faster than
	// Limits allow.
	CloseRateLimited sdk.CloseCode = 4429
)

// ErrorCode is the type of an Error, as sent on the wire.
type ErrorCode = gamesockv1.ErrorCode

// Error codes, from the wire protocol.
const (
	CodeInvalidArgument    = gamesockv1.ErrorCode_ERROR_CODE_INVALID_ARGUMENT
	CodeNotFound           = gamesockv1.ErrorCode_ERROR_CODE_NOT_FOUND
	CodeDeadlineExceeded   = gamesockv1.ErrorCode_ERROR_CODE_DEADLINE_EXCEEDED
	CodePermissionDenied   = gamesockv1.ErrorCode_ERROR_CODE_PERMISSION_DENIED
	CodeUnauthenticated    = gamesockv1.ErrorCode_ERROR_CODE_UNAUTHENTICATED
	CodeResourceExhausted  = gamesockv1.ErrorCode_ERROR_CODE_RESOURCE_EXHAUSTED
	CodeUnimplemented      = gamesockv1.ErrorCode_ERROR_CODE_UNIMPLEMENTED
	CodeUnavailable        = gamesockv1.ErrorCode_ERROR_CODE_UNAVAILABLE
	CodeInternal           = gamesockv1.ErrorCode_ERROR_CODE_INTERNAL
	CodeCanceled           = gamesockv1.ErrorCode_ERROR_CODE_CANCELED
	CodeBadEnvelope        = gamesockv1.ErrorCode_ERROR_CODE_BAD_ENVELOPE
	CodeProtocolVersion    = gamesockv1.ErrorCode_ERROR_CODE_PROTOCOL_VERSION
	CodeResumeRejected     = gamesockv1.ErrorCode_ERROR_CODE_RESUME_REJECTED
	CodeSessionExpired     = gamesockv1.ErrorCode_ERROR_CODE_SESSION_EXPIRED
	CodeFailedPrecondition = gamesockv1.ErrorCode_ERROR_CODE_FAILED_PRECONDITION
)

// Error is an error the peer reported: a failed request, a Resume that could
// not resume, or the reason given before a close. A request handler returns
// one (see Errorf) to send a typed error; any other error reaches the
// caller as CodeInternal with its message. It matches errors.Is against
// another *Error with the same Code, so errors.Is(err, &session.Error{Code:
// session.CodeNotFound}) works.
type Error struct {
	Code       ErrorCode
	Message    string
	RetryAfter uint32 // milliseconds after which trying again may succeed; 0: unknown
}

// Errorf returns an *Error with code and a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	name := codeName(e.Code)
	if e.Message == "" {
		return name
	}
	return name + ": " + e.Message
}

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// codeName turns ERROR_CODE_NOT_FOUND into "not found".
func codeName(c ErrorCode) string {
	if n, ok := gamesockv1.ErrorCode_name[int32(c)]; ok && c != 0 {
		return strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(n, "ERROR_CODE_"), "_", " "))
	}
	return fmt.Sprintf("error code %d", int32(c))
}

// errorProto turns err into its wire form. The message is the game's text,
// which protobuf strings require to be UTF-8: anything else is replaced.
func errorProto(err error) *gamesockv1.Error {
	var e *Error
	if errors.As(err, &e) {
		return &gamesockv1.Error{Code: e.Code, Message: validUTF8(e.Message), RetryAfterMs: e.RetryAfter}
	}
	return &gamesockv1.Error{Code: CodeInternal, Message: validUTF8(err.Error())}
}

func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func errorFrom(p *gamesockv1.Error) *Error {
	return &Error{Code: p.GetCode(), Message: p.GetMessage(), RetryAfter: p.GetRetryAfterMs()}
}

// Errors a session returns.
var (
	// ErrClosed: the session ended (Close, or a close it does not come back
	// from). Errors that wrap it say why.
	ErrClosed = errors.New("session closed")
	// ErrBehind: the peer has left too many reliable messages
	// unacknowledged. A server cuts it (CloseTooSlow); a client's Send
	// refuses the message, and may be tried again once the server caught up.
	ErrBehind = errors.New("peer too far behind")
	// ErrNotConnected: the client is reconnecting; requests fail fast with it
	// rather than wait.
	ErrNotConnected = errors.New("session not connected")
	// ErrTooLarge: a message over the peer's maximum size.
	ErrTooLarge = errors.New("message over the maximum size")
)

// violation is a broken rule of the protocol by the peer: the connection is
// closed with code and the text as its reason.
type violation struct {
	code sdk.CloseCode
	text string
}

func (v *violation) Error() string { return fmt.Sprintf("%s (close %d)", v.text, v.code) }

func violationf(code sdk.CloseCode, format string, args ...any) *violation {
	return &violation{code: code, text: fmt.Sprintf(format, args...)}
}
