package simulator

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDist(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		in      string
		want    Dist
		wantStr string
		wantErr bool
	}{
		{in: "", want: Dist{}, wantStr: "none"},
		{in: "none", want: Dist{}, wantStr: "none"},
		{in: "fixed:200ms", want: Dist{Kind: DistFixed, Mean: 200 * ms}, wantStr: "fixed:200ms"},
		{in: "200ms", want: Dist{Kind: DistFixed, Mean: 200 * ms}, wantStr: "fixed:200ms"},
		{in: " Fixed : 1.5s ", want: Dist{Kind: DistFixed, Mean: 1500 * ms}, wantStr: "fixed:1.5s"},
		{in: "fixed:0", want: Dist{Kind: DistFixed}, wantStr: "fixed:0s"},
		{in: "uniform:100ms-300ms", want: Dist{Kind: DistUniform, Min: 100 * ms, Max: 300 * ms}, wantStr: "uniform:100ms-300ms"},
		{in: "normal:200ms,50ms", want: Dist{Kind: DistNormal, Mean: 200 * ms, StdDev: 50 * ms}, wantStr: "normal:200ms,50ms"},
		{in: "lognormal:200ms,80ms", want: Dist{Kind: DistLognormal, Mean: 200 * ms, StdDev: 80 * ms}, wantStr: "lognormal:200ms,80ms"},
		{in: "exp:200ms", want: Dist{Kind: DistExponential, Mean: 200 * ms}, wantStr: "exp:200ms"},
		{in: "exponential:1s", want: Dist{Kind: DistExponential, Mean: time.Second}, wantStr: "exp:1s"},
		{in: "uniform:300ms-100ms", wantErr: true},
		{in: "uniform:100ms", wantErr: true},
		{in: "normal:200ms", wantErr: true},
		{in: "normal:200ms,-5ms", wantErr: true},
		{in: "fixed:-1s", wantErr: true},
		{in: "fixed:soon", wantErr: true},
		{in: "gamma:1s,2s", wantErr: true},
		{in: "lognormal:0s,10ms", wantErr: true},
		{in: "uniform:-1s-2s", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDist(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDist(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseDist(%q) (-want +got):\n%s", tt.in, diff)
			}
			if s := got.String(); s != tt.wantStr {
				t.Errorf("String() = %q, want %q", s, tt.wantStr)
			}
		})
	}
}

func TestDistSample(t *testing.T) {
	t.Parallel()
	ms := float64(time.Millisecond)
	tests := []struct {
		dist             string
		wantMean, wantSD float64 // in ms
		min, max         time.Duration
	}{
		{"fixed:200ms", 200, 0, 200 * time.Millisecond, 200 * time.Millisecond},
		{"uniform:100ms-300ms", 200, 200 / math.Sqrt(12), 100 * time.Millisecond, 300 * time.Millisecond},
		{"normal:200ms,50ms", 200, 50, 0, time.Hour},
		{"lognormal:200ms,80ms", 200, 80, 1, time.Hour},
		{"exp:200ms", 200, 200, 0, time.Hour},
		{"none", 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.dist, func(t *testing.T) {
			t.Parallel()
			d, err := ParseDist(tt.dist)
			if err != nil {
				t.Fatal(err)
			}
			r := newRNG(42, 1)
			const n = 20000
			var sum, sumSq float64
			for i := 0; i < n; i++ {
				v := d.sample(&r)
				if v < tt.min || v > tt.max {
					t.Fatalf("draw %v outside [%v, %v]", v, tt.min, tt.max)
				}
				x := float64(v) / ms
				sum += x
				sumSq += x * x
			}
			mean := sum / n
			sd := math.Sqrt(math.Max(0, sumSq/n-mean*mean))
			if math.Abs(mean-tt.wantMean) > 0.03*tt.wantMean+0.01 || math.Abs(sd-tt.wantSD) > 0.05*tt.wantSD+0.01 {
				t.Errorf("mean %.2fms sd %.2fms, want %.2fms and %.2fms", mean, sd, tt.wantMean, tt.wantSD)
			}
		})
	}
}

// FuzzParseDist checks that ParseDist never panics, and that whatever it
// accepts is valid, draws non-negative durations and round-trips through
// String.
func FuzzParseDist(f *testing.F) {
	for _, s := range []string{"fixed:200ms", "uniform:100ms-300ms", "normal:200ms,50ms", "lognormal:200ms,80ms",
		"exp:200ms", "", "none", "1h", "uniform:1ns-1ns", "normal:-0s,0s", "exp:9223372036s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDist(s)
		if err != nil {
			return
		}
		if err := d.validate(); err != nil {
			t.Fatalf("ParseDist(%q) accepted an invalid %+v: %v", s, d, err)
		}
		back, err := ParseDist(d.String())
		if err != nil {
			t.Fatalf("ParseDist(%q).String() = %q does not parse: %v", s, d.String(), err)
		}
		if back != d {
			t.Fatalf("round trip of %q: %+v != %+v", s, back, d)
		}
		r := newRNG(1, 1)
		for i := 0; i < 8; i++ {
			if v := d.sample(&r); v < 0 {
				t.Fatalf("%v drew %v", d, v)
			}
		}
	})
}
