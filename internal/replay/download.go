package replay

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gamesock/gamesock/sdk"
)

// StreamMagic begins the header a download stream starts with.
const StreamMagic = "GSRPDL"

// StreamVersion is the download stream's version.
const StreamVersion = 1

// StreamHeaderSize is the size of a download stream's header.
const StreamHeaderSize = len(StreamMagic) + 2 + 8 + 8

// AppendStreamHeader appends the header a download stream starts with:
// the file's size and the offset the data that follows starts at.
func AppendStreamHeader(dst []byte, size, offset int64) []byte {
	dst = append(dst, StreamMagic...)
	dst = binary.BigEndian.AppendUint16(dst, StreamVersion)
	dst = binary.BigEndian.AppendUint64(dst, uint64(size))
	return binary.BigEndian.AppendUint64(dst, uint64(offset))
}

// parseStreamHeader reads a download stream's header.
func parseStreamHeader(b []byte) (size, offset int64, err error) {
	if len(b) != StreamHeaderSize || string(b[:len(StreamMagic)]) != StreamMagic {
		return 0, 0, fmt.Errorf("not a replay download stream (no %q magic)", StreamMagic)
	}
	b = b[len(StreamMagic):]
	if v := binary.BigEndian.Uint16(b); v != StreamVersion {
		return 0, 0, fmt.Errorf("download stream version %d, this build reads %d", v, StreamVersion)
	}
	s, o := binary.BigEndian.Uint64(b[2:]), binary.BigEndian.Uint64(b[10:])
	if s > 1<<62 || o > s {
		return 0, 0, fmt.Errorf("download stream header says offset %d of %d bytes", o, s)
	}
	return int64(s), int64(o), nil
}

// DownloadOptions configure Download. The zero value, or nil, selects the
// defaults.
type DownloadOptions struct {
	// Token authenticates the download, sent as "Authorization: Bearer".
	Token string
	// Control is the socket's configuration (TLS roots, timeouts, ...),
	// copied for every connection.
	Control sdk.Control
	// Progress, if set, is called with the bytes received so far (counting
	// from 0, the offset included) and the file's size: once when the size
	// is known, then as data arrives. It runs on Download's goroutine.
	Progress func(done, total int64)
	// MaxAttempts bounds the connections tried in a row without receiving
	// any data before Download gives up. Default 5.
	MaxAttempts int
	// Backoff is the wait before the first retry, doubled after each
	// failure up to 16 times it, with jitter. Default 250 ms.
	Backoff time.Duration
}

// DefaultMaxAttempts is DownloadOptions.MaxAttempts's default.
const DefaultMaxAttempts = 5

// DefaultBackoff is DownloadOptions.Backoff's default.
const DefaultBackoff = 250 * time.Millisecond

// Download fetches a replay from the server's download endpoint for it,
// rawURL (ws:// or wss://), from byte offset on, writing the bytes to w.
// A dropped connection is retried, resuming where it stopped; refusals
// (an unknown replay, a bad token, an offset past the end) are not. It
// returns the file's size, or 0 if no server told it.
//
// A refusal is an error for which sdk.GetStatus gives the HTTP status:
// 404, 401, 416 or 400. The sdk does not pass the server's explanation
// through, so the error says what the status means here instead.
func Download(ctx context.Context, rawURL string, opts *DownloadOptions, offset int64, w io.Writer) (int64, error) {
	var o DownloadOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if offset < 0 {
		return 0, fmt.Errorf("download %s: negative offset %d", rawURL, offset)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, fmt.Errorf("download %s: %w", rawURL, err)
	}
	d := &download{opts: &o, url: u, done: offset, total: -1, w: w, buf: make([]byte, 64<<10)}
	err = d.run(ctx, rawURL)
	return max(d.total, 0), err
}

// run makes connections until the file is complete, a refusal, or too many
// failures in a row.
func (d *download) run(ctx context.Context, rawURL string) error {
	failures := 0
	for {
		before := d.done
		err := d.attempt(ctx)
		if err == nil {
			return nil
		}
		if permanent(err) || ctx.Err() != nil {
			return fmt.Errorf("download %s: %w", rawURL, err)
		}
		if d.done > before {
			failures = 0
		}
		failures++
		if failures >= d.opts.MaxAttempts {
			return fmt.Errorf("download %s: giving up after %d attempts without progress: %w", rawURL, failures, err)
		}
		if serr := sleep(ctx, backoff(d.opts.Backoff, failures)); serr != nil {
			return fmt.Errorf("download %s: %w (while waiting to retry after: %v)", rawURL, serr, err)
		}
	}
}

