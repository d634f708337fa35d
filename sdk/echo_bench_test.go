package sdk_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/gamesock/gamesock/sdk"
)

// echoCase is one message size. The table drives TestEchoSizes, and the cases
// marked bench also drive BenchmarkEcho, BenchmarkEchoGobwas and BenchmarkSend.
type echoCase struct {
	name  string
	size  int
	bench bool
}

var echoCases = []echoCase{
	{name: "empty", size: 0},
	{name: "1B", size: 1},
	{name: "64B", size: 64, bench: true},
	{name: "125B", size: 125},     // longest 7-bit length
	{name: "126B", size: 126},     // shortest 16-bit length
	{name: "4KiB", size: 4 << 10}, // the default read buffer
	{name: "16KiB", size: 16 << 10, bench: true},
	{name: "65535B", size: 65535}, // longest 16-bit length
	{name: "65536B", size: 65536}, // shortest 64-bit length
	{name: "1MiB", size: 1 << 20},
}

// echoPayload returns size bytes of reproducible noise, different per size.
func echoPayload(size int) []byte {
	p := make([]byte, size)
	r := rand.New(rand.NewChaCha8([32]byte{byte(size), byte(size >> 8), byte(size >> 16)}))
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return p
}

// benchWait bounds every wait in this file's tests and benchmarks, so that a
// broken peer fails the run instead of hanging it.
const benchWait = 30 * time.Second

// startSDKServer serves MessageWebSockets accepted with AcceptConn on a
// loopback listener until tb ends; setup registers each socket's handlers.
// It returns the ws:// URL to connect to.
func startSDKServer(tb testing.TB, setup func(*sdk.MessageWebSocket)) string {
	tb.Helper()
	return serveListener(tb, "/echo", func() *sdk.MessageWebSocket {
		s := sdk.NewMessageWebSocket()
		setup(s)
		return s
	}, nil)
}

// sdkEcho sends every message back to its sender.
func sdkEcho(s *sdk.MessageWebSocket) {
	s.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
		// A failed send ends the socket; the client sees that.
		_ = s.Send(context.Background(), m.Data)
	})
}

