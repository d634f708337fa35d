package replay

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Magic begins every replay file.
const Magic = "GSREPLAY"

// Version is the file format version this package writes and reads.
const Version = 1

// Limits on what a replay may hold. Parse rejects a file over any of them,
// and a Recorder refuses to write one, so every allocation a file causes is
// bounded by its size and by these.
const (
	MaxFileSize       = 64 << 20 // bytes of a whole file
	MaxStreamSize     = 64 << 20 // bytes of the tick stream, uncompressed
	MaxTicks          = 1 << 22  // steps: 38 hours at arena.TickRate
	MaxRoomIDLen      = 128      // bytes
	MaxNameLen        = 64       // bytes of a ship's name
	MaxConfigLen      = 64 << 10 // bytes of the Config's JSON
	MaxRoster         = 4096     // roster entries
	MaxInputsPerTick  = 1024     // inputs given to one step
	MaxChangesPerTick = 1024     // joins and leaves before one step
)

// DefaultHashEvery is the ticks between the hashes a Recorder keeps when
// Header.HashEvery is 0: one a second, 8 bytes each.
const DefaultHashEvery = 30

// ErrFormat is wrapped by every error about a malformed file.
var ErrFormat = errors.New("malformed replay")

// Tick-stream record flags.
const (
	flagChanges = 0x01
	flagFull    = 0x02
	flagDelta   = 0x04
	flagRepeat  = 0x08
)

// Kinds of a change record.
const (
	changeJoin    = 0
	changeJoinBot = 1
	changeLeave   = 2
)

// decoder reads the fields of a replay from a byte slice. The first error
// sticks: every later read returns zero values, so a caller checks err once
// after a group of reads.
type decoder struct {
	buf  []byte
	what string // the part being read, for errors
	err  error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s: %s", ErrFormat, d.what, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) byte(field string) byte {
	if d.err != nil {
		return 0
	}
	if len(d.buf) < 1 {
		d.fail("%s: truncated", field)
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

func (d *decoder) uint16(field string) uint16 {
	if d.err != nil {
		return 0
	}
	if len(d.buf) < 2 {
		d.fail("%s: truncated", field)
		return 0
	}
	v := binary.BigEndian.Uint16(d.buf)
	d.buf = d.buf[2:]
	return v
}

func (d *decoder) uint32(field string) uint32 {
	if d.err != nil {
		return 0
	}
	if len(d.buf) < 4 {
		d.fail("%s: truncated", field)
		return 0
	}
	v := binary.BigEndian.Uint32(d.buf)
	d.buf = d.buf[4:]
	return v
}

func (d *decoder) uint64(field string) uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.buf) < 8 {
		d.fail("%s: truncated", field)
		return 0
	}
	v := binary.BigEndian.Uint64(d.buf)
	d.buf = d.buf[8:]
	return v
}

// uvarint reads an unsigned varint no greater than max.
func (d *decoder) uvarint(field string, max uint64) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		if n == 0 {
			d.fail("%s: truncated", field)
		} else {
			d.fail("%s: varint overflows 64 bits", field)
		}
		return 0
	}
	if v > max {
		d.fail("%s is %d, more than the %d allowed", field, v, max)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) varint(field string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.fail("%s: truncated or overflowing varint", field)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// bytes reads n bytes, aliasing the input.
func (d *decoder) bytes(field string, n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if uint64(len(d.buf)) < n {
		d.fail("%s: %d bytes announced, %d left", field, n, len(d.buf))
		return nil
	}
	b := d.buf[:n:n]
	d.buf = d.buf[n:]
	return b
}

// section reads a uvarint length no greater than max, then that many bytes.
func (d *decoder) section(field string, max uint64) []byte {
	return d.bytes(field, d.uvarint(field+" length", max))
}

// end fails if bytes are left over.
func (d *decoder) end() {
	if d.err == nil && len(d.buf) > 0 {
		d.fail("%d unexpected bytes at the end", len(d.buf))
	}
}

func appendSection(dst, section []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(section)))
	return append(dst, section...)
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}
