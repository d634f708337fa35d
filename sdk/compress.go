package sdk

import (
	"bytes"
	"compress/flate"
	"io"
	"sync"

	"github.com/gamesock/gamesock/sdk/internal/bufpool"
)

// minCompressSize is the smallest message Send compresses when
// permessage-deflate is on; below it the deflate framing costs more than it
// saves.
const minCompressSize = 128

// deflateTail ends every compressed message on the wire; RFC 7692 section
// 7.2.1 has the sender strip it and section 7.2.2 the receiver add it back.
// inflateTail is that tail followed by an empty final block, so that the
// decompressor reports a clean end of stream.
var (
	deflateTail = []byte{0x00, 0x00, 0xff, 0xff}
	inflateTail = []byte{0x00, 0x00, 0xff, 0xff, 0x01, 0x00, 0x00, 0xff, 0xff}
)

// Compressors and decompressors are large (hundreds of KiB), so they are
// pooled rather than kept per socket: with no context takeover, a message
// needs no state from the previous one.
var (
	flateWriters sync.Pool // *flate.Writer
	flateReaders sync.Pool // io.ReadCloser that is a flate.Resetter
)

// sliceWriter appends to a pooled buffer.
type sliceWriter struct{ b *[]byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	n := len(*w.b)
	w.b = bufpool.Grow(w.b, n, n+len(p))
	copy((*w.b)[n:], p)
	return len(p), nil
}

// deflate compresses a whole message into a pooled buffer.
func deflate(p []byte) (*[]byte, error) {
	out := &sliceWriter{b: bufpool.Get(0)}
	fw, _ := flateWriters.Get().(*flate.Writer)
	if fw == nil {
		var err error
		if fw, err = flate.NewWriter(out, flate.BestSpeed); err != nil {
			return nil, err
		}
	} else {
		fw.Reset(out)
	}
	defer flateWriters.Put(fw)
	if _, err := fw.Write(p); err != nil {
		bufpool.Put(out.b)
		return nil, err
	}
	if err := fw.Flush(); err != nil {
		bufpool.Put(out.b)
		return nil, err
	}
	*out.b = bytes.TrimSuffix(*out.b, deflateTail)
	return out.b, nil
}

// inflate decompresses a permessage-deflate message into a pooled buffer,
// refusing output larger than MaxMessageSize.
func (c *conn) inflate(p []byte) (*[]byte, *Error) {
	src := io.MultiReader(bytes.NewReader(p), bytes.NewReader(inflateTail))
	fr, _ := flateReaders.Get().(io.ReadCloser)
	if fr == nil {
		fr = flate.NewReader(src)
	} else {
		_ = fr.(flate.Resetter).Reset(src, nil)
	}
	defer flateReaders.Put(fr)
	limit := c.ctl.MaxMessageSize
	out := bufpool.Get(min(max(len(p)*4, 512), limit+1))
	n := 0
	for {
		if n == len(*out) {
			if n > limit {
				bufpool.Put(out)
				return nil, c.violation(CloseMessageTooBig, "message exceeds %d bytes", limit)
			}
			out = bufpool.Grow(out, n, min(2*n, limit+1))
		}
		m, err := fr.Read((*out)[n:])
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			bufpool.Put(out)
			return nil, c.violation(CloseProtocolError, "bad compressed message: %v", err)
		}
	}
	if n > limit {
		bufpool.Put(out)
		return nil, c.violation(CloseMessageTooBig, "message exceeds %d bytes", limit)
	}
	*out = (*out)[:n]
	return out, nil
}
