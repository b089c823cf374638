package optimize

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText prints the result as a table, the frontier and the choice.
func WriteText(w io.Writer, r *Result) error {
	quality := "pass rate with its 95% Wilson interval"
	if r.Metric == MetricScore {
		quality = "mean score (no interval: profiles keep no score spread)"
	}
	limit := "no latency limit"
	if r.MaxLatencyMs != nil {
		limit = "p95 latency <= " + FormatMs(*r.MaxLatencyMs)
	}
	fmt.Fprintf(w, "Quality: %s. Latency: p95 of call latency. Prices: table as of %s; monthly cost for %d requests.\n\n",
		quality, r.PricesAsOf, r.MonthlyRequests)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tMODEL\tRESULTS\tQUALITY\t95% CI\tP95 LATENCY\tCOST/REQUEST\tCOST FROM\tMONTHLY\tNOTES")
	for i := range r.Models {
		m := &r.Models[i]
		mark := ""
		if r.Choice != nil && *r.Choice == i {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, m.Label(), m.Results,
			num(m.Quality, "%.4f"), ci(m.QualityCI), ms(m.LatencyP95Ms), usd(m.CostPerRequest), m.CostSource,
			usd(m.MonthlyCostUSD), strings.Join(notes(m), ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if len(r.Frontier) == 0 {
		fmt.Fprintln(w, "Frontier (quality, cost, latency): none (no model has all three measured)")
	} else {
		fmt.Fprintf(w, "Frontier (quality, cost, latency): %s\n", strings.Join(r.Frontier, ", "))
	}
	want := fmt.Sprintf("quality >= %.4f, %s", r.QualityThreshold, limit)
	if r.Choice == nil {
		fmt.Fprintf(w, "No model meets %s: %s.\n", want, r.Reason)
		for i := range r.Models {
			m := &r.Models[i]
			fmt.Fprintf(w, "  %s: %s\n", m.Label(), strings.Join(m.Reasons, "; "))
		}
		return nil
	}
	m := &r.Models[*r.Choice]
	_, err := fmt.Fprintf(w, "Cheapest meeting %s: %s at %s per request, %s a month (cost from the %s).\n",
		want, m.Label(), usd(m.CostPerRequest), usd(m.MonthlyCostUSD), strings.ReplaceAll(m.CostSource, "_", " "))
	return err
}

func notes(m *Model) []string {
	var out []string
	if m.Frontier {
		out = append(out, "frontier")
	}
	if m.FewSamples {
		out = append(out, fmt.Sprintf("few samples (<%d)", FewSamples))
	}
	if m.NearThreshold {
		out = append(out, "threshold inside the interval")
	}
	return out
}

func num(f *float64, format string) string {
	if f == nil {
		return "n/a"
	}
	return fmt.Sprintf(format, *f)
}

func ci(c *[2]float64) string {
	if c == nil {
		return "-"
	}
	return fmt.Sprintf("[%.4f, %.4f]", c[0], c[1])
}

func ms(f *float64) string {
	if f == nil {
		return "n/a"
	}
	return FormatMs(*f)
}

// usd shows dollars with enough digits for a fraction of a cent.
func usd(f *float64) string {
	switch {
	case f == nil:
		return "unknown"
	case *f == 0:
		return "$0"
	case *f < 0.01:
		return fmt.Sprintf("$%.6f", *f)
	default:
		return fmt.Sprintf("$%.2f", *f)
	}
}