// connectSDK connects a client socket, set up by setup if not nil, and
// closes it when tb ends.
func connectSDK(tb testing.TB, url string, setup func(*sdk.MessageWebSocket)) *sdk.MessageWebSocket {
	tb.Helper()
	c := sdk.NewMessageWebSocket()
	if setup != nil {
		setup(c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), benchWait)
	defer cancel()
	if err := c.Connect(ctx, url); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// handlerClient is a client socket in handler mode: its MessageReceived
// handler copies each message into got and signals next.
type handlerClient struct {
	ws     *sdk.MessageWebSocket
	got    []byte
	next   chan struct{}
	closed chan struct{} // closed by the Closed handler
	quit   chan struct{} // closed when tb ends, so that the handler never blocks Close
}

func connectHandlerClient(tb testing.TB, url string) *handlerClient {
	h := &handlerClient{next: make(chan struct{}, 1), closed: make(chan struct{}), quit: make(chan struct{})}
	h.ws = connectSDK(tb, url, func(s *sdk.MessageWebSocket) {
		s.OnMessageReceived(func(_ *sdk.MessageWebSocket, m sdk.Message) {
			h.got = append(h.got[:0], m.Data...)
			select {
			case h.next <- struct{}{}:
			case <-h.quit:
			}
		})
		s.OnClosed(func(*sdk.MessageWebSocket, sdk.ClosedEvent) { close(h.closed) })
	})
	// Cleanups run last-in first-out: this one before the socket's Close.
	tb.Cleanup(func() { close(h.quit) })
	return h
}

// roundTrip sends p and waits for the echo, which it returns; the result is
// valid until the next call.
func (h *handlerClient) roundTrip(ctx context.Context, p []byte) ([]byte, error) {
	if err := h.ws.Send(ctx, p); err != nil {
		return nil, err
	}
	select {
	case <-h.next:
		return h.got, nil
	case <-h.closed:
		return nil, errors.New("socket closed before the echo arrived")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// pullRoundTrip sends p on c and returns the echo read with Receive.
func pullRoundTrip(ctx context.Context, c *sdk.MessageWebSocket, p []byte) ([]byte, error) {
	if err := c.Send(ctx, p); err != nil {
		return nil, err
	}
	m, err := c.Receive(ctx)
	return m.Data, err
}

// ---- gobwas/ws used well: the reference the sdk is measured against ----

// startGobwasServer serves raw gobwas/ws echo connections on a loopback
// listener until tb ends, and returns the ws:// URL.
func startGobwasServer(tb testing.TB) string {
	tb.Helper()
	return serveRawConns(tb, "/echo", func(nc net.Conn) { gobwasEcho(tb, nc) })
}

// frameWriter collects the header that ws.WriteHeaderBuffer writes into the
// bytes just before the payload, so that header and payload go out in one
// write.
type frameWriter struct {
	dst     []byte
	scratch [ws.MaxHeaderSize]byte
}

func (w *frameWriter) Write(p []byte) (int, error) { return copy(w.dst, p), nil }

// putHeader encodes h into out[:ws.HeaderSize(h)].
func (w *frameWriter) putHeader(out []byte, h ws.Header) error {
	w.dst = out[:ws.HeaderSize(h)]
	return ws.WriteHeaderBuffer(w, h, w.scratch[:])
}

// gobwasEcho answers each data frame of one upgraded connection with an
// unmasked frame carrying the same payload: headers read with
// ws.ReadHeaderBuffer (ws.ReadHeader allocates its buffer per call), the
// payload read straight behind the response header, one write per frame.
func gobwasEcho(tb testing.TB, nc net.Conn) {
	defer nc.Close()
	if _, err := ws.Upgrade(nc); err != nil {
		tb.Errorf("gobwas upgrade: %v", err)
		return
	}
	br := bufio.NewReaderSize(nc, 4<<10)
	hb := make([]byte, ws.MaxHeaderSize-2)
	fw := &frameWriter{}
	var out []byte
	for {
		h, err := ws.ReadHeaderBuffer(br, hb)
		if err != nil {
			return
		}
		resp := ws.Header{Fin: true, OpCode: h.OpCode, Length: h.Length}
		hs := ws.HeaderSize(resp)
		if need := hs + int(h.Length); cap(out) < need {
			out = make([]byte, need)
		}
		out = out[:hs+int(h.Length)]
		payload := out[hs:]
		if _, err := io.ReadFull(br, payload); err != nil {
			return
		}
		ws.Cipher(payload, h.Mask, 0)
		if err := fw.putHeader(out, resp); err != nil {
			tb.Errorf("gobwas header: %v", err)
			return
		}
		if _, err := nc.Write(out); err != nil || h.OpCode == ws.OpClose {
			return
		}
	}
}

// gobwasClient is the client end of a raw gobwas/ws connection.
type gobwasClient struct {
	nc  net.Conn
	br  *bufio.Reader
	hb  []byte
	fw  *frameWriter
	out []byte
	in  []byte
}

func dialGobwas(tb testing.TB, url string) *gobwasClient {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), benchWait)
	defer cancel()
	nc, br, _, err := ws.Dial(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	if br == nil {
		br = bufio.NewReaderSize(nc, 4<<10)
	}
	c := &gobwasClient{nc: nc, br: br, hb: make([]byte, ws.MaxHeaderSize-2), fw: &frameWriter{}}
	tb.Cleanup(func() {
		// A close frame, then the connection; the server echoes the
		// close frame and hangs up.
		_ = c.write(ws.OpClose, nil)
		nc.Close()
	})
	return c
}

// write sends p in one masked frame, header and payload in one write.
func (c *gobwasClient) write(op ws.OpCode, p []byte) error {
	h := ws.Header{Fin: true, OpCode: op, Masked: true, Mask: ws.NewMask(), Length: int64(len(p))}
	hs := ws.HeaderSize(h)
	if need := hs + len(p); cap(c.out) < need {
		c.out = make([]byte, need)
	}
	c.out = c.out[:hs+len(p)]
	if err := c.fw.putHeader(c.out, h); err != nil {
		return err
	}
	copy(c.out[hs:], p)
	ws.Cipher(c.out[hs:], h.Mask, 0)
	_, err := c.nc.Write(c.out)
	return err
}

// roundTrip sends p and returns the echoed payload, valid until the next
// call.
func (c *gobwasClient) roundTrip(p []byte) ([]byte, error) {
	if err := c.write(ws.OpBinary, p); err != nil {
		return nil, err
	}
	h, err := ws.ReadHeaderBuffer(c.br, c.hb)
	if err != nil {
		return nil, err
	}
	if cap(c.in) < int(h.Length) {
		c.in = make([]byte, h.Length)
	}
	c.in = c.in[:h.Length]
	_, err = io.ReadFull(c.br, c.in)
	return c.in, err
}

// ---- tests and benchmarks ----

// TestEchoSizes sends one message of each size through an sdk echo server,
// with the client in pull and in handler mode, and through the gobwas/ws
// reference server, and checks that each comes back byte for byte.
func TestEchoSizes(t *testing.T) {
	sdkURL := startSDKServer(t, sdkEcho)
	gobwasURL := startGobwasServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), benchWait)
	defer cancel()
	pull := connectSDK(t, sdkURL, nil)
	handler := connectHandlerClient(t, sdkURL)
	raw := dialGobwas(t, gobwasURL)
	clients := []struct {
		name      string
		roundTrip func(p []byte) ([]byte, error)
	}{
		{"pull", func(p []byte) ([]byte, error) { return pullRoundTrip(ctx, pull, p) }},
		{"handler", func(p []byte) ([]byte, error) { return handler.roundTrip(ctx, p) }},
		{"gobwas", raw.roundTrip},
	}
	for _, tc := range echoCases {
		p := echoPayload(tc.size)
		for _, c := range clients {
			t.Run(tc.name+"/"+c.name, func(t *testing.T) {
				got, err := c.roundTrip(p)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, p) {
					t.Fatalf("echo of %d bytes came back as %d different bytes", len(p), len(got))
				}
			})
		}
	}
}

