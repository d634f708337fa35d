package sdk_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/internal/frame"
)

// fuzzMaxMessageSize is small so that inputs reach the 1009 path without
// making the server allocate much.
const fuzzMaxMessageSize = 4096

// FuzzServerRead feeds arbitrary bytes, as the frame stream after a real
// handshake over loopback TCP, to a server MessageWebSocket. Whatever the
// bytes, the server must end (its Closed handler runs) once the client stops
// sending; it must end with a code that says why: one the client sent, 1002,
// 1007 or 1009 for a violation it found, or 1006 when the stream just
// stopped; and whatever it wrote back must be well-formed frames, with a
// close frame only as the last one and carrying the same code.
func FuzzServerRead(f *testing.F) {
	for _, seed := range serverReadSeeds() {
		f.Add(seed.stream)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ln.Close() })
	f.Fuzz(func(t *testing.T, stream []byte) {
		e, out := serveFuzzedStream(t, ln, stream)
		checkFuzzedServerEnd(t, e)
		checkFuzzedServerReplies(t, out, e)
	})
}

// TestServerReadCloseCodes checks the exact code the server ends with for
// each seed of FuzzServerRead.
func TestServerReadCloseCodes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	for _, seed := range serverReadSeeds() {
		t.Run(seed.name, func(t *testing.T) {
			e, out := serveFuzzedStream(t, ln, seed.stream)
			if e.Code != seed.code {
				t.Fatalf("server ended with %d (%v), want %d", e.Code, e.Err, seed.code)
			}
			checkFuzzedServerEnd(t, e)
			checkFuzzedServerReplies(t, out, e)
		})
	}
}

// serveFuzzedStream accepts a server socket on a connection through ln,
// upgrades it from the client end by hand, sends stream as the frames and
// closes the client's write side. It returns the server's Closed event once
// the server has fully ended, and what the server wrote after the upgrade
// (nil if the connection was reset).
func serveFuzzedStream(t *testing.T, ln net.Listener, stream []byte) (sdk.ClosedEvent, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cc, sc := fuzzTCPPair(t, ln)
	defer cc.Close()

	ws := sdk.NewMessageWebSocket()
	ws.Control.MaxMessageSize = fuzzMaxMessageSize
	ws.OnMessageReceived(func(*sdk.MessageWebSocket, sdk.Message) {})
	closed := make(chan sdk.ClosedEvent, 1)
	ws.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) { closed <- e })
	accepted := make(chan error, 1)
	go func() { accepted <- ws.AcceptConn(ctx, sc) }()
	defer ws.Close()

	br := fuzzUpgradeByHand(t, cc)
	if err := <-accepted; err != nil {
		t.Fatalf("AcceptConn: %v", err)
	}
	replies := make(chan []byte, 1)
	go func() {
		b, err := io.ReadAll(br)
		if err != nil {
			b = nil // a reset may cut the server's last frame: nothing to check
		}
		replies <- b
	}()
	_, _ = cc.Write(stream) // the server may stop reading, and reset, at any point
	_ = cc.(*net.TCPConn).CloseWrite()

	var e sdk.ClosedEvent
	select {
	case e = <-closed:
	case <-ctx.Done():
		t.Fatalf("server did not end after % x", stream)
	}
	if err := ws.Close(); err != nil {
		t.Errorf("Close after the end: %v", err)
	}
	select {
	case out := <-replies:
		return e, out
	case <-ctx.Done():
		t.Fatal("server did not close the connection")
		return e, nil
	}
}

