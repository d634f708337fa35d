package replays

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk"
)

const testToken = "let-me-in"

func authenticate(token string) (string, error) {
	if token != testToken {
		return "", errors.New("unknown token")
	}
	return "player-1", nil
}

// insertRaw stores data as replay id without checking that it is one, for
// download tests that need big files.
func insertRaw(t testing.TB, s *Store, id string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, id+Ext), data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	s.mu.Lock()
	s.infos = append(s.infos, &arenav1.ReplayInfo{Id: id, Size: uint64(len(data)), Sha256: sum[:]})
	s.mu.Unlock()
}

func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// testServer is a Store behind its download endpoint on loopback.
type testServer struct {
	store *Store
	dl    *Downloads
	http  *httptest.Server
}

func newTestServer(t testing.TB) *testServer {
	t.Helper()
	s, err := NewStore(t.TempDir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{store: s, dl: s.Handler(authenticate, nil)}
	mux := http.NewServeMux()
	mux.Handle("/replays/", ts.dl)
	ts.http = httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := ts.dl.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		ts.http.Close()
	})
	return ts
}

func (ts *testServer) url(id string) string {
	return "ws" + strings.TrimPrefix(ts.http.URL, "http") + "/replays/" + id
}

// progressLog records Progress calls.
type progressLog struct {
	calls []([2]int64)
}

func (p *progressLog) record(done, total int64) { p.calls = append(p.calls, [2]int64{done, total}) }

// check fails unless the calls start at from, never go back, keep one
// total and end at it.
func (p *progressLog) check(t *testing.T, from, total int64) {
	t.Helper()
	if len(p.calls) == 0 {
		t.Fatal("Progress was never called")
	}
	if p.calls[0][0] != from {
		t.Errorf("first Progress call %v, want done %d", p.calls[0], from)
	}
	for i, c := range p.calls {
		if c[1] != total || (i > 0 && c[0] < p.calls[i-1][0]) {
			t.Fatalf("Progress call %d is %v after %v; want total %d, done never decreasing", i, c, p.calls[max(i-1, 0)], total)
		}
	}
	if last := p.calls[len(p.calls)-1]; last[0] != total {
		t.Errorf("last Progress call %v, want done = total = %d", last, total)
	}
}

func TestDownload(t *testing.T) {
	ts := newTestServer(t)
	data := randomBytes(1<<20 + 12345)
	insertRaw(t, ts.store, "big", data)
	real, err := ts.store.Save(makeReplay(t, "lobby", 1, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	realData, err := os.ReadFile(filepath.Join(ts.store.dir, real.Id+Ext))
	if err != nil {
		t.Fatal(err)
	}
	size := int64(len(data))
	tests := []struct {
		name   string
		id     string
		url    string // added to the endpoint's URL
		token  string
		offset int64
		want   []byte
	}{
		{name: "whole file", id: "big", token: testToken, want: data},
		{name: "from an offset", id: "big", token: testToken, offset: size / 3, want: data[size/3:]},
		{name: "offset at the end", id: "big", token: testToken, offset: size, want: nil},
		{name: "token in the query", id: "big", url: "?token=" + testToken, want: data},
		{name: "a real replay", id: real.Id, token: testToken, want: realData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bytes.Buffer
			var p progressLog
			total, err := replay.Download(context.Background(), ts.url(tt.id)+tt.url,
				&replay.DownloadOptions{Token: tt.token, Progress: p.record}, tt.offset, &got)
			if err != nil {
				t.Fatalf("Download: %v", err)
			}
			info := slices.IndexFunc(ts.store.List(), func(i *arenav1.ReplayInfo) bool { return i.Id == tt.id })
			wantTotal := int64(ts.store.List()[info].Size)
			if total != wantTotal || !bytes.Equal(got.Bytes(), tt.want) {
				t.Errorf("Download = %d bytes of %d, want %d of %d", got.Len(), total, len(tt.want), wantTotal)
			}
			p.check(t, tt.offset, wantTotal)
		})
	}
	if _, err := replay.Parse(realData); err != nil {
		t.Errorf("the downloaded replay does not parse: %v", err)
	}
}

// cutProxy forwards TCP connections to target, cutting the first one after
// it has passed cutAfter bytes from the server.
type cutProxy struct {
	ln       net.Listener
	target   string
	cutAfter int64

	mu    sync.Mutex
	conns []net.Conn
	cuts  int // connections cut
	count int // connections accepted
	wg    sync.WaitGroup
}

func newCutProxy(t *testing.T, target string, cutAfter int64) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, cutAfter: cutAfter}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *cutProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.count++
		cut := p.count == 1
		p.mu.Unlock()
		p.wg.Add(2)
		go func() {
			defer p.wg.Done()
			io.Copy(s, c)
			s.Close()
		}()
		go func() {
			defer p.wg.Done()
			if cut {
				io.CopyN(c, s, p.cutAfter)
				p.mu.Lock()
				p.cuts++
				p.mu.Unlock()
				s.Close()
			} else {
				io.Copy(c, s)
			}
			c.Close()
		}()
	}
}

