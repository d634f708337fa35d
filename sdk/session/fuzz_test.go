package session

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// fuzzSeedEnvelopes returns valid envelopes of every body type, and of none
// (acknowledgements only), as the fuzz targets' seeds.
func fuzzSeedEnvelopes(tb testing.TB) [][]byte {
	ts := timestamppb.New(time.Date(2025, 6, 1, 12, 0, 0, 123456789, time.UTC))
	stats := []*gamesockv1.Stat{{Name: "kills", Value: 3}, {Name: "accuracy", Value: 0.25}}
	envs := []*gamesockv1.Envelope{
		{Ack: 3, StateAck: 40},
		{Body: &gamesockv1.Envelope_State{State: &gamesockv1.State{Kind: 1, Tick: 1, Data: []byte("pos")}}},
		{Seq: 1, Body: &gamesockv1.Envelope_Payload{Payload: &gamesockv1.Payload{Kind: 2, Data: []byte("fire")}}},
		{Seq: 1, Ack: 1, Body: &gamesockv1.Envelope_Notification{Notification: &gamesockv1.Notification{
			Id: "n1", Kind: 7, Subject: "you won", Content: []byte{1, 2}, SenderId: "bob", CreateTime: ts, Persistent: true}}},
		{Seq: 1, Body: &gamesockv1.Envelope_StatUpdate{StatUpdate: &gamesockv1.StatUpdate{
			MatchId: "m1", Players: []*gamesockv1.PlayerStats{{PlayerId: "alice", Name: "Alice", Stats: stats}}, Match: stats}}},
		{Body: &gamesockv1.Envelope_Ping{Ping: &gamesockv1.Ping{ClientSendUs: 1_700_000_000_000_000, RttUs: 1500}}},
		{Body: &gamesockv1.Envelope_Pong{Pong: &gamesockv1.Pong{ClientSendUs: 1, ServerReceiveUs: 2, ServerSendUs: 3}}},
		{Body: &gamesockv1.Envelope_Request{Request: &gamesockv1.Request{Id: 1, Method: 1, Data: []byte("q"), TimeoutMs: 500}}},
		{Body: &gamesockv1.Envelope_Response{Response: &gamesockv1.Response{Id: 1, Data: []byte("a")}}},
		{Body: &gamesockv1.Envelope_Response{Response: &gamesockv1.Response{Id: 2, Error: &gamesockv1.Error{
			Code: CodeResourceExhausted, Message: "slow down", RetryAfterMs: 50}}}},
		{Body: &gamesockv1.Envelope_Error{Error: &gamesockv1.Error{Code: CodeInternal, Message: "trouble"}}},
		{Body: &gamesockv1.Envelope_Hello{Hello: &gamesockv1.Hello{ProtocolVersion: 1, Client: "fuzz"}}},
		{Body: &gamesockv1.Envelope_Welcome{Welcome: &gamesockv1.Welcome{
			ProtocolVersion: 1, SessionId: "s1", ResumeToken: []byte("tok"), PlayerId: "alice", Resumed: true,
			ResumeError: &gamesockv1.Error{Code: CodeResumeRejected, Message: "no"},
			Limits:      &gamesockv1.Limits{MaxMessageSize: 65536, ReliableRate: 100, ReliableBurst: 200, TickRate: 60, ResumeWindowMs: 30000},
			ServerTime:  ts}}},
		{Ack: 5, Body: &gamesockv1.Envelope_Resume{Resume: &gamesockv1.Resume{ProtocolVersion: 1, SessionId: "s1", ResumeToken: []byte("tok"), Client: "fuzz"}}},
		{Seq: 1, Body: &gamesockv1.Envelope_LeaderboardPage{LeaderboardPage: &gamesockv1.LeaderboardPage{
			LeaderboardId: "weekly", NextCursor: "c2", Records: []*gamesockv1.LeaderboardRecord{
				{PlayerId: "alice", Name: "Alice", Score: -5, Rank: 1, UpdateTime: ts}}}}},
	}
	var seeds [][]byte
	for _, env := range envs {
		b, err := proto.Marshal(env)
		if err != nil {
			tb.Fatalf("seed %v: %v", env, err)
		}
		seeds = append(seeds, b)
	}
	// The session's own wire form: a header written in front of a body
	// encoded once.
	var e encoder
	b, err := e.appendMessage(appendHeader(nil, header{seq: 1, ack: 2, stateAck: 3}), Payload{Kind: 4, Data: []byte("x")})
	if err != nil {
		tb.Fatal(err)
	}
	return append(seeds, b)
}

