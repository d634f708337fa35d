package arena

import (
	"math"
	"testing"
)

func TestSineTable(t *testing.T) {
	for a := 0; a < 1<<16; a += 16 {
		want := math.Sin(float64(a) * 2 * math.Pi / 65536)
		if got := float64(sin14(uint16(a))) / trigOne; math.Abs(got-want) > 0.6/trigOne {
			t.Fatalf("sin14(%d) = %v, want %v", a, got, want)
		}
		wantCos := math.Cos(float64(a) * 2 * math.Pi / 65536)
		if got := float64(cos14(uint16(a))) / trigOne; math.Abs(got-wantCos) > 0.6/trigOne {
			t.Fatalf("cos14(%d) = %v, want %v", a, got, wantCos)
		}
	}
	if sinQuarter[0] != 0 || sinQuarter[quarterSteps] != trigOne {
		t.Errorf("table ends %d, %d, want 0, %d", sinQuarter[0], sinQuarter[quarterSteps], trigOne)
	}
}

func TestDirection(t *testing.T) {
	tests := []struct {
		angle uint16
		want  Vec
	}{
		{0, Vec{100, 0}},
		{1 << 14, Vec{0, -100}}, // a quarter turn counterclockwise is up the screen
		{1 << 15, Vec{-100, 0}},
		{3 << 14, Vec{0, 100}},
		{1 << 13, Vec{71, -71}},
		{3 << 13, Vec{-71, -71}},
	}
	for _, tt := range tests {
		if got := Direction(tt.angle, 100); got != tt.want {
			t.Errorf("Direction(%d, 100) = %+v, want %+v", tt.angle, got, tt.want)
		}
	}
}

func TestAngleOfInvertsDirection(t *testing.T) {
	for a := 0; a < 1<<16; a += 37 {
		got := AngleOf(Direction(uint16(a), 100000))
		if diff := int16(got - uint16(a)); diff < -32 || diff > 32 {
			t.Fatalf("AngleOf(Direction(%d)) = %d, off by %d", a, got, diff)
		}
	}
	if got := AngleOf(Vec{}); got != 0 {
		t.Errorf("AngleOf(zero) = %d, want 0", got)
	}
}

func TestIsqrt(t *testing.T) {
	for _, v := range []uint64{0, 1, 2, 3, 4, 15, 16, 17, 1 << 40, 1<<40 - 1, math.MaxUint64} {
		r := isqrt(v)
		if r*r > v || (r+1)*(r+1) <= v && r+1 != 1<<32 {
			t.Errorf("isqrt(%d) = %d", v, r)
		}
	}
}
