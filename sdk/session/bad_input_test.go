package session_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gamesockv1 "github.com/gamesock/gamesock/proto/gamesock/v1"
	"github.com/gamesock/gamesock/sdk"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// ---- a hostile client: a bare socket that sends whatever a test builds ----

// rawPeer is a client that speaks the session protocol by hand over an
// sdk.MessageWebSocket, so that a test can send the server anything, byte
// for byte, and see exactly what comes back.
type rawPeer struct {
	ws      *sdk.MessageWebSocket
	mu      sync.Mutex
	inbox   [][]byte      // messages received and not yet taken
	arrived chan struct{} // cap 1: inbox grew
	done    chan struct{} // closed when the socket has ended
	ev      sdk.ClosedEvent
	pings   int64 // the last ClientSendUs sync used
}

// dialRawPeer connects a rawPeer as player, past authentication but with
// nothing said yet, and closes it when the test ends.
func dialRawPeer(t testing.TB, url, player string) *rawPeer {
	t.Helper()
	p := &rawPeer{ws: sdk.NewMessageWebSocket(), arrived: make(chan struct{}, 1), done: make(chan struct{})}
	p.ws.SetRequestHeader("Authorization", "Bearer player:"+player)
	p.ws.OnMessageReceived(func(_ *sdk.MessageWebSocket, m sdk.Message) {
		p.mu.Lock()
		p.inbox = append(p.inbox, bytes.Clone(m.Data))
		p.mu.Unlock()
		select {
		case p.arrived <- struct{}{}:
		default:
		}
	})
	p.ws.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) {
		p.ev = e
		close(p.done)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.ws.Connect(ctx, url); err != nil {
		t.Fatalf("raw connect as %s: %v", player, err)
	}
	t.Cleanup(func() { p.ws.Close() })
	return p
}

// sendBytes sends b as one binary message.
func (p *rawPeer) sendBytes(b []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return p.ws.Send(ctx, b)
}

// send sends env; it fails the test only if env does not marshal.
func (p *rawPeer) send(t testing.TB, env *gamesockv1.Envelope) error {
	t.Helper()
	return p.sendBytes(marshalEnvelope(t, env))
}

// mustSend sends env and fails the test if the socket refuses it.
func (p *rawPeer) mustSend(t testing.TB, env *gamesockv1.Envelope) {
	t.Helper()
	if err := p.send(t, env); err != nil {
		t.Fatalf("sending a %T: %v", env.Body, err)
	}
}

// next returns the next envelope the server sent, or nil once the socket
// has ended and everything it received was taken.
func (p *rawPeer) next(t testing.TB) *gamesockv1.Envelope {
	t.Helper()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for {
		p.mu.Lock()
		if len(p.inbox) > 0 {
			b := p.inbox[0]
			p.inbox = p.inbox[1:]
			p.mu.Unlock()
			env := new(gamesockv1.Envelope)
			if err := proto.Unmarshal(b, env); err != nil {
				t.Fatalf("the server sent an envelope that does not decode: %v", err)
			}
			return env
		}
		p.mu.Unlock()
		select {
		case <-p.arrived:
		case <-p.done:
			p.mu.Lock()
			empty := len(p.inbox) == 0
			p.mu.Unlock()
			if empty {
				return nil
			}
		case <-timeout.C:
			t.Fatal("nothing from the server for 10 s")
		}
	}
}

// await returns the next envelope that match accepts, skipping others; it
// fails the test if the connection ends first.
func (p *rawPeer) await(t testing.TB, what string, match func(*gamesockv1.Envelope) bool) *gamesockv1.Envelope {
	t.Helper()
	for {
		env := p.next(t)
		if env == nil {
			t.Fatalf("connection closed with %d %q while waiting for %s", p.ev.Code, p.ev.Reason, what)
		}
		if match(env) {
			return env
		}
	}
}

// closed waits for the socket to end and returns how.
func (p *rawPeer) closed(t testing.TB) sdk.ClosedEvent {
	t.Helper()
	select {
	case <-p.done:
		return p.ev
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not close the connection within 10 s")
	}
	panic("unreachable")
}

// hello opens a session and returns the server's Welcome.
func (p *rawPeer) hello(t testing.TB) *gamesockv1.Welcome {
	t.Helper()
	p.mustSend(t, helloEnvelope(gamesockv1.ProtocolVersion_PROTOCOL_VERSION_1))
	env := p.await(t, "a welcome", func(e *gamesockv1.Envelope) bool { return e.GetWelcome() != nil })
	return env.GetWelcome()
}

// sync pings and waits for that ping's pong: the server has read everything
// sent before, and kept the connection.
func (p *rawPeer) sync(t testing.TB) {
	t.Helper()
	p.pings++
	mark := p.pings
	p.mustSend(t, &gamesockv1.Envelope{Body: &gamesockv1.Envelope_Ping{Ping: &gamesockv1.Ping{ClientSendUs: mark}}})
	p.await(t, "a pong", func(e *gamesockv1.Envelope) bool { return e.GetPong().GetClientSendUs() == mark })
}

// awaitResponse waits for the response to request id.
func (p *rawPeer) awaitResponse(t testing.TB, id uint64) *gamesockv1.Response {
	t.Helper()
	env := p.await(t, "a response", func(e *gamesockv1.Envelope) bool {
		return e.GetResponse() != nil && e.GetResponse().GetId() == id
	})
	return env.GetResponse()
}

func marshalEnvelope(t testing.TB, env *gamesockv1.Envelope) []byte {
	t.Helper()
	b, err := proto.Marshal(env)
	if err != nil {
		t.Fatalf("marshal %v: %v", env, err)
	}
	return b
}

func helloEnvelope(v gamesockv1.ProtocolVersion) *gamesockv1.Envelope {
	return &gamesockv1.Envelope{Body: &gamesockv1.Envelope_Hello{Hello: &gamesockv1.Hello{ProtocolVersion: v, Client: "raw"}}}
}

func payloadEnvelope(seq uint64, data []byte) *gamesockv1.Envelope {
	return &gamesockv1.Envelope{Seq: seq, Body: &gamesockv1.Envelope_Payload{Payload: &gamesockv1.Payload{Kind: 1, Data: data}}}
}

func requestEnvelope(id uint64, method uint32, data []byte) *gamesockv1.Envelope {
	return &gamesockv1.Envelope{Body: &gamesockv1.Envelope_Request{Request: &gamesockv1.Request{Id: id, Method: method, Data: data}}}
}

