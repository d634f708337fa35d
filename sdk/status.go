package sdk

import (
	"errors"
	"fmt"
)

// WebErrorStatus classifies a failure the way UWP's Windows.Web.WebErrorStatus
// does, with the same numbering: 0 to 23 for transport and certificate
// problems, and the HTTP status code itself (300 to 505) when a handshake was
// answered with one. GetStatus extracts it from any error the package returns.
//
// A WebErrorStatus is also an error, so errors.Is(err, sdk.StatusTimeout)
// tests an error's status.
type WebErrorStatus int

// The statuses, as numbered by UWP.
const (
	StatusUnknown                          WebErrorStatus = 0
	StatusCertificateCommonNameIsIncorrect WebErrorStatus = 1
	StatusCertificateExpired               WebErrorStatus = 2
	StatusCertificateContainsErrors        WebErrorStatus = 3
	StatusCertificateRevoked               WebErrorStatus = 4
	StatusCertificateIsInvalid             WebErrorStatus = 5
	StatusServerUnreachable                WebErrorStatus = 6
	StatusTimeout                          WebErrorStatus = 7
	StatusErrorHTTPInvalidServerResponse   WebErrorStatus = 8
	StatusConnectionAborted                WebErrorStatus = 9
	StatusConnectionReset                  WebErrorStatus = 10
	StatusDisconnected                     WebErrorStatus = 11
	StatusHTTPToHTTPSOnRedirection         WebErrorStatus = 12
	StatusHTTPSToHTTPOnRedirection         WebErrorStatus = 13
	StatusCannotConnect                    WebErrorStatus = 14
	StatusHostNameNotResolved              WebErrorStatus = 15
	StatusOperationCanceled                WebErrorStatus = 16
	StatusRedirectFailed                   WebErrorStatus = 17
	StatusUnexpectedStatusCode             WebErrorStatus = 18
	StatusUnexpectedRedirection            WebErrorStatus = 19
	StatusUnexpectedClientError            WebErrorStatus = 20
	StatusUnexpectedServerError            WebErrorStatus = 21
	StatusInsufficientRangeSupport         WebErrorStatus = 22
	StatusMissingContentLengthSupport      WebErrorStatus = 23

	StatusMultipleChoices              WebErrorStatus = 300
	StatusMovedPermanently             WebErrorStatus = 301
	StatusFound                        WebErrorStatus = 302
	StatusSeeOther                     WebErrorStatus = 303
	StatusNotModified                  WebErrorStatus = 304
	StatusUseProxy                     WebErrorStatus = 305
	StatusTemporaryRedirect            WebErrorStatus = 307
	StatusPermanentRedirect            WebErrorStatus = 308
	StatusBadRequest                   WebErrorStatus = 400
	StatusUnauthorized                 WebErrorStatus = 401
	StatusPaymentRequired              WebErrorStatus = 402
	StatusForbidden                    WebErrorStatus = 403
	StatusNotFound                     WebErrorStatus = 404
	StatusMethodNotAllowed             WebErrorStatus = 405
	StatusNotAcceptable                WebErrorStatus = 406
	StatusProxyAuthenticationRequired  WebErrorStatus = 407
	StatusRequestTimeout               WebErrorStatus = 408
	StatusConflict                     WebErrorStatus = 409
	StatusGone                         WebErrorStatus = 410
	StatusLengthRequired               WebErrorStatus = 411
	StatusPreconditionFailed           WebErrorStatus = 412
	StatusRequestEntityTooLarge        WebErrorStatus = 413
	StatusRequestURITooLong            WebErrorStatus = 414
	StatusUnsupportedMediaType         WebErrorStatus = 415
	StatusRequestedRangeNotSatisfiable WebErrorStatus = 416
	StatusExpectationFailed            WebErrorStatus = 417
	StatusInternalServerError          WebErrorStatus = 500
	StatusNotImplemented               WebErrorStatus = 501
	StatusBadGateway                   WebErrorStatus = 502
	StatusServiceUnavailable           WebErrorStatus = 503
	StatusGatewayTimeout               WebErrorStatus = 504
	StatusHTTPVersionNotSupported      WebErrorStatus = 505
)

var statusText = map[WebErrorStatus]string{
	StatusUnknown:                          "unknown error",
	StatusCertificateCommonNameIsIncorrect: "certificate name does not match the host",
	StatusCertificateExpired:               "certificate expired",
	StatusCertificateContainsErrors:        "certificate contains errors",
	StatusCertificateRevoked:               "certificate revoked",
	StatusCertificateIsInvalid:             "certificate is invalid",
	StatusServerUnreachable:                "server unreachable",
	StatusTimeout:                          "timed out",
	StatusErrorHTTPInvalidServerResponse:   "invalid response from the peer",
	StatusConnectionAborted:                "connection aborted",
	StatusConnectionReset:                  "connection reset",
	StatusDisconnected:                     "disconnected",
	StatusHTTPToHTTPSOnRedirection:         "redirected from http to https",
	StatusHTTPSToHTTPOnRedirection:         "redirected from https to http",
	StatusCannotConnect:                    "cannot connect",
	StatusHostNameNotResolved:              "host name not resolved",
	StatusOperationCanceled:                "operation canceled",
	StatusRedirectFailed:                   "redirect failed",
	StatusUnexpectedStatusCode:             "unexpected status code",
	StatusUnexpectedRedirection:            "unexpected redirection",
	StatusUnexpectedClientError:            "unexpected client error",
	StatusUnexpectedServerError:            "unexpected server error",
	StatusInsufficientRangeSupport:         "insufficient range support",
	StatusMissingContentLengthSupport:      "missing content length support",
}

// String returns a short lower-case description, such as "host name not
// resolved", or "HTTP 404 Not Found" for an HTTP status.
func (s WebErrorStatus) String() string {
	if t, ok := statusText[s]; ok {
		return t
	}
	if s >= 100 && s <= 599 {
		return fmt.Sprintf("HTTP %d %s", int(s), httpStatusText(int(s)))
	}
	return fmt.Sprintf("status %d", int(s))
}

// Error makes a WebErrorStatus usable as an errors.Is target.
func (s WebErrorStatus) Error() string { return s.String() }

// GetStatus returns the WebErrorStatus of an error returned by this package,
// StatusOperationCanceled for context.Canceled, StatusTimeout for
// context.DeadlineExceeded, and StatusUnknown for anything else (including nil).
func GetStatus(err error) WebErrorStatus {
	if err == nil {
		return StatusUnknown
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	var s WebErrorStatus
	if errors.As(err, &s) {
		return s
	}
	return classify(err)
}
