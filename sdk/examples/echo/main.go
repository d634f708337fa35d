// Command echo is a WebSocket echo server built on gamesock's sdk: every text
// and binary message comes back as it came. It is a peer for trying clients
// and a model of a server's life cycle: a socket per connection, logging of
// connects and closes, and a graceful shutdown that closes every open socket
// with 1001 on SIGINT or SIGTERM.
//
//	go run ./sdk/examples/echo -addr 127.0.0.1:9001
//
// then open http://127.0.0.1:9001/ in a browser for a test page, or point a
// client at ws://127.0.0.1:9001/ws. With -tls-cert and -tls-key it serves
// https and wss; with -raw it takes connections straight from a net.Listener
// with AcceptConn instead of net/http, and serves no page.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run reads the flags and serves until SIGINT or SIGTERM.
func run() error {
	var opt options
	flag.StringVar(&opt.addr, "addr", "127.0.0.1:9001", "address to listen on")
	flag.StringVar(&opt.path, "path", "/ws", "path of the WebSocket endpoint")
	flag.StringVar(&opt.certFile, "tls-cert", "", "certificate file (PEM) to serve wss://; needs -tls-key")
	flag.StringVar(&opt.keyFile, "tls-key", "", "private key file (PEM) of -tls-cert")
	flag.BoolVar(&opt.raw, "raw", false, "accept on a net.Listener with AcceptConn instead of net/http (no test page)")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flag.Args())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	return serve(ctx, opt, log, func(addr net.Addr) {
		log.Info("echo server listening", "addr", addr.String(), "path", opt.path, "tls", opt.certFile != "", "raw", opt.raw)
	})
}

// options are the server's settings.
type options struct {
	addr     string
	path     string
	certFile string
	keyFile  string
	raw      bool
}

// handshakeTimeout bounds an upgrade, so that a client that connects and
// says nothing does not hold a goroutine for long.
const handshakeTimeout = 10 * time.Second

// serve runs the echo server until ctx is canceled, then shuts it down: it
// stops listening, closes every open socket with 1001 and returns once they
// have all ended. ready, if not nil, is called with the bound address once
// the server listens.
func serve(ctx context.Context, opt options, log *slog.Logger, ready func(net.Addr)) error {
	if opt.path == "" || opt.path[0] != '/' {
		return fmt.Errorf("path %q does not start with /", opt.path)
	}
	tlsConfig, err := loadTLS(opt.certFile, opt.keyFile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opt.addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr())
	}
	socks := &sockets{log: log, open: map[*sdk.MessageWebSocket]struct{}{}}
	if opt.raw {
		err = serveRaw(ctx, ln, opt.path, tlsConfig, socks)
	} else {
		err = serveHTTP(ctx, ln, opt.path, tlsConfig, socks)
	}
	log.Info("echo server shutting down", "open_sockets", socks.count())
	socks.closeAll()
	return err
}

func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("-tls-cert and -tls-key go together")
	}
	if certFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	// HTTP/1.1 only: a WebSocket upgrade needs a connection it can take over.
	return &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}}, nil
}

// serveHTTP serves the WebSocket on path and the test page on "/" with
// net/http until ctx is canceled.
func serveHTTP(ctx context.Context, ln net.Listener, path string, tlsConfig *tls.Config, socks *sockets) error {
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		ws := socks.add(r.RemoteAddr)
		if ws == nil {
			http.Error(w, "server shutting down", http.StatusServiceUnavailable)
			return
		}
		socks.accepted(ws, r.RemoteAddr, ws.Accept(w, r))
	})
	if path != "/" {
		mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = testPage.Execute(w, path)
		})
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: handshakeTimeout, TLSConfig: tlsConfig}
	errc := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Shutdown closes the listener and waits for requests in progress;
	// upgraded connections are the sockets', closed by closeAll.
	sctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// serveRaw takes connections from ln and upgrades them with AcceptConn, each
