package replay

import (
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"iter"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
)

// Summary is a replay's header and trailer: everything but the ticks.
type Summary struct {
	Header
	TickCount uint64    // the steps recorded
	Ended     time.Time // when Finish wrote the file
	// Hashes are World.Hash after ticks HashEvery, 2*HashEvery, ... up to
	// TickCount.
	Hashes    []uint64
	FinalHash uint64 // World.Hash after tick TickCount
}

// Replay is a parsed replay file. Its ticks stay in their compact encoding
// until Ticks or Play reads them.
type Replay struct {
	Summary
	stream []byte // the tick stream, uncompressed and validated
}

// Tick is one recorded step: the joins and leaves before it, in order, and
// the inputs World.Step was given.
type Tick struct {
	Number  uint64 // from 1
	Changes []Change
	Inputs  []arena.PlayerInput
}

// Change is a ship joining or leaving the World before a step.
type Change struct {
	Ship  arena.PlayerID
	Leave bool   // false: a join
	Bot   bool   // for a join
	Name  string // for a join
}

// file is a replay file split into its sections.
type file struct {
	header, body, trailer []byte
}

func split(data []byte) (file, error) {
	if len(data) > MaxFileSize {
		return file{}, fmt.Errorf("%w: %d bytes, more than the %d a replay may have", ErrFormat, len(data), MaxFileSize)
	}
	if len(data) < len(Magic)+2 || string(data[:len(Magic)]) != Magic {
		return file{}, fmt.Errorf("%w: not a replay file (no %q magic)", ErrFormat, Magic)
	}
	d := decoder{buf: data[len(Magic):], what: "file"}
	if v := d.uint16("version"); v != Version {
		return file{}, fmt.Errorf("%w: format version %d, this build reads %d", ErrFormat, v, Version)
	}
	var f file
	f.header = d.section("header", MaxFileSize)
	f.body = d.section("ticks", MaxFileSize)
	f.trailer = d.section("trailer", MaxFileSize)
	d.end()
	return f, d.err
}

// ParseSummary reads a replay's header and trailer, without inflating its
// ticks: enough to list it. It checks the file's structure but not its
// ticks; Parse checks everything.
func ParseSummary(data []byte) (*Summary, error) {
	f, err := split(data)
	if err != nil {
		return nil, err
	}
	s, _, _, err := f.summary()
	return s, err
}

func (f file) summary() (s *Summary, streamSize uint64, crc uint32, err error) {
	h, err := decodeHeader(f.header)
	if err != nil {
		return nil, 0, 0, err
	}
	s = &Summary{Header: h}
	d := decoder{buf: f.trailer, what: "trailer"}
	s.TickCount = d.uvarint("tick count", MaxTicks)
	streamSize = d.uvarint("tick stream size", MaxStreamSize)
	crc = d.uint32("tick stream checksum")
	s.Ended = fromUnixNano(d.varint("end time"))
	if d.err != nil {
		return nil, 0, 0, d.err
	}
	n := s.TickCount / uint64(h.HashEvery)
	if want := (n + 1) * 8; uint64(len(d.buf)) != want {
		return nil, 0, 0, fmt.Errorf("%w: trailer: %d bytes of hashes, want %d for %d ticks hashed every %d",
			ErrFormat, len(d.buf), want, s.TickCount, h.HashEvery)
	}
	s.Hashes = make([]uint64, n)
	for i := range s.Hashes {
		s.Hashes[i] = d.uint64("hash")
	}
	s.FinalHash = d.uint64("final hash")
	return s, streamSize, crc, d.err
}

// Parse reads and checks a whole replay file. It never panics, whatever
// data holds: a malformed file gives an error wrapping ErrFormat that says
// what is wrong. The Replay does not keep data.
func Parse(data []byte) (*Replay, error) {
	f, err := split(data)
	if err != nil {
		return nil, err
	}
	s, size, crc, err := f.summary()
	if err != nil {
		return nil, err
	}
	stream, err := inflate(f.body, size)
	if err != nil {
		return nil, err
	}
	if got := crc32.ChecksumIEEE(stream); got != crc {
		return nil, fmt.Errorf("%w: ticks: checksum %08x, the trailer says %08x", ErrFormat, got, crc)
	}
	r := &Replay{Summary: *s, stream: stream}
	tr := r.reader()
	for {
		_, ok := tr.next()
		if !ok {
			break
		}
	}
	if tr.d.err != nil {
		return nil, tr.d.err
	}
	if tr.number != s.TickCount {
		return nil, fmt.Errorf("%w: ticks: %d recorded, the trailer says %d", ErrFormat, tr.number, s.TickCount)
	}
	return r, nil
}

