package report

// Layout of the latency chart, in SVG user units.
const (
	chartWidth     = 900.0
	chartLabelW    = 210.0 // left column for provider names
	chartValueW    = 120.0 // room for the value text after the longest bar
	chartBarH      = 14.0
	chartBarGap    = 4.0
	chartGroupHead = 20.0
	chartGroupGap  = 14.0
)

// svgChart is a horizontal bar chart of latency percentiles per provider.
type svgChart struct {
	Width, Height, AxisX string
	Groups               []svgGroup
}

// svgGroup is one provider's bars.
type svgGroup struct {
	Provider string
	LabelY   string
	Bars     []svgBar
}

// svgBar is one percentile bar and its label.
type svgBar struct {
	Label, Value, Class string
	X, Y, W, H          string
	TextX, TextY        string
}

// newLatencyChart lays out p50/p90/p95/p99 bars scaled to the largest
// value; it returns nil when no provider has a latency.
func newLatencyChart(ps []ProviderSummary) *svgChart {
	maxV := 0.0
	for _, p := range ps {
		maxV = max(maxV, p.Latency.P99, p.Latency.P95, p.Latency.P90, p.Latency.P50)
	}
	if maxV <= 0 {
		return nil
	}
	scale := (chartWidth - chartLabelW - chartValueW) / maxV
	c := &svgChart{Width: num(chartWidth), AxisX: num(chartLabelW)}
	y := 0.0
	for _, p := range ps {
		if p.Latency.Count == 0 {
			continue
		}
		g := svgGroup{Provider: p.Provider, LabelY: num(y + chartGroupHead - 6)}
		y += chartGroupHead
		for i, v := range []struct {
			label string
			ms    float64
		}{{"p50", p.Latency.P50}, {"p90", p.Latency.P90}, {"p95", p.Latency.P95}, {"p99", p.Latency.P99}} {
			w := max(v.ms*scale, 1)
			g.Bars = append(g.Bars, svgBar{
				Label: v.label, Value: fmtMs(v.ms), Class: "s" + string(rune('0'+i)),
				X: num(chartLabelW), Y: num(y), W: num(w), H: num(chartBarH),
				TextX: num(chartLabelW + w + 6), TextY: num(y + chartBarH - 3),
			})
			y += chartBarH + chartBarGap
		}
		c.Groups = append(c.Groups, g)
		y += chartGroupGap
	}
	c.Height = num(y)
	return c
}

// num formats an SVG coordinate.
func num(f float64) string { return fmtFixed(f, 1) }
