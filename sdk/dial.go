package sdk

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gobwas/httphead"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"
)

// handshake is what a finished handshake hands to newConn.
type handshake struct {
	nc       net.Conn
	br       *bufio.Reader
	protocol string
	deflate  bool
	tls      tlsState
}

// parseURL checks a WebSocket URL before any network I/O.
func parseURL(raw string) (*url.URL, error) {
	bad := func(why string) error { return fmt.Errorf("%w: %s", ErrInvalidURL, why) }
	if strings.Contains(raw, "#") {
		return nil, bad("URL has a fragment")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, bad(strings.TrimPrefix(err.Error(), "parse "))
	}
	switch strings.ToLower(u.Scheme) {
	case "ws", "wss":
		u.Scheme = strings.ToLower(u.Scheme)
	case "":
		return nil, bad("no scheme; use ws:// or wss://")
	default:
		return nil, bad(fmt.Sprintf("scheme %q is not ws or wss", u.Scheme))
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return nil, bad("no host")
	}
	if u.User != nil {
		return nil, bad("credentials in the URL; use Control.ServerCredential")
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return nil, bad(fmt.Sprintf("bad port %q", p))
		}
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// handshakeHeaders may not be set with SetRequestHeader.
var handshakeHeaders = map[string]bool{
	"Host": true, "Upgrade": true, "Connection": true, "Content-Length": true,
	"Sec-Websocket-Key": true, "Sec-Websocket-Version": true,
	"Sec-Websocket-Extensions": true, "Sec-Websocket-Protocol": true, "Sec-Websocket-Accept": true,
}

// dial resolves, connects and runs the client handshake, retrying once with
// basic authentication on a 401 when a credential is set.
func dial(ctx context.Context, raw string, ctl *Control, header http.Header) (*handshake, error) {
	fail := func(st WebErrorStatus, err error) error {
		return &Error{Op: "connect", URL: raw, Status: st, Err: err}
	}
	u, err := parseURL(raw)
	if err != nil {
		return nil, fail(StatusUnknown, err)
	}
	for name := range header {
		if handshakeHeaders[http.CanonicalHeaderKey(name)] {
			return nil, fail(StatusUnknown, fmt.Errorf("request header %q is set by the handshake", name))
		}
	}
	hs, err := dialAddrs(ctx, u, ctl, header)
	if GetStatus(err) == StatusUnauthorized && ctl.ServerCredential != nil {
		h := header.Clone()
		if h == nil {
			h = http.Header{}
		}
		cred := ctl.ServerCredential.UserName + ":" + ctl.ServerCredential.Password
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cred)))
		hs, err = dialAddrs(ctx, u, ctl, h)
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, fail(classify(err), err)
	}
	ctl.Logger.Debug("websocket connected", "url", raw, "remote", hs.nc.RemoteAddr(), "protocol", hs.protocol)
	return hs, nil
}

// dialAddrs tries the host's addresses in turn. A TCP connect that fails
// moves on to the next address; an answer from a server, good or bad, ends
// the search.
func dialAddrs(ctx context.Context, u *url.URL, ctl *Control, header http.Header) (*handshake, error) {
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "wss" {
			port = "443"
		}
	}
	var ips []net.IPAddr
	if ip := net.ParseIP(host); ip != nil {
		ips = []net.IPAddr{{IP: ip}}
	} else {
		rctx, cancel := context.WithTimeout(ctx, ctl.ConnectTimeout)
		var err error
		ips, err = net.DefaultResolver.LookupIPAddr(rctx, host)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
	}
	return connectAddrs(ctx, u, ips, port, ctl, header)
}

// connectAddrs tries up to MaxConnectAddresses of ips in turn, each within
// ConnectTimeout.
func connectAddrs(ctx context.Context, u *url.URL, ips []net.IPAddr, port string, ctl *Control, header http.Header) (*handshake, error) {
	if len(ips) > ctl.MaxConnectAddresses {
		ips = ips[:ctl.MaxConnectAddresses]
	}
	host := u.Hostname()
	var lastErr error
	for _, ip := range ips {
		actx, cancel := context.WithTimeout(ctx, ctl.ConnectTimeout)
		var d net.Dialer
		nc, err := d.DialContext(actx, "tcp", net.JoinHostPort(ip.String(), port))
		if err != nil {
			cancel()
			lastErr = err
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue
		}
		hs, err := clientHandshake(actx, nc, u, host, ctl, header)
		cancel()
		if err != nil {
			nc.Close()
			return nil, err
		}
		return hs, nil
	}
	return nil, lastErr
}