// download is the state of one Download across its connections.
type download struct {
	opts  *DownloadOptions
	url   *url.URL
	done  int64 // bytes of the file written to w, counting the offset
	total int64 // the file's size; -1 until a server said
	w     io.Writer
	buf   []byte
}

// errWriter marks an error from the caller's io.Writer, which no retry
// fixes.
type errWriter struct{ err error }

func (e *errWriter) Error() string { return "writing the replay: " + e.err.Error() }
func (e *errWriter) Unwrap() error { return e.err }

// errStream marks a server that does not speak the download protocol.
type errStream struct{ err error }

func (e *errStream) Error() string { return e.err.Error() }
func (e *errStream) Unwrap() error { return e.err }

// attempt makes one connection and copies what it brings to w.
func (d *download) attempt(ctx context.Context) error {
	s := sdk.NewStreamWebSocket()
	s.Control = d.opts.Control
	if d.opts.Token != "" {
		s.SetRequestHeader("Authorization", "Bearer "+d.opts.Token)
	}
	u := *d.url
	q := u.Query()
	q.Set("offset", strconv.FormatInt(d.done, 10))
	u.RawQuery = q.Encode()
	if err := s.Connect(ctx, u.String()); err != nil {
		return err
	}
	defer s.Close()
	hdr := d.buf[:StreamHeaderSize]
	if _, err := io.ReadFull(readerCtx{ctx, s}, hdr); err != nil {
		return fmt.Errorf("reading the stream header: %w", err)
	}
	size, offset, err := parseStreamHeader(hdr)
	if err != nil {
		return &errStream{err}
	}
	switch {
	case offset != d.done:
		return &errStream{fmt.Errorf("asked for offset %d, the server sent %d", d.done, offset)}
	case d.total >= 0 && size != d.total:
		return &errStream{fmt.Errorf("the replay changed size from %d to %d bytes between connections", d.total, size)}
	}
	if d.total < 0 && d.opts.Progress != nil {
		d.opts.Progress(d.done, size)
	}
	d.total = size
	return d.copy(ctx, s)
}

// copy moves the stream's data to w until the file is complete.
func (d *download) copy(ctx context.Context, s *sdk.StreamWebSocket) error {
	for {
		n, err := s.ReadContext(ctx, d.buf)
		if int64(n) > d.total-d.done {
			return &errStream{fmt.Errorf("the server sent more than the %d bytes it announced", d.total)}
		}
		if n > 0 {
			if _, werr := d.w.Write(d.buf[:n]); werr != nil {
				return &errWriter{werr}
			}
			d.done += int64(n)
			if d.opts.Progress != nil {
				d.opts.Progress(d.done, d.total)
			}
		}
		switch {
		case err == io.EOF && d.done == d.total:
			return nil
		case err == io.EOF:
			return fmt.Errorf("server closed the stream at byte %d of %d", d.done, d.total)
		case err != nil:
			return err
		}
	}
}

// readerCtx reads a StreamWebSocket within ctx.
type readerCtx struct {
	ctx context.Context
	s   *sdk.StreamWebSocket
}

func (r readerCtx) Read(p []byte) (int, error) { return r.s.ReadContext(r.ctx, p) }

// permanent tells whether err is one that trying again cannot fix.
func permanent(err error) bool {
	var (
		ew *errWriter
		es *errStream
	)
	if errors.As(err, &ew) || errors.As(err, &es) || errors.Is(err, sdk.ErrInvalidURL) {
		return true
	}
	switch st := sdk.GetStatus(err); {
	case st == sdk.StatusRequestTimeout || st == http.StatusTooManyRequests:
		return false
	case st >= 300 && st < 500: // refusals, and redirects, which sdk does not follow
		return true
	case st >= sdk.StatusCertificateCommonNameIsIncorrect && st <= sdk.StatusCertificateIsInvalid:
		return true
	}
	return false
}

// backoff is the wait before retry n (from 1): base doubled n-1 times, at
// most 16 times base, less up to a quarter of jitter.
func backoff(base time.Duration, n int) time.Duration {
	d := base << min(n-1, 4)
	return d - rand.N(d/4+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
