package replays

import (
	"context"
	"io"
	"testing"

	"github.com/gamesock/gamesock/internal/replay"
)

// BenchmarkDownload downloads a 64 MiB file over loopback with
// replay.Download from the Downloads endpoint.
func BenchmarkDownload(b *testing.B) {
	const size = 64 << 20
	ts := newTestServer(b)
	insertRaw(b, ts.store, "big", randomBytes(size))
	url := ts.url("big")
	opts := &replay.DownloadOptions{Token: testToken}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		n, err := replay.Download(context.Background(), url, opts, 0, io.Discard)
		if err != nil || n != size {
			b.Fatalf("Download = %d, %v", n, err)
		}
	}
}