func pingEnvelope() *gamesockv1.Envelope {
	return &gamesockv1.Envelope{Body: &gamesockv1.Envelope_Ping{Ping: &gamesockv1.Ping{ClientSendUs: 1}}}
}

// withUnknownField appends field num, which no version of the protocol has,
// to an encoded envelope.
func withUnknownField(b []byte, num protowire.Number) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, 1)
}

// ---- the server every case runs against ----

const (
	methodEcho  = 1 // answers "echo:" and the data
	methodBlock = 2 // answers when the request's context ends
)

// badInputServerOptions are the options every bad-input server starts from:
// it echoes requests, and blocks those that ask for it until their
// connection or deadline ends.
func badInputServerOptions() session.ServerOptions {
	return session.ServerOptions{
		ResumeWindow: time.Second,
		HelloTimeout: 5 * time.Second,
		OnRequest: func(ctx context.Context, _ *session.Session, r session.Request) ([]byte, error) {
			if r.Method == methodBlock {
				<-ctx.Done()
				return nil, ctx.Err()
			}
			return append([]byte("echo:"), r.Data...), nil
		},
	}
}

// counterDelta returns how much each counter of ServerStats moved from
// before to after; the gauges (Sessions, Connections) are left zero.
func counterDelta(before, after session.ServerStats) session.ServerStats {
	return session.ServerStats{
		SessionsStarted:   after.SessionsStarted - before.SessionsStarted,
		Resumes:           after.Resumes - before.Resumes,
		ResumesRejected:   after.ResumesRejected - before.ResumesRejected,
		AuthRejected:      after.AuthRejected - before.AuthRejected,
		BadEnvelopes:      after.BadEnvelopes - before.BadEnvelopes,
		VersionMismatches: after.VersionMismatches - before.VersionMismatches,
		RateLimited:       after.RateLimited - before.RateLimited,
		TooSlow:           after.TooSlow - before.TooSlow,
	}
}

// checkServerHealthy checks that srv still serves a well-behaved client: a
// request is answered and a notification arrives.
func checkServerHealthy(t *testing.T, srv *session.Server, url string) {
	t.Helper()
	const player = "bystander"
	c := dial(t, url, player, nil)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := c.Request(ctx, methodEcho, []byte("still there?"))
	if err != nil || string(got) != "echo:still there?" {
		t.Fatalf("after the bad input, a healthy client's Request = %q, %v; want \"echo:still there?\"", got, err)
	}
	if err := srv.Send(player, session.Notification{Kind: 9, Subject: "still here"}); err != nil {
		t.Fatalf("after the bad input, Send to a healthy client: %v", err)
	}
	if n := nextEvent[session.Notification](t, c); n.Subject != "still here" {
		t.Fatalf("after the bad input, a healthy client got notification %+v", n)
	}
}

// ---- the server against hostile clients ----

