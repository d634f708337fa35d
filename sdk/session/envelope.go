package session

import (
	"fmt"
	"sync"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// The wire form of an envelope is its header (seq, ack, state_ack) followed
// by its body field. A body is encoded once, and every send writes a fresh
// header in front of it: this is how one broadcast message is encoded once
// for a thousand recipients, each with its own sequence number.

const (
	fieldSeq      = 1
	fieldAck      = 2
	fieldStateAck = 3
)

// header is what an envelope says about the reliable class.
type header struct {
	seq, ack, stateAck uint64
}

// appendHeader appends h's non-zero fields to b.
func appendHeader(b []byte, h header) []byte {
	if h.seq != 0 {
		b = protowire.AppendTag(b, fieldSeq, protowire.VarintType)
		b = protowire.AppendVarint(b, h.seq)
	}
	if h.ack != 0 {
		b = protowire.AppendTag(b, fieldAck, protowire.VarintType)
		b = protowire.AppendVarint(b, h.ack)
	}
	if h.stateAck != 0 {
		b = protowire.AppendTag(b, fieldStateAck, protowire.VarintType)
		b = protowire.AppendVarint(b, h.stateAck)
	}
	return b
}

// encoder encodes message bodies. Its State and Payload wrappers are reused,
// so encoding those into a buffer with room does not allocate. An encoder is
// for one goroutine at a time.
type encoder struct {
	env     gamesockv1.Envelope
	state   gamesockv1.State
	payload gamesockv1.Payload
	stateB  gamesockv1.Envelope_State
	payB    gamesockv1.Envelope_Payload
	notif   gamesockv1.Notification
	notifB  gamesockv1.Envelope_Notification
	created timestamppb.Timestamp
}

var marshal = proto.MarshalOptions{Deterministic: true}

// encoders pools encoders and, for States, their buffers.
var encoders = sync.Pool{New: func() any { return new(pooledEncoder) }}

type pooledEncoder struct {
	encoder
	buf []byte
}

// encodePooled encodes m's body with a pooled encoder. A State's body is
// in the encoder's buffer, valid until release; any other body is
// allocated, for the reliable window to keep.
func encodePooled(m Message) (body []byte, e *pooledEncoder, err error) {
	e = encoders.Get().(*pooledEncoder)
	if _, ok := m.(State); ok {
		e.buf, err = e.appendMessage(e.buf[:0], m)
		return e.buf, e, err
	}
	body, err = e.appendMessage(nil, m)
	return body, e, err
}

// release returns the encoder, and a State's body with it, to the pool.
func (e *pooledEncoder) release() { encoders.Put(e) }

// appendMessage appends m's body field to b.
func (e *encoder) appendMessage(b []byte, m Message) ([]byte, error) {
	if m == nil {
		return b, fmt.Errorf("session: nil message")
	}
	m.setBody(e)
	b, err := marshal.MarshalAppend(b, &e.env)
	e.env.Body = nil
	e.state.Data, e.payload.Data, e.notif.Content = nil, nil, nil
	return b, err
}

// encodeBody returns the body field of an envelope holding body.
func encodeBody(body proto.Message) []byte {
	env := gamesockv1.Envelope{}
	setBody(&env, body)
	b, err := marshal.Marshal(&env)
	if err != nil {
		// Only invalid UTF-8 in a string field fails, and the strings of
		// control messages are made valid before they get here (errorProto,
		// Dial, Authenticate's check).
		panic(fmt.Sprintf("session: encoding a control message: %v", err))
	}
	return b
}

func setBody(env *gamesockv1.Envelope, body proto.Message) {
	switch b := body.(type) {
	case *gamesockv1.Hello:
		env.Body = &gamesockv1.Envelope_Hello{Hello: b}
	case *gamesockv1.Welcome:
		env.Body = &gamesockv1.Envelope_Welcome{Welcome: b}
	case *gamesockv1.Resume:
		env.Body = &gamesockv1.Envelope_Resume{Resume: b}
	case *gamesockv1.Ping:
		env.Body = &gamesockv1.Envelope_Ping{Ping: b}
	case *gamesockv1.Pong:
		env.Body = &gamesockv1.Envelope_Pong{Pong: b}
	case *gamesockv1.Request:
		env.Body = &gamesockv1.Envelope_Request{Request: b}
	case *gamesockv1.Response:
		env.Body = &gamesockv1.Envelope_Response{Response: b}
	case *gamesockv1.Error:
		env.Body = &gamesockv1.Envelope_Error{Error: b}
	default:
		panic(fmt.Sprintf("session: %T is not a control body", body))
	}
}

var unmarshal = proto.UnmarshalOptions{}

// decodeEnvelope decodes one envelope into env. Garbage, a truncated
// message and envelope fields this protocol version does not know are
// violations (CloseBadEnvelope), each with a reason that says which: an
// envelope body this end cannot read must not pass for an
// acknowledgement. Unknown fields inside a known body are ignored, as
// protobuf intends, so that a body may gain fields within a version.
func decodeEnvelope(data []byte, env *gamesockv1.Envelope) error {
	if err := unmarshal.Unmarshal(data, env); err != nil {
		return violationf(CloseBadEnvelope, "envelope does not decode: %v", err)
	}
	if u := env.ProtoReflect().GetUnknown(); len(u) > 0 {
		num, _, n := protowire.ConsumeField(u)
		if n < 0 {
			return violationf(CloseBadEnvelope, "envelope has a malformed unknown field")
		}
		return violationf(CloseBadEnvelope, "envelope field %d is not in protocol version %d", num, ProtocolVersion)
	}
	return nil
}

// bodyName names an envelope's body for error messages.
func bodyName(env *gamesockv1.Envelope) string {
	switch env.Body.(type) {
	case nil:
		return "bare acknowledgement"
	case *gamesockv1.Envelope_State:
		return "state"
	case *gamesockv1.Envelope_Payload:
		return "payload"
	case *gamesockv1.Envelope_Notification:
		return "notification"
	case *gamesockv1.Envelope_StatUpdate:
		return "stat update"
	case *gamesockv1.Envelope_LeaderboardPage:
		return "leaderboard page"
	case *gamesockv1.Envelope_Ping:
		return "ping"
	case *gamesockv1.Envelope_Pong:
		return "pong"
	case *gamesockv1.Envelope_Request:
		return "request"
	case *gamesockv1.Envelope_Response:
		return "response"
	case *gamesockv1.Envelope_Error:
		return "error"
	case *gamesockv1.Envelope_Hello:
		return "hello"
	case *gamesockv1.Envelope_Welcome:
		return "welcome"
	case *gamesockv1.Envelope_Resume:
		return "resume"
	}
	return "unknown body"
}

// isReliable reports whether the body belongs to the reliable class.
func isReliable(env *gamesockv1.Envelope) bool {
	switch env.Body.(type) {
	case *gamesockv1.Envelope_Payload, *gamesockv1.Envelope_Notification,
		*gamesockv1.Envelope_StatUpdate, *gamesockv1.Envelope_LeaderboardPage:
		return true
	}
	return false
}

// ProtocolVersion is the version of the wire protocol this package speaks.
const ProtocolVersion = int(gamesockv1.ProtocolVersion_PROTOCOL_VERSION_1)
