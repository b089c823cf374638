package report

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// fmtMs formats milliseconds for a table, "-" when there is no value.
func fmtMs(ms float64) string {
	switch {
	case ms <= 0 || !finite(ms):
		return "-"
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64)
	default:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	}
}

// fmtPct formats a ratio in [0, 1] as a percentage.
func fmtPct(r float64) string { return strconv.FormatFloat(r*100, 'f', 1, 64) + "%" }

// fmtUSD formats a cost in dollars with precision that suits its size.
func fmtUSD(usd float64) string {
	switch {
	case usd == 0:
		return "$0"
	case usd < 0.01:
		return "$" + strconv.FormatFloat(usd, 'f', 6, 64)
	case usd < 1:
		return "$" + strconv.FormatFloat(usd, 'f', 4, 64)
	default:
		return "$" + strconv.FormatFloat(usd, 'f', 2, 64)
	}
}

// fmtInt formats an integer with thousands separators.
func fmtInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fmtRate formats a throughput, "-" when unknown.
func fmtRate(f float64) string {
	if f <= 0 || !finite(f) {
		return "-"
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}

// fmtTime formats a timestamp in UTC, "-" when unset.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// fmtKinds formats errors by kind as "kind: n, kind: n" in kind order.
func fmtKinds(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s: %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// oneLine collapses line breaks and runs of whitespace to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// fmtFixed formats f with prec decimals.
func fmtFixed(f float64, prec int) string { return strconv.FormatFloat(f, 'f', prec, 64) }
