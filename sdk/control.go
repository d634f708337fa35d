package sdk

import (
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"time"
)

// MessageType is the type of a WebSocket message (UWP SocketMessageType).
type MessageType uint8

const (
	// Binary messages carry arbitrary bytes. It is the default, as in UWP.
	Binary MessageType = iota
	// UTF8 messages carry text; the receiver checks that it is valid UTF-8
	// and closes with 1007 if it is not.
	UTF8
)

func (t MessageType) String() string {
	if t == UTF8 {
		return "utf8"
	}
	return "binary"
}

// ReceiveMode says how a MessageWebSocket hands received data to the
// application (UWP MessageWebSocketReceiveMode).
type ReceiveMode uint8

const (
	// FullMessage delivers whole messages, reassembled from their frames.
	FullMessage ReceiveMode = iota
	// PartialMessage delivers data as it arrives: each delivery carries a
	// piece of a message and IsMessageComplete is set on its last piece.
	PartialMessage
)

// Credential is a user name and password for HTTP basic authentication
// (UWP PasswordCredential).
type Credential struct {
	UserName string
	Password string
}

// Defaults applied to a zero Control field at Connect or Accept.
const (
	DefaultConnectTimeout      = 60 * time.Second // per address, as in UWP
	DefaultMaxConnectAddresses = 5                // addresses tried in turn, as in UWP
	DefaultSendTimeout         = 30 * time.Second
	DefaultReceiveTimeout      = 30 * time.Second
	DefaultCloseTimeout        = 5 * time.Second
	DefaultMaxMessageSize      = 16 << 20 // 16 MiB
	DefaultOutboundBufferSize  = 64 << 10 // 64 KiB
	DefaultReadBufferSize      = 4 << 10  // 4 KiB
)

