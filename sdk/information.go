package sdk

import (
	"crypto/x509"
	"net"
	"sync/atomic"
	"time"
)

// Information describes a socket (UWP MessageWebSocketInformation and
// StreamWebSocketInformation). Socket.Information returns a snapshot; it may
// be called at any time from any goroutine.
type Information struct {
	LocalAddress  net.Addr // nil before connect
	RemoteAddress net.Addr // nil before connect
	// Protocol is the negotiated subprotocol, "" if none.
	Protocol string
	// Compression reports whether permessage-deflate was negotiated.
	Compression         bool
	BandwidthStatistics BandwidthStatistics

	// The following describe a wss:// server's certificate, on the client.
	ServerCertificate              *x509.Certificate
	ServerIntermediateCertificates []*x509.Certificate
	// ServerCertificateErrors lists every problem found with the server's
	// certificate, including the ones that were ignored.
	ServerCertificateErrors        []ChainValidationResult
	ServerCertificateErrorSeverity SocketSslErrorSeverity
}

// BandwidthStatistics counts the traffic of a socket. Byte counts are of
// message payloads as the application sent and received them (before
// compression, without frame headers); the rates are measured over the
// interval since the previous call to Information, when at least a second
// has passed, and otherwise repeat the last measurement.
type BandwidthStatistics struct {
	BytesSent             uint64
	BytesReceived         uint64
	MessagesSent          uint64
	MessagesReceived      uint64
	OutboundBitsPerSecond uint64
	InboundBitsPerSecond  uint64
}

// ChainValidationResult names a problem with a server certificate (UWP
// Windows.Security.Cryptography.Certificates.ChainValidationResult, same
// numbering).
type ChainValidationResult int

const (
	ChainTrusted                           ChainValidationResult = 0
	ChainUntrusted                         ChainValidationResult = 1
	ChainRevoked                           ChainValidationResult = 2
	ChainExpired                           ChainValidationResult = 3
	ChainIncompleteChain                   ChainValidationResult = 4
	ChainInvalidSignature                  ChainValidationResult = 5
	ChainWrongUsage                        ChainValidationResult = 6
	ChainInvalidName                       ChainValidationResult = 7
	ChainInvalidCertificateAuthorityPolicy ChainValidationResult = 8
	ChainBasicConstraintsError             ChainValidationResult = 9
	ChainUnknownCriticalExtension          ChainValidationResult = 10
	ChainRevocationInformationMissing      ChainValidationResult = 11
	ChainRevocationFailure                 ChainValidationResult = 12
	ChainOtherErrors                       ChainValidationResult = 13
)

var chainText = [...]string{
	"trusted", "untrusted", "revoked", "expired", "incomplete chain",
	"invalid signature", "wrong usage", "invalid name",
	"invalid certificate authority policy", "basic constraints error",
	"unknown critical extension", "revocation information missing",
	"revocation failure", "other errors",
}

func (r ChainValidationResult) String() string {
	if r >= 0 && int(r) < len(chainText) {
		return chainText[r]
	}
	return "unknown"
}

// SocketSslErrorSeverity grades the certificate problems of a connection
// (UWP SocketSslErrorSeverity).
type SocketSslErrorSeverity int

const (
	SeverityNone      SocketSslErrorSeverity = 0 // no problem
	SeverityIgnorable SocketSslErrorSeverity = 1 // only problems that were ignored
	SeverityFatal     SocketSslErrorSeverity = 2 // a problem that fails the connection unless ServerCustomValidation accepts it
)

func (s SocketSslErrorSeverity) String() string {
	switch s {
	case SeverityNone:
		return "none"
	case SeverityIgnorable:
		return "ignorable"
	}
	return "fatal"
}

// ServerValidationRequest is what Control.ServerCustomValidation sees.
type ServerValidationRequest struct {
	Host                    string
	ServerCertificate       *x509.Certificate
	ServerIntermediateCerts []*x509.Certificate
	Errors                  []ChainValidationResult // problems not ignored
	IgnoredErrors           []ChainValidationResult // problems ignored by Control
}

// stats holds a socket's counters; all fields are updated atomically.
type stats struct {
	bytesOut, bytesIn atomic.Uint64
	msgsOut, msgsIn   atomic.Uint64

	rateAt          atomic.Int64 // unix nanos of the last rate sample
	lastOut, lastIn atomic.Uint64
	rateOut, rateIn atomic.Uint64
}

func (s *stats) snapshot(now time.Time) BandwidthStatistics {
	b := BandwidthStatistics{
		BytesSent:        s.bytesOut.Load(),
		BytesReceived:    s.bytesIn.Load(),
		MessagesSent:     s.msgsOut.Load(),
		MessagesReceived: s.msgsIn.Load(),
	}
	at := s.rateAt.Load()
	if dt := now.UnixNano() - at; at != 0 && dt >= int64(time.Second) {
		if s.rateAt.CompareAndSwap(at, now.UnixNano()) {
			s.rateOut.Store((b.BytesSent - s.lastOut.Swap(b.BytesSent)) * 8 * uint64(time.Second) / uint64(dt))
			s.rateIn.Store((b.BytesReceived - s.lastIn.Swap(b.BytesReceived)) * 8 * uint64(time.Second) / uint64(dt))
		}
	}
	b.OutboundBitsPerSecond = s.rateOut.Load()
	b.InboundBitsPerSecond = s.rateIn.Load()
	return b
}

func (s *stats) start(now time.Time) { s.rateAt.Store(now.UnixNano()) }
