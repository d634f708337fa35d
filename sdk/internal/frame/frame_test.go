package frame

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestPutParse encodes headers at every length-encoding boundary, masked and
// not, and checks the exact bytes, the sizes and the decoding.
func TestPutParse(t *testing.T) {
	mask := [4]byte{0xa1, 0xb2, 0xc3, 0xd4}
	for _, tc := range []struct {
		name string
		h    Header
		want []byte // unmasked encoding; the masked one appends the key and sets bit 0x80 of byte 1
	}{
		{"empty", Header{Fin: true, Op: OpBinary, Length: 0}, []byte{0x82, 0x00}},
		{"125", Header{Fin: true, Op: OpText, Length: 125}, []byte{0x81, 0x7d}},
		{"126", Header{Fin: true, Op: OpBinary, Length: 126}, []byte{0x82, 0x7e, 0x00, 0x7e}},
		{"65535", Header{Op: OpBinary, Length: 65535}, []byte{0x02, 0x7e, 0xff, 0xff}},
		{"65536", Header{Fin: true, Op: OpContinuation, Length: 65536}, []byte{0x80, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}},
		{"max", Header{Fin: true, Op: OpBinary, Length: 1<<63 - 1}, []byte{0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"rsv1", Header{Fin: true, Rsv: Rsv1, Op: OpText, Length: 3}, []byte{0xc1, 0x03}},
		{"all rsv", Header{Rsv: 7, Op: OpText, Length: 3}, []byte{0x71, 0x03}},
		{"close", Header{Fin: true, Op: OpClose, Length: 2}, []byte{0x88, 0x02}},
		{"ping 125", Header{Fin: true, Op: OpPing, Length: 125}, []byte{0x89, 0x7d}},
		{"pong", Header{Fin: true, Op: OpPong}, []byte{0x8a, 0x00}},
	} {
		for _, masked := range []bool{false, true} {
			h, want := tc.h, bytes.Clone(tc.want)
			name := tc.name
			if masked {
				h.Masked, h.Mask = true, mask
				want[1] |= 0x80
				want = append(want, mask[:]...)
				name += "/masked"
			}
			t.Run(name, func(t *testing.T) {
				var b [MaxHeaderSize]byte
				n := Put(b[:], h)
				if !bytes.Equal(b[:n], want) {
					t.Fatalf("Put = % x, want % x", b[:n], want)
				}
				if s := HeaderSize(h.Length, h.Masked); s != n {
					t.Errorf("HeaderSize = %d, Put wrote %d", s, n)
				}
				if s := Size(b[0], b[1]); s != n {
					t.Errorf("Size = %d, Put wrote %d", s, n)
				}
				got, m, err := Parse(append(want, 0xee, 0xff)) // payload bytes follow
				if err != nil || m != n || got != h {
					t.Fatalf("Parse = %+v, %d, %v; want %+v, %d", got, m, err, h, n)
				}
			})
		}
	}
}

// TestParseRejects covers each header Parse refuses, with the error the
// reader turns into close code 1002.
func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		want error // nil: any error
	}{
		{"empty", nil, nil},
		{"one byte", []byte{0x82}, nil},
		{"truncated 16-bit length", []byte{0x82, 0x7e, 0x01}, nil},
		{"truncated 64-bit length", []byte{0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0}, nil},
		{"truncated mask", []byte{0x82, 0x85, 1, 2, 3}, nil},
		{"125 in 16 bits", []byte{0x82, 0x7e, 0x00, 0x7d}, ErrNonMinimalLength},
		{"0 in 16 bits", []byte{0x82, 0x7e, 0x00, 0x00}, ErrNonMinimalLength},
		{"65535 in 64 bits", []byte{0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, ErrNonMinimalLength},
		{"most significant bit", []byte{0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0}, ErrLengthOverflow},
		{"all ones", []byte{0x82, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ErrLengthOverflow},
		{"opcode 3", []byte{0x83, 0x00}, ErrReservedOp},
		{"opcode 7", []byte{0x87, 0x00}, ErrReservedOp},
		{"opcode 0xb", []byte{0x8b, 0x00}, ErrReservedOp},
		{"opcode 0xf", []byte{0x8f, 0x00}, ErrReservedOp},
		{"ping of 126", []byte{0x89, 0x7e, 0x00, 0x7e}, ErrControlTooLong},
		{"close of 65536", []byte{0x88, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}, ErrControlTooLong},
		{"fragmented ping", []byte{0x09, 0x00}, ErrControlFragment},
		{"fragmented close", []byte{0x08, 0x02}, ErrControlFragment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Parse(tc.b)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("Parse(% x) = %v, want %v", tc.b, err, tc.want)
			}
		})
	}
}

