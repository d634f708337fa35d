package sdk

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"
)

// Error is the error returned by every operation of this package that touches
// the network. Its message reads like
//
//	connect wss://host:9443/ws: host name not resolved: lookup host: no such host
//
// Use GetStatus for its WebErrorStatus, CloseStatus for the close code, and
// errors.Is / errors.As for the cause (context.Canceled, *CloseError,
// *x509.CertificateInvalidError, ...).
type Error struct {
	Op     string         // "connect", "accept", "send", "receive" or "close"
	URL    string         // the URL dialed, or the peer's address on a server
	Status WebErrorStatus // what went wrong, in UWP's terms
	Err    error          // the cause; may be a *CloseError
}

func (e *Error) Error() string {
	s := e.Op
	if e.URL != "" {
		s += " " + e.URL
	}
	if e.Status != StatusUnknown || e.Err == nil {
		s += ": " + e.Status.String()
	}
	if e.Err != nil {
		if d := e.Err.Error(); d != e.Status.String() {
			s += ": " + d
		}
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's WebErrorStatus, so that
// errors.Is(err, sdk.StatusTimeout) works.
func (e *Error) Is(target error) bool {
	s, ok := target.(WebErrorStatus)
	return ok && s == e.Status
}

// CloseCode is a WebSocket close status code (RFC 6455, section 7.4).
type CloseCode uint16

// Close codes. The 1005, 1006 and 1015 codes are never sent on the wire; they
// report how a connection ended.
const (
	CloseNormal           CloseCode = 1000 // purpose fulfilled
	CloseGoingAway        CloseCode = 1001 // server shutting down or page left
	CloseProtocolError    CloseCode = 1002 // the peer broke the WebSocket protocol
	CloseUnsupportedData  CloseCode = 1003 // a text message on a binary-only socket, or the reverse
	CloseNoStatus         CloseCode = 1005 // a close frame without a code
	CloseAbnormal         CloseCode = 1006 // the connection dropped without a close frame
	CloseInvalidPayload   CloseCode = 1007 // a text message that is not UTF-8
	ClosePolicyViolation  CloseCode = 1008 // a generic policy refusal
	CloseMessageTooBig    CloseCode = 1009 // a message over MaxMessageSize
	CloseMandatoryExt     CloseCode = 1010 // the client needed an extension the server refused
	CloseInternalError    CloseCode = 1011 // the peer hit an unexpected condition
	CloseServiceRestart   CloseCode = 1012
	CloseTryAgainLater    CloseCode = 1013
	CloseTLSHandshakeFail CloseCode = 1015
)

// CloseError is the close code and reason a connection ended with. Remote
// tells whether the peer sent it (true) or this side did (false).
type CloseError struct {
	Code   CloseCode
	Reason string
	Remote bool
}

func (e *CloseError) Error() string {
	who := "local"
	if e.Remote {
		who = "peer"
	}
	s := who + " closed with " + strconv.Itoa(int(e.Code))
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	return s
}

// CloseStatus returns the close code carried by err, or -1 if err does not
// come from a closed connection.
func CloseStatus(err error) int {
	var ce *CloseError
	if errors.As(err, &ce) {
		return int(ce.Code)
	}
	return -1
}

// Errors for misuse of a socket. They come wrapped in an *Error.
var (
	// ErrClosed is the cause of a send or receive on a socket that has closed.
	ErrClosed = errors.New("socket closed")
	// ErrNotConnected is the cause of a send or receive before Connect or
	// Accept succeeded.
	ErrNotConnected = errors.New("socket not connected")
	// ErrAlreadyStarted is the cause of a second Connect or Accept on a socket.
	ErrAlreadyStarted = errors.New("socket already connected or connecting")
	// ErrHandlerRegistered is the cause of a Receive on a socket whose
	// messages go to a MessageReceived handler.
	ErrHandlerRegistered = errors.New("messages go to the MessageReceived handler")
	// ErrInvalidURL is the cause of a Connect to a URL that is not an absolute
	// ws:// or wss:// URL without a fragment.
	ErrInvalidURL = errors.New("invalid WebSocket URL")
)

// classify maps a low-level error to a WebErrorStatus.
func classify(err error) WebErrorStatus {
	var (
		dnsErr   *net.DNSError
		hostErr  x509.HostnameError
		invErr   x509.CertificateInvalidError
		authErr  x509.UnknownAuthorityError
		certErr  *tls.CertificateVerificationError
		recErr   tls.RecordHeaderError
		closeErr *CloseError
		status   WebErrorStatus
	)
	switch {
	case errors.As(err, &status):
		return status
	case errors.Is(err, context.Canceled):
		return StatusOperationCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return StatusTimeout
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return StatusTimeout
		}
		return StatusHostNameNotResolved
	case errors.As(err, &hostErr):
		return StatusCertificateCommonNameIsIncorrect
	case errors.As(err, &invErr):
		if invErr.Reason == x509.Expired {
			return StatusCertificateExpired
		}
		return StatusCertificateIsInvalid
	case errors.As(err, &authErr):
		return StatusCertificateIsInvalid
	case errors.As(err, &certErr):
		return StatusCertificateContainsErrors
	case errors.As(err, &recErr):
		return StatusErrorHTTPInvalidServerResponse
	case errors.As(err, &closeErr):
		return closeCodeStatus(closeErr)
	case errors.Is(err, syscall.ECONNREFUSED):
		return StatusCannotConnect
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return StatusServerUnreachable
	case errors.Is(err, syscall.ECONNRESET):
		return StatusConnectionReset
	case errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return StatusConnectionAborted
	case errors.Is(err, ErrClosed):
		return StatusDisconnected
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return StatusTimeout
	}
	return StatusUnknown
}

// closeCodeStatus is the status of a connection that ended with a close frame.
func closeCodeStatus(ce *CloseError) WebErrorStatus {
	switch ce.Code {
	case CloseProtocolError, CloseUnsupportedData, CloseInvalidPayload:
		return StatusErrorHTTPInvalidServerResponse
	case CloseMessageTooBig:
		return StatusRequestEntityTooLarge
	case CloseAbnormal:
		return StatusConnectionAborted
	}
	return StatusDisconnected
}

func httpStatusText(code int) string { return http.StatusText(code) }
