package report

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// noValue stands in a report for a figure that was not measured.
const noValue = "—"

// notStreamed stands for the TTFT of a provider none of whose calls
// streamed a first token.
const notStreamed = "n/a"

// fmtMs formats milliseconds for a table, noValue when there is none.
func fmtMs(ms float64) string {
	switch {
	case ms <= 0 || !finite(ms):
		return noValue
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64)
	default:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	}
}

// fmtPct formats a ratio in [0, 1] as a percentage.
func fmtPct(r float64) string { return strconv.FormatFloat(r*100, 'f', 1, 64) + "%" }

// fmtTTFT formats a TTFT percentile, notStreamed when no call of the
// provider streamed a first token: never a 0 ms TTFT for calls that have
// none.
func fmtTTFT(p Percentiles, ms float64) string {
	if p.Count == 0 {
		return notStreamed
	}
	return fmtMs(ms)
}

// FormatUSD formats a cost in US dollars with precision that suits its
// size: cents from $1, four decimals from $0.01, and below that at least six
// decimals and always two significant digits, so a small run never shows as
// $0.0000 ($0.000015, $0.00000012). Zero is "$0"; a value that is not a
// number is "—".
func FormatUSD(usd float64) string {
	a := math.Abs(usd)
	switch {
	case !finite(usd):
		return noValue
	case usd == 0:
		return "$0"
	case a >= 1:
		return dollars(usd, 2)
	case a >= 0.01:
		return dollars(usd, 4)
	}
	// The exponent after rounding to two significant digits.
	e := strconv.FormatFloat(a, 'e', 1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	return dollars(usd, max(6, 1-exp))
}

// dollars formats usd with prec decimals and the sign before the dollar.
func dollars(usd float64, prec int) string {
	s := strconv.FormatFloat(math.Abs(usd), 'f', prec, 64)
	if usd < 0 {
		return "-$" + s
	}
	return "$" + s
}

// FormatCost formats a cost of which unpriced results are unknown: the
// known sum alone when every result was priced, "unknown" when none of the
// cost is known, and "$0.0012 + unknown" when only part of it is. An
// unknown cost is never shown as $0.
func FormatCost(usd float64, unpriced int) string {
	switch {
	case unpriced == 0:
		return FormatUSD(usd)
	case usd == 0:
		return "unknown"
	default:
		return FormatUSD(usd) + " + unknown"
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

// fmtRate formats a throughput, noValue when it was not measured.
func fmtRate(f float64) string {
	if f <= 0 || !finite(f) {
		return noValue
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}

// fmtTime formats a timestamp in UTC, noValue when unset.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return noValue
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// fmtKinds formats errors by kind as "kind: n, kind: n" in kind order.
func fmtKinds(m map[string]int) string {
	if len(m) == 0 {
		return noValue
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

// tableNotes explains the placeholders a provider table shows, one
// sentence for each kind that appears in it; withRate says whether the
// table has a throughput column.
func tableNotes(s *Summary, withRate bool) []string {
	var ttft, rate bool
	for _, p := range s.Providers {
		ttft = ttft || p.TTFT.Count == 0
		rate = rate || (withRate && !(p.TokensPerSec > 0))
	}
	var notes []string
	if ttft {
		notes = append(notes, "TTFT "+notStreamed+": no call streamed a first token (calls made with --no-stream have none).")
	}
	if rate {
		notes = append(notes, fmt.Sprintf("%s tokens/s: no streamed answer lasted %s ms or more after its first token, too short to measure.",
			noValue, fmtFixed(MinGenerationMs, 0)))
	}
	return notes
}

// fmtMean formats a mean score, noValue when no verdict was scored.
func fmtMean(m *float64) string {
	if m == nil || !finite(*m) {
		return noValue
	}
	return fmtFixed(*m, 3)
}

// fmtConsistency formats an assertion's position consistency as
// "18/20 (90.0%)", noValue when no verdict compared both orders.
func fmtConsistency(a AssertionSummary) string {
	if a.PositionChecked == 0 {
		return noValue
	}
	return fmt.Sprintf("%s/%s (%s)", fmtInt(a.PositionConsistent), fmtInt(a.PositionChecked),
		fmtPct(ratio(a.PositionConsistent, a.PositionChecked)))
}

// fmtPctCI formats a pass rate with its interval, "62.5% [30.6–86.3]", or
// the rate alone when it has none (no results).
func fmtPctCI(r float64, ci [2]float64) string {
	if ci == ([2]float64{}) {
		return fmtPct(r)
	}
	return fmtPct(r) + " " + fmtCI(ci)
}

// fmtCI formats a proportion's interval in percent, "[30.6–86.3]".
func fmtCI(ci [2]float64) string {
	return "[" + fmtFixed(ci[0]*100, 1) + "–" + fmtFixed(ci[1]*100, 1) + "]"
}

// fmtScoreSE formats a provider's mean score with its standard error,
// "0.556 ± 0.294", the mean alone when it has none, and noValue when no
// result was scored.
func fmtScoreSE(p ProviderSummary) string {
	switch {
	case p.Scored == 0 || !finite(p.MeanScore):
		return noValue
	case p.MeanScoreSE == nil:
		return fmtFixed(p.MeanScore, 3)
	default:
		return fmtFixed(p.MeanScore, 3) + " ± " + fmtFixed(*p.MeanScoreSE, 3)
	}
}

// fmtScoreCI formats a mean score's interval and how its error was
// computed: "[0.031, 1.080], SE clustered by 3 cases". It is noValue when
// there is no interval.
func fmtScoreCI(p ProviderSummary) string {
	if p.MeanScoreCI == nil {
		return noValue
	}
	ci := "[" + fmtFixed(p.MeanScoreCI[0], 3) + ", " + fmtFixed(p.MeanScoreCI[1], 3) + "]"
	switch {
	case p.MeanScoreSEMethod == SEClustered:
		return ci + ", SE clustered by " + plural(p.ScoreClusters, "case", "cases")
	case p.ScoreCasesCapped:
		return ci + ", SE not clustered (too many cases)"
	default:
		return ci + ", SE over " + plural(p.Scored, "result", "results")
	}
}
