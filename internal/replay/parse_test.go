package replay

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/gamesock/gamesock/internal/arena"
)

// rawFile assembles a file from its parts, with a correct checksum: for
// testing what Parse makes of their contents.
type rawFile struct {
	header  []byte // nil: a valid header with HashEvery 1000
	stream  []byte // the tick stream, uncompressed
	body    []byte // nil: stream compressed
	ticks   uint64
	size    int64  // -1: len(stream)
	trailer []byte // nil: built from the fields above
}

func (f rawFile) bytes(t testing.TB) []byte {
	t.Helper()
	if f.header == nil {
		h, err := appendHeader(nil, &Header{Config: arena.DefaultConfig(), HashEvery: 1000})
		if err != nil {
			t.Fatal(err)
		}
		f.header = h
	}
	if f.body == nil {
		f.body = deflate(t, f.stream)
	}
	if f.trailer == nil {
		if f.size < 0 {
			f.size = int64(len(f.stream))
		}
		f.trailer = binary.AppendUvarint(nil, f.ticks)
		f.trailer = binary.AppendUvarint(f.trailer, uint64(f.size))
		f.trailer = binary.BigEndian.AppendUint32(f.trailer, crc32.ChecksumIEEE(f.stream))
		f.trailer = binary.AppendVarint(f.trailer, 0)
		f.trailer = binary.BigEndian.AppendUint64(f.trailer, 0) // final hash
	}
	out := append([]byte(Magic), 0, Version)
	out = appendSection(out, f.header)
	out = appendSection(out, f.body)
	return appendSection(out, f.trailer)
}

func deflate(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestSpeed)
	if _, err := fw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func uv(v uint64) []byte { return binary.AppendUvarint(nil, v) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestParseRejects(t *testing.T) {
	valid := recordMatch(t, matchSpec{ships: 3, ticks: 90}).file
	header := func(h Header) []byte {
		b, err := appendHeader(nil, &h)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	okHeader := header(Header{Config: arena.DefaultConfig(), HashEvery: 1000})
	// okHeader ends with its roster count, 0.
	headerWithRoster := func(count []byte) []byte { return cat(okHeader[:len(okHeader)-1], count) }
	parts, err := split(valid)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(valid)
	flipped[bytes.Index(valid, parts.body)+len(parts.body)/2] ^= 0x40
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "no \"GSREPLAY\" magic"},
		{"garbage", []byte("this is not a replay, not at all"), "no \"GSREPLAY\" magic"},
		{"newer version", cat([]byte(Magic), []byte{0, 2}, valid[10:]), "format version 2"},
		{"trailing byte", cat(valid, []byte{0}), "unexpected bytes at the end"},
		{"oversized file", make([]byte, MaxFileSize+1), "more than the"},
		{"flipped tick byte", flipped, "ticks"},
		{"section past the end", cat([]byte(Magic), []byte{0, 1}, uv(1<<40)), "more than the"},
		{"roster count over the limit", rawFile{header: headerWithRoster(uv(1 << 40)), size: -1}.bytes(t), "roster count"},
		{"roster count over the data", rawFile{header: headerWithRoster(uv(MaxRoster)), size: -1}.bytes(t), "roster of 4096 ships in 0 bytes"},
		{"zero hash interval", rawFile{header: header(Header{Config: arena.DefaultConfig()}), size: -1}.bytes(t), "hash interval is 0"},
		{"invalid config", rawFile{header: header(Header{HashEvery: 1}), size: -1}.bytes(t), "invalid arena config"},
		{"tick count over the limit", rawFile{trailer: cat(uv(MaxTicks+1), uv(0), make([]byte, 13))}.bytes(t), "tick count"},
		{"stream size over the limit", rawFile{trailer: cat(uv(0), uv(MaxStreamSize+1), make([]byte, 13))}.bytes(t), "tick stream size"},
		{"hashes missing", rawFile{trailer: cat(uv(0), uv(0), make([]byte, 5))}.bytes(t), "bytes of hashes"},
		{"stream shorter than said", rawFile{stream: []byte{flagRepeat, 1}, ticks: 1, size: 3}.bytes(t), "2 bytes decompressed, the trailer says 3"},
		{"decompression bomb", rawFile{stream: make([]byte, 8<<20), size: 10}.bytes(t), "11 bytes decompressed"},
		{"bad deflate", rawFile{body: []byte{0xff, 0xff, 0xff}, size: 0}.bytes(t), "decompressing"},
		{"bad checksum", rawFile{stream: []byte{flagRepeat, 1}, ticks: 1, size: -1, body: deflate(t, []byte{flagRepeat, 2})}.bytes(t), "checksum"},
		{"unknown flag", rawFile{stream: []byte{0x10}, ticks: 1, size: -1}.bytes(t), "unknown flags"},
		{"repeat with inputs", rawFile{stream: []byte{flagRepeat | flagFull, 1}, ticks: 1, size: -1}.bytes(t), "repeat with other flags"},
		{"full and delta", rawFile{stream: []byte{flagFull | flagDelta, 0}, ticks: 1, size: -1}.bytes(t), "both full and delta"},
		{"repeat of zero", rawFile{stream: []byte{flagRepeat, 0}, ticks: 1, size: -1}.bytes(t), "repeat of 0"},
		{"repeat over the trailer", rawFile{stream: []byte{flagRepeat, 5}, ticks: 3, size: -1}.bytes(t), "more ticks than the 3"},
		{"fewer ticks than the trailer", rawFile{stream: []byte{flagRepeat, 2}, ticks: 3, size: -1}.bytes(t), "2 recorded, the trailer says 3"},
		{"too many inputs", rawFile{stream: cat([]byte{flagFull}, uv(MaxInputsPerTick+1)), ticks: 1, size: -1}.bytes(t), "input count"},
		{"inputs truncated", rawFile{stream: []byte{flagFull, 5, 1, 2}, ticks: 1, size: -1}.bytes(t), "10 bytes announced, 2 left"},
		{"delta without inputs", rawFile{stream: []byte{flagDelta, 1, 0, 1}, ticks: 1, size: -1}.bytes(t), "changed input count"},
		{"delta index out of range", rawFile{stream: []byte{flagFull, 1, 1, 0, flagDelta, 1, 1, 4}, ticks: 2, size: -1}.bytes(t), "input index"},
		{"unknown change", rawFile{stream: []byte{flagChanges, 1, 7, 1}, ticks: 1, size: -1}.bytes(t), "unknown change kind 7"},
		{"join name too long", rawFile{stream: cat([]byte{flagChanges, 1, changeJoin, 1}, uv(MaxNameLen+1)), ticks: 1, size: -1}.bytes(t), "join name length"},
		{"too many changes", rawFile{stream: cat([]byte{flagChanges}, uv(MaxChangesPerTick+1)), ticks: 1, size: -1}.bytes(t), "change count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.data)
			if err == nil {
				t.Fatalf("Parse succeeded with %d ticks", r.TickCount)
			}
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %q, want ErrFormat saying %q", err, tt.want)
			}
		})
	}
}