// checkFuzzedServerEnd checks the Closed event of a server that read a fuzzed
// stream.
func checkFuzzedServerEnd(t *testing.T, e sdk.ClosedEvent) {
	t.Helper()
	if e.Err == nil || sdk.GetStatus(e.Err) == sdk.StatusUnknown {
		t.Fatalf("Closed event %+v does not say why", e)
	}
	var ce *sdk.CloseError
	switch {
	case !errors.As(e.Err, &ce):
		if e.Code != sdk.CloseAbnormal {
			t.Fatalf("Closed with %d without a close frame: %v", e.Code, e.Err)
		}
	case ce.Remote:
		// 1006 stands for a peer that went away without a close frame.
		if !frame.ValidCloseCode(uint16(e.Code)) && e.Code != sdk.CloseNoStatus && e.Code != sdk.CloseAbnormal {
			t.Fatalf("accepted a close frame with code %d", e.Code)
		}
	default:
		switch e.Code {
		case sdk.CloseProtocolError, sdk.CloseInvalidPayload, sdk.CloseMessageTooBig, sdk.CloseAbnormal:
		default:
			t.Fatalf("server closed with %d (%s)", e.Code, e.Reason)
		}
	}
	if ce != nil && ce.Code != e.Code {
		t.Fatalf("Closed event code %d, error %v", e.Code, e.Err)
	}
}

// checkFuzzedServerReplies checks what the server wrote: unmasked pongs, and at
// most one close frame, last, with the code the server ended with.
func checkFuzzedServerReplies(t *testing.T, out []byte, e sdk.ClosedEvent) {
	t.Helper()
	for len(out) > 0 {
		h, n, err := frame.Parse(out)
		if err != nil || int64(len(out)-n) < h.Length {
			t.Fatalf("server wrote a malformed frame % x: %v", out, err)
		}
		payload := out[n : n+int(h.Length)]
		out = out[n+int(h.Length):]
		if h.Masked || h.Rsv != 0 || !h.Fin {
			t.Fatalf("server frame %+v", h)
		}
		switch h.Op {
		case frame.OpPong:
		case frame.OpClose:
			code, _, err := frame.ParseClose(payload)
			if err != nil || len(out) > 0 {
				t.Fatalf("server close frame % x (%v), % x after it", payload, err, out)
			}
			if sdk.CloseCode(code) != e.Code {
				t.Fatalf("server sent close %d, reported %d", code, e.Code)
			}
		default:
			t.Fatalf("server sent a frame with opcode %d", h.Op)
		}
	}
}

// fuzzTCPPair returns the two ends of a loopback TCP connection made through ln.
func fuzzTCPPair(t *testing.T, ln net.Listener) (client, server net.Conn) {
	t.Helper()
	type accepted struct {
		c   net.Conn
		err error
	}
	ac := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		ac <- accepted{c, err}
	}()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial: %v", err) // the pending Accept ends when ln closes
	}
	a := <-ac
	if a.err != nil {
		client.Close()
		t.Fatalf("accept: %v", a.err)
	}
	return client, a.c
}

// fuzzUpgradeByHand runs the client side of the opening handshake on c and
// returns a reader positioned after the server's response.
func fuzzUpgradeByHand(t *testing.T, c net.Conn) *bufio.Reader {
	t.Helper()
	const req = "GET /fuzz HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The accept value for the sample key of RFC 6455, section 1.3.
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("upgrade answered %s %v", resp.Status, resp.Header)
	}
	return br
}

// fuzzClientFrame encodes a frame as a client sends it. The zero mask keeps the
// payload readable, so that the fuzzer's mutations of it stay meaningful.
func fuzzClientFrame(op frame.Op, fin bool, payload string) []byte {
	return fuzzRawFrame(frame.Header{Fin: fin, Op: op, Masked: true, Length: int64(len(payload))}, payload)
}

func fuzzRawFrame(h frame.Header, payload string) []byte {
	var b [frame.MaxHeaderSize]byte
	n := frame.Put(b[:], h)
	p := []byte(payload)
	if h.Masked {
		frame.Cipher(p, h.Mask, 0)
	}
	return append(b[:n:n], p...)
}

func fuzzClosePayload(code uint16, reason string) string {
	return string(binary.BigEndian.AppendUint16(nil, code)) + reason
}

// serverReadSeed is a frame stream and the code the server ends with.
type serverReadSeed struct {
	name   string
	stream []byte
	code   sdk.CloseCode
}