// on its own goroutine, until ctx is canceled.
func serveRaw(ctx context.Context, ln net.Listener, path string, tlsConfig *tls.Config, socks *sockets) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var handshakes sync.WaitGroup
	defer handshakes.Wait()
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			ln.Close()
			return err
		}
		peer := nc.RemoteAddr().String()
		ws := socks.add(peer)
		if ws == nil {
			nc.Close()
			continue
		}
		ws.Control.ServerTLSConfig = tlsConfig
		ws.Control.Authorize = func(req *sdk.UpgradeRequest) error {
			if req.URL.Path != path {
				return sdk.Reject(http.StatusNotFound, "no WebSocket at "+req.URL.Path)
			}
			return nil
		}
		handshakes.Go(func() { socks.accepted(ws, peer, ws.AcceptConn(ctx, nc)) })
	}
}

// sockets tracks the open sockets, so that a shutdown can close them all and
// wait for them.
type sockets struct {
	log     *slog.Logger
	mu      sync.Mutex
	open    map[*sdk.MessageWebSocket]struct{}
	closing bool
	ended   sync.WaitGroup // one count per socket in open
}

// add returns a new echoing socket, counted as open until it ends, or nil
// once the shutdown has begun.
func (ss *sockets) add(peer string) *sdk.MessageWebSocket {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closing {
		return nil
	}
	ws := sdk.NewMessageWebSocket()
	ws.Control.ConnectTimeout = handshakeTimeout
	ws.OnMessageReceived(echo)
	ws.OnClosed(func(s *sdk.MessageWebSocket, e sdk.ClosedEvent) {
		ss.log.Info("websocket closed", "peer", peer, "code", int(e.Code), "reason", e.Reason)
		ss.remove(s)
	})
	ss.open[ws] = struct{}{}
	ss.ended.Add(1)
	return ws
}

// accepted records the outcome of ws's handshake: a failed one never runs
// the Closed handler, so the socket leaves the set here.
func (ss *sockets) accepted(ws *sdk.MessageWebSocket, peer string, err error) {
	if err != nil {
		ss.log.Info("websocket refused", "peer", peer, "err", err)
		ss.remove(ws)
		return
	}
	ss.log.Info("websocket connected", "peer", peer)
}

func (ss *sockets) remove(ws *sdk.MessageWebSocket) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if _, ok := ss.open[ws]; ok {
		delete(ss.open, ws)
		ss.ended.Done()
	}
}

func (ss *sockets) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.open)
}

// closeAll refuses new sockets, closes the open ones with 1001, in parallel
// since each may wait for its peer, and waits until every socket has ended.
func (ss *sockets) closeAll() {
	ss.mu.Lock()
	ss.closing = true
	open := make([]*sdk.MessageWebSocket, 0, len(ss.open))
	for ws := range ss.open {
		open = append(open, ws)
	}
	ss.mu.Unlock()
	var closers sync.WaitGroup
	for _, ws := range open {
		closers.Go(func() { _ = ws.CloseWithStatus(sdk.CloseGoingAway, "server shutting down") })
	}
	closers.Wait()
	ss.ended.Wait()
}

// echo sends a message back with its own type. It runs on the socket's event
// goroutine, the only one that sends on the socket, so the type set here is
// the one Send uses.
func echo(s *sdk.MessageWebSocket, m sdk.Message) {
	s.SetMessageType(m.Type)
	_ = s.Send(context.Background(), m.Data) // a failed send ends the socket, which OnClosed logs
}

// testPage lets a human try the server from a browser. Its data is the
// WebSocket's path.
var testPage = template.Must(template.New("page").Parse(`<!doctype html>
<meta charset="utf-8">
<title>gamesock echo</title>
<form id="f"><input id="msg" size="40" value="Hello, gamesock" autofocus> <button>Send</button></form>
<pre id="log"></pre>
<script>
const log = (s) => { document.getElementById("log").textContent += s + "\n"; };
const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + {{.}});
ws.onopen = () => log("connected");
ws.onmessage = (e) => log("< " + e.data);
ws.onclose = (e) => log("closed " + e.code + " " + e.reason);
document.getElementById("f").onsubmit = (e) => {
  e.preventDefault();
  const m = document.getElementById("msg").value;
  ws.send(m);
  log("> " + m);
};
</script>
`))
