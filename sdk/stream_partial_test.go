package sdk_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/gobwas/ws"

	"github.com/gamesock/gamesock/sdk"
)

// TestStreamReadsWhatArrivedOfAFrame: a stream hands over the bytes of a
// frame as they arrive, so when the connection drops in the middle of a
// large frame, the reader still gets every byte that came before the error
// (a download resumes from there, not from the frame's start).
func TestStreamReadsWhatArrivedOfAFrame(t *testing.T) {
	url, conns := rawWebSocketPeer(t)
	s := sdk.NewStreamWebSocket()
	if err := s.Connect(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	nc := nextConn(t, conns)

	const announced, sent = 20000, 7000
	body := make([]byte, sent)
	for i := range body {
		body[i] = byte(i % 251)
	}
	if err := ws.WriteHeader(nc, ws.Header{Fin: true, OpCode: ws.OpBinary, Length: announced}); err != nil {
		t.Fatal(err)
	}
	if _, err := nc.Write(body); err != nil {
		t.Fatal(err)
	}
	nc.Close() // the rest of the frame never comes

	got, err := io.ReadAll(s)
	if err == nil || errors.Is(err, io.EOF) {
		t.Errorf("read ended with %v; want an error for the frame cut short", err)
	}
	if len(got) != sent {
		t.Fatalf("read %d bytes before the error; want the %d that arrived", len(got), sent)
	}
	for i := range got {
		if got[i] != body[i] {
			t.Fatalf("byte %d is %d, want %d", i, got[i], body[i])
		}
	}
}
