package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ANSI styles for the terminal table.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// tableCell is one cell of the terminal table with its optional style.
type tableCell struct {
	text  string
	style string
	left  bool
}

// WriteTable writes the terminal summary: one row per provider (results,
// pass rate with its 95% Wilson interval, errors, p50/p95 latency, TTFT p50, tokens, cost), a totals
// line, the judges' line and the unscored verdicts' line when there are
// any (see Summary.JudgeLine and Summary.UnscoredLine), a "Flaky:" line per
// provider with flaky cases (see Flakiness), a note for each
// placeholder shown ("n/a" TTFT) and the summary's warnings (results
// without a price). ANSI colour is used only when color is true.
func WriteTable(w io.Writer, s *Summary, color bool) error {
	header := []string{"PROVIDER", "RESULTS", "PASS [95% CI]", "ERRORS", "P50 MS", "P95 MS", "TTFT P50", "TOKENS", "COST"}
	rows := make([][]tableCell, 0, len(s.Providers)+1)
	hdr := make([]tableCell, len(header))
	for i, h := range header {
		hdr[i] = tableCell{text: h, style: ansiBold, left: i == 0}
	}
	rows = append(rows, hdr)
	for _, p := range s.Providers {
		errStyle := ansiDim
		if p.Errored > 0 {
			errStyle = ansiRed
		}
		rows = append(rows, []tableCell{
			{text: termSafe(p.Provider), left: true},
			{text: fmtInt(p.Results)},
			{text: fmtPctCI(p.PassRate, p.PassRateCI), style: rateStyle(p.PassRate)},
			{text: fmtInt(p.Errored), style: errStyle},
			{text: fmtMs(p.Latency.P50)},
			{text: fmtMs(p.Latency.P95)},
			{text: fmtTTFT(p.TTFT, p.TTFT.P50)},
			{text: fmtInt(p.TokensTotal)},
			{text: FormatCost(p.CostUSD, p.Unpriced)},
		})
	}
	bw := bufio.NewWriter(w)
	writeTableRows(bw, rows, color)
	totals := fmt.Sprintf("Total: %s results, %s passed, %s failed assertions, %s errors, pass rate %s, %s tokens, cost %s",
		fmtInt(s.Total), fmtInt(s.Passed), fmtInt(s.Failed-s.Errored), fmtInt(s.Errored), fmtPctCI(s.PassRate, s.PassRateCI),
		fmtInt(s.Tokens), FormatCost(s.CostUSD, s.Unpriced))
	if color {
		totals = ansiBold + totals + ansiReset
	}
	bw.WriteString(totals + "\n")
	if j := s.JudgeLine(); j != "" {
		bw.WriteString(capitalize(j) + "\n")
	}
	if u := s.UnscoredLine(); u != "" {
		line := capitalize(u) + "."
		if color {
			line = ansiYellow + line + ansiReset
		}
		bw.WriteString(line + "\n")
		for _, l := range unscoredByAssertion(s.Assertions, maxTableUnscored) {
			bw.WriteString("  " + termSafe(l) + "\n")
		}
	}
	for _, p := range s.Providers {
		if l := flakyLine(p, maxTableFlaky); l != "" {
			bw.WriteString(termSafe(l) + "\n")
		}
	}
	if s.Matrix.Truncated {
		fmt.Fprintf(bw, "(matrix truncated: %s results of later cases not shown)\n", fmtInt(s.Matrix.OmittedResults))
	}
	for _, n := range tableNotes(s, false) {
		bw.WriteString(n + "\n")
	}
	if s.PricesAsOf != "" {
		bw.WriteString("Costs use the pricing table as of " + termSafe(s.PricesAsOf) + ".\n")
	}
	for _, w := range s.Warnings() {
		line := "Warning: " + termSafe(w)
		if color {
			line = ansiYellow + line + ansiReset
		}
		bw.WriteString(line + "\n")
	}
	return bw.Flush()
}

// writeTableRows pads every column to its widest cell, then applies colour,
// so escape codes never disturb the alignment.
func writeTableRows(w *bufio.Writer, rows [][]tableCell, color bool) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	for _, row := range rows {
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text))
			text := pad + c.text
			if c.left {
				text = c.text + pad
			}
			if color && c.style != "" {
				text = c.style + text + ansiReset
			}
			if i > 0 {
				w.WriteString("  ")
			}
			if i == len(row)-1 {
				text = strings.TrimRight(text, " ")
			}
			w.WriteString(text)
		}
		w.WriteByte('\n')
	}
}

// maxTableUnscored caps the assertions the table lists under the
// unscored line.
const maxTableUnscored = 5

// unscoredByAssertion lists the assertions with unscored verdicts, at most
// limit of them then a count: "llm-rubric: 3 unscored: <first reason>".
func unscoredByAssertion(b AssertionBreakdown, limit int) []string {
	var out []string
	n := 0
	for _, a := range b.Rows {
		if a.Unscored == 0 {
			continue
		}
		if n++; n > limit {
			continue
		}
		out = append(out, a.Name+": "+fmtInt(a.Unscored)+" "+unscoredText(a.UnscoredReason))
	}
	if n > limit {
		out = append(out, fmt.Sprintf("… and %s more assertions with unscored verdicts", fmtInt(n-limit)))
	}
	return out
}

// capitalize upper-cases the first letter of an ASCII sentence.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// rateStyle colours a pass rate: green from 90%, yellow from 50%, red below.
func rateStyle(r float64) string {
	switch {
	case r >= 0.9:
		return ansiGreen
	case r >= 0.5:
		return ansiYellow
	default:
		return ansiRed
	}
}

// termSafe drops control characters, so user data cannot move the cursor
// or change colours on the terminal.
func termSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