// TestSize checks the header size announced by the first two bytes.
func TestSize(t *testing.T) {
	for _, tc := range []struct {
		b1   byte
		want int
	}{
		{0x00, 2}, {0x7d, 2}, {0x7e, 4}, {0x7f, 10},
		{0x80, 6}, {0xfd, 6}, {0xfe, 8}, {0xff, 14},
	} {
		if got := Size(0x82, tc.b1); got != tc.want {
			t.Errorf("Size(0x82, %#x) = %d, want %d", tc.b1, got, tc.want)
		}
	}
}

// TestCipher checks that masking a payload piece by piece, at any offset,
// matches masking it whole, and that masking twice gives the payload back.
func TestCipher(t *testing.T) {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	payload := []byte(strings.Repeat("gamesock frame payload ", 7))
	whole := bytes.Clone(payload)
	Cipher(whole, key, 0)
	for i := range whole {
		if whole[i] != payload[i]^key[i%4] {
			t.Fatalf("byte %d masked to %#x, want %#x", i, whole[i], payload[i]^key[i%4])
		}
	}
	for split := range len(payload) + 1 {
		got := bytes.Clone(payload)
		Cipher(got[:split], key, 0)
		Cipher(got[split:], key, int64(split))
		if !bytes.Equal(got, whole) {
			t.Fatalf("masking split at %d differs from masking whole", split)
		}
	}
	Cipher(whole, key, 0)
	if !bytes.Equal(whole, payload) {
		t.Fatal("unmasking did not restore the payload")
	}
}

func TestParseClose(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      []byte
		code   uint16
		reason string
		ok     bool
	}{
		{"empty", nil, CloseNoStatus, "", true},
		{"one byte", []byte{0x03}, 0, "", false},
		{"normal", []byte{0x03, 0xe8}, 1000, "", true},
		{"going away with reason", append([]byte{0x03, 0xe9}, "bye ✓"...), 1001, "bye ✓", true},
		{"1003", []byte{0x03, 0xeb}, 1003, "", true},
		{"1004 reserved", []byte{0x03, 0xec}, 0, "", false},
		{"1005 not on the wire", []byte{0x03, 0xed}, 0, "", false},
		{"1006 not on the wire", []byte{0x03, 0xee}, 0, "", false},
		{"1007", []byte{0x03, 0xef}, 1007, "", true},
		{"1014", []byte{0x03, 0xf6}, 1014, "", true},
		{"1015 not on the wire", []byte{0x03, 0xf7}, 0, "", false},
		{"999", []byte{0x03, 0xe7}, 0, "", false},
		{"2999", []byte{0x0b, 0xb7}, 0, "", false},
		{"3000", []byte{0x0b, 0xb8}, 3000, "", true},
		{"4999", []byte{0x13, 0x87}, 4999, "", true},
		{"5000", []byte{0x13, 0x88}, 0, "", false},
		{"reason not UTF-8", []byte{0x03, 0xe8, 0xc3}, 0, "", false},
		{"reason a surrogate", []byte{0x03, 0xe8, 0xed, 0xa0, 0x80}, 0, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, reason, err := ParseClose(tc.p)
			if (err == nil) != tc.ok {
				t.Fatalf("ParseClose(% x) error = %v, want ok %v", tc.p, err, tc.ok)
			}
			if tc.ok && (code != tc.code || reason != tc.reason) {
				t.Fatalf("ParseClose(% x) = %d, %q; want %d, %q", tc.p, code, reason, tc.code, tc.reason)
			}
		})
	}
}

