package arena

// Angles are uint16 fractions of a turn, so they wrap for free. The sine
// table is built with integer arithmetic only (a Taylor series in 2^-30
// fixed point), so it is the same on every platform and compiler: no
// floating point, no math package, and thus no fused multiply-add or libm
// differences can change a bit of the simulation.

// trigOne is 1.0 in the fixed point of sin14 and cos14.
const trigOne = 1 << 14

// quarterSteps is the sine table's resolution in a quarter turn: an angle
// is looked up to 1/4096 of a turn (16 angle units).
const quarterSteps = 1024

// sinQuarter[i] is sin(i/quarterSteps * pi/2) * trigOne, rounded. It is a
// constant table, computed once.
var sinQuarter = buildSinQuarter()

func buildSinQuarter() [quarterSteps + 1]int32 {
	const halfPi = 1686629713 // pi/2 * 2^30, rounded
	var t [quarterSteps + 1]int32
	for i := range t {
		x := halfPi * int64(i) / quarterSteps
		var v int64
		if 2*i <= quarterSteps {
			v = taylorSin(x)
		} else {
			v = taylorCos(halfPi - x)
		}
		t[i] = int32((v + 1<<15) >> 16)
	}
	return t
}

// taylorSin is sin(x) for 0 <= x <= pi/4, x and result in 2^-30 fixed
// point; the terms shrink fast enough that int64 never overflows.
func taylorSin(x int64) int64 {
	x2 := x * x >> 30
	sum, term := x, x
	for k := int64(1); term != 0; k++ {
		term = -(term * x2 >> 30) / ((2 * k) * (2*k + 1))
		sum += term
	}
	return sum
}

// taylorCos is cos(x) for 0 <= x <= pi/4, like taylorSin.
func taylorCos(x int64) int64 {
	x2 := x * x >> 30
	sum, term := int64(1)<<30, int64(1)<<30
	for k := int64(1); term != 0; k++ {
		term = -(term * x2 >> 30) / ((2*k - 1) * (2 * k))
		sum += term
	}
	return sum
}

// sin14 is sin(a) * trigOne.
func sin14(a uint16) int32 {
	i := int(a >> 4)
	j := i & (quarterSteps - 1)
	switch i / quarterSteps {
	case 0:
		return sinQuarter[j]
	case 1:
		return sinQuarter[quarterSteps-j]
	case 2:
		return -sinQuarter[j]
	default:
		return -sinQuarter[quarterSteps-j]
	}
}

// cos14 is cos(a) * trigOne.
func cos14(a uint16) int32 { return sin14(a + 1<<14) }

// Direction is the vector of the given length pointing at angle. Angle 0
// is +X and angles grow counterclockwise as seen on the screen; since +Y
// points down the screen, angle 1<<14 (a quarter turn) points up, to -Y.
// A renderer that rotates clockwise for positive radians (+Y down) turns a
// sprite by -angle * 2*pi / 65536.
func Direction(angle uint16, length int32) Vec {
	return Vec{X: mulTrig(cos14(angle), length), Y: -mulTrig(sin14(angle), length)}
}

// mulTrig is t*v/trigOne rounded half away from zero, so that mirrored
// angles give exactly mirrored vectors.
func mulTrig(t, v int32) int32 {
	p := int64(t) * int64(v)
	if p < 0 {
		return -int32((-p + trigOne/2) >> 14)
	}
	return int32((p + trigOne/2) >> 14)
}

// AngleOf is the angle of the vector v as Direction measures it (the
// inverse of Direction, to 1/4096 of a turn); 0 for the zero vector.
func AngleOf(v Vec) uint16 {
	dx, dy := int64(v.X), -int64(v.Y) // up the screen is +Y for the math
	if dx == 0 && dy == 0 {
		return 0
	}
	ax, ay := abs64(dx), abs64(dy)
	var a int64
	if ay <= ax {
		a = atanRatio(ay, ax)
	} else {
		a = 1<<14 - atanRatio(ax, ay)
	}
	if dx < 0 {
		a = 1<<15 - a
	}
	if dy < 0 {
		a = 1<<16 - a
	}
	return uint16(a)
}

// atanRatio is atan(n/d) in angle units for 0 <= n <= d, d > 0: the
// largest table angle whose tangent is at most n/d, found by bisection.
func atanRatio(n, d int64) int64 {
	lo, hi := 0, quarterSteps/2 // tan is 1 at the eighth turn
	for lo < hi {
		mid := (lo + hi + 1) / 2
		// tan(mid) <= n/d  <=>  sin(mid)*d <= cos(mid)*n (both positive)
		if int64(sinQuarter[mid])*d <= int64(sinQuarter[quarterSteps-mid])*n {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return int64(lo) << 4
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// isqrt is floor(sqrt(v)), bit by bit, for distances.
func isqrt(v uint64) uint64 {
	var r uint64
	bit := uint64(1) << 62
	for bit > v {
		bit >>= 2
	}
	for bit != 0 {
		if v >= r+bit {
			v -= r + bit
			r = r>>1 + bit
		} else {
			r >>= 1
		}
		bit >>= 2
	}
	return r
}
