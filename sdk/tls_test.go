package sdk_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// tlsPKI is a test certificate authority and the certificates it issued.
type tlsPKI struct {
	roots *x509.CertPool // holds the CA only

	leaf       tls.Certificate // for 127.0.0.1, ::1 and localhost, valid now
	expired    tls.Certificate // same names, expired yesterday
	wrongName  tls.Certificate // valid now, for game.example.com only
	selfSigned tls.Certificate // same names as leaf, signed by itself
	client     tls.Certificate // a client certificate issued by the CA
	stranger   tls.Certificate // a self-signed client certificate
}

func newTLSPKI(t *testing.T) *tlsPKI {
	t.Helper()
	now := time.Now()
	loopback := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	serverTemplate := func(cn string, from, to time.Time) *x509.Certificate {
		return &x509.Certificate{
			Subject:     pkix.Name{CommonName: cn},
			NotBefore:   from,
			NotAfter:    to,
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			DNSNames:    []string{"localhost"},
			IPAddresses: loopback,
		}
	}
	clientTemplate := func(cn string) *x509.Certificate {
		return &x509.Certificate{
			Subject:     pkix.Name{CommonName: cn},
			NotBefore:   now.Add(-time.Hour),
			NotAfter:    now.Add(24 * time.Hour),
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
	}

	// The CA is valid well around every leaf, so that an expired leaf is
	// only expired, not also issued outside its CA's validity.
	caKey := tlsKey(t)
	caTemplate := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "gamesock test CA"},
		NotBefore:             now.Add(-7 * 24 * time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	ca := tlsIssue(t, caTemplate, nil, caKey)
	p := &tlsPKI{roots: x509.NewCertPool()}
	p.roots.AddCert(ca.Leaf)

	p.leaf = tlsIssue(t, serverTemplate("game server", now.Add(-time.Hour), now.Add(24*time.Hour)), &ca, nil)
	p.expired = tlsIssue(t, serverTemplate("expired game server", now.Add(-48*time.Hour), now.Add(-24*time.Hour)), &ca, nil)
	wrong := serverTemplate("game.example.com", now.Add(-time.Hour), now.Add(24*time.Hour))
	wrong.DNSNames, wrong.IPAddresses = []string{"game.example.com"}, nil
	p.wrongName = tlsIssue(t, wrong, &ca, nil)
	p.selfSigned = tlsIssue(t, serverTemplate("self-signed game server", now.Add(-time.Hour), now.Add(24*time.Hour)), nil, nil)
	p.client = tlsIssue(t, clientTemplate("player one"), &ca, nil)
	p.stranger = tlsIssue(t, clientTemplate("stranger"), nil, nil)
	return p
}

func tlsKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// tlsIssue signs tmpl with parent, or makes it self-signed if parent is nil.
// key is the certificate's key; nil generates one.
func tlsIssue(t *testing.T, tmpl *x509.Certificate, parent *tls.Certificate, key *ecdsa.PrivateKey) tls.Certificate {
	t.Helper()
	if key == nil {
		key = tlsKey(t)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = serial
	parentCert, parentKey := tmpl, any(key)
	if parent != nil {
		parentCert, parentKey = parent.Leaf, parent.PrivateKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// tlsServeHTTPS serves wss:// with Accept under an httptest TLS server. If
// admit is set, it answers each request first and may refuse it.
func tlsServeHTTPS(t *testing.T, cfg *tls.Config, admit func(w http.ResponseWriter, r *http.Request) bool, newSocket func() interopServerSocket) string {
	t.Helper()
	var (
		socks    interopSockets
		handlers sync.WaitGroup
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		if admit != nil && !admit(w, r) {
			return
		}
		ws := newSocket()
		socks.add(ws)
		if err := ws.Accept(w, r); err != nil {
			t.Logf("accept: %v", err)
		}
	}))
	srv.TLS = cfg
	// Failed TLS handshakes are what several tests are about: not news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(func() {
		srv.Close()
		handlers.Wait()
		socks.closeAll()
	})
	return srv.Listener.Addr().String()
}

// tlsServerEntry starts an sdk echo server for wss:// with cfg and returns
// its port.
type tlsServerEntry struct {
	name  string
	start func(t *testing.T, cfg *tls.Config) string
}

