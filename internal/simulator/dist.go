package simulator

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Dist kinds.
const (
	DistFixed       = "fixed"
	DistUniform     = "uniform"
	DistNormal      = "normal"
	DistLognormal   = "lognormal"
	DistExponential = "exponential"
)

// maxDraw caps a draw so heavy tails cannot overflow a time.Duration.
const maxDraw = time.Duration(math.MaxInt64 / 2)

// Dist is a distribution of durations. The zero value (empty Kind) always
// draws 0.
//
// Kinds and the fields they use: "fixed" (Mean), "uniform" (Min, Max),
// "normal" (Mean, StdDev; negative draws become 0), "lognormal" (Mean and
// StdDev of the durations themselves, not of their logarithm) and
// "exponential" (Mean).
type Dist struct {
	Kind                   string
	Mean, StdDev, Min, Max time.Duration
}

// Fixed returns a distribution that always draws d.
func Fixed(d time.Duration) Dist { return Dist{Kind: DistFixed, Mean: d} }

// ParseDist parses a distribution written as "fixed:200ms" (or just
// "200ms"), "uniform:100ms-300ms", "normal:200ms,50ms",
// "lognormal:200ms,80ms" or "exp:200ms" ("exponential:200ms"). An empty
// string or "none" is the zero Dist.
func ParseDist(s string) (Dist, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "none") {
		return Dist{}, nil
	}
	kind, args, ok := strings.Cut(s, ":")
	if !ok {
		kind, args = DistFixed, s
	}
	var d Dist
	var err error
	switch strings.ToLower(strings.TrimSpace(kind)) {
	case DistFixed:
		d.Kind = DistFixed
		d.Mean, err = parseDur(args)
	case DistUniform:
		d.Kind = DistUniform
		lo, hi, found := strings.Cut(args, "-")
		if !found {
			return Dist{}, fmt.Errorf("parse distribution %q: uniform wants MIN-MAX, e.g. uniform:100ms-300ms", s)
		}
		if d.Min, err = parseDur(lo); err == nil {
			d.Max, err = parseDur(hi)
		}
	case DistNormal, DistLognormal:
		d.Kind = strings.ToLower(strings.TrimSpace(kind))
		mean, sd, found := strings.Cut(args, ",")
		if !found {
			return Dist{}, fmt.Errorf("parse distribution %q: %s wants MEAN,STDDEV, e.g. %s:200ms,50ms", s, d.Kind, d.Kind)
		}
		if d.Mean, err = parseDur(mean); err == nil {
			d.StdDev, err = parseDur(sd)
		}
	case "exp", DistExponential:
		d.Kind = DistExponential
		d.Mean, err = parseDur(args)
	default:
		return Dist{}, fmt.Errorf("parse distribution %q: unknown kind %q (want fixed, uniform, normal, lognormal or exp)", s, kind)
	}
	if err != nil {
		return Dist{}, fmt.Errorf("parse distribution %q: %w", s, err)
	}
	if err := d.validate(); err != nil {
		return Dist{}, fmt.Errorf("parse distribution %q: %w", s, err)
	}
	return d, nil
}

func parseDur(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %v", d)
	}
	return d, nil
}

// String formats d so that ParseDist reads it back unchanged.
func (d Dist) String() string {
	switch d.Kind {
	case "":
		return "none"
	case DistUniform:
		return d.Kind + ":" + d.Min.String() + "-" + d.Max.String()
	case DistNormal, DistLognormal:
		return d.Kind + ":" + d.Mean.String() + "," + d.StdDev.String()
	case DistExponential:
		return "exp:" + d.Mean.String()
	default:
		return d.Kind + ":" + d.Mean.String()
	}
}

// validate checks the fields the kind uses.
func (d Dist) validate() error {
	if d.Mean < 0 || d.StdDev < 0 || d.Min < 0 || d.Max < 0 {
		return fmt.Errorf("%s: durations must not be negative", d)
	}
	switch d.Kind {
	case "", DistFixed, DistNormal, DistExponential:
	case DistUniform:
		if d.Min > d.Max {
			return fmt.Errorf("%s: min %v is above max %v", d, d.Min, d.Max)
		}
	case DistLognormal:
		if d.Mean == 0 && d.StdDev > 0 {
			return fmt.Errorf("%s: lognormal needs a positive mean", d)
		}
	default:
		return fmt.Errorf("unknown distribution kind %q", d.Kind)
	}
	return nil
}

// isZero reports whether every draw is 0.
func (d Dist) isZero() bool {
	switch d.Kind {
	case "":
		return true
	case DistUniform:
		return d.Max == 0
	default:
		return d.Mean == 0
	}
}

// sample draws one duration using r.
func (d Dist) sample(r *rng) time.Duration {
	var v float64
	switch d.Kind {
	case "":
		return 0
	case DistFixed:
		return d.Mean
	case DistUniform:
		v = float64(d.Min) + r.float64()*float64(d.Max-d.Min)
	case DistNormal:
		v = float64(d.Mean) + float64(d.StdDev)*r.norm()
	case DistLognormal:
		if d.Mean == 0 {
			return 0
		}
		m, sd := float64(d.Mean), float64(d.StdDev)
		sigma2 := math.Log1p(sd * sd / (m * m))
		v = math.Exp(math.Log(m) - sigma2/2 + math.Sqrt(sigma2)*r.norm())
	case DistExponential:
		v = -float64(d.Mean) * math.Log1p(-r.float64())
	}
	switch {
	case !(v > 0): // also NaN
		return 0
	case v >= float64(maxDraw):
		return maxDraw
	}
	return time.Duration(v)
}