func TestParseAcceptsCraftedStreams(t *testing.T) {
	// A sanity check of rawFile itself, so that the rejections above are
	// about their one defect.
	stream := []byte{flagChanges | flagFull, 1, changeJoin, 1, 1, 'a', 1, 1, 3, flagRepeat, 3, flagDelta, 1, 0, 4}
	r, err := Parse(rawFile{stream: stream, ticks: 5, size: -1}.bytes(t))
	if err != nil {
		t.Fatal(err)
	}
	var buttons []arena.Buttons
	for tk := range r.Ticks() {
		buttons = append(buttons, tk.Inputs[0].Buttons)
	}
	if want := []arena.Buttons{3, 3, 3, 3, 4}; !bytes.Equal(asBytes(buttons), asBytes(want)) {
		t.Errorf("buttons per tick = %v, want %v", buttons, want)
	}
}

func asBytes(b []arena.Buttons) []byte {
	out := make([]byte, len(b))
	for i, v := range b {
		out[i] = byte(v)
	}
	return out
}

func TestParseRejectsEveryTruncation(t *testing.T) {
	valid := recordMatch(t, matchSpec{ships: 2, ticks: 40}).file
	for n := range len(valid) {
		if _, err := Parse(valid[:n]); err == nil {
			t.Fatalf("Parse accepted the first %d of %d bytes", n, len(valid))
		}
		if _, err := ParseSummary(valid[:n]); err == nil {
			t.Fatalf("ParseSummary accepted the first %d of %d bytes", n, len(valid))
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(recordMatch(f, matchSpec{ships: 2, ticks: 40, churn: true}).file)
	f.Add(rawFile{stream: []byte{flagChanges | flagFull, 1, changeJoin, 1, 1, 'a', 1, 1, 3, flagRepeat, 3, flagDelta, 1, 0, 4}, ticks: 5, size: -1}.bytes(f))
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %q does not wrap ErrFormat", err)
			}
			return
		}
		n := uint64(0)
		for tk := range r.Ticks() {
			n++
			if tk.Number != n || len(tk.Inputs) > MaxInputsPerTick || len(tk.Changes) > MaxChangesPerTick {
				t.Fatalf("tick %d (#%d): %d inputs, %d changes", tk.Number, n, len(tk.Inputs), len(tk.Changes))
			}
		}
		if n != r.TickCount {
			t.Fatalf("Ticks gave %d ticks, TickCount is %d", n, r.TickCount)
		}
		if _, err := ParseSummary(data); err != nil {
			t.Fatalf("Parse accepted what ParseSummary refuses: %v", err)
		}
	})
}