var tlsServerEntries = []tlsServerEntry{
	{"Accept", func(t *testing.T, cfg *tls.Config) string {
		newSocket, _ := interopEchoPeers(t, sdk.Control{})
		return tlsPort(t, tlsServeHTTPS(t, cfg, nil, newSocket))
	}},
	{"AcceptConn", func(t *testing.T, cfg *tls.Config) string {
		newSocket, _ := interopEchoPeers(t, sdk.Control{ServerTLSConfig: cfg})
		return tlsPort(t, interopServeListener(t, newSocket))
	}},
}

func tlsPort(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// tlsEchoOnce checks that a connected client's messages come back.
func tlsEchoOnce(t *testing.T, c *sdk.MessageWebSocket) {
	t.Helper()
	msg := []byte("over TLS")
	if err := c.Send(interopContext(t), msg); err != nil {
		t.Fatalf("send: %v", err)
	}
	if _, got := interopReceive(t, c); !bytes.Equal(got, msg) {
		t.Fatalf("echo = %q, want %q", got, msg)
	}
}

// tlsCheckConnectError checks that err is a readable connect failure with
// the given status.
func tlsCheckConnectError(t *testing.T, err error, url string, want sdk.WebErrorStatus) {
	t.Helper()
	var e *sdk.Error
	if !errors.As(err, &e) || e.Op != "connect" {
		t.Fatalf("connect error = %#v, want an *sdk.Error with Op connect", err)
	}
	if want != sdk.StatusUnknown && sdk.GetStatus(err) != want {
		t.Errorf("GetStatus(%v) = %v (%d), want %v (%d)", err, sdk.GetStatus(err), int(sdk.GetStatus(err)), want, int(want))
	}
	msg := err.Error()
	t.Logf("connect failed as expected: %s", msg)
	if !strings.Contains(msg, url) || (want != sdk.StatusUnknown && !strings.Contains(msg, want.String())) {
		t.Errorf("error message %q should name the URL %s and say %q", msg, url, want)
	}
}

func sortedResults(r []sdk.ChainValidationResult) []sdk.ChainValidationResult {
	r = slices.Clone(r)
	slices.Sort(r)
	return r
}

// severityNotChecked marks a case whose severity the package leaves open: a
// certificate with problems that ServerCustomValidation accepted.
const severityNotChecked sdk.SocketSslErrorSeverity = -1

func TestTLSServerCertificateValidation(t *testing.T) {
	p := newTLSPKI(t)
	errPinMismatch := errors.New("certificate does not match the pinned key")
	pin := func(cert tls.Certificate) func(sdk.ServerValidationRequest) error {
		want := sha256.Sum256(cert.Leaf.Raw)
		return func(req sdk.ServerValidationRequest) error {
			if sha256.Sum256(req.ServerCertificate.Raw) != want {
				return errPinMismatch
			}
			return nil
		}
	}
	rejectAll := func(sdk.ServerValidationRequest) error { return fmt.Errorf("pinning policy: %w", errPinMismatch) }
	type ignore = []sdk.ChainValidationResult
	cases := []struct {
		name   string
		served tls.Certificate
		host   string
		ctl    sdk.Control
		// On success (StatusUnknown): the problems reported and their grade.
		want     sdk.WebErrorStatus
		problems []sdk.ChainValidationResult
		severity sdk.SocketSslErrorSeverity
	}{
		{name: "trusted by RootCAs", served: p.leaf, host: "127.0.0.1",
			ctl: sdk.Control{RootCAs: p.roots}, severity: sdk.SeverityNone},
		{name: "trusted, by host name", served: p.leaf, host: "localhost",
			ctl: sdk.Control{RootCAs: p.roots}, severity: sdk.SeverityNone},
		{name: "untrusted CA", served: p.leaf, host: "127.0.0.1",
			ctl: sdk.Control{RootCAs: x509.NewCertPool()}, want: sdk.StatusCertificateIsInvalid},
		{name: "self-signed", served: p.selfSigned, host: "127.0.0.1",
			ctl: sdk.Control{RootCAs: p.roots}, want: sdk.StatusCertificateIsInvalid},
		{name: "self-signed, untrusted ignored", served: p.selfSigned, host: "127.0.0.1",
			ctl:      sdk.Control{RootCAs: p.roots, IgnorableServerCertificateErrors: ignore{sdk.ChainUntrusted}},
			problems: ignore{sdk.ChainUntrusted}, severity: sdk.SeverityIgnorable},
		{name: "expired", served: p.expired, host: "127.0.0.1",
			ctl: sdk.Control{RootCAs: p.roots}, want: sdk.StatusCertificateExpired},
		{name: "expired, expiry ignored", served: p.expired, host: "127.0.0.1",
			ctl:      sdk.Control{RootCAs: p.roots, IgnorableServerCertificateErrors: ignore{sdk.ChainExpired}},
			problems: ignore{sdk.ChainExpired}, severity: sdk.SeverityIgnorable},
		{name: "expired and untrusted, both ignored", served: p.expired, host: "127.0.0.1",
			ctl:      sdk.Control{IgnorableServerCertificateErrors: ignore{sdk.ChainExpired, sdk.ChainUntrusted}, RootCAs: x509.NewCertPool()},
			problems: ignore{sdk.ChainUntrusted, sdk.ChainExpired}, severity: sdk.SeverityIgnorable},
		{name: "expired and untrusted, only expiry ignored", served: p.expired, host: "127.0.0.1",
			ctl:  sdk.Control{IgnorableServerCertificateErrors: ignore{sdk.ChainExpired}, RootCAs: x509.NewCertPool()},
			want: sdk.StatusCertificateIsInvalid},
		{name: "wrong name", served: p.wrongName, host: "127.0.0.1",
			ctl: sdk.Control{RootCAs: p.roots}, want: sdk.StatusCertificateCommonNameIsIncorrect},
		{name: "wrong name, by host name", served: p.wrongName, host: "localhost",
			ctl: sdk.Control{RootCAs: p.roots}, want: sdk.StatusCertificateCommonNameIsIncorrect},
		{name: "wrong name ignored", served: p.wrongName, host: "localhost",
			ctl:      sdk.Control{RootCAs: p.roots, IgnorableServerCertificateErrors: ignore{sdk.ChainInvalidName}},
			problems: ignore{sdk.ChainInvalidName}, severity: sdk.SeverityIgnorable},
		{name: "custom validation pins an untrusted certificate", served: p.selfSigned, host: "127.0.0.1",
			ctl:      sdk.Control{RootCAs: p.roots, ServerCustomValidation: pin(p.selfSigned)},
			problems: ignore{sdk.ChainUntrusted}, severity: severityNotChecked},
		{name: "custom validation rejects another certificate", served: p.leaf, host: "127.0.0.1",
			ctl: sdk.Control{ServerCustomValidation: pin(p.selfSigned)}, want: sdk.StatusCertificateContainsErrors},
		{name: "custom validation rejects a trusted certificate", served: p.leaf, host: "127.0.0.1",
			ctl: sdk.Control{RootCAs: p.roots, ServerCustomValidation: rejectAll}, want: sdk.StatusCertificateContainsErrors},
	}
	for _, entry := range tlsServerEntries {
		t.Run(entry.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					port := entry.start(t, &tls.Config{Certificates: []tls.Certificate{tc.served}})
					url := "wss://" + net.JoinHostPort(tc.host, port) + "/ws"
					c := sdk.NewMessageWebSocket()
					c.Control = tc.ctl
					err := c.Connect(interopContext(t), url)
					t.Cleanup(func() { c.Close() })
					if tc.want != sdk.StatusUnknown {
						if err == nil {
							t.Fatalf("connect succeeded, want %v", tc.want)
						}
						tlsCheckConnectError(t, err, url, tc.want)
						if tc.ctl.ServerCustomValidation != nil && !errors.Is(err, errPinMismatch) {
							t.Errorf("error %v does not wrap the custom validation's error", err)
						}
						return
					}
					if err != nil {
						t.Fatalf("connect: %v", err)
					}
					tlsEchoOnce(t, c)
					info := c.Information()
					if info.ServerCertificate == nil || !bytes.Equal(info.ServerCertificate.Raw, tc.served.Leaf.Raw) {
						t.Errorf("Information().ServerCertificate is not the certificate served")
					}
					if got := sortedResults(info.ServerCertificateErrors); !slices.Equal(got, sortedResults(tc.problems)) {
						t.Errorf("ServerCertificateErrors = %v, want %v", got, tc.problems)
					}
					if tc.severity != severityNotChecked && info.ServerCertificateErrorSeverity != tc.severity {
						t.Errorf("ServerCertificateErrorSeverity = %v, want %v", info.ServerCertificateErrorSeverity, tc.severity)
					}
				})
			}
		})
	}
}

