package art

import "math"

// The generator must give the same bytes on every machine, so it avoids
// math.Exp, math.Log, math.Pow and math.Hypot, whose amd64 assembly takes a
// different path on CPUs with FMA. What it uses instead (+ - * /, Sqrt,
// Floor, Ldexp, and the pure-Go Sin, Cos and Atan2) is exact or pure Go on
// amd64. Compilers for some other architectures may fuse a*b+c, which can
// move a value across a rounding boundary: the regeneration test allows
// for that there.

// exp is e**x, from a Taylor series after range reduction.
func exp(x float64) float64 {
	if x < -700 {
		return 0
	}
	const ln2 = 0.6931471805599453
	k := math.Floor(x/ln2 + 0.5)
	r := x - k*ln2
	sum, term := 1.0, 1.0
	for i := 1; i <= 14; i++ {
		term *= r / float64(i)
		sum += term
	}
	return math.Ldexp(sum, int(k))
}

// rng is splitmix64: small, fast, and the same everywhere.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// float is uniform in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// between is uniform in [lo, hi).
func (r *rng) between(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }

// hash2 mixes a lattice point and a seed into a value in [0, 1).
func hash2(ix, iy int, seed uint64) float64 {
	r := rng{seed ^ uint64(int64(ix))*0x632be59bd9b4e019 ^ uint64(int64(iy))*0x8cb92ba72f3d8dd7}
	return r.float()
}

// noise is smooth value noise in [0, 1), with lattice spacing 1.
func noise(x, y float64, seed uint64) float64 {
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int(fx), int(fy)
	tx, ty := x-fx, y-fy
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	a := hash2(ix, iy, seed) + (hash2(ix+1, iy, seed)-hash2(ix, iy, seed))*tx
	b := hash2(ix, iy+1, seed) + (hash2(ix+1, iy+1, seed)-hash2(ix, iy+1, seed))*tx
	return a + (b-a)*ty
}

// fbm is three octaves of noise, in [0, 1).
func fbm(x, y float64, seed uint64) float64 {
	return (noise(x, y, seed)*4 + noise(2*x, 2*y, seed+1)*2 + noise(4*x, 4*y, seed+2)) / 7
}
