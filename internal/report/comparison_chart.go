package report

import (
	"math"
	"strconv"

	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

// Layout of the comparison charts, in SVG user units.
const (
	cmpWidth     = 900.0
	cmpLabelW    = 250.0 // interval chart: column labels
	cmpValueW    = 200.0 // interval chart: mean and interval text
	cmpRowH      = 26.0
	cmpAxisH     = 28.0
	cmpPlotH     = 300.0 // scatter and trend plots
	cmpFlatPlotH = 70.0  // the scatter when every cost is $0
	cmpMarginL   = 96.0  // room for tick labels left of a plot
	cmpMarginB   = 44.0
	cmpMarginT   = 16.0
	cmpLegendW   = 210.0 // trend chart: provider legend on the right
	cmpTickCount = 5
	cmpPalette   = 8 // classes p0..p7 colour the trend lines
)

// svgTick is one labelled axis tick.
type svgTick struct{ Pos, Label string }

// svgIntervalRow is one column's mean and interval.
type svgIntervalRow struct {
	Label, Title, Value, Class string
	Y, TextY, X1, X2, Cx       string
	CapY1, CapY2               string
	Undefined                  bool
}

// svgIntervals is a forest plot of every column's mean with its interval.
type svgIntervals struct {
	Width, Height, Left, Right, AxisY string
	Ticks                             []svgTick
	Rows                              []svgIntervalRow
}

// svgPoint is one column in the cost/latency scatter.
type svgPoint struct {
	X, Y, TextX, TextY, Mark, Title, Class string
}

// svgScatter plots cost per result against median latency.
type svgScatter struct {
	Width, Height, Left, Right, Top, Bottom string
	XTicks, YTicks                          []svgTick
	Points                                  []svgPoint
	XLabelX, XLabelY, YLabelY               string
	// Free is set when every plotted cost is $0.
	Free bool
}

// svgWhisker is one trend point with its interval.
type svgWhisker struct {
	X, Y, Y1, Y2, Title string
	Interval            bool
}

// svgLine is one provider's trend.
type svgLine struct {
	Class, Provider, Points, LegendY, SwatchY string
	Whiskers                                  []svgWhisker
}

// svgTrend plots each provider's metric over the runs.
type svgTrend struct {
	Width, Height, Left, Right, Top, Bottom, LegendX string
	XTicks, YTicks                                   []svgTick
	Lines                                            []svgLine
}

// scale maps [lo, hi] onto [a, b].
type scale struct{ lo, hi, a, b float64 }

func (s scale) at(v float64) float64 {
	if s.hi == s.lo {
		return s.a
	}
	return s.a + (v-s.lo)/(s.hi-s.lo)*(s.b-s.a)
}

// niceTicks returns about n round values (steps of 1, 2, 2.5 or 5 times a power
// of ten) covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n-1)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * p
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		out = append(out, v+0) // +0: no "-0"
	}
	return out
}

// metricRange is the axis range for a metric: [0, 1] widened to every
// interval.
func metricRange(m *analysis.Matrix) (lo, hi float64) {
	lo, hi = 0, 1
	for _, c := range m.Columns {
		lo, hi = min(lo, c.Mean), max(hi, c.Mean)
		if c.CILow != nil && c.CIHigh != nil {
			lo, hi = min(lo, *c.CILow), max(hi, *c.CIHigh)
		}
	}
	return lo, hi
}