// Control holds a socket's settings (UWP MessageWebSocketControl and
// StreamWebSocketControl). Set it on the socket before Connect or Accept, which
// copy it; later changes have no effect, except MessageType through
// MessageWebSocket.SetMessageType. The zero value of every field selects the
// default given in its comment. Fields marked "client" or "server" apply only
// to that end.
type Control struct {
	// MessageType is the type of the messages Send writes on a
	// MessageWebSocket. Default Binary. StreamWebSocket always sends Binary.
	MessageType MessageType

	// ReceiveMode selects whole messages (default) or partial delivery on a
	// MessageWebSocket. StreamWebSocket always streams.
	ReceiveMode ReceiveMode

	// MaxMessageSize bounds a received message, counted across all its
	// fragments (after decompression). A larger message closes the socket
	// with 1009. Default 16 MiB; UWP's default is unbounded, which no server
	// facing the Internet can afford. A StreamWebSocket, which never holds a
	// whole message, applies it only to compressed messages, which it must
	// inflate whole.
	MaxMessageSize int

	// SupportedProtocols lists the subprotocols this end speaks, in order of
	// preference. A client offers them; a server picks the first protocol the
	// client offered that is in this list. Information().Protocol is the
	// result.
	SupportedProtocols []string

	// ServerCredential (client) answers an HTTP 401 to the upgrade: the
	// handshake is retried once with basic authentication.
	ServerCredential *Credential

	// ClientCertificate (client) is presented when a wss:// server asks for
	// one.
	ClientCertificate *tls.Certificate

	// RootCAs (client) are the roots a wss:// server certificate must chain
	// to. Default: the system roots.
	RootCAs *x509.CertPool

	// IgnorableServerCertificateErrors (client) lists certificate problems
	// that do not fail the connection, such as Untrusted for a self-signed
	// development server. As in UWP, only Untrusted, Expired, InvalidName,
	// IncompleteChain and WrongUsage may be ignored; others always fail.
	IgnorableServerCertificateErrors []ChainValidationResult

	// ServerCustomValidation (client), if set, is called during a wss://
	// handshake after the built-in checks, with the certificate and the
	// problems found (minus the ignored ones, which it sees too in
	// IgnoredErrors). Returning an error rejects the server
	// (StatusCertificateContainsErrors); returning nil accepts it even if
	// there are remaining errors. It is UWP's ServerCustomValidationRequested.
	ServerCustomValidation func(req ServerValidationRequest) error

	// ServerTLSConfig (server) is used by AcceptConn to serve wss:// on a
	// plain net.Listener. Accept from net/http uses the http.Server's TLS.
	ServerTLSConfig *tls.Config

	// Authorize (server), if set, is called with the upgrade request before
	// the handshake completes. An error refuses the upgrade with HTTP 403, or
	// with the status given by Reject. Use it for tokens and origins.
	Authorize func(req *UpgradeRequest) error

	// OriginPatterns (server) lists the browser origins (host patterns in
	// path.Match syntax, such as "*.example.com") allowed besides the
	// request's own host. A browser request from any other origin is refused
	// with 403. Requests without an Origin header (non-browser clients) are
	// always allowed.
	OriginPatterns []string

	// ConnectTimeout bounds, for each address tried, the TCP connect, the TLS
	// handshake and the WebSocket upgrade. Default 60 s.
	ConnectTimeout time.Duration

	// MaxConnectAddresses is how many of the host's resolved addresses are
	// tried in turn before Connect gives up. Default 5.
	MaxConnectAddresses int

	// SendTimeout bounds each send: a message not fully written to the
	// network within it fails with StatusTimeout and closes the socket, since
	// a half-written frame cannot be taken back. Default 30 s.
	SendTimeout time.Duration

	// ReceiveTimeout bounds the arrival of each message once it has started:
	// from the first byte of its first frame's header to the last byte of
	// its payload, control frames in between included (a control frame
	// between messages gets the same bound). An idle connection between
	// messages never times out on it (use PingInterval for that). Expiry
	// ends the socket with StatusTimeout. Default 30 s.
	ReceiveTimeout time.Duration

	// CloseTimeout bounds how long Close waits for the peer's close frame
	// before dropping the connection. Default 5 s.
	CloseTimeout time.Duration

	// PingInterval, if positive, sends a ping whenever nothing was sent for
	// that long, and fails the socket with StatusTimeout if nothing at all is
	// received for twice that long. Default 0: off.
	PingInterval time.Duration

	// UnsolicitedPongInterval, if positive, sends an unsolicited pong (a
	// one-way heartbeat, UWP's DesiredUnsolicitedPongInterval) whenever
	// nothing was sent for that long. Default 0: off.
	UnsolicitedPongInterval time.Duration

	// Nagle enables Nagle's algorithm on the TCP connection. Default false,
	// which is UWP's NoDelay = true: small game messages leave at once.
	Nagle bool

	// OutboundBufferSize is the size of the buffer a send assembles frames
	// in (UWP OutboundBufferSizeInBytes). A message that does not fit is
	// written in several writes of this size. Buffers are pooled, not held
	// per socket. Default 64 KiB.
	OutboundBufferSize int

	// ReadBufferSize is the size of the socket's read buffer, held for its
	// lifetime. Frames larger than it are read straight into the message.
	// Default 4 KiB.
	ReadBufferSize int

	// Compression negotiates permessage-deflate (RFC 7692, no context
	// takeover). Default false: game messages are small and already dense,
	// and compression costs CPU and memory per message. When negotiated,
	// Send compresses whole messages; SendFrame and StreamWebSocket writes
	// are sent uncompressed, which the extension allows.
	Compression bool

	// Logger receives debug records about the socket's life (handshakes,
	// protocol violations, closes). Default: none.
	Logger *slog.Logger
}

// withDefaults returns a copy of c with zero fields set to their defaults.
func (c Control) withDefaults() Control {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.ConnectTimeout, DefaultConnectTimeout)
	def(&c.SendTimeout, DefaultSendTimeout)
	def(&c.ReceiveTimeout, DefaultReceiveTimeout)
	def(&c.CloseTimeout, DefaultCloseTimeout)
	defInt(&c.MaxConnectAddresses, DefaultMaxConnectAddresses)
	defInt(&c.MaxMessageSize, DefaultMaxMessageSize)
	defInt(&c.OutboundBufferSize, DefaultOutboundBufferSize)
	defInt(&c.ReadBufferSize, DefaultReadBufferSize)
	if c.OutboundBufferSize < 256 {
		c.OutboundBufferSize = 256
	}
	if c.ReadBufferSize < 256 {
		c.ReadBufferSize = 256
	}
	c.SupportedProtocols = append([]string(nil), c.SupportedProtocols...)
	c.IgnorableServerCertificateErrors = append([]ChainValidationResult(nil), c.IgnorableServerCertificateErrors...)
	c.OriginPatterns = append([]string(nil), c.OriginPatterns...)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
