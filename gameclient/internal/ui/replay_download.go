package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gamesock/gamesock/internal/replay"
	arenav1 "github.com/gamesock/gamesock/proto/arena/v1"
)

// Replay cache file names: a download in progress is kept as the partial
// file, which a later download resumes from; only a file whose SHA-256
// matched the listing is renamed to the final name.
const (
	replayExt     = ".replay"
	replayPartExt = ".replay.part"
)

// rateEvery is how often the download rate shown is recomputed.
const rateEvery = 500 * time.Millisecond

// replayCacheDir is where downloaded replays are kept: the user's cache
// directory. Empty (no cache directory) keeps them in memory.
func replayCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "gamesock", "replays")
}

// fetchProgress is a download's bytes so far (the resumed offset
// included) and the file's size.
type fetchProgress struct{ done, total int64 }

// fetchResult is how a download ended: a parsed replay, or why not.
type fetchResult struct {
	replay *replay.Replay
	cached bool // read from the cache, nothing downloaded
	err    error
}

// replayFetch downloads one replay on a goroutine of its own, which
// reports on progress (latest wins: it never waits for Update) and once on
// result. Update starts it, drains both channels and, to stop it, calls
// stop, which waits for the goroutine.
//
// In memory mode (no cache dir) the bytes so far live in mem, which the
// goroutine owns while it runs and hands back when it ends, so a retry
// resumes from them too.
type replayFetch struct {
	info  *arenav1.ReplayInfo
	url   string
	token string
	dir   string // the cache; "" keeps the file in memory
	opts  replay.DownloadOptions

	progress chan fetchProgress
	result   chan fetchResult
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	mu  sync.Mutex // guards mem between runs (the goroutine hands it back)
	mem []byte
}

func newReplayFetch(info *arenav1.ReplayInfo, url, token, dir string, opts replay.DownloadOptions) *replayFetch {
	return &replayFetch{info: info, url: url, token: token, dir: dir, opts: opts,
		progress: make(chan fetchProgress, 1), result: make(chan fetchResult, 1)}
}

// start runs the download (again: from what the last run left).
func (f *replayFetch) start() {
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		rep, cached, err := f.run(ctx)
		f.result <- fetchResult{replay: rep, cached: cached, err: err}
	}()
}

// stop cancels the download and waits for its goroutine. The partial
// file (or bytes) stay, for the next start.
func (f *replayFetch) stop() {
	if f.cancel != nil {
		f.cancel()
	}
	f.wg.Wait()
}

// report passes p on without waiting: an older report not yet read is
// replaced.
func (f *replayFetch) report(p fetchProgress) {
	for range 2 {
		select {
		case f.progress <- p:
			return
		default:
		}
		select {
		case <-f.progress:
		default:
		}
	}
}

// run fetches the replay, from the cache when it is there, checks it and
// parses it.
func (f *replayFetch) run(ctx context.Context) (*replay.Replay, bool, error) {
	want := f.info.Sha256
	size := int64(f.info.Size)
	switch {
	case len(want) != sha256.Size:
		return nil, false, fmt.Errorf("replay %s: the list gives no SHA-256 to check it against", f.info.Id)
	case size <= 0 || size > replay.MaxFileSize:
		return nil, false, fmt.Errorf("replay %s: the list says %d bytes, want 1 to %d", f.info.Id, size, replay.MaxFileSize)
	}
	var (
		data   []byte
		cached bool
		err    error
	)
	if f.dir != "" && validCacheName(f.info.Id) {
		data, cached, err = f.toFile(ctx, size)
	} else {
		data, err = f.toMemory(ctx, size)
	}
	if err != nil {
		return nil, false, err
	}
	r, err := replay.Parse(data)
	if err != nil {
		return nil, false, fmt.Errorf("replay %s: %w", f.info.Id, err)
	}
	return r, cached, nil
}

// download runs replay.Download from offset into w, reporting progress.
func (f *replayFetch) download(ctx context.Context, offset, size int64, w io.Writer) error {
	o := f.opts
	o.Token = f.token
	o.Progress = func(done, total int64) { f.report(fetchProgress{done, total}) }
	f.report(fetchProgress{offset, size})
	_, err := replay.Download(ctx, f.url, &o, offset, &cappedWriter{w: w, left: size - offset})
	return err
}

