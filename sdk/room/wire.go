package room

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The wire messages of proto/gamesock/v1/room.proto, encoded and decoded
// by hand with protowire: the tick and the input path then allocate
// nothing, and a decoded input aliases the frame instead of copying it.
// The tests check both directions against the generated code.

// Field numbers of RoomInput and RoomSnapshot.
const (
	fieldFirstSeq    = 1
	fieldInputs      = 2
	fieldSnapshotAck = 3

	fieldBaseline = 1
	fieldInputAck = 2
	fieldData     = 3
)

// errMalformed is why a frame that is not protobuf, or whose fields have
// the wrong types or values, is refused.
var errMalformed = errors.New("malformed")

// inputFrame is a decoded RoomInput. Inputs alias the bytes it was
// decoded from.
type inputFrame struct {
	firstSeq uint32
	ack      uint64
	inputs   [][]byte
}

// decodeInput decodes a RoomInput into f, enforcing the limits of o. It
// reports the reason a frame is refused, or reasonNone.
func decodeInput(b []byte, f *inputFrame, o *Options) reason {
	f.firstSeq, f.ack, f.inputs = 0, 0, f.inputs[:0]
	if len(b) > o.maxFrameSize() {
		return reasonTooLarge
	}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num > protowire.MaxValidNumber {
			return reasonMalformed
		}
		b = b[n:]
		switch {
		case num == fieldFirstSeq && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 || v > math.MaxUint32 {
				return reasonMalformed
			}
			f.firstSeq, b = uint32(v), b[n:]
		case num == fieldInputs && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return reasonMalformed
			}
			if len(f.inputs) == o.MaxInputsPerFrame {
				return reasonTooMany
			}
			if len(v) > o.MaxInputSize {
				return reasonTooLarge
			}
			f.inputs, b = append(f.inputs, v), b[n:]
		case num == fieldSnapshotAck && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return reasonMalformed
			}
			f.ack, b = v, b[n:]
		case num == fieldFirstSeq || num == fieldInputs || num == fieldSnapshotAck:
			return reasonMalformed // a known field with the wrong wire type
		default:
			// Unknown fields are skipped, as protobuf does, so a newer
			// client still talks to an older room.
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return reasonMalformed
			}
			b = b[n:]
		}
	}
	// Sequence numbers start at 1 and must not wrap around.
	if len(f.inputs) > 0 && (f.firstSeq == 0 || uint64(f.firstSeq)+uint64(len(f.inputs))-1 > math.MaxUint32) {
		return reasonMalformed
	}
	return reasonNone
}

// appendInput appends a RoomInput to b.
func appendInput(b []byte, firstSeq uint32, inputs []Input, ack uint64) []byte {
	if firstSeq != 0 {
		b = protowire.AppendTag(b, fieldFirstSeq, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(firstSeq))
	}
	for _, in := range inputs {
		b = protowire.AppendTag(b, fieldInputs, protowire.BytesType)
		b = protowire.AppendBytes(b, in.Data)
	}
	if ack != 0 {
		b = protowire.AppendTag(b, fieldSnapshotAck, protowire.VarintType)
		b = protowire.AppendVarint(b, ack)
	}
	return b
}

// appendSnapshot appends a RoomSnapshot to b.
func appendSnapshot(b []byte, baseline uint64, inputAck uint32, data []byte) []byte {
	if baseline != 0 {
		b = protowire.AppendTag(b, fieldBaseline, protowire.VarintType)
		b = protowire.AppendVarint(b, baseline)
	}
	if inputAck != 0 {
		b = protowire.AppendTag(b, fieldInputAck, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(inputAck))
	}
	if len(data) > 0 {
		b = protowire.AppendTag(b, fieldData, protowire.BytesType)
		b = protowire.AppendBytes(b, data)
	}
	return b
}

// decodeSnapshot decodes a RoomSnapshot. Data aliases b.
func decodeSnapshot(b []byte) (baseline uint64, inputAck uint32, data []byte, err error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num > protowire.MaxValidNumber {
			return 0, 0, nil, fmt.Errorf("%w: bad tag", errMalformed)
		}
		b = b[n:]
		switch {
		case num == fieldBaseline && typ == protowire.VarintType:
			baseline, n = protowire.ConsumeVarint(b)
		case num == fieldInputAck && typ == protowire.VarintType:
			var v uint64
			v, n = protowire.ConsumeVarint(b)
			if v > math.MaxUint32 {
				return 0, 0, nil, fmt.Errorf("%w: input_ack %d over 32 bits", errMalformed, v)
			}
			inputAck = uint32(v)
		case num == fieldData && typ == protowire.BytesType:
			data, n = protowire.ConsumeBytes(b)
		case num == fieldBaseline || num == fieldInputAck || num == fieldData:
			return 0, 0, nil, fmt.Errorf("%w: field %d has wire type %d", errMalformed, num, typ)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return 0, 0, nil, fmt.Errorf("%w: field %d: %v", errMalformed, num, protowire.ParseError(n))
		}
		b = b[n:]
	}
	return baseline, inputAck, data, nil
}
