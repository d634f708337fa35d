// Package loadtest measures closed-loop echo traffic over many loopback
// connections: each client sends a fixed-size record and waits for its echo
// before sending the next. It runs the same load against an sdk
// MessageWebSocket echo server with sdk clients, and against a raw TCP echo
// server with raw TCP clients, the baseline the sdk is held to.
package loadtest

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/internal/frame"
	"github.com/gobwas/ws"
)

// RecordSize is the size of every request and response.
const RecordSize = 64

// Server is an echo server on a loopback listener.
type Server struct {
	// URL is where clients connect: ws://host:port/ for an sdk server,
	// host:port for a raw TCP server.
	URL string

	ln       net.Listener
	acceptWG sync.WaitGroup // the accept loop
	connWG   sync.WaitGroup // the per-connection goroutines of a TCP server
	mu       sync.Mutex
	closers  []io.Closer
	err      error // the first handshake failure
}

func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// StartTCPEcho starts a raw TCP server that echoes RecordSize-byte records.
func StartTCPEcho() (*Server, error) {
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	s := &Server{URL: ln.Addr().String(), ln: ln}
	s.acceptWG.Go(func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			s.track(nc)
			s.connWG.Go(func() { echoRecords(nc) })
		}
	})
	return s, nil
}

// echoRecords sends back every record read from nc until it fails.
func echoRecords(nc net.Conn) {
	defer nc.Close()
	var rec [RecordSize]byte
	for {
		if _, err := io.ReadFull(nc, rec[:]); err != nil {
			return
		}
		if _, err := nc.Write(rec[:]); err != nil {
			return
		}
	}
}

// StartSDKEcho starts a server that accepts MessageWebSockets with
// AcceptConn and echoes every message from the MessageReceived handler.
func StartSDKEcho() (*Server, error) {
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "ws://" + ln.Addr().String() + "/", ln: ln}
	s.acceptWG.Go(func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			ws := sdk.NewMessageWebSocket()
			ws.OnMessageReceived(func(ws *sdk.MessageWebSocket, m sdk.Message) {
				// A failed send ends the socket; its client sees that.
				_ = ws.Send(context.Background(), m.Data)
			})
			if err := ws.AcceptConn(context.Background(), nc); err != nil {
				s.mu.Lock()
				if s.err == nil {
					s.err = err
				}
				s.mu.Unlock()
				continue
			}
			s.track(ws)
		}
	})
	return s, nil
}

func (s *Server) track(c io.Closer) {
	s.mu.Lock()
	s.closers = append(s.closers, c)
	s.mu.Unlock()
}

// Close stops the server, closes its connections, waits for its goroutines
// and returns the first handshake failure, if any.
func (s *Server) Close() error {
	s.ln.Close()
	s.acceptWG.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.closers {
		c.Close()
	}
	s.connWG.Wait()
	return s.err
}

// Client does request→response round trips on one connection.
type Client interface {
	// RoundTrip sends a record carrying seq and waits for its echo. It is
	// called by one goroutine at a time.
	RoundTrip(seq uint64) error
	// Close ends the connection; a RoundTrip in progress fails.
	Close() error
}

// errEcho reports an echo that is not the record sent.
var errEcho = errors.New("echo differs from the record sent")

func putRecord(rec *[RecordSize]byte, seq uint64) {
	binary.LittleEndian.PutUint64(rec[:], seq)
}

func checkRecord(got []byte, seq uint64) error {
	if len(got) != RecordSize || binary.LittleEndian.Uint64(got) != seq {
		return fmt.Errorf("%w: %d bytes", errEcho, len(got))
	}
	return nil
}

type tcpClient struct {
	nc      net.Conn
	out, in [RecordSize]byte
}

// DialTCP connects a raw TCP client to a server from StartTCPEcho.
func DialTCP(ctx context.Context, addr string) (Client, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &tcpClient{nc: nc}, nil
}

func (c *tcpClient) RoundTrip(seq uint64) error {
	putRecord(&c.out, seq)
	if _, err := c.nc.Write(c.out[:]); err != nil {
		return err
	}
	if _, err := io.ReadFull(c.nc, c.in[:]); err != nil {
		return err
	}
	return checkRecord(c.in[:], seq)
}