func (p *cutProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func TestDownloadResumesAfterACut(t *testing.T) {
	ts := newTestServer(t)
	data := randomBytes(3 << 20)
	insertRaw(t, ts.store, "big", data)
	proxy := newCutProxy(t, ts.http.Listener.Addr().String(), 1<<20)

	var got bytes.Buffer
	var p progressLog
	url := "ws://" + proxy.ln.Addr().String() + "/replays/big"
	total, err := replay.Download(context.Background(), url,
		&replay.DownloadOptions{Token: testToken, Progress: p.record, Backoff: time.Millisecond}, 0, &got)
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	if total != int64(len(data)) || sha256.Sum256(got.Bytes()) != sha256.Sum256(data) {
		t.Errorf("Download = %d bytes of %d, and they differ from the file's %d", got.Len(), total, len(data))
	}
	p.check(t, 0, total)
	proxy.mu.Lock()
	defer proxy.mu.Unlock()
	if proxy.cuts != 1 || proxy.count != 2 {
		t.Errorf("%d connections, %d cut; want 2, the first cut", proxy.count, proxy.cuts)
	}
}

func TestDownloadGivesUp(t *testing.T) {
	// A server that is not there: every attempt fails without progress.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = replay.Download(context.Background(), "ws://"+addr+"/replays/x",
		&replay.DownloadOptions{MaxAttempts: 3, Backoff: time.Millisecond}, 0, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts") {
		t.Errorf("Download from nowhere = %v, want it to give up after 3 attempts", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = replay.Download(ctx, "ws://"+addr+"/replays/x", nil, 0, io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Download with a canceled ctx = %v, want context.Canceled", err)
	}
}

func TestDownloadRefusals(t *testing.T) {
	ts := newTestServer(t)
	data := randomBytes(1000)
	insertRaw(t, ts.store, "small", data)
	tests := []struct {
		name   string
		path   string // after /replays/
		token  string
		offset int64
		status int
		body   string // what the server says, to a client that reads it
	}{
		{"unknown id", "nope", testToken, 0, 404, "replay nope not found"},
		{"offset past the end", "small", testToken, 1001, 416, "offset 1001 is past the end of replay small (size 1000)"},
		{"bad token", "small", "guess", 0, 401, "invalid token: unknown token"},
		{"no token", "small", "", 0, 401, "missing token"},
		{"path traversal", "..%2F..%2Fetc%2Fpasswd", testToken, 0, 400, "malformed replay id"},
		{"dots", "...", testToken, 0, 400, "malformed replay id"},
		{"dotted id", "small.replay", testToken, 0, 400, "malformed replay id"},
		{"bad offset", "small?offset=-5", testToken, -1, 400, "malformed offset \"-5\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// What replay.Download makes of it.
			if tt.offset >= 0 {
				_, err := replay.Download(context.Background(), ts.url(tt.path),
					&replay.DownloadOptions{Token: tt.token, Backoff: time.Millisecond}, tt.offset, io.Discard)
				var se *sdk.Error
				if !errors.As(err, &se) || int(sdk.GetStatus(err)) != tt.status {
					t.Errorf("Download error = %v (status %d), want an *sdk.Error with status %d", err, sdk.GetStatus(err), tt.status)
				}
			}
			// What the server said, read with plain HTTP.
			url := ts.http.URL + "/replays/" + tt.path
			if tt.offset > 0 {
				url += fmt.Sprintf("?offset=%d", tt.offset)
			}
			status, body := rawUpgrade(t, url, tt.token)
			if status != tt.status || !strings.Contains(body, tt.body) {
				t.Errorf("upgrade answered %d %q, want %d saying %q", status, body, tt.status, tt.body)
			}
		})
	}
	// The server still serves after all that.
	var got bytes.Buffer
	if _, err := replay.Download(context.Background(), ts.url("small"), &replay.DownloadOptions{Token: testToken}, 0, &got); err != nil || !bytes.Equal(got.Bytes(), data) {
		t.Errorf("a good download after the bad ones = %d bytes, %v", got.Len(), err)
	}
}

// rawUpgrade sends a WebSocket upgrade request with net/http, and returns
// the refusal's status and body.
func rawUpgrade(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	return res.StatusCode, string(body)
}

func TestShutdownEndsDownloads(t *testing.T) {
	ts := newTestServer(t)
	const size = 24 << 20 // more than loopback's socket buffers hold
	insertRaw(t, ts.store, "big", randomBytes(size))

	ws := sdk.NewStreamWebSocket()
	ws.SetRequestHeader("Authorization", "Bearer "+testToken)
	closed := make(chan sdk.ClosedEvent, 1)
	ws.OnClosed(func(_ *sdk.StreamWebSocket, e sdk.ClosedEvent) { closed <- e })
	if err := ws.Connect(context.Background(), ts.url("big")); err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	hdr := make([]byte, replay.StreamHeaderSize)
	if _, err := io.ReadFull(ws, hdr); err != nil {
		t.Fatal(err)
	}
	// The server is now stuck writing to a client that does not read; ask
	// it to stop, then read what it sends before it does.
	ts.dl.stop()
	n, err := io.Copy(io.Discard, ws)
	if err != nil || n >= size {
		t.Errorf("read %d bytes of %d, %v; want a clean end before the whole file", n, size, err)
	}
	if e := <-closed; e.Code != sdk.CloseGoingAway {
		t.Errorf("closed with %d %q, want 1001", e.Code, e.Reason)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ts.dl.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if status, body := rawUpgrade(t, ts.http.URL+"/replays/big", testToken); status != http.StatusServiceUnavailable {
		t.Errorf("a download after Shutdown got %d %q, want 503", status, body)
	}
}
