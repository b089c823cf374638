package stats

import (
	"fmt"
	"math"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Sketch geometry: values are kept in microseconds from 1µs to one hour with
// three significant digits, so any quantile is within 0.1% of the true value.
const (
	sketchLowestUs  = 1
	sketchHighestUs = int64(3600 * 1e6)
	sketchDigits    = 3
	// maxEncodedSketch bounds the input UnmarshalBinary accepts; a full
	// sketch of this geometry encodes to well under 100 KiB.
	maxEncodedSketch = 4 << 20
)

// Sketch is a mergeable latency sketch backed by an HDR histogram (1µs..1h,
// 3 significant digits). Values go in and come out in milliseconds. Values
// below 0 are recorded as 0 and values above one hour as one hour; NaN and
// infinities are ignored. The zero value is an empty sketch ready to use.
// A Sketch is not safe for concurrent use.
type Sketch struct {
	h *hdrhistogram.Histogram
}

// NewSketch returns an empty sketch.
func NewSketch() *Sketch {
	return &Sketch{h: hdrhistogram.New(sketchLowestUs, sketchHighestUs, sketchDigits)}
}

// hist returns the histogram, creating it on first use.
func (s *Sketch) hist() *hdrhistogram.Histogram {
	if s.h == nil {
		s.h = hdrhistogram.New(sketchLowestUs, sketchHighestUs, sketchDigits)
	}
	return s.h
}

// Add records one value in milliseconds.
func (s *Sketch) Add(ms float64) {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return
	}
	us := int64(math.Round(ms * 1000))
	if ms*1000 >= float64(sketchHighestUs) {
		us = sketchHighestUs
	}
	us = max(us, 0)
	// RecordValue fails only outside the trackable range, which the clamps exclude.
	_ = s.hist().RecordValue(us)
}

// Merge adds every value recorded in o to s; o is left unchanged.
func (s *Sketch) Merge(o *Sketch) {
	if o == nil || o.h == nil {
		return
	}
	s.hist().Merge(o.h)
}

// Count is the number of values recorded.
func (s *Sketch) Count() int64 { return s.hist().TotalCount() }

// Quantile returns the value in milliseconds at quantile q in [0, 1]
// (0.5 is the median); q outside that range is clamped. It is 0 when the
// sketch is empty.
func (s *Sketch) Quantile(q float64) float64 {
	if s.hist().TotalCount() == 0 || math.IsNaN(q) {
		return 0
	}
	q = min(max(q, 0), 1)
	return float64(s.h.ValueAtQuantile(q*100)) / 1000
}

// Mean returns the mean in milliseconds, 0 when empty.
func (s *Sketch) Mean() float64 {
	if s.hist().TotalCount() == 0 {
		return 0
	}
	return s.h.Mean() / 1000
}

// Max returns the largest recorded value in milliseconds (to the sketch's
// precision), 0 when empty.
func (s *Sketch) Max() float64 {
	if s.hist().TotalCount() == 0 {
		return 0
	}
	return float64(s.h.Max()) / 1000
}

// Min returns the smallest recorded value in milliseconds (to the sketch's
// precision), 0 when empty.
func (s *Sketch) Min() float64 {
	if s.hist().TotalCount() == 0 {
		return 0
	}
	return float64(s.h.Min()) / 1000
}

// MarshalBinary encodes the sketch in the compressed HdrHistogram V2 format,
// which other HdrHistogram implementations can also read.
func (s *Sketch) MarshalBinary() ([]byte, error) {
	b, err := s.hist().Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return nil, fmt.Errorf("encode latency sketch: %w", err)
	}
	return b, nil
}

// UnmarshalBinary replaces the sketch's contents with an encoded sketch. An
// encoding made with a different geometry is re-recorded into this sketch's
// geometry, so merging stays well defined.
func (s *Sketch) UnmarshalBinary(b []byte) error {
	if len(b) > maxEncodedSketch {
		return fmt.Errorf("decode latency sketch: %d bytes exceeds the %d byte limit", len(b), maxEncodedSketch)
	}
	h, err := hdrhistogram.Decode(b)
	if err != nil {
		return fmt.Errorf("decode latency sketch: %w", err)
	}
	if h.LowestTrackableValue() == sketchLowestUs && h.HighestTrackableValue() == sketchHighestUs &&
		h.SignificantFigures() == sketchDigits {
		s.h = h
		return nil
	}
	fresh := hdrhistogram.New(sketchLowestUs, sketchHighestUs, sketchDigits)
	if dropped := fresh.Merge(h); dropped > 0 {
		return fmt.Errorf("decode latency sketch: %d values outside 1µs..1h", dropped)
	}
	s.h = fresh
	return nil
}