func (c *tcpClient) Close() error { return c.nc.Close() }

type sdkClient struct {
	ws  *sdk.MessageWebSocket
	out [RecordSize]byte
}

// DialSDK connects an sdk MessageWebSocket client, which receives with
// Receive, to a server from StartSDKEcho.
func DialSDK(ctx context.Context, url string) (Client, error) {
	ws := sdk.NewMessageWebSocket()
	if err := ws.Connect(ctx, url); err != nil {
		return nil, err
	}
	return &sdkClient{ws: ws}, nil
}

func (c *sdkClient) RoundTrip(seq uint64) error {
	// context.Background keeps the loop free of allocations; Run's context
	// ends a stuck round trip by closing the client.
	ctx := context.Background()
	putRecord(&c.out, seq)
	if err := c.ws.Send(ctx, c.out[:]); err != nil {
		return err
	}
	m, err := c.ws.Receive(ctx)
	if err != nil {
		return err
	}
	return checkRecord(m.Data, seq)
}

func (c *sdkClient) Close() error { return c.ws.Close() }

// sdkEventClient is an sdk MessageWebSocket client written the UWP way:
// its MessageReceived handler checks each echo and sends the next request
// itself, so a closed loop runs on the socket's read goroutine with no
// hand-off per message.
type sdkEventClient struct {
	ws  *sdk.MessageWebSocket
	out [RecordSize]byte

	// The loop's state. The handler and Loop run on different goroutines
	// with only the network between them, which the race detector cannot
	// see, hence the lock.
	mu    sync.Mutex
	seq   uint64
	count int64
	stop  atomic.Bool
	done  chan error // receives the loop's end
}

// DialSDKEvents connects an sdk client that runs its loop from
// OnMessageReceived, to a server from StartSDKEcho.
func DialSDKEvents(ctx context.Context, url string) (Client, error) {
	c := &sdkEventClient{ws: sdk.NewMessageWebSocket()}
	c.ws.OnMessageReceived(c.onMessage)
	c.ws.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) {
		c.finish(fmt.Errorf("closed: %w", e.Err))
	})
	if err := c.ws.Connect(ctx, url); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *sdkEventClient) onMessage(ws *sdk.MessageWebSocket, m sdk.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := checkRecord(m.Data, c.seq); err != nil {
		c.finishLocked(err)
		return
	}
	c.count++
	c.seq++
	if c.stop.Load() {
		c.finishLocked(nil)
		return
	}
	putRecord(&c.out, c.seq)
	if err := ws.Send(context.Background(), c.out[:]); err != nil {
		c.finishLocked(err)
	}
}

func (c *sdkEventClient) finish(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finishLocked(err)
}

// finishLocked ends the running loop, if any, with err.
func (c *sdkEventClient) finishLocked(err error) {
	if c.done != nil {
		select {
		case c.done <- err:
		default:
		}
	}
}

// start prepares a loop from seq and sends its first request.
func (c *sdkEventClient) start(ctx context.Context, seq uint64, stop bool) (chan error, error) {
	c.mu.Lock()
	c.seq, c.count = seq, 0
	c.stop.Store(stop)
	done := make(chan error, 1)
	c.done = done
	putRecord(&c.out, seq)
	c.mu.Unlock()
	var rec [RecordSize]byte
	putRecord(&rec, seq)
	return done, c.ws.Send(ctx, rec[:])
}

// Loop runs round trips from the handler until d has passed, and returns
// how many it did.
func (c *sdkEventClient) Loop(ctx context.Context, d time.Duration) (int64, error) {
	c.mu.Lock()
	seq := c.seq
	c.mu.Unlock()
	done, err := c.start(ctx, seq, false)
	if err != nil {
		return 0, err
	}
	t := time.AfterFunc(d, func() { c.stop.Store(true) })
	defer t.Stop()
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count, err
}

func (c *sdkEventClient) RoundTrip(seq uint64) error {
	done, err := c.start(context.Background(), seq, true)
	if err != nil {
		return err
	}
	return <-done
}