// TestBadInput sends a server one kind of bad input per case, from a raw
// client, and checks how the server ends (or keeps) the connection, what
// it counts, and that it goes on serving others.
func TestBadInput(t *testing.T) {
	// Encodings the cases build on.
	hello := marshalEnvelope(t, helloEnvelope(gamesockv1.ProtocolVersion_PROTOCOL_VERSION_1))
	ping := marshalEnvelope(t, pingEnvelope())

	// sendRaw is a case's send function for fixed bytes.
	sendRaw := func(b []byte) func(*testing.T, *rawPeer, *session.Server) {
		return func(t *testing.T, p *rawPeer, _ *session.Server) {
			if err := p.sendBytes(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	sendEnv := func(env *gamesockv1.Envelope) func(*testing.T, *rawPeer, *session.Server) {
		return func(t *testing.T, p *rawPeer, _ *session.Server) { p.mustSend(t, env) }
	}
	bad := session.ServerStats{BadEnvelopes: 1}

	tests := []struct {
		name  string
		opts  func(*session.ServerOptions) // adjusts the server for the case
		hello bool                         // open a session before the bad input
		send  func(*testing.T, *rawPeer, *session.Server)
		// code is what the server closes with, and reason part of the
		// reason it gives; code 0: the connection stays up.
		code   sdk.CloseCode
		reason string
		stats  session.ServerStats // how far the counters move
	}{
		// Before the session: the first message must be a Hello or a Resume.
		{
			name: "garbage bytes first",
			// Field 1 with wire type 7, which does not exist.
			send: sendRaw([]byte{0x0f, 0xde, 0xad, 0xbe, 0xef}),
			code: session.CloseBadEnvelope, reason: "does not decode", stats: bad,
		},
		{
			name: "truncated hello",
			send: sendRaw(hello[:len(hello)-2]),
			code: session.CloseBadEnvelope, reason: "does not decode", stats: bad,
		},
		{
			name: "text message first",
			send: func(t *testing.T, p *rawPeer, _ *session.Server) {
				p.ws.SetMessageType(sdk.UTF8)
				if err := p.sendBytes([]byte(`{"hello":{"protocol_version":1}}`)); err != nil {
					t.Fatal(err)
				}
			},
			code: session.CloseBadEnvelope, reason: "text message", stats: bad,
		},
		{
			name: "hello with an unknown field",
			send: sendRaw(withUnknownField(bytes.Clone(hello), 99)),
			code: session.CloseBadEnvelope, reason: "field 99 is not in protocol version 1", stats: bad,
		},
		{
			name: "ping first",
			send: sendRaw(ping),
			code: session.CloseBadEnvelope, reason: "expected a hello or a resume, got a ping", stats: bad,
		},
		{
			name: "welcome first",
			send: sendEnv(&gamesockv1.Envelope{Body: &gamesockv1.Envelope_Welcome{Welcome: &gamesockv1.Welcome{ProtocolVersion: 1, SessionId: "s"}}}),
			code: session.CloseBadEnvelope, reason: "expected a hello or a resume, got a welcome", stats: bad,
		},
		{
			name: "payload first",
			send: sendEnv(payloadEnvelope(1, []byte("x"))),
			code: session.CloseBadEnvelope, reason: "expected a hello or a resume, got a payload", stats: bad,
		},
		{
			name: "empty envelope first",
			send: sendRaw(nil),
			code: session.CloseBadEnvelope, reason: "expected a hello or a resume, got a bare acknowledgement", stats: bad,
		},
		{
			name: "hello that acknowledges",
			send: sendEnv(&gamesockv1.Envelope{Ack: 3, Body: helloEnvelope(1).Body}),
			code: session.CloseBadEnvelope, reason: "a hello acknowledges messages", stats: bad,
		},
		{
			name: "wrong protocol version",
			send: func(t *testing.T, p *rawPeer, _ *session.Server) {
				p.mustSend(t, helloEnvelope(2))
				// A typed error comes first, for clients that read it.
				env := p.await(t, "an error", func(e *gamesockv1.Envelope) bool { return e.GetError() != nil })
				if e := env.GetError(); e.GetCode() != session.CodeProtocolVersion || !strings.Contains(e.GetMessage(), "protocol version 2") {
					t.Errorf("error before the close = %v, want PROTOCOL_VERSION naming version 2", e)
				}
			},
			code: session.CloseProtocolVersion, reason: "protocol version 2 not supported",
			stats: session.ServerStats{VersionMismatches: 1},
		},
		{
			name: "hello without a protocol version",
			send: sendEnv(helloEnvelope(gamesockv1.ProtocolVersion_PROTOCOL_VERSION_UNSPECIFIED)),
			code: session.CloseProtocolVersion, reason: "protocol version 0 not supported",
			stats: session.ServerStats{VersionMismatches: 1},
		},
		{
			name: "resume with a newer protocol version",
			send: sendEnv(&gamesockv1.Envelope{Body: &gamesockv1.Envelope_Resume{Resume: &gamesockv1.Resume{ProtocolVersion: 7, SessionId: "s"}}}),
			code: session.CloseProtocolVersion, reason: "protocol version 7 not supported",
			stats: session.ServerStats{VersionMismatches: 1},
		},
		{
			name: "no hello within HelloTimeout",
			opts: func(o *session.ServerOptions) { o.HelloTimeout = 100 * time.Millisecond },
			send: func(*testing.T, *rawPeer, *session.Server) {},
			code: session.CloseBadEnvelope, reason: "no hello or resume within 100ms",
			// ServerStats.BadEnvelopes counts "connections closed with
			// CloseBadEnvelope", which this is.
			stats: bad,
		},

		// In a session.
		{
			name: "garbage bytes in a session", hello: true,
			send: sendRaw([]byte{0x0f, 0xde, 0xad, 0xbe, 0xef}),
			code: session.CloseBadEnvelope, reason: "does not decode", stats: bad,
		},
		{
			name: "truncated payload", hello: true,
			send: func(t *testing.T, p *rawPeer, _ *session.Server) {
				b := marshalEnvelope(t, payloadEnvelope(1, []byte("a payload cut short")))
				if err := p.sendBytes(b[:len(b)-5]); err != nil {
					t.Fatal(err)
				}
			},
			code: session.CloseBadEnvelope, reason: "does not decode", stats: bad,
		},
		{
			name: "text message in a session", hello: true,
			send: func(t *testing.T, p *rawPeer, _ *session.Server) {
				p.ws.SetMessageType(sdk.UTF8)
				if err := p.sendBytes([]byte("ping")); err != nil {
					t.Fatal(err)
				}
			},
			code: session.CloseBadEnvelope, reason: "text message", stats: bad,
		},
		{
			name: "unknown field in a session", hello: true,
			send: sendRaw(withUnknownField(bytes.Clone(ping), 99)),
			code: session.CloseBadEnvelope, reason: "field 99 is not in protocol version 1", stats: bad,
		},
		{
			name: "unknown body field", hello: true,
			// Field 17 would be the next body of the oneof.
			send: sendRaw(protowire.AppendBytes(protowire.AppendTag(nil, 17, protowire.BytesType), nil)),
			code: session.CloseBadEnvelope, reason: "field 17 is not in protocol version 1", stats: bad,
		},
		{
			name: "hello twice", hello: true,
			send: sendRaw(hello),
			code: session.CloseBadEnvelope, reason: "a hello after the session started", stats: bad,
		},
		{
			name: "resume in a session", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Body: &gamesockv1.Envelope_Resume{Resume: &gamesockv1.Resume{ProtocolVersion: 1, SessionId: "s"}}}),
			code: session.CloseBadEnvelope, reason: "a resume after the session started", stats: bad,
		},
		{
			name: "payload from the future", hello: true,
			send: func(t *testing.T, p *rawPeer, _ *session.Server) {
				p.mustSend(t, payloadEnvelope(1, []byte("one")))
				p.mustSend(t, payloadEnvelope(3, []byte("three")))
			},
			code: session.CloseBadEnvelope, reason: "reliable message 3 is from the future: expected 2", stats: bad,
		},
		{
			name: "payload without seq", hello: true,
			send: sendEnv(payloadEnvelope(0, []byte("x"))),
			code: session.CloseBadEnvelope, reason: "a payload without a sequence number", stats: bad,
		},
		{
			name: "seq on a ping", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Seq: 1, Body: pingEnvelope().Body}),
			code: session.CloseBadEnvelope, reason: "a ping has sequence number 1", stats: bad,
		},
		{
			name: "seq on a state", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Seq: 1, Body: &gamesockv1.Envelope_State{State: &gamesockv1.State{Tick: 1}}}),
			code: session.CloseBadEnvelope, reason: "a state has sequence number 1", stats: bad,
		},
		{
			name: "seq on a request", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Seq: 1, Body: requestEnvelope(1, methodEcho, nil).Body}),
			code: session.CloseBadEnvelope, reason: "a request has sequence number 1", stats: bad,
		},
		{
			name: "ack for messages never sent", hello: true,
			send: func(t *testing.T, p *rawPeer, srv *session.Server) {
				// Two were sent and received: acknowledging them is fine,
				// acknowledging a third is not.
				for i := range 2 {
					if err := srv.Send("mallory", session.Notification{Kind: uint32(i)}); err != nil {
						t.Fatal(err)
					}
					p.await(t, "a notification", func(e *gamesockv1.Envelope) bool { return e.GetNotification() != nil })
				}
				p.mustSend(t, &gamesockv1.Envelope{Ack: 2})
				p.mustSend(t, &gamesockv1.Envelope{Ack: 3})
			},
			code: session.CloseBadEnvelope, reason: "acknowledges reliable message 3, but only 2 were sent", stats: bad,
		},
		{
			name: "state ack for a tick never sent", hello: true,
			send: sendEnv(&gamesockv1.Envelope{StateAck: 10, Body: pingEnvelope().Body}),
			code: session.CloseBadEnvelope, reason: "acknowledges state tick 10, but the latest sent is 0", stats: bad,
		},
		{
			name: "duplicate request id in flight", hello: true,
			send: func(t *testing.T, p *rawPeer, _ *session.Server) {
				p.mustSend(t, requestEnvelope(1, methodBlock, nil))
				p.mustSend(t, requestEnvelope(1, methodBlock, nil))
			},
			code: session.CloseBadEnvelope, reason: "request id 1 is already in flight", stats: bad,
		},

		// Bodies only a server sends.
		{
			name: "client sends a welcome", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Body: &gamesockv1.Envelope_Welcome{Welcome: &gamesockv1.Welcome{ProtocolVersion: 1, SessionId: "s"}}}),
			code: session.CloseBadEnvelope, reason: "a client may not send a welcome", stats: bad,
		},
		{
			name: "client sends a notification", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Seq: 1, Body: &gamesockv1.Envelope_Notification{Notification: &gamesockv1.Notification{Subject: "you won"}}}),
			code: session.CloseBadEnvelope, reason: "a client may not send a notification", stats: bad,
		},
		{
			name: "client sends a stat update", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Seq: 1, Body: &gamesockv1.Envelope_StatUpdate{StatUpdate: &gamesockv1.StatUpdate{MatchId: "m"}}}),
			code: session.CloseBadEnvelope, reason: "a client may not send a stat update", stats: bad,
		},
		{
			name: "client sends a leaderboard page", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Seq: 1, Body: &gamesockv1.Envelope_LeaderboardPage{LeaderboardPage: &gamesockv1.LeaderboardPage{LeaderboardId: "l"}}}),
			code: session.CloseBadEnvelope, reason: "a client may not send a leaderboard page", stats: bad,
		},
		{
			name: "client sends a pong", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Body: &gamesockv1.Envelope_Pong{Pong: &gamesockv1.Pong{ClientSendUs: 1}}}),
			code: session.CloseBadEnvelope, reason: "a client may not send a pong", stats: bad,
		},
		{
			name: "client sends a response", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Body: &gamesockv1.Envelope_Response{Response: &gamesockv1.Response{Id: 1}}}),
			code: session.CloseBadEnvelope, reason: "a client may not send a response", stats: bad,
		},

		// Rates and sizes.
		{
			name:  "reliable rate exceeded",
			opts:  func(o *session.ServerOptions) { o.Limits = session.Limits{ReliableRate: 1, ReliableBurst: 3} },
			hello: true,
			send: func(t *testing.T, p *rawPeer, _ *session.Server) {
				// Three fit the burst; at one a second, the fourth comes
				// long before the bucket has a token again.
				for seq := uint64(1); seq <= 10; seq++ {
					if p.send(t, payloadEnvelope(seq, []byte("spam"))) != nil {
						return // closed, as it should be
					}
				}
			},
			code: session.CloseRateLimited, reason: "reliable messages over 1 a second",
			stats: session.ServerStats{RateLimited: 1},
		},
		{
			name: "ping flood", hello: true,
			send: func(t *testing.T, p *rawPeer, _ *session.Server) {
				for range 100 {
					if p.sendBytes(ping) != nil {
						return
					}
				}
			},
			code: session.CloseRateLimited, reason: "pings over 20 a second",
			stats: session.ServerStats{RateLimited: 1},
		},
		{
			name:  "envelope over MaxMessageSize",
			opts:  func(o *session.ServerOptions) { o.Limits = session.Limits{MaxMessageSize: 1024} },
			hello: true,
			send:  sendEnv(payloadEnvelope(1, make([]byte, 2000))),
			// The socket itself refuses it, before any envelope is decoded;
			// the session counts it with the bad envelopes.
			code: sdk.CloseMessageTooBig, reason: "exceeds 1024 bytes", stats: bad,
		},

		// Input a server takes without closing.
		{
			name: "payload sent again", hello: true,
			send: func(t *testing.T, p *rawPeer, srv *session.Server) {
				p.mustSend(t, payloadEnvelope(1, []byte("once")))
				p.mustSend(t, payloadEnvelope(1, []byte("once")))
				p.sync(t)
				if c := srv.Session("mallory").Counters().Reliable; c.MessagesIn != 1 || c.Dropped != 1 {
					t.Errorf("reliable counters %+v, want 1 in and 1 dropped duplicate", c)
				}
			},
		},
		{
			name: "client reports an error", hello: true,
			send: sendEnv(&gamesockv1.Envelope{Body: &gamesockv1.Envelope_Error{Error: &gamesockv1.Error{Code: session.CodeInternal, Message: "client trouble"}}}),
		},
		{
			name: "state going back in time", hello: true,
			send: func(t *testing.T, p *rawPeer, srv *session.Server) {
				for _, tick := range []uint64{5, 3} {
					p.mustSend(t, &gamesockv1.Envelope{Body: &gamesockv1.Envelope_State{State: &gamesockv1.State{Kind: 1, Tick: tick}}})
				}
				p.sync(t)
				if c := srv.Session("mallory").Counters().State; c.MessagesIn != 1 || c.Dropped != 1 {
					t.Errorf("state counters %+v, want 1 in and 1 dropped as out of date", c)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := badInputServerOptions()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			srv, url := startServer(t, opts)
			p := dialRawPeer(t, url, "mallory")
			if tc.hello {
				p.hello(t)
			}
			before := srv.Stats()
			tc.send(t, p, srv)
			if tc.code == 0 {
				p.sync(t)
			} else {
				ev := p.closed(t)
				if ev.Code != tc.code || !strings.Contains(ev.Reason, tc.reason) {
					t.Errorf("server closed with %d %q; want %d and a reason containing %q", ev.Code, ev.Reason, tc.code, tc.reason)
				}
			}
			if tc.code != 0 {
				// The server counts some closes once its side has ended.
				waitUntil(t, "the server to let the connection go", func() bool { return srv.Stats().Connections == 0 })
			}
			if got := counterDelta(before, srv.Stats()); got != tc.stats {
				t.Errorf("ServerStats counters moved by %+v; want %+v", got, tc.stats)
			}
			if tc.hello && (tc.code >= 4000 || tc.code == sdk.CloseMessageTooBig) {
				// A connection closed for breaking the rules takes its
				// session with it: the client is not coming back.
				waitUntil(t, "the rule breaker's session to end", func() bool { return srv.Session("mallory") == nil })
			}
			checkServerHealthy(t, srv, url)
		})
	}
}