// serverReadSeeds covers a normal session and each way a stream can break
// the protocol.
func serverReadSeeds() []serverReadSeed {
	cat := func(frames ...[]byte) []byte {
		var b []byte
		for _, f := range frames {
			b = append(b, f...)
		}
		return b
	}
	closeNormal := fuzzClientFrame(frame.OpClose, true, fuzzClosePayload(1000, "done"))
	return []serverReadSeed{
		{"nothing", []byte{}, 1006},
		{"text and close", cat(fuzzClientFrame(frame.OpText, true, "hello"), closeNormal), 1000},
		{"binary and going away", cat(fuzzClientFrame(frame.OpBinary, true, "\x00\x01\xff"), fuzzClientFrame(frame.OpClose, true, fuzzClosePayload(1001, "bye"))), 1001},
		{"ping inside a fragmented text", cat(fuzzClientFrame(frame.OpText, false, "hel"), fuzzClientFrame(frame.OpPing, true, "p"), fuzzClientFrame(frame.OpContinuation, true, "lo"), closeNormal), 1000},
		{"rune split across fragments", cat(fuzzClientFrame(frame.OpText, false, "\xe2\x82"), fuzzClientFrame(frame.OpContinuation, true, "\xac"), closeNormal), 1000},
		{"ping and pong", cat(fuzzClientFrame(frame.OpPing, true, "ping"), fuzzClientFrame(frame.OpPong, true, ""), closeNormal), 1000},
		{"close without code, then data", cat(fuzzClientFrame(frame.OpClose, true, ""), fuzzClientFrame(frame.OpText, true, "after close")), 1005},
		{"application close code", fuzzClientFrame(frame.OpClose, true, fuzzClosePayload(4000, "application")), 4000},
		{"masked text, no close", fuzzRawFrame(frame.Header{Fin: true, Op: frame.OpText, Masked: true, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}, Length: 2}, "hi"), 1006},
		{"unmasked frame", fuzzRawFrame(frame.Header{Fin: true, Op: frame.OpText, Length: 5}, "plain"), 1002},
		{"text not UTF-8", fuzzClientFrame(frame.OpText, true, "\xff\xfe"), 1007},
		{"surrogate in text", fuzzClientFrame(frame.OpText, true, "\xed\xa0\x80"), 1007},
		{"text ends mid-rune", cat(fuzzClientFrame(frame.OpText, false, "ok"), fuzzClientFrame(frame.OpContinuation, true, "\xe2")), 1007},
		{"message too big", fuzzClientFrame(frame.OpBinary, true, strings.Repeat("x", fuzzMaxMessageSize+1)), 1009},
		{"huge length announced", fuzzRawFrame(frame.Header{Fin: true, Op: frame.OpBinary, Masked: true, Length: 1 << 40}, ""), 1009},
		{"reserved opcode", fuzzClientFrame(frame.Op(3), true, ""), 1002},
		{"orphan continuation", fuzzClientFrame(frame.OpContinuation, true, "orphan"), 1002},
		{"data frame inside a message", cat(fuzzClientFrame(frame.OpText, false, "a"), fuzzClientFrame(frame.OpText, true, "b")), 1002},
		{"RSV1 without extension", fuzzRawFrame(frame.Header{Fin: true, Rsv: frame.Rsv1, Op: frame.OpText, Masked: true, Length: 1}, "x"), 1002},
		{"fragmented ping", fuzzClientFrame(frame.OpPing, false, ""), 1002},
		{"ping of 126 bytes", []byte{0x89, 0xfe, 0x00, 0x7e, 0, 0, 0, 0}, 1002},
		{"non-minimal length", []byte{0x82, 0xfe, 0x00, 0x05, 0, 0, 0, 0, 'a', 'b', 'c', 'd', 'e'}, 1002},
		{"1-byte close payload", fuzzClientFrame(frame.OpClose, true, "\x03"), 1002},
		{"close code 1005 on the wire", fuzzClientFrame(frame.OpClose, true, fuzzClosePayload(1005, "")), 1002},
		{"close reason not UTF-8", fuzzClientFrame(frame.OpClose, true, fuzzClosePayload(1000, "\xc3")), 1002},
		{"truncated payload", fuzzClientFrame(frame.OpBinary, true, "truncated")[:8], 1006},
		{"truncated header", []byte{0x82}, 1006},
		{"bytes after the close", cat(fuzzClientFrame(frame.OpBinary, true, "x"), closeNormal, []byte("garbage")), 1000},
	}
}
