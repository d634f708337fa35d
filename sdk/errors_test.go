package sdk

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want WebErrorStatus
	}{
		{"canceled", context.Canceled, StatusOperationCanceled},
		{"deadline", context.DeadlineExceeded, StatusTimeout},
		{"io deadline", &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}, StatusTimeout},
		{"dns", &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, StatusHostNameNotResolved},
		{"dns timeout", &net.DNSError{Err: "timeout", Name: "x", IsTimeout: true}, StatusTimeout},
		{"refused", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, StatusCannotConnect},
		{"unreachable", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}, StatusServerUnreachable},
		{"reset", &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, StatusConnectionReset},
		{"eof", io.EOF, StatusConnectionAborted},
		{"pipe", os.NewSyscallError("write", syscall.EPIPE), StatusConnectionAborted},
		{"hostname", x509.HostnameError{Host: "x"}, StatusCertificateCommonNameIsIncorrect},
		{"expired", x509.CertificateInvalidError{Reason: x509.Expired}, StatusCertificateExpired},
		{"unknown authority", x509.UnknownAuthorityError{}, StatusCertificateIsInvalid},
		{"closed", ErrClosed, StatusDisconnected},
		{"close 1009", &CloseError{Code: CloseMessageTooBig}, StatusRequestEntityTooLarge},
		{"close 1002", &CloseError{Code: CloseProtocolError}, StatusErrorHTTPInvalidServerResponse},
		{"close 1000", &CloseError{Code: CloseNormal}, StatusDisconnected},
		{"status itself", fmt.Errorf("wrapped: %w", StatusForbidden), StatusForbidden},
		{"other", errors.New("something"), StatusUnknown},
	}
	for _, tt := range tests {
		if got := classify(tt.err); got != tt.want {
			t.Errorf("%s: classify(%v) = %v (%d); want %v (%d)", tt.name, tt.err, got, int(got), tt.want, int(tt.want))
		}
	}
}

func TestErrorReads(t *testing.T) {
	dns := &net.DNSError{Err: "no such host", Name: "host", IsNotFound: true}
	e := &Error{Op: "connect", URL: "wss://host:9443/ws", Status: StatusHostNameNotResolved, Err: dns}
	want := "connect wss://host:9443/ws: host name not resolved: lookup host: no such host"
	if e.Error() != want {
		t.Errorf("Error() = %q; want %q", e.Error(), want)
	}
	wrapped := fmt.Errorf("joining: %w", e)
	if GetStatus(wrapped) != StatusHostNameNotResolved || !errors.Is(wrapped, StatusHostNameNotResolved) {
		t.Errorf("status lost through wrapping: %v", GetStatus(wrapped))
	}
	var de *net.DNSError
	if !errors.As(wrapped, &de) {
		t.Error("errors.As cannot reach the cause")
	}
	if errors.Is(wrapped, StatusTimeout) {
		t.Error("errors.Is matched the wrong status")
	}
	ce := &Error{Op: "receive", Status: StatusDisconnected, Err: &CloseError{Code: 4001, Reason: "bye", Remote: true}}
	if CloseStatus(ce) != 4001 || CloseStatus(errors.New("x")) != -1 {
		t.Errorf("CloseStatus = %d, %d", CloseStatus(ce), CloseStatus(errors.New("x")))
	}
	if got := ce.Error(); got != "receive: disconnected: peer closed with 4001 (bye)" {
		t.Errorf("close error reads %q", got)
	}
	if GetStatus(nil) != StatusUnknown {
		t.Error("GetStatus(nil) is not StatusUnknown")
	}
}

func TestStatusNumbering(t *testing.T) {
	// UWP's numbering, which applications may have stored or logged.
	tests := map[WebErrorStatus]int{
		StatusUnknown: 0, StatusCertificateCommonNameIsIncorrect: 1, StatusTimeout: 7,
		StatusConnectionAborted: 9, StatusConnectionReset: 10, StatusDisconnected: 11,
		StatusCannotConnect: 14, StatusHostNameNotResolved: 15, StatusOperationCanceled: 16,
		StatusMissingContentLengthSupport: 23, StatusMultipleChoices: 300, StatusUnauthorized: 401,
		StatusHTTPVersionNotSupported: 505,
	}
	for s, n := range tests {
		if int(s) != n {
			t.Errorf("%v = %d; want %d", s, int(s), n)
		}
	}
	if got := StatusNotFound.String(); got != "HTTP 404 Not Found" {
		t.Errorf("StatusNotFound.String() = %q", got)
	}
}
