package conn

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/gameservertest"
	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"
)

// waitReplay waits for the end of c's match and returns its replay's id.
func waitReplay(t *testing.T, c *Conn) string {
	t.Helper()
	ended := func(n Notification) bool {
		return arenav1.NotificationKind(n.Kind) == arenav1.NotificationKind_NOTIFICATION_KIND_MATCH_ENDED
	}
	rc := newRoomClient(c)
	if !pump(15*time.Second, func() bool { return rc.index(0, ended) >= 0 }, rc) {
		t.Fatalf("no MATCH_ENDED within 15 s; errors %v", rc.errs)
	}
	res, ok := rc.notes[rc.index(0, ended)].Message.(*arenav1.MatchResults)
	if !ok || res.ReplayId == "" {
		t.Fatalf("MATCH_ENDED without a replay id: %v", res)
	}
	return res.ReplayId
}

// listedReplay asks the server for its replays until id is among them;
// the server saves a replay off the room's goroutine, so a moment after
// announcing it.
func listedReplay(t *testing.T, ctx context.Context, c *Conn, id string) (*arenav1.ReplayInfo, string) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for range 100 {
		data, err := c.Request(ctx, arenav1.Method_METHOD_LIST_REPLAYS, nil)
		if err != nil {
			t.Fatal(err)
		}
		var list arenav1.ReplayList
		if err := proto.Unmarshal(data, &list); err != nil {
			t.Fatalf("LIST_REPLAYS answer: %v", err)
		}
		for _, info := range list.Replays {
			if info.Id == id {
				return info, list.DownloadPath
			}
		}
		<-tick.C
	}
	t.Fatalf("replay %s not listed within 5 s", id)
	return nil, ""
}

// downloadOffset is the offset a replay download's request line asks
// for, or -1 if it names none.
func downloadOffset(line string) int64 {
	f := strings.Fields(line)
	if len(f) != 3 {
		return -1
	}
	u, err := url.ParseRequestURI(f[1])
	if err != nil {
		return -1
	}
	n, err := strconv.ParseInt(u.Query().Get("offset"), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// TestReplayDownloadResumesThroughCut downloads a match's replay from the
// real server through a proxy that drops the connection once half the
// replay's size has gone through (counted past the HTTP response's head,
// so the download has some of the data and not all of it): the download
// must come back on a second
// connection, asking for the bytes after those it has, and end with the
// file the server lists (its SHA-256).
func TestReplayDownloadResumesThroughCut(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	srv := gameservertest.Start(t, "-bots", "6", "-warmup", "1s", "-match", "3s")
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, u.Host)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	c, err := Connect(ctx, Options{Server: "ws://" + proxy.addr() + "/session", Name: "viewer"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id := waitReplay(t, c)
	info, downloadPath := listedReplay(t, ctx, c, id)
	half := int64(info.Size / 2)
	// The cut counts the WebSocket stream: the stream's header and frame
	// headers come before the data, so it must fall past them.
	if half <= int64(replay.StreamHeaderSize)+2*14 {
		t.Fatalf("replay %s is %d bytes: too small to cut half way through the data", id, info.Size)
	}

	prefix := "GET /" + strings.Trim(downloadPath, "/") + "/"
	proxy.cutAfter(prefix, half)
	var got bytes.Buffer
	var progress [][2]int64 // (done, total), as Download reported them
	opts := &replay.DownloadOptions{
		Token:    c.Token(),
		Backoff:  20 * time.Millisecond,
		Progress: func(done, total int64) { progress = append(progress, [2]int64{done, total}) },
	}
	size, err := replay.Download(ctx, c.ReplayURL(downloadPath, id), opts, 0, &got)
	if err != nil {
		t.Fatalf("download of replay %s (%d bytes) through the cut: %v", id, info.Size, err)
	}

	lines, _, cuts := proxy.stats()
	var offsets []int64
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			offsets = append(offsets, downloadOffset(l))
		}
	}
	t.Logf("replay %s, %d bytes, cut after %d relayed; download requests at offsets %v; progress %v", id, info.Size, half, offsets, progress)
	if cuts != 1 {
		t.Errorf("the proxy cut %d downloads, want 1", cuts)
	}
	if len(offsets) != 2 || offsets[0] != 0 || offsets[1] <= 0 || offsets[1] >= half {
		t.Errorf("download requests at offsets %v: want two, at 0 and then past 0 and before the cut at %d", offsets, half)
	}
	if size != int64(info.Size) || int64(got.Len()) != size {
		t.Errorf("Download returned size %d and wrote %d bytes; the server lists %d", size, got.Len(), info.Size)
	}
	if len(progress) == 0 || progress[0] != [2]int64{0, int64(info.Size)} || progress[len(progress)-1] != [2]int64{size, size} {
		t.Errorf("progress (done, total) %v: want (0, %d) first and (%[2]d, %[2]d) last", progress, info.Size)
	}
	if sum := sha256.Sum256(got.Bytes()); !bytes.Equal(sum[:], info.Sha256) {
		t.Errorf("downloaded replay's SHA-256 %x, the server lists %x", sum, info.Sha256)
	}
}
