package replay

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"slices"
	"time"

	"github.com/gamesock/gamesock/internal/arena"
)

// Recorder records a match as it is played. The goroutine that owns the
// match's World owns its Recorder: it is not safe for concurrent use.
//
// For every tick, call Join and Leave as the World's were called since the
// last step (every ship, those present at the start included: Play starts
// from arena.New too), then Step with the inputs World.Step was given and
// the World's Hash after it. Finish returns the file.
//
// Step appends a few bytes to a buffer, and in steady state allocates
// nothing beyond that buffer's growth.
type Recorder struct {
	h       Header
	stream  []byte // the tick stream, uncompressed
	changes []byte // the change records since the last Step
	nchange int
	prev    []arena.PlayerInput // the last tick's inputs
	repeat  uint64              // unchanged ticks not yet written
	ticks   uint64
	hashes  []uint64
	last    uint64 // the hash after the last tick
	err     error  // the first error, returned by Finish
}

// NewRecorder starts recording a match that begins with h. The Recorder
// keeps a copy of h.Roster.
func NewRecorder(h Header) *Recorder {
	h.Roster = slices.Clone(h.Roster)
	if h.HashEvery == 0 {
		h.HashEvery = DefaultHashEvery
	}
	return &Recorder{h: h, stream: make([]byte, 0, 4096)}
}

// Join records that ship id joined the World before the next step. name
// (cut to MaxNameLen bytes) goes on the roster, unless the same ship is
// already there by that name.
func (r *Recorder) Join(id arena.PlayerID, bot bool, name string) {
	name = truncateName(name)
	kind := byte(changeJoin)
	if bot {
		kind = changeJoinBot
	}
	r.changes = append(r.changes, kind, byte(id))
	r.changes = appendString(r.changes, name)
	r.nchange++
	if !slices.ContainsFunc(r.h.Roster, func(e Entry) bool { return e.Ship == id && e.Name == name }) {
		r.h.Roster = append(r.h.Roster, Entry{Ship: id, Name: name, Bot: bot})
	}
}

// Leave records that ship id left the World before the next step.
func (r *Recorder) Leave(id arena.PlayerID) {
	r.changes = append(r.changes, changeLeave, byte(id))
	r.nchange++
}

// Step records one World.Step: the inputs it was given, exactly, and the
// World's Hash after it.
func (r *Recorder) Step(inputs []arena.PlayerInput, hashAfter uint64) {
	if r.err != nil {
		return
	}
	switch {
	case r.ticks >= MaxTicks:
		r.err = fmt.Errorf("match longer than the %d ticks a replay holds", MaxTicks)
		return
	case len(inputs) > MaxInputsPerTick:
		r.err = fmt.Errorf("tick %d: %d inputs, more than the %d a replay holds", r.ticks+1, len(inputs), MaxInputsPerTick)
		return
	case r.nchange > MaxChangesPerTick:
		r.err = fmt.Errorf("tick %d: %d joins and leaves, more than the %d a replay holds", r.ticks+1, r.nchange, MaxChangesPerTick)
		return
	}
	r.ticks++
	r.last = hashAfter
	if r.ticks%uint64(r.h.HashEvery) == 0 {
		r.hashes = append(r.hashes, hashAfter)
	}
	same, delta := compareInputs(r.prev, inputs)
	if same && r.nchange == 0 {
		r.repeat++
		return
	}
	r.flushRepeat()
	var flags byte
	if r.nchange > 0 {
		flags |= flagChanges
	}
	switch {
	case same:
	case delta:
		flags |= flagDelta
	default:
		flags |= flagFull
	}
	r.stream = append(r.stream, flags)
	if r.nchange > 0 {
		r.stream = binary.AppendUvarint(r.stream, uint64(r.nchange))
		r.stream = append(r.stream, r.changes...)
		r.changes = r.changes[:0]
		r.nchange = 0
	}
	switch {
	case same:
	case delta:
		r.appendDelta(inputs)
	default:
		r.stream = binary.AppendUvarint(r.stream, uint64(len(inputs)))
		for _, in := range inputs {
			r.stream = append(r.stream, byte(in.Player), byte(in.Buttons))
		}
	}
	r.prev = append(r.prev[:0], inputs...)
}

