package sdk

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gobwas/httphead"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"
)

// UpgradeRequest is the client's upgrade request as Control.Authorize sees it.
type UpgradeRequest struct {
	URL        *url.URL // the request target: path and query
	Host       string
	Header     http.Header
	RemoteAddr net.Addr
}

// Rejection is an error that refuses an upgrade with an HTTP status. Return
// one from Control.Authorize through Reject.
type Rejection struct {
	Status int
	Reason string
}

func (r *Rejection) Error() string {
	return fmt.Sprintf("upgrade refused with HTTP %d: %s", r.Status, r.Reason)
}

// Reject returns an error that makes Control.Authorize refuse the upgrade
// with the given HTTP status (such as 401) and reason, sent as the body.
func Reject(status int, reason string) error { return &Rejection{Status: status, Reason: reason} }

// refusal turns an Authorize or origin error into a Rejection.
func refusal(err error) *Rejection {
	var r *Rejection
	if errors.As(err, &r) {
		return r
	}
	return &Rejection{Status: http.StatusForbidden, Reason: err.Error()}
}

// checkOrigin refuses browser requests from origins other than the host
// itself and the allowed patterns.
func checkOrigin(origin, host string, patterns []string) error {
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil {
		return Reject(http.StatusForbidden, "malformed Origin header")
	}
	if strings.EqualFold(u.Host, host) {
		return nil
	}
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(u.Host)); ok {
			return nil
		}
	}
	return Reject(http.StatusForbidden, fmt.Sprintf("origin %q not allowed", origin))
}