// tickLabel formats a metric tick.
func tickLabel(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// newIntervalChart lays out the columns' means and intervals, the winner
// (when there is one) marked.
func newIntervalChart(c *Comparison) *svgIntervals {
	m := c.Matrix
	lo, hi := metricRange(m)
	sc := scale{lo, hi, cmpLabelW, cmpWidth - cmpValueW}
	ch := &svgIntervals{Width: num(cmpWidth), Left: num(sc.a), Right: num(sc.b)}
	for i, col := range m.Columns {
		y := cmpRowH*float64(i) + cmpRowH/2
		row := svgIntervalRow{
			Label: clip(strconv.Itoa(i+1)+". "+col.Label, 38), Title: col.Label + " · " + intervalText(&col),
			Value: intervalText(&col), Class: "iv", Y: num(y), TextY: num(y + 4), Cx: num(sc.at(col.Mean)),
			CapY1: num(y - 6), CapY2: num(y + 6),
		}
		if i == m.Winner {
			row.Class = "iv win"
		}
		if col.CILow == nil || col.CIHigh == nil {
			row.Undefined = true
		} else {
			row.X1, row.X2 = num(sc.at(*col.CILow)), num(sc.at(*col.CIHigh))
		}
		ch.Rows = append(ch.Rows, row)
	}
	axisY := cmpRowH * float64(len(m.Columns))
	ch.AxisY, ch.Height = num(axisY), num(axisY+cmpAxisH)
	for _, v := range niceTicks(lo, hi, cmpTickCount) {
		ch.Ticks = append(ch.Ticks, svgTick{Pos: num(sc.at(v)), Label: tickLabel(v)})
	}
	return ch
}

// intervalText is "mean [low, high]" with three decimals.
func intervalText(c *analysis.Column) string {
	s := fmtFixed(c.Mean, 3)
	if c.CILow == nil || c.CIHigh == nil {
		return s + " [undefined]"
	}
	return s + " [" + fmtFixed(*c.CILow, 3) + ", " + fmtFixed(*c.CIHigh, 3) + "]"
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// plotFrame is the drawing area of the scatter and trend charts.
func plotFrame(right float64) (x0, x1, y0, y1 float64) {
	return cmpMarginL, cmpWidth - right, cmpMarginT + cmpPlotH, cmpMarginT
}

// newScatter lays out cost per result against median latency for the
// columns where both are known; it returns nil when there are none.
func newScatter(c *Comparison) *svgScatter {
	maxX, maxY, n := 0.0, 0.0, 0
	for i := range c.Columns {
		x, y := c.Columns[i].MedianLatency(), c.Columns[i].CostPerResult()
		if math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		maxX, maxY, n = max(maxX, x), max(maxY, y), n+1
	}
	if n == 0 {
		return nil
	}
	x0, x1, y0, y1 := plotFrame(24)
	if maxY == 0 {
		y0 = y1 + cmpFlatPlotH // every cost is $0: one line of points, not an empty plot
	}
	xs := scale{0, maxX * 1.1, x0, x1}
	ys := scale{0, maxY * 1.15, y0, y1}
	s := &svgScatter{Width: num(cmpWidth), Height: num(y0 + cmpMarginB), Left: num(x0), Right: num(x1), Top: num(y1), Bottom: num(y0),
		XLabelX: num((x0 + x1) / 2), XLabelY: num(y0 + 38), YLabelY: num((y0 + y1) / 2), Free: maxY == 0}
	for _, v := range niceTicks(0, xs.hi, cmpTickCount+1) {
		s.XTicks = append(s.XTicks, svgTick{Pos: num(xs.at(v)), Label: tickLabel(v)})
	}
	yTicks := []float64{0}
	if maxY > 0 {
		yTicks = niceTicks(0, ys.hi, cmpTickCount)
	}
	for _, v := range yTicks {
		s.YTicks = append(s.YTicks, svgTick{Pos: num(ys.at(v)), Label: FormatUSD(v)})
	}
	var placed [][2]float64
	for i := range c.Columns {
		col := &c.Columns[i]
		x, y := col.MedianLatency(), col.CostPerResult()
		if math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		tx, ty := xs.at(x)+9, ys.at(y)-7
		ty = freeLabelY(placed, tx, ty)
		placed = append(placed, [2]float64{tx, ty})
		p := svgPoint{X: num(xs.at(x)), Y: num(ys.at(y)), TextX: num(tx), TextY: num(ty), Mark: strconv.Itoa(i + 1),
			Title: c.Matrix.Columns[i].Label + ": mean " + fmtFixed(c.Matrix.Columns[i].Mean, 3) + ", p50 " + fmtMs(x) + " ms, " + FormatUSD(y) + " per result",
			Class: "pt"}
		if col.OnFrontier {
			p.Class, p.Title = "pt front", p.Title+" (Pareto frontier)"
		}
		s.Points = append(s.Points, p)
	}
	return s
}

// freeLabelY moves a point's label up until it overlaps no label placed
// before it, so that close points keep readable numbers.
func freeLabelY(placed [][2]float64, x, y float64) float64 {
	const w, h = 22.0, 13.0
	for moved := true; moved; {
		moved = false
		for _, p := range placed {
			if math.Abs(p[0]-x) < w && math.Abs(p[1]-y) < h {
				y, moved = p[1]-h, true
			}
		}
	}
	return y
}

// newTrendChart lays out each provider's mean and interval over the runs;
// nil without trends.
func newTrendChart(c *Comparison) *svgTrend {
	if len(c.Trends) == 0 {
		return nil
	}
	lo, hi := metricRange(c.Matrix)
	x0, x1, y0, y1 := plotFrame(cmpLegendW)
	inset := 24.0
	xs := scale{0, float64(len(c.Runs) - 1), x0 + inset, x1 - inset}
	ys := scale{lo, hi, y0, y1}
	t := &svgTrend{Width: num(cmpWidth), Height: num(y0 + cmpMarginB), Left: num(x0), Right: num(x1), Top: num(y1), Bottom: num(y0),
		LegendX: num(x1 + 20)}
	for i, r := range c.Runs {
		t.XTicks = append(t.XTicks, svgTick{Pos: num(xs.at(float64(i))), Label: runTick(r.Seq)})
	}
	for _, v := range niceTicks(lo, hi, cmpTickCount) {
		t.YTicks = append(t.YTicks, svgTick{Pos: num(ys.at(v)), Label: tickLabel(v)})
	}
	spread := 5.0 // providers side by side at one run, so whiskers do not overlap
	for k, tr := range c.Trends {
		dx := (float64(k) - float64(len(c.Trends)-1)/2) * spread
		ly := y1 + 10 + 20*float64(k)
		line := svgLine{Class: "p" + strconv.Itoa(k%cmpPalette), Provider: clip(tr.Provider, 26), LegendY: num(ly + 4), SwatchY: num(ly)}
		for _, i := range tr.Points {
			col := c.Matrix.Columns[i]
			x := xs.at(float64(c.Columns[i].Run)) + dx
			w := svgWhisker{X: num(x), Y: num(ys.at(col.Mean)), Title: col.Label + ": " + intervalText(&col)}
			if col.CILow != nil && col.CIHigh != nil {
				w.Interval, w.Y1, w.Y2 = true, num(ys.at(*col.CILow)), num(ys.at(*col.CIHigh))
			}
			if line.Points != "" {
				line.Points += " "
			}
			line.Points += w.X + "," + w.Y
			line.Whiskers = append(line.Whiskers, w)
		}
		t.Lines = append(t.Lines, line)
	}
	return t
}

// runTick labels a run on the trend's axis.
func runTick(seq int64) string {
	if seq <= 0 {
		return "-"
	}
	return "#" + strconv.FormatInt(seq, 10)
}
