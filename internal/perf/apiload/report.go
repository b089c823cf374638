package apiload

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Write prints the conditions of the run, a line per case, and the page
// mix and text queries in total, per user and overall.
func (rep *Report) Write(w io.Writer) error {
	o := rep.Options
	var b strings.Builder
	seeded := "found cached"
	if rep.Seeded {
		seeded = "seeded"
	}
	fmt.Fprintf(&b, "GET /api/v1/results over %d results in SQLite (%s in %s; copied and served in %s)\n",
		o.Size.Results(), seeded, rep.SeedTime.Round(time.Millisecond), rep.CopyTime.Round(time.Millisecond))
	all := rep.Rec.Summarize(func(string) bool { return true })
	fmt.Fprintf(&b, "open loop: %g requests/s for %s (%d requests, the last answered %s after the first was due), admin and owner in turn, %.0f%% text queries, deep pages up to %d pages down\n",
		o.Rate, o.Duration, all.Count, rep.Elapsed.Round(time.Millisecond), o.TextShare*100, o.Depth)
	fmt.Fprintf(&b, "rate limit raised to %d requests/minute per principal, burst %d (the default 100/minute would refuse most requests)\n", rep.RateLimit, rep.Burst)
	fmt.Fprintf(&b, "machine: %d CPUs, load average %s before, %s after (on a shared machine other work runs beside)\n",
		rep.CPUs, orNA(rep.LoadBefore), orNA(rep.LoadAfter))
	if n := all.Count; rep.CPU > 0 && n > 0 {
		fmt.Fprintf(&b, "CPU of server and load generator (one process): %s over the run, %s a request, %.2f CPUs at this rate\n",
			rep.CPU.Round(time.Millisecond), ms(rep.CPU/time.Duration(n)), rep.CPU.Seconds()/rep.Elapsed.Seconds())
	}
	b.WriteString("\n")

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tcount\terrors\tp50\tp90\tp99\tmax\t")
	line := func(name string, s Summary) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t\n", name, s.Count, s.Errors, ms(s.P50), ms(s.P90), ms(s.P99), ms(s.Max))
	}
	for _, c := range rep.Rec.Cases() {
		line(c, rep.Rec.Summarize(func(x string) bool { return x == c }))
	}
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t")
	for _, g := range []struct {
		name string
		keep func(string) bool
	}{
		{"pages admin", func(c string) bool { return isPage(c) && strings.HasPrefix(c, "admin/") }},
		{"pages owner", func(c string) bool { return isPage(c) && strings.HasPrefix(c, "owner/") }},
		{"PAGE MIX", isPage},
		{"text queries", isText},
		{"all", func(string) bool { return true }},
	} {
		line(g.name, rep.Rec.Summarize(g.keep))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	verdict := "PASS"
	if err := rep.Check(); err != nil {
		verdict = "FAIL: " + err.Error()
	}
	fmt.Fprintf(&b, "\ngate: page mix p99 under %s and no request failed: %s\n", o.P99, verdict)
	_, err := io.WriteString(w, b.String())
	return err
}

// ms prints a latency in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}
