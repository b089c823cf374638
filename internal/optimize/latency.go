package optimize

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseLatency reads a latency limit: a Go duration ("2s", "1500ms") or a
// bare number of milliseconds ("1500", "2.5"). An empty string is no
// limit (0). A negative, zero, infinite or unparsable limit is an error.
func ParseLatency(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if ms, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(ms) || math.IsInf(ms, 0) || ms <= 0 || ms > float64(math.MaxInt64/int64(time.Millisecond)) {
			return 0, fmt.Errorf("latency %q: want a positive number of milliseconds or a duration such as 2s", s)
		}
		return time.Duration(ms * float64(time.Millisecond)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("latency %q: want a positive duration such as 2s or 1500ms, or milliseconds", s)
	}
	return d, nil
}
