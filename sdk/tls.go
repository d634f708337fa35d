package sdk

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"time"
)

// tlsState is what the client learned about a wss:// server's certificate.
type tlsState struct {
	cert     *x509.Certificate
	inter    []*x509.Certificate
	errs     []ChainValidationResult
	severity SocketSslErrorSeverity
}

func (t *tlsState) fill(info *Information) {
	info.ServerCertificate = t.cert
	info.ServerIntermediateCertificates = t.inter
	info.ServerCertificateErrors = t.errs
	info.ServerCertificateErrorSeverity = t.severity
}

// certError fails a handshake over a certificate problem.
type certError struct {
	result ChainValidationResult
	status WebErrorStatus
	err    error
}

func (e *certError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("server certificate %v: %v", e.result, e.err)
	}
	return fmt.Sprintf("server certificate %v", e.result)
}

func (e *certError) Unwrap() error { return e.err }

// ignorable are the problems UWP lets an application ignore.
var ignorable = []ChainValidationResult{ChainUntrusted, ChainExpired, ChainInvalidName, ChainIncompleteChain, ChainWrongUsage}

// clientTLSConfig verifies the server itself, so that each problem is
// reported, can be ignored, and can be judged by ServerCustomValidation.
func clientTLSConfig(host string, ctl *Control, st *tlsState) *tls.Config {
	cfg := &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: true, // verification is done by VerifyConnection below
		NextProtos:         []string{"http/1.1"},
		MinVersion:         tls.VersionTLS12,
	}
	if ctl.ClientCertificate != nil {
		cfg.Certificates = []tls.Certificate{*ctl.ClientCertificate}
	}
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		return verifyServer(cs, host, ctl, st, time.Now())
	}
	return cfg
}

func verifyServer(cs tls.ConnectionState, host string, ctl *Control, st *tlsState, now time.Time) error {
	if len(cs.PeerCertificates) == 0 {
		return &certError{result: ChainOtherErrors, status: StatusCertificateContainsErrors, err: errors.New("no certificate")}
	}
	st.cert, st.inter = cs.PeerCertificates[0], cs.PeerCertificates[1:]
	problems, detail := chainProblems(st.cert, st.inter, host, ctl.RootCAs, now)
	st.errs = problems
	var fatal, ignored []ChainValidationResult
	for _, p := range problems {
		if slices.Contains(ctl.IgnorableServerCertificateErrors, p) && slices.Contains(ignorable, p) {
			ignored = append(ignored, p)
		} else {
			fatal = append(fatal, p)
		}
	}
	switch {
	case len(problems) == 0:
		st.severity = SeverityNone
	case len(fatal) == 0:
		st.severity = SeverityIgnorable
	default:
		st.severity = SeverityFatal
	}
	if v := ctl.ServerCustomValidation; v != nil {
		err := v(ServerValidationRequest{
			Host:                    host,
			ServerCertificate:       st.cert,
			ServerIntermediateCerts: st.inter,
			Errors:                  fatal,
			IgnoredErrors:           ignored,
		})
		if err != nil {
			return &certError{result: ChainOtherErrors, status: StatusCertificateContainsErrors,
				err: fmt.Errorf("rejected by custom validation: %w", err)}
		}
		return nil
	}
	if len(fatal) > 0 {
		return &certError{result: fatal[0], status: chainStatus(fatal[0]), err: detail[fatal[0]]}
	}
	return nil
}

// chainProblems checks name, validity period and chain separately, so that a
// certificate that is both expired and untrusted reports both.
func chainProblems(leaf *x509.Certificate, inter []*x509.Certificate, host string, roots *x509.CertPool, now time.Time) ([]ChainValidationResult, map[ChainValidationResult]error) {
	var out []ChainValidationResult
	detail := map[ChainValidationResult]error{}
	add := func(r ChainValidationResult, err error) {
		if !slices.Contains(out, r) {
			out = append(out, r)
			detail[r] = err
		}
	}
	if err := leaf.VerifyHostname(host); err != nil {
		add(ChainInvalidName, err)
	}
	for _, c := range append([]*x509.Certificate{leaf}, inter...) {
		if now.Before(c.NotBefore) || now.After(c.NotAfter) {
			add(ChainExpired, fmt.Errorf("%q valid from %s to %s", c.Subject.CommonName,
				c.NotBefore.Format(time.RFC3339), c.NotAfter.Format(time.RFC3339)))
		}
	}
	pool := x509.NewCertPool()
	for _, c := range inter {
		pool.AddCert(c)
	}
	// Check the chain at a time when the leaf is valid, since expiry is
	// reported above.
	at := now
	if at.Before(leaf.NotBefore) || at.After(leaf.NotAfter) {
		at = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: pool, CurrentTime: at})
	if err != nil {
		add(chainResult(err), err)
	}
	return out, detail
}

func chainResult(err error) ChainValidationResult {
	var (
		ua  x509.UnknownAuthorityError
		inv x509.CertificateInvalidError
		cx  x509.UnhandledCriticalExtension
		ia  x509.InsecureAlgorithmError
	)
	switch {
	case errors.As(err, &ua):
		return ChainUntrusted
	case errors.As(err, &inv):
		switch inv.Reason {
		case x509.Expired:
			return ChainExpired
		case x509.NotAuthorizedToSign:
			return ChainBasicConstraintsError
		case x509.CANotAuthorizedForThisName, x509.CANotAuthorizedForExtKeyUsage:
			return ChainInvalidCertificateAuthorityPolicy
		case x509.IncompatibleUsage:
			return ChainWrongUsage
		case x509.NameMismatch, x509.NameConstraintsWithoutSANs:
			return ChainInvalidName
		}
	case errors.As(err, &cx):
		return ChainUnknownCriticalExtension
	case errors.As(err, &ia), errors.Is(err, x509.ErrUnsupportedAlgorithm):
		return ChainInvalidSignature
	}
	return ChainOtherErrors
}

// chainStatus maps a certificate problem to the WebErrorStatus UWP reports.
func chainStatus(r ChainValidationResult) WebErrorStatus {
	switch r {
	case ChainInvalidName:
		return StatusCertificateCommonNameIsIncorrect
	case ChainExpired:
		return StatusCertificateExpired
	case ChainRevoked:
		return StatusCertificateRevoked
	case ChainUntrusted, ChainIncompleteChain, ChainInvalidSignature:
		return StatusCertificateIsInvalid
	}
	return StatusCertificateContainsErrors
}
