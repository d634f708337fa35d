package bufpool

import (
	"bytes"
	"testing"
)

// TestGetSizes checks the length and capacity Get returns for each size
// class: n rounded up to a power of two, at least 256, and exactly n above
// the largest class.
func TestGetSizes(t *testing.T) {
	for _, tc := range []struct {
		n, cap int
	}{
		{0, 256},
		{1, 256},
		{256, 256},
		{257, 512},
		{4096, 4096},
		{4097, 8192},
		{64 << 10, 64 << 10},
		{1<<22 - 1, 1 << 22},
		{1 << 22, 1 << 22},
		{1<<22 + 1, 1<<22 + 1},
	} {
		for round := range 2 { // the second Get may come from the pool
			b := Get(tc.n)
			if len(*b) != tc.n || cap(*b) != tc.cap {
				t.Fatalf("Get(%d) round %d: len %d cap %d, want len %d cap %d", tc.n, round, len(*b), cap(*b), tc.n, tc.cap)
			}
			Put(b)
		}
	}
}

// TestClass checks the size class boundaries.
func TestClass(t *testing.T) {
	for _, tc := range []struct{ n, class int }{
		{0, 0}, {256, 0}, {257, 1}, {512, 1}, {513, 2}, {1 << 22, maxShift - minShift}, {1<<22 + 1, maxShift - minShift + 1},
	} {
		if got := class(tc.n); got != tc.class {
			t.Errorf("class(%d) = %d, want %d", tc.n, got, tc.class)
		}
	}
}

// TestPutIgnoresForeignSlices checks that slices Get did not make (nil, too
// small, or of a capacity that is no power of two) are not pooled, so that a
// later Get never returns a slice of the wrong class.
func TestPutIgnoresForeignSlices(t *testing.T) {
	Put(nil)
	for _, c := range []int{0, 100, 255, 300, 1000} {
		b := make([]byte, 0, c)
		Put(&b)
	}
	for range 100 {
		b := Get(256)
		if cap(*b) != 256 {
			t.Fatalf("Get(256) returned a slice of capacity %d", cap(*b))
		}
		defer Put(b)
	}
}

// TestGrow checks that Grow keeps the first keep bytes, reuses a slice that
// is large enough, and otherwise moves to a larger class.
func TestGrow(t *testing.T) {
	for _, tc := range []struct {
		name       string
		from       int // length of the initial slice; -1 for nil
		keep, n    int
		sameBuffer bool
		wantCap    int
	}{
		{"from nil", -1, 0, 100, false, 256},
		{"within capacity", 10, 10, 200, true, 256},
		{"shrink", 200, 50, 50, true, 256},
		{"to the next class", 256, 256, 257, false, 512},
		{"keep part", 300, 100, 5000, false, 8192},
		{"past the largest class", 4096, 4096, 1<<22 + 10, false, 1<<22 + 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b *[]byte
			if tc.from >= 0 {
				b = Get(tc.from)
				for i := range *b {
					(*b)[i] = byte(i*7 + 1)
				}
			}
			old := b
			g := Grow(b, tc.keep, tc.n)
			defer Put(g)
			if len(*g) != tc.n || cap(*g) != tc.wantCap {
				t.Fatalf("len %d cap %d, want len %d cap %d", len(*g), cap(*g), tc.n, tc.wantCap)
			}
			if (g == old) != tc.sameBuffer {
				t.Fatalf("reused the buffer: %v, want %v", g == old, tc.sameBuffer)
			}
			want := make([]byte, tc.keep)
			for i := range want {
				want[i] = byte(i*7 + 1)
			}
			if !bytes.Equal((*g)[:tc.keep], want) {
				t.Fatal("the kept bytes changed")
			}
		})
	}
}

// BenchmarkGetPut shows that a Get and Put pair allocates nothing once the
// pool is warm.
func BenchmarkGetPut(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Put(Get(1500))
	}
}