// fuzzBadSeeds are inputs that must fail to decode, or decode into
// something a server must refuse.
func fuzzBadSeeds() [][]byte {
	unknown := protowire.AppendVarint(protowire.AppendTag(nil, 99, protowire.VarintType), 1)
	return [][]byte{
		{},
		{0x0f, 0xde, 0xad, 0xbe, 0xef},       // wire type 7
		{0x2a, 0x05, 0x08},                   // a payload cut short
		unknown,                              // a field of no version
		{0x08, 0x05, 0x2a, 0x00},             // payload, seq 5: from the future
		{0x2a, 0x00},                         // payload without seq
		{0x10, 0x63},                         // ack 99
		{0x6a, 0x02, 0x08, 0x01},             // hello again
		{0x72, 0x00},                         // welcome from a client
		{0x1a, 0x00, 0x1a, 0x01},             // state_ack: wrong wire type
		{0x52, 0x04, 0x0a, 0x02, 0xc3, 0x28}, // request with an invalid field inside
		{0x32, 0x04, 0x1a, 0x02, 0xc3, 0x28}, // notification subject that is not UTF-8
		{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, // varint too long
	}
}

// FuzzDecodeEnvelope checks decodeEnvelope on arbitrary bytes: it never
// panics; a failure is a violation that closes with CloseBadEnvelope and
// says why; a success re-encodes to an envelope that decodes equal, and
// decodes the same into an envelope that held another (as the server and
// the client reuse theirs).
func FuzzDecodeEnvelope(f *testing.F) {
	seeds := fuzzSeedEnvelopes(f)
	for _, s := range seeds {
		f.Add(s)
	}
	for _, s := range fuzzBadSeeds() {
		f.Add(s)
	}
	dirty := seeds[3] // a notification, with a timestamp
	f.Fuzz(func(t *testing.T, data []byte) {
		var env gamesockv1.Envelope
		err := decodeEnvelope(data, &env)
		if err != nil {
			var v *violation
			if !errors.As(err, &v) || v.code != CloseBadEnvelope || v.text == "" {
				t.Fatalf("decodeEnvelope error %v (%T); want a violation with CloseBadEnvelope and a reason", err, err)
			}
			return
		}
		if name := bodyName(&env); name == "unknown body" {
			t.Fatalf("decoded a body bodyName does not know: %T", env.Body)
		}

		again, err := proto.Marshal(&env)
		if err != nil {
			t.Fatalf("re-encoding a decoded envelope: %v\n%v", err, &env)
		}
		var env2 gamesockv1.Envelope
		if err := decodeEnvelope(again, &env2); err != nil {
			t.Fatalf("decoding the re-encoded envelope: %v\nfirst decode: %v", err, &env)
		}
		if !proto.Equal(&env, &env2) {
			t.Fatalf("re-encoded envelope decodes differently:\nfirst:  %v\nsecond: %v", &env, &env2)
		}

		var reused gamesockv1.Envelope
		if err := decodeEnvelope(dirty, &reused); err != nil {
			t.Fatal(err)
		}
		if err := decodeEnvelope(data, &reused); err != nil {
			t.Fatalf("decoding into a used envelope failed (%v) where a new one succeeded", err)
		}
		if !proto.Equal(&env, &reused) {
			t.Fatalf("decoding into a used envelope gives something else:\nnew:  %v\nused: %v", &env, &reused)
		}
	})
}

// fuzzAllowedCloses are the codes a server may close with on one envelope
// after a Hello: the session's own for a bad envelope or a rate, and the
// socket's for a message too big, broken framing or bad UTF-8.
var fuzzAllowedCloses = map[sdk.CloseCode]bool{
	CloseBadEnvelope: true, CloseProtocolVersion: true, CloseRateLimited: true,
	sdk.CloseMessageTooBig: true, sdk.CloseProtocolError: true, sdk.CloseInvalidPayload: true,
}

// fuzzPingMark marks the ping each iteration ends with, to find its pong.
const fuzzPingMark = 0x5e55_10f0_0000_0001

// FuzzServerEnvelopes sends a server, in a session just opened with a
// valid Hello, one binary message of arbitrary bytes. The server must not
// panic; it either keeps the connection (its answer to a ping that follows
// comes back) or closes it with one of fuzzAllowedCloses and a reason; and
// either way a well-behaved client on the same server still gets its
// request answered.
func FuzzServerEnvelopes(f *testing.F) {
	for _, s := range fuzzSeedEnvelopes(f) {
		f.Add(s)
	}
	for _, s := range fuzzBadSeeds() {
		f.Add(s)
	}
	f.Add(make([]byte, fuzzMaxMessageSize+1)) // 1009

	fs := startFuzzServer(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fs.sendOne(t, data)
		fs.checkWitness(t)
	})
}

// fuzzMaxMessageSize is small so that inputs reach the 1009 path cheaply.
const fuzzMaxMessageSize = 4096

// fuzzServer is a session server shared by the iterations of a fuzz target,
// with a well-behaved client (the witness) that stays connected throughout.
type fuzzServer struct {
	srv     *Server
	url     string
	witness *Client
}

func fuzzAuth(token string, _ *sdk.UpgradeRequest) (string, error) {
	id, ok := strings.CutPrefix(token, "player:")
	if !ok || id == "" {
		return "", errors.New("token not valid")
	}
	return id, nil
}

