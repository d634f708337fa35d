package sdk_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/gamesock/gamesock/sdk"
)

// startStreamServer accepts StreamWebSockets with AcceptConn on a loopback
// listener until tb ends, and runs serve on each, on its own goroutine.
// It returns the ws:// URL to connect to.
func startStreamServer(tb testing.TB, serve func(*sdk.StreamWebSocket)) string {
	tb.Helper()
	return serveListener(tb, "/stream", sdk.NewStreamWebSocket, serve)
}

func connectStream(tb testing.TB, url string) *sdk.StreamWebSocket {
	tb.Helper()
	c := sdk.NewStreamWebSocket()
	ctx, cancel := context.WithTimeout(context.Background(), benchWait)
	defer cancel()
	if err := c.Connect(ctx, url); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// noise is an endless source of pseudo-random bytes. It is a plain
// io.Reader, so io.Copy reads it through its own 32 KiB buffer, as it would
// a file or a pipe.
type noise struct{ r *rand.ChaCha8 }

func newNoise(seed byte) noise { return noise{rand.NewChaCha8([32]byte{seed})} }

func (n noise) Read(p []byte) (int, error) { return n.r.Read(p) }

// pattern is an endless source that repeats a block of noise: as cheap as a
// memory copy, so that a benchmark measures the stream and not its source.
type pattern struct {
	block []byte
	off   int
}

func (r *pattern) Read(p []byte) (int, error) {
	n := copy(p, r.block[r.off:])
	r.off = (r.off + n) % len(r.block)
	return n, nil
}

// copyResult is what the receiving end of a transfer saw.
type copyResult struct {
	n   int64
	sum [sha256.Size]byte
	err error
}

const transferSize = 64 << 20

// BenchmarkStreamTransfer measures a 64 MiB transfer between two
// StreamWebSockets over loopback: io.Copy into the client stream, and
// io.CopyN into io.Discard on the server. Each op is one transfer; MB/s is
// the stream's throughput.
func BenchmarkStreamTransfer(b *testing.B) {
	// Room for a result the benchmark did not wait for (after a failure)
	// and for the one at the final EOF, so that the server never blocks.
	done := make(chan copyResult, 2)
	url := startStreamServer(b, func(s *sdk.StreamWebSocket) {
		for {
			n, err := io.CopyN(io.Discard, s, transferSize)
			done <- copyResult{n: n, err: err}
			if err != nil {
				return
			}
		}
	})
	c := connectStream(b, url)
	src := &pattern{block: echoPayload(64 << 10)}
	b.ReportAllocs()
	b.SetBytes(transferSize)
	for b.Loop() {
		n, err := io.Copy(c, io.LimitReader(src, transferSize))
		if err != nil || n != transferSize {
			b.Fatalf("sent %d bytes: %v", n, err)
		}
		if r := <-done; r.err != nil || r.n != transferSize {
			b.Fatalf("received %d bytes: %v", r.n, r.err)
		}
	}
}

// TestStreamTransferChecksum sends 8 MiB of noise from a client stream to a
// server stream, in writes of several sizes, closes the client, and checks
// that the server read exactly the bytes sent, then io.EOF.
func TestStreamTransferChecksum(t *testing.T) {
	const size = 8 << 20
	cases := []struct {
		name  string
		write int // bytes per Write, hence per message
	}{
		{"io.Copy", 0},
		{"odd writes", 1000},
		{"one write", size},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := make(chan copyResult, 1)
			url := startStreamServer(t, func(s *sdk.StreamWebSocket) {
				h := sha256.New()
				n, err := io.Copy(h, s) // nil error: it ended with io.EOF
				got <- copyResult{n: n, sum: [32]byte(h.Sum(nil)), err: err}
			})
			c := connectStream(t, url)
			sent := sha256.New()
			src := io.TeeReader(io.LimitReader(newNoise(byte(i)), size), sent)
			var (
				n   int64
				err error
			)
			if tc.write == 0 {
				n, err = io.Copy(c, src)
			} else {
				n, err = io.CopyBuffer(c, src, make([]byte, tc.write))
			}
			if err != nil || n != size {
				t.Fatalf("sent %d bytes: %v", n, err)
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			r := <-got
			if r.err != nil {
				t.Fatalf("server read %d bytes, then %v", r.n, r.err)
			}
			if r.n != size {
				t.Fatalf("server read %d bytes, want %d", r.n, size)
			}
			if want := sent.Sum(nil); !bytes.Equal(r.sum[:], want) {
				t.Fatalf("server read different bytes: sha256 %x, want %x", r.sum, want)
			}
		})
	}
}
