package session

import (
	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"google.golang.org/protobuf/encoding/protowire"
)

// decoder decodes the envelopes of one connection, on its read goroutine.
// The envelopes that make most of the traffic (a State, a Payload, or
// acknowledgements alone, with a header of known fields) are decoded by
// hand into wrappers the decoder reuses: one allocation, the Data the
// handler keeps, instead of three. Anything else, or anything unusual in
// those, goes through proto.Unmarshal and its checks (decodeEnvelope); the
// two agree on every input both accept (FuzzDecodeFast).
type decoder struct {
	env     gamesockv1.Envelope
	state   gamesockv1.State
	payload gamesockv1.Payload
	stateB  gamesockv1.Envelope_State
	payB    gamesockv1.Envelope_Payload
}

// decode decodes data into the decoder's envelope, valid until the next
// call.
func (d *decoder) decode(data []byte) (*gamesockv1.Envelope, error) {
	if d.fast(data) {
		return &d.env, nil
	}
	if err := decodeEnvelope(data, &d.env); err != nil {
		return nil, err
	}
	return &d.env, nil
}

// fast decodes data by hand if it is a header (seq, ack, state_ack) with
// one State or Payload body, or none, every field known and seen once; it
// reports false, having changed nothing the slow path depends on,
// otherwise.
func (d *decoder) fast(b []byte) bool {
	var h header
	var body []byte
	var bodyField protowire.Number
	var seen uint8
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num < 1 || num > 5 || seen&(1<<num) != 0 {
			return false
		}
		seen |= 1 << num
		b = b[n:]
		switch {
		case num <= 3 && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return false
			}
			b = b[n:]
			switch num {
			case fieldSeq:
				h.seq = v
			case fieldAck:
				h.ack = v
			default:
				h.stateAck = v
			}
		case num >= 4 && typ == protowire.BytesType && body == nil:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return false
			}
			b = b[n:]
			body, bodyField = v, num
			if body == nil {
				body = []byte{}
			}
		default:
			return false
		}
	}
	switch bodyField {
	case 0:
		d.env.Reset()
	case 4:
		kind, tick, data, ok := fastFields(body, true)
		if !ok {
			return false
		}
		d.env.Reset()
		d.state = gamesockv1.State{Kind: kind, Tick: tick, Data: data}
		d.stateB.State = &d.state
		d.env.Body = &d.stateB
	default:
		kind, _, data, ok := fastFields(body, false)
		if !ok {
			return false
		}
		d.env.Reset()
		d.payload = gamesockv1.Payload{Kind: kind, Data: data}
		d.payB.Payload = &d.payload
		d.env.Body = &d.payB
	}
	d.env.Seq, d.env.Ack, d.env.StateAck = h.seq, h.ack, h.stateAck
	return true
}

// fastFields decodes a State (kind 1, tick 2, data 3) or a Payload (kind
// 1, data 2), each field at most once. Data is copied: handlers keep it.
func fastFields(b []byte, state bool) (kind uint32, tick uint64, data []byte, ok bool) {
	dataField := protowire.Number(2)
	if state {
		dataField = 3
	}
	var seen uint8
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num < 1 || num > dataField || seen&(1<<num) != 0 {
			return 0, 0, nil, false
		}
		seen |= 1 << num
		b = b[n:]
		switch {
		case num == dataField && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return 0, 0, nil, false
			}
			b = b[n:]
			data = append([]byte{}, v...)
		case num < dataField && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return 0, 0, nil, false
			}
			b = b[n:]
			if num == 1 {
				kind = uint32(v)
			} else {
				tick = v
			}
		default:
			return 0, 0, nil, false
		}
	}
	return kind, tick, data, true
}