// compareInputs tells whether cur is prev, and if not whether it has the
// same players in the same order, so that only buttons changed.
func compareInputs(prev, cur []arena.PlayerInput) (same, samePlayers bool) {
	if len(prev) != len(cur) {
		return false, false
	}
	same = true
	for i := range cur {
		if cur[i].Player != prev[i].Player {
			return false, false
		}
		if cur[i].Buttons != prev[i].Buttons {
			same = false
		}
	}
	return same, true
}

// appendDelta writes the inputs whose buttons differ from r.prev's.
func (r *Recorder) appendDelta(inputs []arena.PlayerInput) {
	n := 0
	for i := range inputs {
		if inputs[i].Buttons != r.prev[i].Buttons {
			n++
		}
	}
	r.stream = binary.AppendUvarint(r.stream, uint64(n))
	for i := range inputs {
		if inputs[i].Buttons != r.prev[i].Buttons {
			r.stream = binary.AppendUvarint(r.stream, uint64(i))
			r.stream = append(r.stream, byte(inputs[i].Buttons))
		}
	}
}

func (r *Recorder) flushRepeat() {
	if r.repeat > 0 {
		r.stream = append(r.stream, flagRepeat)
		r.stream = binary.AppendUvarint(r.stream, r.repeat)
		r.repeat = 0
	}
}

// Ticks returns the steps recorded so far.
func (r *Recorder) Ticks() uint64 { return r.ticks }

// Finish returns the replay file, stamped as ended now. Joins and leaves
// after the last Step are dropped, since no step saw them. It returns the
// first error met while recording, if any.
func (r *Recorder) Finish() ([]byte, error) { return r.FinishAt(time.Now()) }

// FinishAt is Finish with the end time given.
func (r *Recorder) FinishAt(ended time.Time) ([]byte, error) {
	if r.err != nil {
		return nil, fmt.Errorf("recording replay: %w", r.err)
	}
	r.flushRepeat()
	if len(r.stream) > MaxStreamSize {
		return nil, fmt.Errorf("recording replay: tick stream is %d bytes, more than the %d a replay holds", len(r.stream), MaxStreamSize)
	}
	header, err := appendHeader(nil, &r.h)
	if err != nil {
		return nil, fmt.Errorf("recording replay: %w", err)
	}
	var body bytes.Buffer
	fw, err := flate.NewWriter(&body, flate.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("recording replay: %w", err)
	}
	if _, err := fw.Write(r.stream); err != nil {
		return nil, fmt.Errorf("recording replay: compressing ticks: %w", err)
	}
	if err := fw.Close(); err != nil {
		return nil, fmt.Errorf("recording replay: compressing ticks: %w", err)
	}
	trailer := binary.AppendUvarint(nil, r.ticks)
	trailer = binary.AppendUvarint(trailer, uint64(len(r.stream)))
	trailer = binary.BigEndian.AppendUint32(trailer, crc32.ChecksumIEEE(r.stream))
	trailer = binary.AppendVarint(trailer, unixNano(ended))
	for _, h := range r.hashes {
		trailer = binary.BigEndian.AppendUint64(trailer, h)
	}
	trailer = binary.BigEndian.AppendUint64(trailer, r.last)

	out := make([]byte, 0, len(Magic)+2+3*binary.MaxVarintLen64+len(header)+body.Len()+len(trailer))
	out = append(out, Magic...)
	out = binary.BigEndian.AppendUint16(out, Version)
	out = appendSection(out, header)
	out = appendSection(out, body.Bytes())
	out = appendSection(out, trailer)
	if len(out) > MaxFileSize {
		return nil, fmt.Errorf("recording replay: file is %d bytes, more than the %d a replay holds", len(out), MaxFileSize)
	}
	return out, nil
}