// TestValidCloseCode checks each edge of the ranges a close frame may carry.
func TestValidCloseCode(t *testing.T) {
	valid := map[uint16]bool{1000: true, 1003: true, 1007: true, 1014: true, 3000: true, 4999: true}
	for _, code := range []uint16{0, 999, 1000, 1003, 1004, 1005, 1006, 1007, 1014, 1015, 2999, 3000, 4999, 5000, 65535} {
		if got := ValidCloseCode(code); got != valid[code] {
			t.Errorf("ValidCloseCode(%d) = %v, want %v", code, got, valid[code])
		}
	}
}

// TestPutClose checks the payload written for a close, and that a reason
// too long for a control frame is cut at a rune boundary.
func TestPutClose(t *testing.T) {
	a122 := strings.Repeat("a", 122)
	for _, tc := range []struct {
		name   string
		reason string
		want   string // the reason as written
	}{
		{"no reason", "", ""},
		{"short", "done", "done"},
		{"exactly 123 bytes", strings.Repeat("b", 123), strings.Repeat("b", 123)},
		{"ascii cut", strings.Repeat("c", 200), strings.Repeat("c", 123)},
		{"2-byte rune across the limit", a122 + "é", a122},
		{"3-byte rune across the limit", a122 + "€", a122},
		{"4-byte rune across the limit", a122[:121] + "𝄞", a122[:121]},
		{"rune ending at the limit", a122[:120] + "€x", a122[:120] + "€"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b [MaxControlPayloadSize]byte
			n := PutClose(b[:], 1001, tc.reason)
			want := append([]byte{0x03, 0xe9}, tc.want...)
			if !bytes.Equal(b[:n], want) {
				t.Fatalf("PutClose = %q, want %q", b[:n], want)
			}
			code, reason, err := ParseClose(b[:n])
			if err != nil || code != 1001 || reason != tc.want {
				t.Fatalf("ParseClose(PutClose) = %d, %q, %v", code, reason, err)
			}
		})
	}
}

// TestUTF8 checks the streaming validator against known valid and invalid
// sequences, split at every pair of points.
func TestUTF8(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     string
		valid bool
	}{
		{"empty", "", true},
		{"ascii", "hello, gamesock", true},
		{"2-byte", "héllo", true},
		{"3-byte", "€100", true},
		{"4-byte", "clef 𝄞!", true},
		{"replacement character itself", "\uFFFD", true},
		{"last code point", "\U0010FFFF", true},
		{"last before surrogates", "\uD7FF", true},
		{"first after surrogates", "\uE000", true},
		{"high surrogate", "\xed\xa0\x80", false},
		{"low surrogate", "\xed\xbf\xbf", false},
		{"overlong slash 2 bytes", "\xc0\xaf", false},
		{"overlong slash 3 bytes", "\xe0\x80\xaf", false},
		{"overlong slash 4 bytes", "\xf0\x80\x80\xaf", false},
		{"overlong NUL", "\xc1\xbf", false},
		{"above U+10FFFF", "\xf4\x90\x80\x80", false},
		{"lone continuation", "a\x80b", false},
		{"invalid byte 0xff", "\xff", false},
		{"truncated at the end", "ok\xe2\x82", false},
		{"truncated in the middle", "\xe2\x82ok", false},
		{"5-byte form", "\xf8\x88\x80\x80\x80", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte(tc.s)
			for i := range len(b) + 1 {
				for j := i; j <= len(b); j++ {
					var v UTF8
					ok := v.Write(b[:i]) && v.Write(b[i:j]) && v.Write(b[j:])
					ok = v.Done() && ok
					if ok != tc.valid {
						t.Fatalf("% x split at %d,%d: valid = %v, want %v", b, i, j, ok, tc.valid)
					}
				}
			}
		})
	}
}

// TestUTF8ByteByByte feeds text one byte at a time, the worst split.
func TestUTF8ByteByByte(t *testing.T) {
	s := "a é € 𝄞 \uFFFD \U0010FFFF"
	var v UTF8
	for i := range len(s) {
		if !v.Write([]byte{s[i]}) {
			t.Fatalf("byte %d of %q refused", i, s)
		}
	}
	if !v.Done() {
		t.Fatal("Done refused complete text")
	}
}
