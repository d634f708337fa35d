package arenawire

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// maxFields is the most fields an entity kind has on the wire.
const maxFields = 11

// fields are an entity's wire fields, in mask bit order, as int64s so one
// record codec serves every kind.
type fields [maxFields]int64

// shifts are the quanta of a kind's fields, as powers of two: a field with
// shift s is a multiple of 1<<s on the client, and its differences go on
// the wire divided by 1<<s.
type shifts [maxFields]uint8

// A coding says how a field's value goes on the wire.
type coding uint8

const (
	difference coding = iota // zigzag(value - predicted) >> shift
	turn                     // the same, modulo a turn (65536 angle units)
	absolute                 // the value itself, unsigned
)

// spec is one field's coding and the range a decoded value must be in.
type spec struct {
	name   string
	coding coding
	lo, hi int64
}

// errStream is wrapped by the errors of a stream that ends early.
var errStream = errors.New("truncated record")

// appendRecord appends the mask of the fields of cur that differ from
// pred, then those fields' values.
func appendRecord(dst []uint64, specs []spec, sh *shifts, cur, pred *fields) []uint64 {
	var mask uint64
	for i := range specs {
		if cur[i] != pred[i] {
			mask |= 1 << i
		}
	}
	dst = append(dst, mask)
	for i, sp := range specs {
		if mask&(1<<i) == 0 {
			continue
		}
		switch sp.coding {
		case absolute:
			dst = append(dst, uint64(cur[i]))
		case turn:
			d := int64(int16(cur[i]-pred[i])) >> sh[i]
			dst = append(dst, protowire.EncodeZigZag(d))
		default:
			// both are multiples of the quantum, so the wrapping
			// difference is too, and shifting loses nothing
			dst = append(dst, protowire.EncodeZigZag((cur[i]-pred[i])>>sh[i]))
		}
	}
	return dst
}

// sameFields reports whether a and b agree on the fields in specs.
func sameFields(specs []spec, a, b *fields) bool {
	for i := range specs {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// stream reads the varints of a packed entity stream.
type stream struct {
	vals []uint64
	pos  int
}

func (s *stream) more() bool { return s.pos < len(s.vals) }

func (s *stream) next() (uint64, error) {
	if s.pos >= len(s.vals) {
		return 0, errStream
	}
	v := s.vals[s.pos]
	s.pos++
	return v, nil
}

// readRecord reads a mask and its values into out, starting from pred for
// the fields the mask leaves out, and checks every field's range.
func (s *stream) readRecord(specs []spec, sh *shifts, pred *fields, out *fields) error {
	mask, err := s.next()
	if err != nil {
		return err
	}
	if mask>>len(specs) != 0 {
		return fmt.Errorf("field mask %#x has bits beyond the %d fields", mask, len(specs))
	}
	*out = *pred
	for i, sp := range specs {
		if mask&(1<<i) == 0 {
			continue
		}
		v, err := s.next()
		if err != nil {
			return err
		}
		switch sp.coding {
		case absolute:
			if v > math.MaxInt64 {
				return fmt.Errorf("%s: %d is out of range", sp.name, v)
			}
			out[i] = int64(v)
		case turn:
			out[i] = int64(uint16(pred[i] + protowire.DecodeZigZag(v)<<sh[i]))
		default:
			out[i] = pred[i] + protowire.DecodeZigZag(v)<<sh[i]
		}
	}
	for i, sp := range specs {
		if out[i] < sp.lo || out[i] > sp.hi {
			return fmt.Errorf("%s: %d is out of range [%d, %d]", sp.name, out[i], sp.lo, sp.hi)
		}
	}
	return nil
}

// ids reads or writes the ascending ids of a stream: the first as a
// zigzag difference from base, the others as the (positive) difference
// from the previous one.
type ids struct {
	base  uint64
	prev  uint64
	first bool
}

func newIDs(base uint64) ids { return ids{base: base, first: true} }

func (c *ids) encode(id uint64) uint64 {
	var v uint64
	if c.first {
		v = protowire.EncodeZigZag(int64(id - c.base))
	} else {
		v = id - c.prev
	}
	c.prev, c.first = id, false
	return v
}

// decode turns a wire value into the next id, which must be above the
// previous one and at most max.
func (c *ids) decode(v uint64, max uint64) (uint64, error) {
	var id uint64
	if c.first {
		id = c.base + uint64(protowire.DecodeZigZag(v))
	} else {
		if v == 0 {
			return 0, fmt.Errorf("id %d appears twice", c.prev)
		}
		id = c.prev + v
		if id < c.prev {
			return 0, fmt.Errorf("id after %d overflows", c.prev)
		}
	}
	if id > max {
		return 0, fmt.Errorf("id %d is out of range (at most %d)", id, max)
	}
	c.prev, c.first = id, false
	return id, nil
}