func TestTLSCustomValidationSeesProblems(t *testing.T) {
	p := newTLSPKI(t)
	for _, entry := range tlsServerEntries {
		t.Run(entry.name, func(t *testing.T) {
			port := entry.start(t, &tls.Config{Certificates: []tls.Certificate{p.expired}})
			seen := make(chan sdk.ServerValidationRequest, 1)
			c := sdk.NewMessageWebSocket()
			c.Control.RootCAs = x509.NewCertPool()
			c.Control.IgnorableServerCertificateErrors = []sdk.ChainValidationResult{sdk.ChainExpired}
			c.Control.ServerCustomValidation = func(req sdk.ServerValidationRequest) error {
				seen <- req
				return nil
			}
			if err := c.Connect(interopContext(t), "wss://127.0.0.1:"+port+"/ws"); err != nil {
				t.Fatalf("connect: %v", err)
			}
			t.Cleanup(func() { c.Close() })
			tlsEchoOnce(t, c)
			req := <-seen
			if req.Host != "127.0.0.1" || !bytes.Equal(req.ServerCertificate.Raw, p.expired.Leaf.Raw) {
				t.Errorf("request for host %q with certificate %q, want 127.0.0.1 and the served one", req.Host, req.ServerCertificate.Subject.CommonName)
			}
			if !slices.Equal(req.Errors, []sdk.ChainValidationResult{sdk.ChainUntrusted}) {
				t.Errorf("Errors = %v, want [untrusted]", req.Errors)
			}
			if !slices.Equal(req.IgnoredErrors, []sdk.ChainValidationResult{sdk.ChainExpired}) {
				t.Errorf("IgnoredErrors = %v, want [expired]", req.IgnoredErrors)
			}
		})
	}
}

