package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/internal/testcert"
	"go.uber.org/goleak"
)

// TestMain checks that a shut-down server leaves no goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestServeEchoesAndShutsDown runs the server in each of its modes, echoes a
// text and a binary message, checks that unknown paths get 404, then cancels
// the server's context: the client must see 1001 and serve must return nil.
func TestServeEchoesAndShutsDown(t *testing.T) {
	certFile, keyFile, roots := writeTestCert(t)
	for _, tc := range []struct {
		name string
		raw  bool
		tls  bool
	}{
		{"http", false, false},
		{"https", false, true},
		{"raw", true, false},
		{"raw-tls", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := options{addr: "127.0.0.1:0", path: "/ws", raw: tc.raw}
			scheme := "ws://"
			if tc.tls {
				opt.certFile, opt.keyFile, scheme = certFile, keyFile, "wss://"
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			addr, stop := startServer(t, opt)

			ws := sdk.NewMessageWebSocket()
			ws.Control.RootCAs = roots
			if err := ws.Connect(ctx, scheme+addr+"/ws"); err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			for _, m := range []sdk.Message{
				{Type: sdk.UTF8, Data: []byte("Hello, gamesock ✓")},
				{Type: sdk.Binary, Data: []byte{0, 1, 2, 0xff, 0xfe}},
				{Type: sdk.Binary, Data: make([]byte, 200<<10)},
			} {
				ws.SetMessageType(m.Type)
				if err := ws.Send(ctx, m.Data); err != nil {
					t.Fatal(err)
				}
				got, err := ws.Receive(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if got.Type != m.Type || string(got.Data) != string(m.Data) {
					t.Fatalf("echo: got %s message of %d bytes, want %s of %d", got.Type, len(got.Data), m.Type, len(m.Data))
				}
			}

			other := sdk.NewMessageWebSocket()
			other.Control.RootCAs = roots
			err := other.Connect(ctx, scheme+addr+"/elsewhere")
			if st := sdk.GetStatus(err); st != sdk.StatusNotFound {
				t.Errorf("connect to an unknown path: %v (status %d), want status 404", err, st)
			}

			if err := stop(); err != nil {
				t.Errorf("serve returned %v", err)
			}
			_, err = ws.Receive(ctx)
			if code := sdk.CloseStatus(err); code != int(sdk.CloseGoingAway) {
				t.Errorf("after shutdown Receive returned %v (close code %d), want code 1001", err, code)
			}
		})
	}
}

// TestServeTestPage checks that a browser asking for "/" gets the page that
// talks to the WebSocket path.
func TestServeTestPage(t *testing.T) {
	addr, stop := startServer(t, options{addr: "127.0.0.1:0", path: "/echo"})
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve returned %v", err)
		}
	}()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	resp, err := client.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %s, Content-Type %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"new WebSocket(", `"/echo"`, "<input"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
}

// TestServeRefusesBadOptions checks the errors serve returns before it
// listens.
func TestServeRefusesBadOptions(t *testing.T) {
	for _, opt := range []options{
		{addr: "127.0.0.1:0", path: "ws"},
		{addr: "127.0.0.1:0", path: "/ws", certFile: "cert.pem"},
		{addr: "127.0.0.1:0", path: "/ws", certFile: "missing.pem", keyFile: "missing.pem"},
		{addr: "127.0.0.1:-1", path: "/ws"},
	} {
		called := false
		err := serve(context.Background(), opt, slog.New(slog.DiscardHandler), func(net.Addr) { called = true })
		if err == nil || called {
			t.Errorf("serve(%+v) = %v, listening %v; want an error before listening", opt, err, called)
		}
	}
}

// startServer runs serve on its own goroutine and returns the bound address
// and a stop function that cancels the server and returns serve's result.
func startServer(t *testing.T, opt options) (addr string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- serve(ctx, opt, slog.New(slog.DiscardHandler), func(a net.Addr) { addrc <- a.String() })
	}()
	select {
	case addr = <-addrc:
	case err := <-errc:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("server did not start listening")
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-errc:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("server did not shut down")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	return addr, stop
}

// writeTestCert writes a self-signed certificate for 127.0.0.1 and its key
// to files, and returns them with a pool that trusts the certificate.
func writeTestCert(t *testing.T) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	cert, roots := testcert.SelfSigned(t)
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, roots
}