func protocolSelector(ctl *Control) func(string) bool {
	if len(ctl.SupportedProtocols) == 0 {
		return nil
	}
	return func(p string) bool { return slices.Contains(ctl.SupportedProtocols, p) }
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// upgradeHTTP is the server handshake from a net/http handler.
func upgradeHTTP(w http.ResponseWriter, r *http.Request, ctl *Control) (*handshake, error) {
	fail := func(status int, err error) error {
		return &Error{Op: "accept", URL: r.RemoteAddr, Status: WebErrorStatus(status), Err: err}
	}
	if !headerHasToken(r.Header, "Connection", "upgrade") || !headerHasToken(r.Header, "Upgrade", "websocket") {
		w.Header().Set("Connection", "Upgrade")
		w.Header().Set("Upgrade", "websocket")
		w.Header().Set("Sec-WebSocket-Version", "13")
		http.Error(w, "this endpoint speaks WebSocket: expected an upgrade request", http.StatusUpgradeRequired)
		return nil, fail(http.StatusUpgradeRequired, errors.New("request is not a WebSocket upgrade"))
	}
	err := checkOrigin(r.Header.Get("Origin"), r.Host, ctl.OriginPatterns)
	if err == nil && ctl.Authorize != nil {
		err = ctl.Authorize(&UpgradeRequest{URL: r.URL, Host: r.Host, Header: r.Header, RemoteAddr: addrOf(r.RemoteAddr)})
	}
	if err != nil {
		rej := refusal(err)
		http.Error(w, rej.Reason, rej.Status)
		return nil, fail(rej.Status, rej)
	}
	u := ws.HTTPUpgrader{Timeout: ctl.ConnectTimeout, Protocol: protocolSelector(ctl)}
	var ext *wsflate.Extension
	if ctl.Compression {
		ext = &wsflate.Extension{Parameters: wsflate.DefaultParameters}
		u.Negotiate = ext.Negotiate
	}
	nc, rw, res, err := u.Upgrade(r, w)
	if err != nil {
		if nc != nil {
			nc.Close()
		}
		st := http.StatusBadRequest
		var rej *ws.ConnectionRejectedError
		if errors.As(err, &rej) && rej.StatusCode() != 0 {
			st = rej.StatusCode()
		}
		return nil, fail(st, err)
	}
	hs := &handshake{nc: nc, protocol: res.Protocol}
	if ext != nil {
		_, hs.deflate = ext.Accepted()
	}
	hs.br = ownReader(nc, rw.Reader, ctl.ReadBufferSize)
	ctl.Logger.Debug("websocket accepted", "remote", r.RemoteAddr, "protocol", hs.protocol)
	return hs, nil
}

// maxHandshakeBytes bounds what either end reads of the other's handshake
// (request or response line and headers). gobwas/ws does not bound a header
// line, so without it a peer could make us buffer without end until the
// connect timeout.
const maxHandshakeBytes = 64 << 10

// errHandshakeTooLarge is the cause of a handshake over maxHandshakeBytes.
var errHandshakeTooLarge = fmt.Errorf("handshake larger than %d bytes", maxHandshakeBytes)

// handshakeConn bounds the bytes read during a handshake and counts those
// written, to tell whether the upgrader answered the request.
type handshakeConn struct {
	net.Conn
	read, written int
}

func (h *handshakeConn) Read(p []byte) (int, error) {
	if h.read >= maxHandshakeBytes {
		return 0, errHandshakeTooLarge
	}
	if rest := maxHandshakeBytes - h.read; len(p) > rest {
		p = p[:rest]
	}
	n, err := h.Conn.Read(p)
	h.read += n
	return n, err
}

func (h *handshakeConn) Write(p []byte) (int, error) {
	n, err := h.Conn.Write(p)
	h.written += n
	return n, err
}

func addrOf(s string) net.Addr {
	if ap, err := net.ResolveTCPAddr("tcp", s); err == nil {
		return ap
	}
	return nil
}

// upgradeConn is the server handshake on a raw connection, with gobwas/ws's
// zero-copy upgrader.
func upgradeConn(ctx context.Context, nc net.Conn, ctl *Control) (hs *handshake, err error) {
	peer := nc.RemoteAddr().String()
	// cancel must run after the error is classified below, or ctx.Err()
	// would always read Canceled.
	ctx, cancel := context.WithTimeout(ctx, ctl.ConnectTimeout)
	defer cancel()
	defer func() {
		if err != nil {
			nc.Close()
			var e *Error
			if !errors.As(err, &e) {
				if ctx.Err() != nil {
					err = ctx.Err()
				}
				err = &Error{Op: "accept", URL: peer, Status: classify(err), Err: err}
			}
		}
	}()
	d, _ := ctx.Deadline()
	_ = nc.SetDeadline(d)
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(aLongTimeAgo) })
	defer stop()

	conn := nc
	if ctl.ServerTLSConfig != nil {
		tc := tls.Server(nc, ctl.ServerTLSConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, err
		}
		conn = tc
	}

	var (
		origin, host []byte
		req          *UpgradeRequest
	)
	if ctl.Authorize != nil {
		req = &UpgradeRequest{Header: http.Header{}, RemoteAddr: nc.RemoteAddr()}
	}
	u := ws.Upgrader{
		OnRequest: func(uri []byte) error {
			if req != nil {
				var err error
				if req.URL, err = url.ParseRequestURI(string(uri)); err != nil {
					return ws.RejectConnectionError(ws.RejectionStatus(http.StatusBadRequest), ws.RejectionReason("bad request target"))
				}
			}
			return nil
		},
		OnHost: func(h []byte) error {
			host = append(host[:0], h...)
			return nil
		},
		OnHeader: func(k, v []byte) error {
			if bytes.EqualFold(k, []byte("Origin")) {
				origin = append(origin[:0], v...)
			}
			if req != nil {
				req.Header.Add(string(k), string(v))
			}
			return nil
		},
		OnBeforeUpgrade: func() (ws.HandshakeHeader, error) {
			err := checkOrigin(string(origin), string(host), ctl.OriginPatterns)
			if err == nil && req != nil {
				req.Host = string(host)
				err = ctl.Authorize(req)
			}
			if err != nil {
				rej := refusal(err)
				return nil, ws.RejectConnectionError(ws.RejectionStatus(rej.Status), ws.RejectionReason(rej.Reason))
			}
			return nil, nil
		},
	}
	if len(ctl.SupportedProtocols) > 0 {
		u.Protocol = func(p []byte) bool { return slices.Contains(ctl.SupportedProtocols, string(p)) }
	}
	var ext *wsflate.Extension
	if ctl.Compression {
		ext = &wsflate.Extension{Parameters: wsflate.DefaultParameters}
		u.Negotiate = func(o httphead.Option) (httphead.Option, error) { return ext.Negotiate(o) }
	}
	hc := &handshakeConn{Conn: conn}
	res, err := u.Upgrade(hc)
	if errors.Is(err, errHandshakeTooLarge) {
		err = ws.RejectConnectionError(ws.RejectionStatus(http.StatusRequestHeaderFieldsTooLarge),
			ws.RejectionReason(errHandshakeTooLarge.Error()))
	}
	if err != nil {
		var rej *ws.ConnectionRejectedError
		if errors.As(err, &rej) {
			st := rej.StatusCode()
			if st == 0 {
				st = http.StatusBadRequest
			}
			if hc.written == 0 {
				// gobwas/ws leaves a malformed request line unanswered;
				// RFC 6455 section 4.2.1 asks for an HTTP error.
				body := rej.Error()
				_, _ = fmt.Fprintf(conn, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
					st, http.StatusText(st), len(body), body)
			}
			return nil, &Error{Op: "accept", URL: peer, Status: WebErrorStatus(st), Err: err}
		}
		return nil, err
	}
	if !stop() {
		return nil, ctx.Err()
	}
	if err := nc.SetDeadline(time.Time{}); err != nil {
		return nil, err
	}
	hs = &handshake{nc: conn, protocol: res.Protocol}
	if ext != nil {
		_, hs.deflate = ext.Accepted()
	}
	hs.br = ownReader(conn, nil, ctl.ReadBufferSize)
	ctl.Logger.Debug("websocket accepted", "remote", peer, "protocol", hs.protocol)
	return hs, nil
}
