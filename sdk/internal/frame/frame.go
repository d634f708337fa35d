// Package frame encodes and decodes RFC 6455 frame headers and close payloads.
//
// It is the only code in gamesock that parses frame bytes from the network,
// so it is small, allocation-free and fuzzed. Payload masking uses gobwas/ws's
// vectorised cipher.
package frame

import (
	"encoding/binary"
	"errors"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

// Op is a frame opcode.
type Op byte

// Opcodes defined by RFC 6455, section 5.2.
const (
	OpContinuation Op = 0x0
	OpText         Op = 0x1
	OpBinary       Op = 0x2
	OpClose        Op = 0x8
	OpPing         Op = 0x9
	OpPong         Op = 0xa
)

// IsControl reports whether op is a control opcode (close, ping, pong).
func (op Op) IsControl() bool { return op&0x8 != 0 }

// Sizes of frame parts.
const (
	MaxHeaderSize         = 14  // 2 + 8 (length) + 4 (mask)
	MaxControlPayloadSize = 125 // RFC 6455, section 5.5
)

// Rsv1 is the RSV1 bit as it stands in a Header's Rsv field; permessage-deflate
// uses it to flag a compressed message.
const Rsv1 = 0x4

// Header is a decoded frame header.
type Header struct {
	Fin    bool
	Rsv    byte // the three RSV bits, RSV1 as 0x4
	Op     Op
	Masked bool
	Mask   [4]byte
	Length int64
}

// Errors returned by Parse. Each is a protocol violation that the reader
// answers with close code 1002.
var (
	ErrReservedOp       = errors.New("reserved opcode")
	ErrControlTooLong   = errors.New("control frame payload longer than 125 bytes")
	ErrControlFragment  = errors.New("fragmented control frame")
	ErrLengthOverflow   = errors.New("frame length has the most significant bit set")
	ErrNonMinimalLength = errors.New("frame length not in its shortest form")
)

// Size returns the number of header bytes announced by the first two bytes of
// a frame: 2 to 14.
func Size(b0, b1 byte) int {
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4
	}
	return n
}

// Parse decodes the header at the start of b. b must hold at least
// Size(b[0], b[1]) bytes; Parse returns the header and its size in bytes.
// It checks what can be checked from the header alone: reserved opcodes,
// control frame rules and the length encoding. RSV bits, masking direction and
// fragmentation order depend on the connection and are left to the caller.
func Parse(b []byte) (h Header, n int, err error) {
	if len(b) < 2 {
		return h, 0, errors.New("frame header shorter than 2 bytes")
	}
	n = Size(b[0], b[1])
	if len(b) < n {
		return h, 0, errors.New("frame header truncated")
	}
	h.Fin = b[0]&0x80 != 0
	h.Rsv = (b[0] >> 4) & 0x7
	h.Op = Op(b[0] & 0x0f)
	h.Masked = b[1]&0x80 != 0
	p := 2
	switch l := b[1] & 0x7f; l {
	case 126:
		h.Length = int64(binary.BigEndian.Uint16(b[2:4]))
		p = 4
		if h.Length < 126 {
			return h, n, ErrNonMinimalLength
		}
	case 127:
		u := binary.BigEndian.Uint64(b[2:10])
		p = 10
		if u>>63 != 0 {
			return h, n, ErrLengthOverflow
		}
		h.Length = int64(u)
		if h.Length <= 0xffff {
			return h, n, ErrNonMinimalLength
		}
	default:
		h.Length = int64(l)
	}
	if h.Masked {
		copy(h.Mask[:], b[p:p+4])
	}
	switch {
	case h.Op > OpBinary && h.Op < OpClose, h.Op > OpPong:
		return h, n, ErrReservedOp
	case h.Op.IsControl() && h.Length > MaxControlPayloadSize:
		return h, n, ErrControlTooLong
	case h.Op.IsControl() && !h.Fin:
		return h, n, ErrControlFragment
	}
	return h, n, nil
}

// Put encodes h at the start of b, which must have room for MaxHeaderSize
// bytes, and returns the number of bytes written.
func Put(b []byte, h Header) int {
	b0 := byte(h.Op) | h.Rsv<<4
	if h.Fin {
		b0 |= 0x80
	}
	b[0] = b0
	var b1 byte
	if h.Masked {
		b1 = 0x80
	}
	n := 2
	switch {
	case h.Length < 126:
		b[1] = b1 | byte(h.Length)
	case h.Length <= 0xffff:
		b[1] = b1 | 126
		binary.BigEndian.PutUint16(b[2:4], uint16(h.Length))
		n = 4
	default:
		b[1] = b1 | 127
		binary.BigEndian.PutUint64(b[2:10], uint64(h.Length))
		n = 10
	}
	if h.Masked {
		copy(b[n:n+4], h.Mask[:])
		n += 4
	}
	return n
}

// HeaderSize returns the encoded size of a header for a payload of length n.
func HeaderSize(n int64, masked bool) int {
	s := 2
	switch {
	case n < 126:
	case n <= 0xffff:
		s = 4
	default:
		s = 10
	}
	if masked {
		s += 4
	}
	return s
}

// Cipher masks or unmasks p in place with key; pos is the offset of p[0]
// within the frame's payload.
func Cipher(p []byte, key [4]byte, pos int64) {
	ws.Cipher(p, key, int(pos&3))
}

// Close status codes used by the parser's callers.
const (
	CloseNoStatus      = 1005 // no code in the close frame; never sent
	CloseAbnormal      = 1006 // no close frame at all; never sent
	CloseTLSHandshake  = 1015 // never sent
	maxCloseReasonSize = MaxControlPayloadSize - 2
)

// ErrBadClosePayload is returned by ParseClose for a malformed close frame.
var ErrBadClosePayload = errors.New("malformed close frame payload")

// ParseClose decodes a close frame payload. An empty payload yields code
// CloseNoStatus. It rejects a one-byte payload, codes that may not appear on
// the wire, and reasons that are not UTF-8.
func ParseClose(p []byte) (code uint16, reason string, err error) {
	switch len(p) {
	case 0:
		return CloseNoStatus, "", nil
	case 1:
		return 0, "", ErrBadClosePayload
	}
	code = binary.BigEndian.Uint16(p)
	if !ValidCloseCode(code) {
		return code, "", errors.New("close code not allowed on the wire")
	}
	if !utf8.Valid(p[2:]) {
		return code, "", errors.New("close reason is not valid UTF-8")
	}
	return code, string(p[2:]), nil
}

// ValidCloseCode reports whether code may be sent in a close frame (RFC 6455
// section 7.4 and the IANA registry): 1000-1003, 1007-1014, and 3000-4999.
func ValidCloseCode(code uint16) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// PutClose writes a close payload for code and reason into b (at least
// MaxControlPayloadSize bytes) and returns its length. A reason longer than
// fits is cut at a rune boundary.
func PutClose(b []byte, code uint16, reason string) int {
	binary.BigEndian.PutUint16(b, code)
	if len(reason) > maxCloseReasonSize {
		reason = reason[:maxCloseReasonSize]
		for len(reason) > 0 && !utf8.ValidString(reason) {
			reason = reason[:len(reason)-1]
		}
	}
	return 2 + copy(b[2:], reason)
}