// TestBadInputResume sends a server Resumes it must refuse: each opens a
// new session, says why the old one could not be resumed, and leaves the
// session it names alone.
func TestBadInputResume(t *testing.T) {
	tests := []struct {
		name string
		// resume builds the Resume; victim is the Welcome of a session
		// of the player "alice".
		attacker string
		resume   func(victim *gamesockv1.Welcome) *gamesockv1.Resume
		reason   string
	}{
		{
			name:     "forged token",
			attacker: "alice",
			resume: func(v *gamesockv1.Welcome) *gamesockv1.Resume {
				return &gamesockv1.Resume{ProtocolVersion: 1, SessionId: v.GetSessionId(), ResumeToken: []byte("forged")}
			},
			reason: "the resume token does not match",
		},
		{
			name:     "token cut short",
			attacker: "alice",
			resume: func(v *gamesockv1.Welcome) *gamesockv1.Resume {
				tok := v.GetResumeToken()
				return &gamesockv1.Resume{ProtocolVersion: 1, SessionId: v.GetSessionId(), ResumeToken: tok[:len(tok)/2]}
			},
			reason: "the resume token does not match",
		},
		{
			name:     "another player's session and token",
			attacker: "mallory",
			resume: func(v *gamesockv1.Welcome) *gamesockv1.Resume {
				return &gamesockv1.Resume{ProtocolVersion: 1, SessionId: v.GetSessionId(), ResumeToken: v.GetResumeToken()}
			},
			reason: "the session belongs to another player",
		},
		{
			name:     "unknown session",
			attacker: "mallory",
			resume: func(v *gamesockv1.Welcome) *gamesockv1.Resume {
				return &gamesockv1.Resume{ProtocolVersion: 1, SessionId: "no-such-session", ResumeToken: v.GetResumeToken()}
			},
			reason: `no session "no-such-session"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := startServer(t, badInputServerOptions())
			alice := dialRawPeer(t, url, "alice")
			victim := alice.hello(t)

			before := srv.Stats()
			p := dialRawPeer(t, url, tc.attacker)
			p.mustSend(t, &gamesockv1.Envelope{Body: &gamesockv1.Envelope_Resume{Resume: tc.resume(victim)}})
			w := p.await(t, "a welcome", func(e *gamesockv1.Envelope) bool { return e.GetWelcome() != nil }).GetWelcome()
			if w.GetResumed() || w.GetSessionId() == "" || w.GetSessionId() == victim.GetSessionId() {
				t.Errorf("welcome resumed=%v session %q (victim's %q); want a new session, not resumed",
					w.GetResumed(), w.GetSessionId(), victim.GetSessionId())
			}
			if e := w.GetResumeError(); e.GetCode() != session.CodeResumeRejected || !strings.Contains(e.GetMessage(), tc.reason) {
				t.Errorf("resume_error = %v; want RESUME_REJECTED saying %q", e, tc.reason)
			}
			if w.GetPlayerId() != tc.attacker {
				t.Errorf("welcome player %q; want the authenticated %q", w.GetPlayerId(), tc.attacker)
			}
			p.sync(t) // a refused resume is not a close
			want := session.ServerStats{SessionsStarted: 1, ResumesRejected: 1}
			if got := counterDelta(before, srv.Stats()); got != want {
				t.Errorf("ServerStats counters moved by %+v; want %+v", got, want)
			}
			if tc.attacker != "alice" {
				// Someone else's resume must not touch alice's session.
				alice.sync(t)
				if s := srv.Session("alice"); s == nil || s.ID() != victim.GetSessionId() || !s.Connected() {
					t.Errorf("alice's session after the attack: %v; want %s, still connected", s, victim.GetSessionId())
				}
			}
			checkServerHealthy(t, srv, url)
		})
	}
}

// TestBadInputResumeAckFromTheFuture resumes a real session with its real
// token but acknowledges reliable messages the server never sent. The
// server closes with 4400; the session must not be left attached to the
// dead connection, where it would never expire.
func TestBadInputResumeAckFromTheFuture(t *testing.T) {
	ended := make(chan error, 1)
	opts := badInputServerOptions()
	opts.ResumeWindow = 200 * time.Millisecond
	opts.OnSessionEnd = func(s *session.Session, err error) {
		if s.PlayerID() == "mallory" {
			ended <- err
		}
	}
	srv, url := startServer(t, opts)
	first := dialRawPeer(t, url, "mallory")
	w := first.hello(t)
	first.ws.CloseWithStatus(sdk.CloseGoingAway, "away") // not 1000, which ends the session
	waitUntil(t, "the server to see the first connection go", func() bool { return !srv.Session("mallory").Connected() })

	p := dialRawPeer(t, url, "mallory")
	p.mustSend(t, &gamesockv1.Envelope{Ack: 99, Body: &gamesockv1.Envelope_Resume{Resume: &gamesockv1.Resume{
		ProtocolVersion: 1, SessionId: w.GetSessionId(), ResumeToken: w.GetResumeToken()}}})
	ev := p.closed(t)
	if ev.Code != session.CloseBadEnvelope || !strings.Contains(ev.Reason, "acknowledges reliable message 99, but only 0 were sent") {
		t.Errorf("server closed with %d %q; want 4400 about the acknowledgement", ev.Code, ev.Reason)
	}
	// Whether the violation ends the session at once or it waits out its
	// 200 ms resume window, it must end.
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		s := srv.Session("mallory")
		t.Fatalf("session still there 5 s after its connection was closed (resume window 200ms): connected=%v, server connections=%d",
			s != nil && s.Connected(), srv.Stats().Connections)
	}
	checkServerHealthy(t, srv, url)
}

// TestBadInputRequestFlood sends requests one after the other, each as soon
// as the previous is answered, far over the request rate: the extra ones
// are refused with a typed RESOURCE_EXHAUSTED and a retry_after, and a
// client that goes on regardless is closed with 4429.
func TestBadInputRequestFlood(t *testing.T) {
	opts := badInputServerOptions()
	opts.Limits = session.Limits{RequestRate: 1, RequestBurst: 4}
	srv, url := startServer(t, opts)
	p := dialRawPeer(t, url, "mallory")
	p.hello(t)
	ss := srv.Session("mallory")
	before := srv.Stats()

	answered, refused := 0, 0
	for id := uint64(1); id <= 200; id++ {
		if p.send(t, requestEnvelope(id, methodEcho, []byte("x"))) != nil {
			break
		}
		env := p.next(t)
		for env != nil && env.GetResponse() == nil {
			env = p.next(t) // acks
		}
		if env == nil {
			break // closed
		}
		r := env.GetResponse()
		if r.GetId() != id {
			t.Fatalf("response to request %d, want %d", r.GetId(), id)
		}
		if e := r.GetError(); e != nil {
			if e.GetCode() != session.CodeResourceExhausted || e.GetRetryAfterMs() != 1000 || !strings.Contains(e.GetMessage(), "requests over 1 a second") {
				t.Fatalf("refusal %v; want RESOURCE_EXHAUSTED, retry after 1000 ms, naming the rate", e)
			}
			refused++
			continue
		}
		if string(r.GetData()) != "echo:x" {
			t.Fatalf("response %q", r.GetData())
		}
		if refused > 0 {
			// A token came back: fine, the flood just takes longer.
			t.Logf("request %d answered after %d refusals", id, refused)
		}
		answered++
	}
	ev := p.closed(t)
	if ev.Code != session.CloseRateLimited || !strings.Contains(ev.Reason, "request flood") {
		t.Errorf("server closed with %d %q; want 4429 naming the request flood", ev.Code, ev.Reason)
	}
	if answered < 4 || refused < 8 {
		t.Errorf("%d answered, %d refused before the close; want the burst of 4 answered and 2×4 refusals", answered, refused)
	}
	// Each refusal counts, the one that triggered the close too, and the
	// close itself.
	want := session.ServerStats{RateLimited: uint64(refused) + 2}
	if got := counterDelta(before, srv.Stats()); got != want {
		t.Errorf("ServerStats counters moved by %+v; want %+v", got, want)
	}
	if c := ss.Counters().Request; c.Dropped != uint64(refused)+1 {
		t.Errorf("session request counters %+v; want %d dropped", c, refused+1)
	}
	checkServerHealthy(t, srv, url)
}

// TestBadInputTooManyRequestsInFlight keeps MaxConcurrentRequests requests
// blocked in their handler and sends one more: it is refused at once, and
// the connection stays up.
func TestBadInputTooManyRequestsInFlight(t *testing.T) {
	release := make(chan struct{})
	var inHandler, maxInHandler atomic.Int32
	opts := badInputServerOptions()
	opts.Limits = session.Limits{MaxConcurrentRequests: 2}
	opts.OnRequest = func(ctx context.Context, _ *session.Session, r session.Request) ([]byte, error) {
		if r.Method == methodEcho {
			return append([]byte("echo:"), r.Data...), nil
		}
		n := inHandler.Add(1)
		defer inHandler.Add(-1)
		for {
			if m := maxInHandler.Load(); n <= m || maxInHandler.CompareAndSwap(m, n) {
				break
			}
		}
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return append([]byte("done:"), r.Data...), nil
	}
	srv, url := startServer(t, opts)
	p := dialRawPeer(t, url, "mallory")
	p.hello(t)
	ss := srv.Session("mallory")
	before := srv.Stats()

	for id := uint64(1); id <= 3; id++ {
		p.mustSend(t, requestEnvelope(id, methodBlock, []byte{'0' + byte(id)}))
	}
	r3 := p.awaitResponse(t, 3)
	if e := r3.GetError(); e.GetCode() != session.CodeResourceExhausted || !strings.Contains(e.GetMessage(), "2 requests already in flight") {
		t.Fatalf("third request answered %v; want RESOURCE_EXHAUSTED, 2 already in flight", r3)
	}
	waitUntil(t, "the 2 allowed handlers to run", func() bool { return inHandler.Load() == 2 })
	close(release)
	// The two handlers return in any order, and so come their responses.
	answers := map[uint64]string{}
	for len(answers) < 2 {
		r := p.await(t, "a response", func(e *gamesockv1.Envelope) bool { return e.GetResponse() != nil }).GetResponse()
		if r.GetError() != nil {
			t.Fatalf("request %d answered %v", r.GetId(), r.GetError())
		}
		answers[r.GetId()] = string(r.GetData())
	}
	if answers[1] != "done:1" || answers[2] != "done:2" {
		t.Errorf("answers %v; want done:1 for 1 and done:2 for 2", answers)
	}
	// The slots are free again.
	p.mustSend(t, requestEnvelope(4, methodEcho, []byte("4")))
	if r := p.awaitResponse(t, 4); r.GetError() != nil || string(r.GetData()) != "echo:4" {
		t.Errorf("request 4 answered %v", r)
	}
	if n := maxInHandler.Load(); n != 2 {
		t.Errorf("up to %d handlers ran at once; want 2", n)
	}
	if got, want := counterDelta(before, srv.Stats()), (session.ServerStats{RateLimited: 1}); got != want {
		t.Errorf("ServerStats counters moved by %+v; want %+v", got, want)
	}
	if c := ss.Counters().Request; c.Dropped != 1 || c.MessagesIn != 4 {
		t.Errorf("session request counters %+v; want 4 in, 1 dropped", c)
	}
	checkServerHealthy(t, srv, url)
}

// TestBadInputStatesOverRate sends states far over the state rate: the
// extra ones are dropped and counted, and the connection stays up.
func TestBadInputStatesOverRate(t *testing.T) {
	var delivered atomic.Int32
	opts := badInputServerOptions()
	opts.Limits = session.Limits{StateRate: 1, StateBurst: 3}
	opts.OnState = func(*session.Session, session.State) { delivered.Add(1) }
	srv, url := startServer(t, opts)
	p := dialRawPeer(t, url, "mallory")
	p.hello(t)
	before := srv.Stats()

	const sent = 30
	for tick := uint64(1); tick <= sent; tick++ {
		p.mustSend(t, &gamesockv1.Envelope{Body: &gamesockv1.Envelope_State{State: &gamesockv1.State{Kind: 1, Tick: tick}}})
	}
	p.sync(t)
	got := uint64(delivered.Load())
	// The burst of 3, and at one a second perhaps one more.
	if got < 3 || got >= sent {
		t.Fatalf("%d of %d states delivered; want the burst of 3 and few more", got, sent)
	}
	c := srv.Session("mallory").Counters().State
	if c.MessagesIn != got || c.Dropped != sent-got {
		t.Errorf("state counters %+v; want %d in, %d dropped", c, got, sent-got)
	}
	if d := counterDelta(before, srv.Stats()); d != (session.ServerStats{RateLimited: sent - got}) {
		t.Errorf("ServerStats counters moved by %+v; want RateLimited %d", d, sent-got)
	}
	checkServerHealthy(t, srv, url)
}

// ---- the client against a hostile server ----

// fakeSessionServer is a hostile server: it welcomes a session.Client (or
// not) and then sends it whatever a test gives it, and reports how each of
// its sockets ended.
type fakeSessionServer struct {
	url    string
	closed chan sdk.ClosedEvent

	mu      sync.Mutex
	sockets []*sdk.MessageWebSocket
}

// startFakeSessionServer serves script on each connection after the
// client's first message (its Hello), until the test ends.
func startFakeSessionServer(t *testing.T, script func(ws *sdk.MessageWebSocket)) *fakeSessionServer {
	f := &fakeSessionServer{closed: make(chan sdk.ClosedEvent, 8)}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws := sdk.NewMessageWebSocket()
		first := make(chan struct{})
		var once sync.Once
		ws.OnMessageReceived(func(*sdk.MessageWebSocket, sdk.Message) { once.Do(func() { close(first) }) })
		ws.OnClosed(func(_ *sdk.MessageWebSocket, e sdk.ClosedEvent) {
			select {
			case f.closed <- e:
			default:
			}
		})
		if err := ws.Accept(w, r); err != nil {
			return
		}
		f.mu.Lock()
		f.sockets = append(f.sockets, ws)
		f.mu.Unlock()
		select {
		case <-first:
			script(ws)
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(func() {
		hs.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, ws := range f.sockets {
			ws.Close()
		}
	})
	f.url = "ws" + strings.TrimPrefix(hs.URL, "http") + "/"
	return f
}

// clientClosed waits for how the client closed the fake server's socket.
func (f *fakeSessionServer) clientClosed(t *testing.T) sdk.ClosedEvent {
	t.Helper()
	select {
	case e := <-f.closed:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("the client did not close the connection within 10 s")
	}
	panic("unreachable")
}

func fakeWelcome() *gamesockv1.Envelope {
	return &gamesockv1.Envelope{Body: &gamesockv1.Envelope_Welcome{Welcome: &gamesockv1.Welcome{
		ProtocolVersion: 1, SessionId: "fake-session", ResumeToken: []byte("fake-token"), PlayerId: "victim",
		Limits: &gamesockv1.Limits{MaxMessageSize: 64 << 10},
	}}}
}

// TestClientBadServerInput has a session.Client face a server that breaks
// the protocol after welcoming it: the client closes that connection with
// 4400 (or 4426) and a reason that says what was wrong, does not reconnect
// to a server that would do it again, and does not panic.
func TestClientBadServerInput(t *testing.T) {
	enc := func(env *gamesockv1.Envelope) []byte { return marshalEnvelope(t, env) }
	notification := func(seq uint64) *gamesockv1.Envelope {
		return &gamesockv1.Envelope{Seq: seq, Body: &gamesockv1.Envelope_Notification{Notification: &gamesockv1.Notification{Subject: "boo"}}}
	}
	tests := []struct {
		name   string
		text   bool   // send msg as a text message
		msg    []byte // sent after the Welcome
		code   sdk.CloseCode
		reason string
	}{
		{name: "garbage", msg: []byte{0x0f, 0xde, 0xad, 0xbe, 0xef}, code: session.CloseBadEnvelope, reason: "does not decode"},
		{name: "truncated", msg: func() []byte { b := enc(notification(1)); return b[:len(b)-2] }(), code: session.CloseBadEnvelope, reason: "does not decode"},
		{name: "text message", text: true, msg: []byte("hi"), code: session.CloseBadEnvelope, reason: "text message"},
		{name: "unknown field", msg: withUnknownField(enc(notification(1)), 99), code: session.CloseBadEnvelope, reason: "field 99 is not in protocol version 1"},
		{name: "seq gap", msg: enc(notification(5)), code: session.CloseBadEnvelope, reason: "reliable message 5 is from the future: expected 1"},
		{name: "notification without seq", msg: enc(notification(0)), code: session.CloseBadEnvelope, reason: "a notification without a sequence number"},
		{name: "seq on a state", msg: enc(&gamesockv1.Envelope{Seq: 1, Body: &gamesockv1.Envelope_State{State: &gamesockv1.State{Tick: 1}}}), code: session.CloseBadEnvelope, reason: "a state has sequence number 1"},
		{
			name: "pong from the future",
			msg: enc(&gamesockv1.Envelope{Body: &gamesockv1.Envelope_Pong{Pong: &gamesockv1.Pong{
				ClientSendUs: time.Now().Add(time.Hour).UnixMicro(), ServerReceiveUs: 1, ServerSendUs: 2}}}),
			code: session.CloseBadEnvelope, reason: "a pong for a ping never sent",
		},
		{name: "pong without a timestamp", msg: enc(&gamesockv1.Envelope{Body: &gamesockv1.Envelope_Pong{Pong: &gamesockv1.Pong{}}}), code: session.CloseBadEnvelope, reason: "a pong for a ping never sent"},
		{name: "ack for messages never sent", msg: enc(&gamesockv1.Envelope{Ack: 50}), code: session.CloseBadEnvelope, reason: "acknowledges reliable message 50, but only 0 were sent"},
		{name: "state ack for a tick never sent", msg: enc(&gamesockv1.Envelope{StateAck: 7}), code: session.CloseBadEnvelope, reason: "acknowledges state tick 7"},
		{name: "second welcome", msg: enc(fakeWelcome()), code: session.CloseBadEnvelope, reason: "a server may not send a welcome"},
		{name: "hello from the server", msg: enc(helloEnvelope(1)), code: session.CloseBadEnvelope, reason: "a server may not send a hello"},
		{name: "request from the server", msg: enc(requestEnvelope(1, 1, nil)), code: session.CloseBadEnvelope, reason: "a server may not send a request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			connected := make(chan struct{})
			f := startFakeSessionServer(t, func(ws *sdk.MessageWebSocket) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if ws.Send(ctx, enc(fakeWelcome())) != nil {
					return
				}
				// The bad input comes once Dial has returned: this is
				// about a session, not its handshake (see
				// TestClientDialWelcomedThenClosed).
				select {
				case <-connected:
				case <-ctx.Done():
					return
				}
				if tc.text {
					ws.SetMessageType(sdk.UTF8)
				}
				_ = ws.Send(ctx, tc.msg)
			})
			c := dial(t, f.url, "victim", nil)
			close(connected)
			if st := nextEvent[session.StatusChange](t, c); st.Status != session.Connected {
				t.Fatalf("first status %+v; want connected", st)
			}
			ev := f.clientClosed(t)
			if ev.Code != tc.code || !strings.Contains(ev.Reason, tc.reason) {
				t.Errorf("client closed with %d %q; want %d and a reason containing %q", ev.Code, ev.Reason, tc.code, tc.reason)
			}
			// The same server would do the same again: the client stops.
			st := nextEvent[session.StatusChange](t, c)
			if st.Status != session.Closed || st.Err == nil || !strings.Contains(st.Err.Error(), tc.reason) {
				t.Errorf("status after the bad input %+v; want closed, with an error saying %q", st, tc.reason)
			}
		})
	}
}

// TestClientBadWelcome has a session.Client dial servers whose first
// message is not a usable Welcome: Dial fails with the reason, and the
// client closes the connection saying it.
func TestClientBadWelcome(t *testing.T) {
	enc := func(env *gamesockv1.Envelope) []byte { return marshalEnvelope(t, env) }
	welcome := func(edit func(w *gamesockv1.Welcome)) []byte {
		env := fakeWelcome()
		edit(env.GetWelcome())
		return enc(env)
	}
	tests := []struct {
		name   string
		msg    []byte
		code   sdk.CloseCode
		reason string
	}{
		{name: "garbage", msg: []byte{0x0f, 0xde, 0xad, 0xbe, 0xef}, code: session.CloseBadEnvelope, reason: "does not decode"},
		{name: "ping", msg: enc(pingEnvelope()), code: session.CloseBadEnvelope, reason: "expected a welcome, got a ping"},
		{name: "notification", msg: enc(&gamesockv1.Envelope{Seq: 1, Body: &gamesockv1.Envelope_Notification{Notification: &gamesockv1.Notification{}}}), code: session.CloseBadEnvelope, reason: "expected a welcome, got a notification"},
		{name: "welcome with an unknown field", msg: withUnknownField(enc(fakeWelcome()), 99), code: session.CloseBadEnvelope, reason: "field 99"},
		{name: "welcome without a session id", msg: welcome(func(w *gamesockv1.Welcome) { w.SessionId = "" }), code: session.CloseBadEnvelope, reason: "a welcome without a session id"},
		{name: "welcome in another version", msg: welcome(func(w *gamesockv1.Welcome) { w.ProtocolVersion = 2 }), code: session.CloseProtocolVersion, reason: "server speaks protocol version 2"},
		{name: "welcome resuming a session never had", msg: welcome(func(w *gamesockv1.Welcome) { w.Resumed = true }), code: session.CloseBadEnvelope, reason: "a welcome resumes a session this client never had"},
		{name: "welcome acknowledging messages never sent", msg: func() []byte {
			env := fakeWelcome()
			env.Ack = 4
			return enc(env)
		}(), code: session.CloseBadEnvelope, reason: "acknowledges reliable message 4, but only 0 were sent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := startFakeSessionServer(t, func(ws *sdk.MessageWebSocket) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = ws.Send(ctx, tc.msg)
			})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := session.Dial(ctx, f.url, &session.ClientOptions{Token: "player:victim"})
			if err == nil {
				c.Close()
				t.Fatal("Dial succeeded")
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("Dial error %q; want it to say %q", err, tc.reason)
			}
			ev := f.clientClosed(t)
			if ev.Code != tc.code || !strings.Contains(ev.Reason, tc.reason) {
				t.Errorf("client closed with %d %q; want %d and a reason containing %q", ev.Code, ev.Reason, tc.code, tc.reason)
			}
		})
	}
}

// TestClientNoWelcome dials a server that upgrades and then says nothing:
// Dial fails when HandshakeTimeout runs out, and leaves nothing behind.
func TestClientNoWelcome(t *testing.T) {
	f := startFakeSessionServer(t, func(*sdk.MessageWebSocket) {})
	c, err := session.Dial(context.Background(), f.url, &session.ClientOptions{
		Token: "player:victim", HandshakeTimeout: 200 * time.Millisecond,
	})
	if err == nil {
		c.Close()
		t.Fatal("Dial succeeded without a welcome")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Dial error %v; want the handshake deadline", err)
	}
	// The client hung up rather than leave the socket open.
	f.clientClosed(t)
}

// TestClientDialWelcomedThenClosed dials a server that welcomes the client
// and at once sends it garbage. The server did welcome it, so Dial must
// return the client (which then closes with 4400 and reports it), whichever
// of the Welcome and the close its handshake sees first. The handshake
// decides by a select between the two, which sees both only when its
// goroutine was held up after sending the Hello, so the test dials many
// times; how often that happens depends on the machine's load.
func TestClientDialWelcomedThenClosed(t *testing.T) {
	f := startFakeSessionServer(t, func(ws *sdk.MessageWebSocket) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if ws.Send(ctx, marshalEnvelope(t, fakeWelcome())) == nil {
			_ = ws.Send(ctx, []byte{0x0f, 0xde, 0xad, 0xbe, 0xef})
		}
	})
	const dials = 100
	failed := 0
	var firstErr error
	for range dials {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var statuses []session.Status
		var mu sync.Mutex
		c, err := session.Dial(ctx, f.url, &session.ClientOptions{
			Token: "player:victim",
			OnStatus: func(s session.StatusChange) {
				mu.Lock()
				statuses = append(statuses, s.Status)
				mu.Unlock()
			},
		})
		cancel()
		if ev := f.clientClosed(t); ev.Code != session.CloseBadEnvelope {
			t.Fatalf("client closed with %d %q; want 4400", ev.Code, ev.Reason)
		}
		if err != nil {
			failed++
			if firstErr == nil {
				mu.Lock()
				firstErr = fmt.Errorf("%w (statuses reported: %v)", err, statuses)
				mu.Unlock()
			}
			continue
		}
		c.Close()
	}
	if failed > 0 {
		t.Errorf("Dial failed %d of %d times after the server had welcomed the client; first: %v", failed, dials, firstErr)
	}
}