func (c *sdkEventClient) Close() error { return c.ws.Close() }

// Looper is a Client that runs its own closed loop, as an event-driven
// client does.
type Looper interface {
	Loop(ctx context.Context, d time.Duration) (int64, error)
}

// wsClient is a WebSocket client written the lean way, with no goroutine of
// its own: one write per request (header and masked payload together) and
// reads straight from a buffered reader. Against an sdk server it puts the
// server's cost alone next to a raw TCP server's.
type wsClient struct {
	nc  net.Conn
	br  *bufio.Reader
	out [frame.MaxHeaderSize + RecordSize]byte
	in  [RecordSize]byte
}

// DialWS connects a lean WebSocket client to a server from StartSDKEcho.
func DialWS(ctx context.Context, url string) (Client, error) {
	nc, br, _, err := ws.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	if br == nil {
		br = bufio.NewReaderSize(nc, 4096)
	} else {
		br.Reset(nc)
	}
	return &wsClient{nc: nc, br: br}, nil
}

func (c *wsClient) RoundTrip(seq uint64) error {
	h := frame.Header{Fin: true, Op: frame.OpBinary, Masked: true, Mask: [4]byte{1, 2, 3, byte(seq)}, Length: RecordSize}
	n := frame.Put(c.out[:], h)
	var rec [RecordSize]byte
	putRecord(&rec, seq)
	copy(c.out[n:], rec[:])
	frame.Cipher(c.out[n:n+RecordSize], h.Mask, 0)
	if _, err := c.nc.Write(c.out[:n+RecordSize]); err != nil {
		return err
	}
	b, err := c.br.Peek(2)
	if err != nil {
		return err
	}
	hn := frame.Size(b[0], b[1])
	if b, err = c.br.Peek(hn); err != nil {
		return err
	}
	rh, _, err := frame.Parse(b)
	if err != nil {
		return err
	}
	_, _ = c.br.Discard(hn)
	if rh.Op != frame.OpBinary || rh.Length != RecordSize {
		return fmt.Errorf("%w: frame %+v", errEcho, rh)
	}
	if _, err := io.ReadFull(c.br, c.in[:]); err != nil {
		return err
	}
	return checkRecord(c.in[:], seq)
}

func (c *wsClient) Close() error { return c.nc.Close() }

// Dial connects n clients with dial and returns them; on failure it closes
// those already connected.
func Dial(ctx context.Context, n int, dial func(context.Context) (Client, error)) ([]Client, error) {
	clients := make([]Client, 0, n)
	for range n {
		c, err := dial(ctx)
		if err != nil {
			CloseAll(clients)
			return nil, err
		}
		clients = append(clients, c)
	}
	return clients, nil
}

// CloseAll closes every client.
func CloseAll(clients []Client) {
	for _, c := range clients {
		c.Close()
	}
}

// Run makes the clients do total round trips between them, each client in a
// closed loop on its own goroutine, and returns the first failure. If ctx
// ends first, Run closes the clients to stop them and returns ctx's error.
func Run(ctx context.Context, clients []Client, total int) error {
	stop := context.AfterFunc(ctx, func() { CloseAll(clients) })
	defer stop()
	var (
		left  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	left.Store(int64(total))
	for _, c := range clients {
		wg.Go(func() {
			for seq := uint64(0); left.Add(-1) >= 0; seq++ {
				if err := c.RoundTrip(seq); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					left.Store(0)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return first
}

// RunFor makes every client do round trips in a closed loop for d and
// returns how many they did in all, or the first failure.
func RunFor(ctx context.Context, clients []Client, d time.Duration) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		done  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for _, c := range clients {
		if l, ok := c.(Looper); ok {
			wg.Go(func() {
				n, err := l.Loop(context.WithoutCancel(ctx), d)
				done.Add(n)
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			})
			continue
		}
		wg.Go(func() {
			for seq := uint64(0); ctx.Err() == nil; seq++ {
				if err := c.RoundTrip(seq); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	return done.Load(), first
}
