package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// maxFlakyListed bounds the flaky cases a provider summary lists by id.
const maxFlakyListed = 50

// Flakiness is what a provider's repetitions of its cases say (results
// with repetition > 0, from --repeat k). A case is a (case id, prompt id)
// pair and its repetitions are all of its results.
//
//   - CasesAllPassed is pass^k: the cases whose every repetition passed.
//     A repetition whose call failed (error, timeout, ...) did not pass,
//     as in the pass rate. CasesAllPassedCI is the 95% Wilson interval of
//     its share, CasesAllPassedRate, over Cases.
//   - A case is flaky when its repetitions whose call succeeded disagree:
//     at least one passed and at least one failed its assertions. A failed
//     call is not a verdict on the answer, so a case that passed every time
//     it got an answer is not flaky (it is not all-passed either).
//   - Flaky lists the first 50 flaky cases in (case id, prompt id) order,
//     each with its pass count and the Wilson interval of its pass rate
//     over its repetitions; FlakyCases counts them all.
//
// The counts come from the per-case state the Aggregator keeps for the
// clustered standard error, under the same limit (Aggregator.ScoreCaseLimit):
// a provider that passes it loses its per-case counts, so its summary has
// no Flakiness (the fields are absent from JSON) and ScoreCasesCapped is
// set, with a warning. Once capped, no partial count is reported: a case
// seen before the cap may have had more repetitions after it.
type Flakiness struct {
	// Cases counts the distinct (case, prompt) pairs with a result.
	Cases              int         `json:"cases"`
	CasesAllPassed     int         `json:"cases_all_passed"`
	CasesAllPassedRate float64     `json:"cases_all_passed_rate"`
	CasesAllPassedCI   [2]float64  `json:"cases_all_passed_ci,omitzero"`
	FlakyCases         int         `json:"flaky_cases"`
	Flaky              []FlakyCase `json:"flaky,omitempty"`
}

// FlakyCase is one flaky case's repetitions.
type FlakyCase struct {
	CaseID   string `json:"case_id"`
	PromptID string `json:"prompt_id,omitempty"`
	// Passes is "passed/results", for example "3/5".
	Passes  string `json:"passes"`
	Passed  int    `json:"passed"`
	Results int    `json:"results"`
	// Errored counts the repetitions whose call failed.
	Errored    int        `json:"errored,omitzero"`
	PassRate   float64    `json:"pass_rate"`
	PassRateCI [2]float64 `json:"pass_rate_ci"`
}

// Label names the case for a human: "id", or "id [prompt]" when it has a
// prompt id, as the failing results are named.
func (c FlakyCase) Label() string {
	if c.PromptID == "" {
		return c.CaseID
	}
	return c.CaseID + " [" + c.PromptID + "]"
}

// flakyID is a flaky case's ids, kept to list it.
type flakyID struct{ caseID, promptID string }

func compareFlakyID(a, b flakyID) int {
	return cmp.Or(cmp.Compare(a.caseID, b.caseID), cmp.Compare(a.promptID, b.promptID))
}

// flakyList holds the smallest flaky case ids seen, sorted, at most limit.
// A case is added once, when it turns flaky; a flaky case never turns back,
// so the list is the same whatever order the results arrive in.
type flakyList struct{ ids []flakyID }

// add inserts the case unless the list is full of smaller ids.
func (l *flakyList) add(caseID, promptID string, limit int) {
	id := flakyID{caseID, promptID}
	i, found := slices.BinarySearchFunc(l.ids, id, compareFlakyID)
	if found || i >= limit {
		return
	}
	// Clone: an id may share the memory of a larger buffer it was read from.
	id = flakyID{strings.Clone(caseID), strings.Clone(promptID)}
	if len(l.ids) >= limit {
		l.ids = l.ids[:limit-1]
	}
	l.ids = slices.Insert(l.ids, i, id)
}

// flakiness computes a provider's Flakiness from its per-case counts; nil
// when they were dropped at the cap or there are none.
func (s *scoreStats) flakiness() *Flakiness {
	if s.capped || len(s.cases) == 0 {
		return nil
	}
	f := &Flakiness{Cases: len(s.cases)}
	for _, c := range s.cases {
		if c.passed == c.results {
			f.CasesAllPassed++
		}
		if c.flaky() {
			f.FlakyCases++
		}
	}
	f.CasesAllPassedRate = ratio(f.CasesAllPassed, f.Cases)
	f.CasesAllPassedCI = wilson(f.CasesAllPassed, f.Cases)
	for _, id := range s.flaky.ids {
		c := s.cases[caseKey(id.caseID, id.promptID)]
		passed, results := int(c.passed), int(c.results)
		f.Flaky = append(f.Flaky, FlakyCase{
			CaseID: id.caseID, PromptID: id.promptID,
			Passes: fmt.Sprintf("%d/%d", passed, results), Passed: passed, Results: results,
			Errored:  results - int(c.succeeded),
			PassRate: ratio(passed, results), PassRateCI: wilson(passed, results),
		})
	}
	return f
}