// clientHandshake runs TLS (for wss) and the upgrade on a connected nc,
// within ctx.
func clientHandshake(ctx context.Context, nc net.Conn, u *url.URL, host string, ctl *Control, header http.Header) (hs *handshake, err error) {
	if d, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(aLongTimeAgo) })
	defer func() {
		if !stop() && err == nil {
			err = ctx.Err()
		}
		if ctx.Err() != nil && err != nil {
			err = ctx.Err()
		}
	}()
	hs = &handshake{nc: nc}
	conn := nc
	if u.Scheme == "wss" {
		tc := tls.Client(nc, clientTLSConfig(host, ctl, &hs.tls))
		if err := tc.HandshakeContext(ctx); err != nil {
			var ce *certError
			if errors.As(err, &ce) {
				return nil, &Error{Op: "connect", URL: u.String(), Status: ce.status, Err: ce}
			}
			return nil, err
		}
		conn = tc
	}
	var refusal string
	d := ws.Dialer{Protocols: ctl.SupportedProtocols, OnStatusError: func(_ int, _ []byte, resp io.Reader) {
		refusal = readRefusal(conn, resp)
	}}
	if len(header) > 0 {
		d.Header = ws.HandshakeHeaderHTTP(header)
	}
	if ctl.Compression {
		d.Extensions = []httphead.Option{wsflate.DefaultParameters.Option()}
	}
	br, res, err := d.Upgrade(&handshakeConn{Conn: conn}, u)
	if err != nil {
		var se ws.StatusError
		switch {
		case errors.As(err, &se):
			msg := fmt.Sprintf("server answered the upgrade with HTTP %d", int(se))
			if refusal != "" {
				msg += ": " + refusal
			}
			return nil, &Error{Op: "connect", URL: u.String(), Status: WebErrorStatus(se), Err: errors.New(msg)}
		case isHandshakeError(err), errors.Is(err, errHandshakeTooLarge):
			return nil, &Error{Op: "connect", URL: u.String(), Status: StatusErrorHTTPInvalidServerResponse, Err: err}
		}
		return nil, err
	}
	if err := nc.SetDeadline(time.Time{}); err != nil {
		return nil, err
	}
	hs.protocol = res.Protocol
	for _, opt := range res.Extensions {
		var p wsflate.Parameters
		if string(opt.Name) == wsflate.ExtensionName && p.Parse(opt) == nil {
			hs.deflate = true
		}
	}
	hs.nc = conn
	hs.br = ownReader(conn, br, ctl.ReadBufferSize)
	return hs, nil
}

func isHandshakeError(err error) bool {
	for _, e := range []error{ws.ErrHandshakeBadStatus, ws.ErrHandshakeBadSubProtocol,
		ws.ErrHandshakeBadExtensions, ws.ErrHandshakeBadUpgrade, ws.ErrHandshakeBadConnection,
		ws.ErrHandshakeBadSecAccept, ws.ErrMalformedResponse} {
		if errors.Is(err, e) {
			return true
		}
	}
	var pe ws.ProtocolError
	return errors.As(err, &pe)
}

// ownReader returns the socket's read buffer over conn, keeping any bytes the
// handshake read past its end (br, which may be nil).
func ownReader(conn net.Conn, br *bufio.Reader, size int) *bufio.Reader {
	var src io.Reader = conn
	if br != nil {
		if n := br.Buffered(); n > 0 {
			pre := make([]byte, n)
			_, _ = io.ReadFull(br, pre)
			src = &prefixReader{pre: pre, r: conn}
		}
		ws.PutReader(br)
	}
	return bufio.NewReaderSize(src, size)
}

// prefixReader reads pre, then r.
type prefixReader struct {
	pre []byte
	r   io.Reader
}

func (p *prefixReader) Read(b []byte) (int, error) {
	if len(p.pre) > 0 {
		n := copy(b, p.pre)
		p.pre = p.pre[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// maxRefusal bounds the text of a refused upgrade kept for the error.
const maxRefusal = 200

// readRefusal returns the start of the body of a response that refused the
// upgrade (a server's "replay x not found", "token expired"), as one line
// of printable text, or "". It waits at most a second for it, and reads at
// most a few KiB, whatever the response claims.
func readRefusal(conn net.Conn, resp io.Reader) string {
	if d, ok := conn.(interface{ SetReadDeadline(time.Time) error }); ok {
		_ = d.SetReadDeadline(time.Now().Add(time.Second))
	}
	r, err := http.ReadResponse(bufio.NewReader(io.LimitReader(resp, 16<<10)), nil)
	if err != nil {
		return ""
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 2*maxRefusal))
	text := strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "")), " ")
	text = strings.Map(func(c rune) rune {
		if unicode.IsPrint(c) {
			return c
		}
		return -1
	}, text)
	if len(text) > maxRefusal {
		text = strings.ToValidUTF8(text[:maxRefusal], "") + "…"
	}
	return text
}