// inflate decompresses body, which must give exactly size bytes. Memory
// grows with what actually comes out, never with what size claims.
func inflate(body []byte, size uint64) ([]byte, error) {
	br := bytes.NewReader(body)
	fr := flate.NewReader(br)
	defer fr.Close()
	out, err := io.ReadAll(io.LimitReader(fr, int64(size)+1))
	if err != nil {
		return nil, fmt.Errorf("%w: ticks: decompressing: %v", ErrFormat, err)
	}
	if uint64(len(out)) != size {
		return nil, fmt.Errorf("%w: ticks: %d bytes decompressed, the trailer says %d", ErrFormat, len(out), size)
	}
	if br.Len() != 0 {
		return nil, fmt.Errorf("%w: ticks: %d bytes after the compressed data", ErrFormat, br.Len())
	}
	return out, nil
}

// Ticks returns the recorded ticks in order. A Tick's slices stay valid
// only until the next iteration.
func (r *Replay) Ticks() iter.Seq[Tick] {
	return func(yield func(Tick) bool) {
		tr := r.reader()
		for {
			t, ok := tr.next()
			if !ok || !yield(t) {
				return
			}
		}
	}
}

func (r *Replay) reader() *tickReader {
	return &tickReader{d: decoder{buf: r.stream, what: "ticks"}, max: r.TickCount}
}

// tickReader decodes a tick stream, one tick at a time, reusing its
// buffers.
type tickReader struct {
	d       decoder
	max     uint64 // ticks the trailer announced
	number  uint64 // the last tick returned
	repeat  uint64 // ticks left in a repeat record
	inputs  []arena.PlayerInput
	changes []Change
}

// next returns the next tick, or false at the end of the stream or on an
// error, which is then in t.d.err.
func (t *tickReader) next() (Tick, bool) {
	if t.repeat == 0 {
		if len(t.d.buf) == 0 || !t.record() {
			return Tick{}, false
		}
	}
	if t.number >= t.max {
		t.d.fail("more ticks than the %d the trailer says", t.max)
		return Tick{}, false
	}
	t.number++
	var changes []Change
	if t.repeat > 0 {
		t.repeat--
	} else {
		changes = t.changes
	}
	return Tick{Number: t.number, Changes: changes, Inputs: t.inputs}, true
}

// record reads one record. After a repeat record, t.repeat counts its
// ticks; after any other, t.changes and t.inputs are its tick's.
func (t *tickReader) record() bool {
	d := &t.d
	t.changes = t.changes[:0]
	flags := d.byte("flags")
	switch {
	case flags&^(flagChanges|flagFull|flagDelta|flagRepeat) != 0:
		d.fail("tick %d: unknown flags %#x", t.number+1, flags)
	case flags&flagRepeat != 0 && flags != flagRepeat:
		d.fail("tick %d: a repeat with other flags %#x", t.number+1, flags)
	case flags&flagFull != 0 && flags&flagDelta != 0:
		d.fail("tick %d: both full and delta inputs", t.number+1)
	case flags == flagRepeat:
		t.repeat = d.uvarint("repeat count", MaxTicks)
		if d.err == nil && t.repeat == 0 {
			d.fail("tick %d: a repeat of 0 ticks", t.number+1)
		}
		return d.err == nil
	}
	if flags&flagChanges != 0 {
		t.readChanges()
	}
	switch {
	case flags&flagFull != 0:
		t.readFull()
	case flags&flagDelta != 0:
		t.readDelta()
	}
	return d.err == nil
}

func (t *tickReader) readChanges() {
	d := &t.d
	n := d.uvarint("change count", MaxChangesPerTick)
	for i := uint64(0); i < n && d.err == nil; i++ {
		kind := d.byte("change kind")
		c := Change{Ship: arena.PlayerID(d.byte("change ship"))}
		switch kind {
		case changeJoin, changeJoinBot:
			c.Bot = kind == changeJoinBot
			c.Name = string(d.section("join name", MaxNameLen))
		case changeLeave:
			c.Leave = true
		default:
			d.fail("tick %d: unknown change kind %d", t.number+1, kind)
		}
		t.changes = append(t.changes, c)
	}
}

func (t *tickReader) readFull() {
	d := &t.d
	n := d.uvarint("input count", MaxInputsPerTick)
	in := d.bytes("inputs", 2*n)
	if d.err != nil {
		return
	}
	t.inputs = t.inputs[:0]
	for i := 0; i < len(in); i += 2 {
		t.inputs = append(t.inputs, arena.PlayerInput{Player: arena.PlayerID(in[i]), Buttons: arena.Buttons(in[i+1])})
	}
}

func (t *tickReader) readDelta() {
	d := &t.d
	n := d.uvarint("changed input count", uint64(len(t.inputs)))
	for range n {
		i := d.uvarint("input index", uint64(len(t.inputs)))
		b := d.byte("buttons")
		if d.err != nil {
			return
		}
		if i >= uint64(len(t.inputs)) {
			d.fail("tick %d: input index %d of %d", t.number+1, i, len(t.inputs))
			return
		}
		t.inputs[i].Buttons = arena.Buttons(b)
	}
}