// maxTableFlaky caps the flaky cases named in the terminal table's line.
const maxTableFlaky = 5

// flakyLine is a provider's flaky cases in one sentence, "" when it has
// none (or no repeats, or was capped): "Flaky: 1 of 3 cases of p (c [t]
// 2/3); every repetition passed in 1 of 3 cases (33.3% [6.1–79.2])." It
// names at most limit flaky cases, then how many more there are.
func flakyLine(p ProviderSummary, limit int) string {
	f := p.Flakiness
	if f == nil || f.FlakyCases == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Flaky: %s of %s of %s (", fmtInt(f.FlakyCases), plural(f.Cases, "case", "cases"), p.Provider)
	shown := f.Flaky[:min(limit, len(f.Flaky))]
	for i, c := range shown {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Label() + " " + c.Passes)
	}
	if more := f.FlakyCases - len(shown); more > 0 {
		fmt.Fprintf(&b, ", … %s more", fmtInt(more))
	}
	b.WriteString(")")
	fmt.Fprintf(&b, "; every repetition passed in %s of %s (%s).", fmtInt(f.CasesAllPassed), plural(f.Cases, "case", "cases"),
		fmtPctCI(f.CasesAllPassedRate, f.CasesAllPassedCI))
	return b.String()
}

// writeMarkdownFlakiness writes, when any provider repeated cases, each
// one's pass^k and flaky count, then the flaky cases listed.
func writeMarkdownFlakiness(w io.Writer, s *Summary) {
	repeated := false
	for _, p := range s.Providers {
		repeated = repeated || p.Flakiness != nil
	}
	if !repeated {
		return
	}
	fmt.Fprint(w, "\n## Repeated cases\n\n")
	fmt.Fprint(w, "| Provider | Cases | Every repetition passed [95% CI] | Flaky |\n")
	fmt.Fprint(w, "|---|--:|--:|--:|\n")
	for _, p := range s.Providers {
		if f := p.Flakiness; f != nil {
			fmt.Fprintf(w, "| %s | %s | %s (%s) | %s |\n", md(p.Provider), fmtInt(f.Cases), fmtInt(f.CasesAllPassed),
				fmtPctCI(f.CasesAllPassedRate, f.CasesAllPassedCI), fmtInt(f.FlakyCases))
		}
	}
	fmt.Fprint(w, "\nA case is flaky when its repetitions that got an answer disagree: some passed, some failed.\n")
	for _, p := range s.Providers {
		f := p.Flakiness
		if f == nil || f.FlakyCases == 0 {
			continue
		}
		fmt.Fprintf(w, "\n**Flaky cases of %s** (%s):\n\n", md(p.Provider), fmtInt(f.FlakyCases))
		for _, c := range f.Flaky {
			fmt.Fprintf(w, "- %s — %s passed (%s)%s\n", md(c.Label()), c.Passes, fmtPctCI(c.PassRate, c.PassRateCI), erroredNote(c.Errored))
		}
		if more := f.FlakyCases - len(f.Flaky); more > 0 {
			fmt.Fprintf(w, "- … and %s more\n", fmtInt(more))
		}
	}
}

// erroredNote is ", 1 call failed" or "" when every call succeeded.
func erroredNote(n int) string {
	if n == 0 {
		return ""
	}
	return ", " + plural(n, "call", "calls") + " failed"
}

// htmlFlaky is one row of the HTML report's flaky cases, pre-formatted.
// More, on a provider's last row, says how many of its flaky cases are not
// listed.
type htmlFlaky struct {
	Provider, Case, Passes, PassRate string
	Errored                          int
	More                             string
}

// htmlFlakyOf formats a provider's listed flaky cases.
func htmlFlakyOf(p ProviderSummary) []htmlFlaky {
	f := p.Flakiness
	if f == nil {
		return nil
	}
	out := make([]htmlFlaky, 0, len(f.Flaky))
	for _, c := range f.Flaky {
		out = append(out, htmlFlaky{Provider: p.Provider, Case: c.Label(), Passes: c.Passes,
			PassRate: fmtPctCI(c.PassRate, c.PassRateCI), Errored: c.Errored})
	}
	if more := f.FlakyCases - len(f.Flaky); more > 0 && len(out) > 0 {
		out[len(out)-1].More = fmt.Sprintf("%s: %s more flaky cases are not listed (the first %d by id are).",
			p.Provider, fmtInt(more), len(f.Flaky))
	}
	return out
}

// repeatsText is a provider card's line on its repeated cases, "" when it
// has none: "every repetition passed in 1 of 3 (33.3% [6.1–79.2]); 1 flaky".
func repeatsText(f *Flakiness) string {
	if f == nil {
		return ""
	}
	return fmt.Sprintf("every repetition passed in %s of %s (%s); %s flaky", fmtInt(f.CasesAllPassed),
		plural(f.Cases, "case", "cases"), fmtPctCI(f.CasesAllPassedRate, f.CasesAllPassedCI), fmtInt(f.FlakyCases))
}
