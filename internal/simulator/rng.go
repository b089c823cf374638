package simulator

import "math"

// rng is a small splitmix64 generator: one per request, seeded from the
// server's seed and the request's sequence number, so draws are
// deterministic for a given Seed and order of requests and need no lock.
type rng struct{ state uint64 }

func newRNG(seed int64, seq uint64) rng {
	r := rng{state: uint64(seed) ^ (seq * 0x9e3779b97f4a7c15)}
	r.uint64() // decorrelate neighbouring sequence numbers
	return r
}

func (r *rng) uint64() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float64 returns a uniform draw in [0,1).
func (r *rng) float64() float64 { return float64(r.uint64()>>11) / (1 << 53) }

// norm returns a standard normal draw (Box-Muller).
func (r *rng) norm() float64 {
	u1 := 1 - r.float64() // (0,1]
	u2 := r.float64()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// appendAlnum appends n random letters and digits.
func (r *rng) appendAlnum(b []byte, n int) []byte {
	for i := 0; i < n; i++ {
		b = append(b, alnum[r.uint64()%uint64(len(alnum))])
	}
	return b
}
