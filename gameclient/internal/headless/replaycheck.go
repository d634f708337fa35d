package headless

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gamesock/gamesock/gameclient/internal/guest"
	"github.com/gamesock/gamesock/internal/arena"
	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
	"github.com/gamesock/gamesock/sdk/session"
	"google.golang.org/protobuf/proto"
)

// maxReplaySize bounds a replay download, whatever the listing says.
const maxReplaySize = 256 << 20

// replayTimeout bounds the whole replay check.
const replayTimeout = 2 * time.Minute

// checkReplay lists the server's replays over a session of its own,
// downloads the newest, and checks its hash and its play.
func checkReplay(ctx context.Context, o *Options, server *url.URL, hc *http.Client) *ReplayCheck {
	ctx, cancel := context.WithTimeout(ctx, replayTimeout)
	defer cancel()
	c := &ReplayCheck{}
	if err := c.run(ctx, o, server, hc); err != nil {
		c.Error = err.Error()
		o.Logger.Warn("replay check failed", "replay", c.ID, "err", err)
	}
	return c
}

func (c *ReplayCheck) run(ctx context.Context, o *Options, server *url.URL, hc *http.Client) error {
	l, err := guest.Do(ctx, hc, guest.LoginURL(server), o.NamePrefix+"-replay")
	if err != nil {
		return err
	}
	list, err := listReplays(ctx, o, l.Token)
	if err != nil {
		return err
	}
	if len(list.Replays) == 0 {
		return errors.New("the server lists no replays (no match ended during the run?)")
	}
	info := list.Replays[0] // newest first
	c.ID, c.Listed = info.Id, int64(info.Size)
	if info.Size > maxReplaySize {
		return fmt.Errorf("replay %s: listed size %d over the %d bytes allowed", info.Id, info.Size, maxReplaySize)
	}
	data, err := c.download(ctx, o, guest.ReplayURL(server, list.DownloadPath, info.Id), l.Token, int64(info.Size))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	c.SHA256OK = bytes.Equal(sum[:], info.Sha256)
	if !c.SHA256OK {
		return fmt.Errorf("replay %s: SHA-256 %x, the listing says %x", info.Id, sum, info.Sha256)
	}
	return c.play(data)
}

// listReplays asks the server for its replays.
func listReplays(ctx context.Context, o *Options, token string) (*arenav1.ReplayList, error) {
	s, err := session.Dial(ctx, o.Server, &session.ClientOptions{
		Token:     token,
		Name:      clientName,
		Reconnect: session.Reconnect{Disabled: true},
		Control:   o.Control,
		Logger:    o.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("open a session to list the replays: %w", err)
	}
	defer s.Close()
	resp, err := s.Request(ctx, uint32(arenav1.Method_METHOD_LIST_REPLAYS), nil)
	if err != nil {
		return nil, fmt.Errorf("list replays: %w", err)
	}
	list := new(arenav1.ReplayList)
	if err := proto.Unmarshal(resp, list); err != nil {
		return nil, fmt.Errorf("list replays: the answer is not a ReplayList: %w", err)
	}
	return list, nil
}

// download fetches a replay of the listed size over a StreamWebSocket.
func (c *ReplayCheck) download(ctx context.Context, o *Options, u, token string, size int64) ([]byte, error) {
	w := &boundedBuffer{max: size}
	w.buf.Grow(int(size))
	start := time.Now()
	n, err := replay.Download(ctx, u, &replay.DownloadOptions{Token: token, Control: o.Control}, 0, w)
	c.Elapsed = time.Since(start)
	c.Size = int64(w.buf.Len())
	c.MBPerSecond = ratio(float64(c.Size)/1e6, c.Elapsed.Seconds())
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", u, err)
	}
	if n != size || c.Size != size {
		return nil, fmt.Errorf("download %s: %d bytes (file size %d), the listing says %d", u, c.Size, n, size)
	}
	return w.buf.Bytes(), nil
}

// play parses the replay and re-simulates it.
func (c *ReplayCheck) play(data []byte) error {
	r, err := replay.Parse(data)
	if err != nil {
		return fmt.Errorf("replay %s: %w", c.ID, err)
	}
	err = r.Play(func(*arena.World, []arena.Event) bool {
		c.Ticks++
		return true
	})
	if err != nil {
		return fmt.Errorf("replay %s: play: %w", c.ID, err)
	}
	c.PlayOK = true
	return nil
}

// boundedBuffer is a bytes.Buffer that refuses to grow past max: the
// server's bytes beyond what it listed are an error, not memory to spend.
type boundedBuffer struct {
	buf bytes.Buffer
	max int64
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if int64(b.buf.Len())+int64(len(p)) > b.max {
		return 0, fmt.Errorf("replay longer than the %d bytes listed", b.max)
	}
	return b.buf.Write(p)
}
