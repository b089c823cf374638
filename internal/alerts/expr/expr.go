// Package expr parses the conditions of alert rules ([monitoring]
// alert_rules), a small language of comparisons on windowed metrics:
//
//	condition  = comparison { "and" comparison } [ "over" DURATION ]
//	comparison = METRIC OP NUMBER
//	OP         = ">" | ">=" | "<" | "<="
//
// such as "p95_latency_ms > 5000", "hourly_cost > 10.0 over 1h" or
// "error_rate >= 0.2 and requests_per_minute > 30 over 2m". Keywords and
// metric names are lower case; NUMBER is a decimal number (an optional
// sign, digits, a fraction, an exponent); DURATION is Go's duration syntax
// ("90s", "5m", "1h30m"). The window defaults to DefaultWindow. Metrics
// carry their unit in their name (see Metric). Parse is a hand-written
// recursive descent over a tokenizer; every error says the byte offset
// (1-based column) at which it was found.
package expr

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// DefaultWindow is the window of a condition without "over".
const DefaultWindow = 5 * time.Minute

// Window bounds: a window must hold at least one interval of a rule's
// ring and at most a day (the ring's memory grows with neither, but a
// longer window says more about history than about now).
const (
	MinWindow = time.Second
	MaxWindow = 24 * time.Hour
)

// maxLen bounds a condition's text.
const maxLen = 1024

// Metric names a windowed measurement. Each states its unit.
type Metric string

// Metrics, over the window's results (skipped and cancelled results,
// which made no call, are left out of all of them).
const (
	// P50LatencyMs, P95LatencyMs and P99LatencyMs are latency quantiles
	// in milliseconds of the successful, uncached calls.
	P50LatencyMs Metric = "p50_latency_ms"
	P95LatencyMs Metric = "p95_latency_ms"
	P99LatencyMs Metric = "p99_latency_ms"
	// TTFTP95Ms is the 95th percentile time to first token in
	// milliseconds of the successful, uncached streamed calls.
	TTFTP95Ms Metric = "ttft_p95_ms"
	// ErrorRate is the share (0 to 1) of results that are not successes.
	ErrorRate Metric = "error_rate"
	// PassRate is the share (0 to 1) of results that passed.
	PassRate Metric = "pass_rate"
	// PassRateDrop is how far the pass rate fell, in percentage points
	// (0 to 100): the previous window's pass rate minus this window's,
	// times 100; negative when it rose.
	PassRateDrop Metric = "pass_rate_drop"
	// HourlyCost is the spend of the window in USD scaled to an hour:
	// the cost of the window's results × (1h / window).
	HourlyCost Metric = "hourly_cost"
	// RequestsPerMinute is the window's results per minute.
	RequestsPerMinute Metric = "requests_per_minute"
)

// Metrics lists every metric, in the order the documentation gives.
var Metrics = []Metric{
	P50LatencyMs, P95LatencyMs, P99LatencyMs, TTFTP95Ms, ErrorRate,
	PassRate, PassRateDrop, HourlyCost, RequestsPerMinute,
}

// Op is a comparison operator.
type Op string

// Operators.
const (
	GT Op = ">"
	GE Op = ">="
	LT Op = "<"
	LE Op = "<="
)

// Holds reports whether value op threshold.
func (o Op) Holds(value, threshold float64) bool {
	switch o {
	case GT:
		return value > threshold
	case GE:
		return value >= threshold
	case LT:
		return value < threshold
	case LE:
		return value <= threshold
	}
	return false
}

// Comparison is one METRIC OP NUMBER.
type Comparison struct {
	Metric    Metric
	Op        Op
	Threshold float64
}

func (c Comparison) String() string {
	return fmt.Sprintf("%s %s %s", c.Metric, c.Op, formatNumber(c.Threshold))
}

// Condition is a parsed condition: every comparison must hold over the
// window.
type Condition struct {
	Comparisons []Comparison
	Window      time.Duration
}

// String renders the condition in canonical form, which parses back to
// an equal Condition.
func (c Condition) String() string {
	parts := make([]string, len(c.Comparisons))
	for i, cmp := range c.Comparisons {
		parts[i] = cmp.String()
	}
	return strings.Join(parts, " and ") + " over " + FormatDuration(c.Window)
}