// toMemory downloads into f.mem, resuming from what it holds.
func (f *replayFetch) toMemory(ctx context.Context, size int64) ([]byte, error) {
	f.mu.Lock()
	buf := bytes.NewBuffer(f.mem)
	f.mu.Unlock()
	if int64(buf.Len()) == size && f.check(buf.Bytes()) == nil {
		f.report(fetchProgress{size, size})
		return buf.Bytes(), nil
	}
	if int64(buf.Len()) >= size {
		buf.Reset()
	}
	err := f.download(ctx, int64(buf.Len()), size, buf)
	data := buf.Bytes()
	if err == nil {
		if err = f.check(data); err != nil {
			data = nil
		}
	}
	f.mu.Lock()
	f.mem = data
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return data, nil
}

// toFile downloads into the cache's partial file, resuming from its size,
// and renames it to the final name once it checks out. A final file
// already there is used as it is.
func (f *replayFetch) toFile(ctx context.Context, size int64) ([]byte, bool, error) {
	final := filepath.Join(f.dir, f.info.Id+replayExt)
	part := filepath.Join(f.dir, f.info.Id+replayPartExt)
	if data, err := readBounded(final, size); err == nil && f.check(data) == nil {
		f.report(fetchProgress{size, size})
		return data, true, nil
	}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return nil, false, fmt.Errorf("replay cache: %w", err)
	}
	file, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("replay cache: %w", err)
	}
	offset, err := file.Seek(0, io.SeekEnd)
	if err == nil && offset > size {
		// Not a prefix of this replay: start over.
		offset, err = 0, file.Truncate(0)
		if err == nil {
			_, err = file.Seek(0, io.SeekStart)
		}
	}
	if err != nil {
		file.Close()
		return nil, false, fmt.Errorf("replay cache %s: %w", part, err)
	}
	err = f.download(ctx, offset, size, file)
	if cerr := file.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("replay cache %s: %w", part, cerr)
	}
	if err != nil {
		return nil, false, err
	}
	data, err := readBounded(part, size)
	if err != nil {
		return nil, false, fmt.Errorf("replay cache: %w", err)
	}
	if err := f.check(data); err != nil {
		os.Remove(part) // bad bytes: the next try starts from 0
		return nil, false, err
	}
	if err := os.Rename(part, final); err != nil {
		return nil, false, fmt.Errorf("replay cache: %w", err)
	}
	return data, false, nil
}

// errChecksum says a download's bytes are not the replay listed.
var errChecksum = errors.New("SHA-256 does not match the list")

// check compares data with the listing's size and SHA-256.
func (f *replayFetch) check(data []byte) error {
	if int64(len(data)) != int64(f.info.Size) {
		return fmt.Errorf("replay %s: got %d bytes, the list says %d", f.info.Id, len(data), f.info.Size)
	}
	if sum := sha256.Sum256(data); !bytes.Equal(sum[:], f.info.Sha256) {
		return fmt.Errorf("replay %s: %w (the download starts over)", f.info.Id, errChecksum)
	}
	return nil
}

// readBounded reads the file at path if it holds at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: over the %d bytes expected", path, limit)
	}
	return data, nil
}

// validCacheName reports whether id is safe as a file name: the id comes
// from the server, and must not name a path outside the cache.
func validCacheName(id string) bool {
	if id == "" || len(id) > 128 || id[0] == '.' {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// cappedWriter refuses bytes past the replay's listed size, so a server
// cannot fill the disk or the memory.
type cappedWriter struct {
	w    io.Writer
	left int64
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		return 0, errors.New("the server sent more bytes than the replay list says it has")
	}
	n, err := c.w.Write(p)
	c.left -= int64(n)
	return n, err
}

// rateMeter turns progress reports into a transfer rate, recomputed every
// rateEvery from the bytes that arrived in between.
type rateMeter struct {
	markAt   time.Time
	markDone int64
	rate     float64 // bytes a second
}

// reset starts measuring again at done bytes.
func (m *rateMeter) reset(now time.Time, done int64) {
	m.markAt, m.markDone, m.rate = now, done, 0
}

// add notes that done bytes had arrived at now.
func (m *rateMeter) add(now time.Time, done int64) {
	if d := now.Sub(m.markAt); d >= rateEvery {
		m.rate = float64(done-m.markDone) / d.Seconds()
		m.markAt, m.markDone = now, done
	}
}
