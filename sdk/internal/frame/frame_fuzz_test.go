package frame

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, that what it accepts is in the
// canonical encoding (Put gives back the very same bytes), and that what it
// rejects it rejects for a reason Put cannot produce.
func FuzzParse(f *testing.F) {
	for _, h := range []Header{
		{Fin: true, Op: OpText, Length: 5},
		{Fin: true, Op: OpBinary, Masked: true, Mask: [4]byte{1, 2, 3, 4}, Length: 125},
		{Op: OpBinary, Length: 126},
		{Fin: true, Op: OpContinuation, Masked: true, Mask: [4]byte{0xff, 0, 0xff, 0}, Length: 65535},
		{Fin: true, Rsv: Rsv1, Op: OpText, Length: 65536},
		{Fin: true, Rsv: 7, Op: OpBinary, Length: 1<<63 - 1},
		{Fin: true, Op: OpClose, Length: 2},
		{Fin: true, Op: OpPing, Masked: true, Length: 125},
		{Fin: true, Op: OpPong},
	} {
		var b [MaxHeaderSize]byte
		f.Add(b[:Put(b[:], h)])
	}
	for _, b := range [][]byte{
		{},
		{0x81},
		{0x81, 0xfe, 0x00},       // truncated 16-bit length
		{0x82, 0x7e, 0x00, 0x7d}, // 125 in the 16-bit form
		{0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, // 65535 in the 64-bit form
		{0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0},    // most significant bit set
		{0x83, 0x00},                               // reserved data opcode
		{0x8b, 0x00},                               // reserved control opcode
		{0x89, 0x7e, 0x00, 0x7e},                   // ping longer than 125
		{0x09, 0x00},                               // fragmented ping
	} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := Parse(b)
		if len(b) < 2 || len(b) < Size(b[0], b[1]) {
			if err == nil || n != 0 {
				t.Fatalf("Parse(% x) = %d, %v on a short header", b, n, err)
			}
			return
		}
		if n != Size(b[0], b[1]) {
			t.Fatalf("Parse(% x) consumed %d bytes, Size says %d", b, n, Size(b[0], b[1]))
		}
		if err != nil {
			return
		}
		if h.Length < 0 || h.Rsv > 7 || (h.Op.IsControl() && (h.Length > MaxControlPayloadSize || !h.Fin)) {
			t.Fatalf("Parse(% x) accepted %+v", b, h)
		}
		if hs := HeaderSize(h.Length, h.Masked); hs != n {
			t.Fatalf("Parse(% x) = %+v in %d bytes, HeaderSize says %d", b, h, n, hs)
		}
		var out [MaxHeaderSize]byte
		m := Put(out[:], h)
		if !bytes.Equal(out[:m], b[:n]) {
			t.Fatalf("Put(Parse(% x)) = % x", b[:n], out[:m])
		}
		h2, n2, err := Parse(out[:m])
		if err != nil || n2 != m || h2 != h {
			t.Fatalf("Parse(Put(%+v)) = %+v, %d, %v", h, h2, n2, err)
		}
	})
}

// FuzzParseClose checks that ParseClose never panics, accepts only codes and
// reasons a close frame may carry, and that PutClose round-trips what it
// accepts, cutting an over-long reason at a rune boundary.
func FuzzParseClose(f *testing.F) {
	for _, p := range [][]byte{
		{},
		{0x03},
		{0x03, 0xe8},
		append([]byte{0x03, 0xe9}, "going away"...),
		append([]byte{0x0f, 0xa0}, "application code"...),
		{0x03, 0xed},                   // 1005 may not be sent
		{0x03, 0xee},                   // 1006 may not be sent
		{0x03, 0xf7},                   // 1015 may not be sent
		{0x13, 0x88},                   // 5000 is out of range
		{0x03, 0xe8, 0xff},             // reason not UTF-8
		{0x03, 0xe8, 0xed, 0xa0, 0x80}, // reason is a surrogate
		append([]byte{0x03, 0xe8}, strings.Repeat("é", 62)...), // 124-byte reason
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		code, reason, err := ParseClose(p)
		if err != nil {
			return
		}
		if len(p) == 0 {
			if code != CloseNoStatus || reason != "" {
				t.Fatalf("ParseClose(empty) = %d, %q", code, reason)
			}
			return
		}
		if !ValidCloseCode(code) {
			t.Fatalf("ParseClose(% x) accepted code %d", p, code)
		}
		if !utf8.ValidString(reason) {
			t.Fatalf("ParseClose(% x) accepted reason %q", p, reason)
		}
		if code != binary.BigEndian.Uint16(p) || reason != string(p[2:]) {
			t.Fatalf("ParseClose(% x) = %d, %q", p, code, reason)
		}
		var b [MaxControlPayloadSize]byte
		n := PutClose(b[:], code, reason)
		switch {
		case len(p) <= MaxControlPayloadSize:
			if !bytes.Equal(b[:n], p) {
				t.Fatalf("PutClose(ParseClose(% x)) = % x", p, b[:n])
			}
		case n > MaxControlPayloadSize || n < MaxControlPayloadSize-utf8.UTFMax+1 || !bytes.Equal(b[:n], p[:n]):
			t.Fatalf("PutClose cut a %d-byte payload to % x", len(p), b[:n])
		}
		code2, reason2, err := ParseClose(b[:n])
		if err != nil || code2 != code || !strings.HasPrefix(reason, reason2) {
			t.Fatalf("ParseClose(PutClose(%d, %q)) = %d, %q, %v", code, reason, code2, reason2, err)
		}
	})
}

// FuzzUTF8 checks that validating text in three pieces, split anywhere,
// gives the same verdict as utf8.Valid on the whole.
func FuzzUTF8(f *testing.F) {
	for _, s := range []string{
		"", "hello", "héllo wörld", "€", "𝄞 clef", "\uFFFD", "\U0010FFFF",
		"\xed\xa0\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", "\xf4\x90\x80\x80",
		"\xe2\x82", "a\xf0\x9f", "\x80", "\xff", "\xe2\x82\xac\xe2",
	} {
		f.Add([]byte(s), uint16(1), uint16(2))
	}
	f.Fuzz(func(t *testing.T, b []byte, i, j uint16) {
		x, y := int(i)%(len(b)+1), int(j)%(len(b)+1)
		if x > y {
			x, y = y, x
		}
		var v UTF8
		ok := true
		for _, piece := range [][]byte{b[:x], b[x:y], b[y:]} {
			if !v.Write(piece) {
				ok = false
				break
			}
		}
		ok = v.Done() && ok
		if want := utf8.Valid(b); ok != want {
			t.Fatalf("UTF8 on % x | % x | % x = %v, utf8.Valid = %v", b[:x], b[x:y], b[y:], ok, want)
		}
		// Done resets: the validator is ready for the next message.
		if !v.Write([]byte("ok")) || !v.Done() {
			t.Fatal("UTF8 not reset by Done")
		}
	})
}