// Uses reports whether the condition reads metric m.
func (c Condition) Uses(m Metric) bool {
	return slices.ContainsFunc(c.Comparisons, func(x Comparison) bool { return x.Metric == m })
}

// Error is a syntax or meaning error at a position of the text.
type Error struct {
	// Col is the 1-based byte column of the error.
	Col int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("column %d: %s", e.Col, e.Msg) }

// Parse parses a condition.
func Parse(text string) (Condition, error) {
	if len(text) > maxLen {
		return Condition{}, &Error{Col: maxLen + 1, Msg: fmt.Sprintf("the condition is longer than %d bytes", maxLen)}
	}
	toks, err := lex(text)
	if err != nil {
		return Condition{}, err
	}
	p := &parser{toks: toks}
	return p.condition()
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) condition() (Condition, error) {
	c := Condition{Window: DefaultWindow}
	for {
		cmp, err := p.comparison()
		if err != nil {
			return Condition{}, err
		}
		c.Comparisons = append(c.Comparisons, cmp)
		if t := p.peek(); t.kind == tokWord && t.text == "and" {
			p.next()
			continue
		}
		break
	}
	if t := p.peek(); t.kind == tokWord && t.text == "over" {
		p.next()
		w, err := p.window()
		if err != nil {
			return Condition{}, err
		}
		c.Window = w
	}
	if t := p.peek(); t.kind != tokEOF {
		return Condition{}, &Error{Col: t.col, Msg: fmt.Sprintf("unexpected %s; want \"and\", \"over\" or the end", t.describe())}
	}
	return c, nil
}

func (p *parser) comparison() (Comparison, error) {
	t := p.next()
	if t.kind != tokWord {
		return Comparison{}, &Error{Col: t.col, Msg: fmt.Sprintf("unexpected %s; want a metric such as p95_latency_ms", t.describe())}
	}
	m := Metric(t.text)
	if !slices.Contains(Metrics, m) {
		return Comparison{}, &Error{Col: t.col, Msg: unknownMetric(t.text)}
	}
	op := p.next()
	if op.kind != tokOp {
		return Comparison{}, &Error{Col: op.col, Msg: fmt.Sprintf("unexpected %s after %s; want >, >=, < or <=", op.describe(), m)}
	}
	n := p.next()
	if n.kind != tokNumber {
		return Comparison{}, &Error{Col: n.col, Msg: fmt.Sprintf("unexpected %s after %s; want a number", n.describe(), op.text)}
	}
	return Comparison{Metric: m, Op: Op(op.text), Threshold: n.num}, nil
}

func (p *parser) window() (time.Duration, error) {
	t := p.next()
	if t.kind != tokDuration && t.kind != tokNumber {
		return 0, &Error{Col: t.col, Msg: fmt.Sprintf("unexpected %s after over; want a duration such as 5m", t.describe())}
	}
	if t.kind == tokNumber {
		return 0, &Error{Col: t.col, Msg: fmt.Sprintf("window %s has no unit; write it as a duration such as %ss", t.text, t.text)}
	}
	d, err := time.ParseDuration(t.text)
	if err != nil {
		return 0, &Error{Col: t.col, Msg: fmt.Sprintf("window %q: want a duration such as 90s, 5m or 1h", t.text)}
	}
	if d < MinWindow || d > MaxWindow {
		return 0, &Error{Col: t.col, Msg: fmt.Sprintf("window %s: want %s to %s", t.text, FormatDuration(MinWindow), FormatDuration(MaxWindow))}
	}
	return d, nil
}

// unknownMetric names the known metrics, and the closest one.
func unknownMetric(name string) string {
	names := make([]string, len(Metrics))
	for i, m := range Metrics {
		names[i] = string(m)
	}
	msg := fmt.Sprintf("unknown metric %q (known: %s)", name, strings.Join(names, ", "))
	if s := suggest(name, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return msg
}

// suggest returns the known name that contains name or that name
// contains, "" when none does ("p95" suggests p95_latency_ms).
func suggest(name string, known []string) string {
	if name == "" {
		return ""
	}
	for _, k := range known {
		if strings.HasPrefix(k, name) || strings.HasPrefix(name, k) {
			return k
		}
	}
	return ""
}

func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}

// FormatDuration writes d without the zero units time.Duration.String
// adds ("5m", not "5m0s").
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