// startFuzzServer serves sessions on loopback until the fuzz target ends.
func startFuzzServer(f testing.TB) *fuzzServer {
	srv := NewServer(ServerOptions{
		Authenticate: fuzzAuth,
		OnRequest: func(_ context.Context, _ *Session, r Request) ([]byte, error) {
			return r.Data, nil
		},
		// The witness asks once an iteration: far over the default
		// request rate.
		Limits:       Limits{MaxMessageSize: fuzzMaxMessageSize, RequestRate: 1 << 20, RequestBurst: 1 << 20},
		ResumeWindow: time.Second,
		HelloTimeout: 5 * time.Second,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fs := &fuzzServer{srv: srv, url: "ws://" + ln.Addr().String() + "/"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fs.witness, err = Dial(ctx, fs.url, &ClientOptions{Token: "player:witness"})
	if err != nil {
		srv.Shutdown(ctx)
		f.Fatalf("witness Dial: %v", err)
	}
	f.Cleanup(func() {
		fs.witness.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			f.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, ErrServerClosed) {
			f.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return fs
}

// sendOne opens a session on a raw socket, sends data as one binary
// message and a ping after it, and checks what the server does.
func (fs *fuzzServer) sendOne(t *testing.T, data []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws := sdk.NewMessageWebSocket()
	ws.SetRequestHeader("Authorization", "Bearer player:fuzz")
	closed := make(chan sdk.ClosedEvent, 1)
	ws.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) { closed <- e })
	if err := ws.Connect(ctx, fs.url); err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer ws.Close()

	hello := encodeBody(&gamesockv1.Hello{ProtocolVersion: gamesockv1.ProtocolVersion(ProtocolVersion), Client: "fuzz"})
	if err := ws.Send(ctx, hello); err != nil {
		t.Fatalf("sending the hello: %v", err)
	}
	m, err := ws.Receive(ctx)
	if err != nil {
		t.Fatalf("waiting for the welcome: %v", err)
	}
	var env gamesockv1.Envelope
	if err := proto.Unmarshal(m.Data, &env); err != nil || env.GetWelcome() == nil {
		t.Fatalf("first envelope %v (%v); want a welcome", &env, err)
	}

	// Sends fail once the server has closed; the receive loop tells.
	if ws.Send(ctx, data) == nil {
		_ = ws.Send(ctx, encodeBody(&gamesockv1.Ping{ClientSendUs: fuzzPingMark}))
	}
	for {
		m, err := ws.Receive(ctx)
		if err != nil {
			break
		}
		if err := proto.Unmarshal(m.Data, &env); err != nil {
			t.Fatalf("the server sent an envelope that does not decode: %v", err)
		}
		if env.GetPong().GetClientSendUs() == fuzzPingMark {
			return // the connection is up, and the server read past the input
		}
	}
	select {
	case e := <-closed:
		if !fuzzAllowedCloses[e.Code] || e.Reason == "" {
			t.Fatalf("server closed with %d %q (%v); want one of %v with a reason", e.Code, e.Reason, e.Err, fuzzAllowedCloses)
		}
	case <-ctx.Done():
		t.Fatal("the server neither answered the ping nor closed within 10 s")
	}
}

// checkWitness checks that the witness still gets a request answered.
func (fs *fuzzServer) checkWitness(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := fs.witness.Request(ctx, 1, []byte("ok?"))
	if err != nil || string(got) != "ok?" {
		t.Fatalf("the witness's request: %q, %v; want \"ok?\"", got, err)
	}
}

// TestDecodeEnvelopeUnknownFields checks what decodeEnvelope promises
// about fields this protocol version does not know: beside the body, the
// envelope is a violation that names the field; inside a known body, the
// field is ignored and the body decodes, so bodies may grow within a
// version.
func TestDecodeEnvelopeUnknownFields(t *testing.T) {
	unknown := protowire.AppendVarint(protowire.AppendTag(nil, 99, protowire.VarintType), 1)
	ping := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 1) // client_send_us 1

	var env gamesockv1.Envelope
	err := decodeEnvelope(append(protowire.AppendBytes(protowire.AppendTag(nil, 8, protowire.BytesType), ping), unknown...), &env)
	var v *violation
	if !errors.As(err, &v) || v.code != CloseBadEnvelope || !strings.Contains(v.text, "99") {
		t.Errorf("beside the body: decodeEnvelope = %v; want a CloseBadEnvelope violation naming field 99", err)
	}

	env.Reset()
	err = decodeEnvelope(protowire.AppendBytes(protowire.AppendTag(nil, 8, protowire.BytesType), append(ping, unknown...)), &env)
	if err != nil {
		t.Fatalf("inside the body: decodeEnvelope = %v, want the ping decoded", err)
	}
	if got := env.GetPing().GetClientSendUs(); got != 1 {
		t.Errorf("inside the body: ping client_send_us = %d, want 1", got)
	}
}