// BenchmarkEcho measures one round trip (Send, then the echo) between two sdk
// sockets over loopback TCP; MB/s counts the message one way. The server
// echoes from its MessageReceived handler; the client receives with Receive
// (pull) or a MessageReceived handler that signals a channel (handler).
// allocs/op counts both ends, as they share the process.
func BenchmarkEcho(b *testing.B) {
	for _, tc := range echoCases {
		if !tc.bench {
			continue
		}
		p := echoPayload(tc.size)
		b.Run("pull/"+tc.name, func(b *testing.B) {
			c := connectSDK(b, startSDKServer(b, sdkEcho), nil)
			ctx := context.Background()
			b.ReportAllocs()
			b.SetBytes(int64(tc.size))
			for b.Loop() {
				got, err := pullRoundTrip(ctx, c, p)
				if err != nil || len(got) != len(p) {
					b.Fatalf("echo: %d bytes, %v", len(got), err)
				}
			}
		})
		b.Run("handler/"+tc.name, func(b *testing.B) {
			c := connectHandlerClient(b, startSDKServer(b, sdkEcho))
			ctx := context.Background()
			b.ReportAllocs()
			b.SetBytes(int64(tc.size))
			for b.Loop() {
				got, err := c.roundTrip(ctx, p)
				if err != nil || len(got) != len(p) {
					b.Fatalf("echo: %d bytes, %v", len(got), err)
				}
			}
		})
	}
}

// BenchmarkEchoEvents is BenchmarkEcho with the client's MessageReceived
// handler sending the next message itself, the event-driven way: no
// goroutine hand-off at either end, as with gobwas/ws used directly.
func BenchmarkEchoEvents(b *testing.B) {
	for _, tc := range echoCases {
		if !tc.bench {
			continue
		}
		p := echoPayload(tc.size)
		b.Run(tc.name, func(b *testing.B) {
			var (
				left atomic.Int64
				fail atomic.Value
				done = make(chan struct{}, 1)
			)
			c := connectSDK(b, startSDKServer(b, sdkEcho), func(s *sdk.MessageWebSocket) {
				s.OnMessageReceived(func(s *sdk.MessageWebSocket, m sdk.Message) {
					if len(m.Data) != len(p) {
						fail.Store(fmt.Sprintf("echo of %d bytes, want %d", len(m.Data), len(p)))
					} else if left.Add(-1) > 0 {
						if err := s.Send(context.Background(), p); err == nil {
							return
						}
						fail.Store("send failed")
					}
					select {
					case done <- struct{}{}:
					default:
					}
				})
			})
			b.ReportAllocs()
			b.SetBytes(int64(tc.size))
			b.ResetTimer()
			left.Store(int64(b.N))
			if err := c.Send(context.Background(), p); err != nil {
				b.Fatal(err)
			}
			<-done
			b.StopTimer()
			if f := fail.Load(); f != nil {
				b.Fatal(f)
			}
		})
	}
}

// BenchmarkEchoGobwas is BenchmarkEcho's round trip with gobwas/ws used
// directly and well, with no sdk in between: the reference figures.
func BenchmarkEchoGobwas(b *testing.B) {
	for _, tc := range echoCases {
		if !tc.bench {
			continue
		}
		p := echoPayload(tc.size)
		b.Run(tc.name, func(b *testing.B) {
			c := dialGobwas(b, startGobwasServer(b))
			b.ReportAllocs()
			b.SetBytes(int64(tc.size))
			for b.Loop() {
				got, err := c.roundTrip(p)
				if err != nil || len(got) != len(p) {
					b.Fatalf("echo: %d bytes, %v", len(got), err)
				}
			}
		})
	}
}

// BenchmarkSend measures Send alone, into a server whose handler only counts
// messages. The clock runs until the server has received them all, which an
// empty message sent last tells: the figures are sustained throughput, not
// the speed of filling the kernel's socket buffers.
func BenchmarkSend(b *testing.B) {
	for _, tc := range echoCases {
		if !tc.bench {
			continue
		}
		p := echoPayload(tc.size)
		b.Run(tc.name, func(b *testing.B) {
			received := 0
			drained := make(chan struct{}, 1)
			url := startSDKServer(b, func(s *sdk.MessageWebSocket) {
				s.OnMessageReceived(func(_ *sdk.MessageWebSocket, m sdk.Message) {
					if len(m.Data) == 0 {
						drained <- struct{}{}
						return
					}
					received++
				})
			})
			c := connectSDK(b, url, nil)
			ctx := context.Background()
			b.ReportAllocs()
			b.SetBytes(int64(tc.size))
			b.ResetTimer()
			for range b.N {
				if err := c.Send(ctx, p); err != nil {
					b.Fatal(err)
				}
			}
			if err := c.Send(ctx, nil); err != nil {
				b.Fatal(err)
			}
			select {
			case <-drained:
			case <-time.After(benchWait):
				b.Fatal("the server did not receive every message")
			}
			b.StopTimer()
			if received != b.N {
				b.Fatalf("server received %d messages, want %d", received, b.N)
			}
		})
	}
}