func TestTLSClientCertificate(t *testing.T) {
	p := newTLSPKI(t)
	cases := []struct {
		name string
		cert *tls.Certificate
		ok   bool
	}{
		{"issued by the server's CA", &p.client, true},
		{"none", nil, false},
		{"self-signed", &p.stranger, false},
	}
	for _, entry := range tlsServerEntries {
		t.Run(entry.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					port := entry.start(t, &tls.Config{
						Certificates: []tls.Certificate{p.leaf},
						ClientAuth:   tls.RequireAndVerifyClientCert,
						ClientCAs:    p.roots,
					})
					url := "wss://127.0.0.1:" + port + "/ws"
					c := sdk.NewMessageWebSocket()
					c.Control.RootCAs = p.roots
					c.Control.ClientCertificate = tc.cert
					err := c.Connect(interopContext(t), url)
					t.Cleanup(func() { c.Close() })
					if !tc.ok {
						if err == nil {
							t.Fatal("connect succeeded without an acceptable client certificate")
						}
						tlsCheckConnectError(t, err, url, sdk.StatusUnknown)
						return
					}
					if err != nil {
						t.Fatalf("connect: %v", err)
					}
					tlsEchoOnce(t, c)
				})
			}
		})
	}
}

func TestTLSServerCredential(t *testing.T) {
	p := newTLSPKI(t)
	const user, password = "player1", "correct horse"
	cases := []struct {
		name     string
		cred     *sdk.Credential
		attempts int32
		want     sdk.WebErrorStatus // StatusUnknown: connects
	}{
		{"right credential, after a 401", &sdk.Credential{UserName: user, Password: password}, 2, sdk.StatusUnknown},
		{"no credential", nil, 1, sdk.StatusUnauthorized},
		{"wrong password", &sdk.Credential{UserName: user, Password: "wrong"}, 2, sdk.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var attempts atomic.Int32
			admit := func(w http.ResponseWriter, r *http.Request) bool {
				attempts.Add(1)
				if u, pw, ok := r.BasicAuth(); ok && u == user && pw == password {
					return true
				}
				w.Header().Set("WWW-Authenticate", `Basic realm="gamesock"`)
				http.Error(w, "who goes there?", http.StatusUnauthorized)
				return false
			}
			newSocket, _ := interopEchoPeers(t, sdk.Control{})
			port := tlsPort(t, tlsServeHTTPS(t, &tls.Config{Certificates: []tls.Certificate{p.leaf}}, admit, newSocket))
			url := "wss://127.0.0.1:" + port + "/ws"
			c := sdk.NewMessageWebSocket()
			c.Control.RootCAs = p.roots
			c.Control.ServerCredential = tc.cred
			err := c.Connect(interopContext(t), url)
			t.Cleanup(func() { c.Close() })
			if got := attempts.Load(); got != tc.attempts {
				t.Errorf("server saw %d upgrade requests, want %d", got, tc.attempts)
			}
			if tc.want != sdk.StatusUnknown {
				if err == nil {
					t.Fatalf("connect succeeded, want %v", tc.want)
				}
				tlsCheckConnectError(t, err, url, tc.want)
				return
			}
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			tlsEchoOnce(t, c)
		})
	}
}
