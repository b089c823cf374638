package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestWriteJudgedGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format, file string
	}{
		{FormatMarkdown, "judged.md"},
		{FormatCSV, "judged.csv"},
		{FormatJUnit, "judged.xml"},
		{FormatJSONL, "judged.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			golden(t, tt.file, []byte(renderResults(t, tt.format, judgedRun(), judgedResults())))
		})
	}
	t.Run("table", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		if err := WriteTable(&buf, judgedSummary(t), false); err != nil {
			t.Fatal(err)
		}
		golden(t, "judged-table.txt", buf.Bytes())
	})
}

func TestTableListsUnscoredAssertions(t *testing.T) {
	t.Parallel()
	a := NewAggregator(bench.Run{})
	for i := range maxTableUnscored + 2 {
		a.Add(&bench.Result{Provider: "p", Status: bench.StatusSuccess,
			Scores: map[string]bench.Score{fmt.Sprintf("judge-%d", i): bench.Unscored("no verdict\x1b[31m", "")}})
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, a.Summary(), false); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"Unscored: 7 verdicts; 7 results failed for want of one.", "  judge-0: 1 unscored: no verdict[31m\n", "… and 2 more assertions"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "judge-5") || strings.Contains(out, "\x1b") {
		t.Errorf("table lists more than %d assertions or lets an escape code through:\n%s", maxTableUnscored, out)
	}
}

// TestUnscoredStaysNullInRecords: the CSV scores column and every JSONL
// line keep an unscored verdict as "score": null with "unscored": true,
// and the CSV case score of a result none of whose verdicts was scored is
// empty rather than 0.
func TestUnscoredStaysNullInRecords(t *testing.T) {
	t.Parallel()
	const want = `"llm-rubric":{"score":null,"pass":false,"reason":"judge call failed: overloaded","unscored":true`
	recs, err := csv.NewReader(strings.NewReader(renderResults(t, FormatCSV, judgedRun(), judgedResults()))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := recs[5] // jud-005, the anthropic "de" result
	if got := row[indexOf(csvHeader, "scores")]; !strings.Contains(got, want) {
		t.Errorf("CSV scores = %s, want it to contain %s", got, want)
	}
	if got := row[indexOf(csvHeader, "score")]; got != "" {
		t.Errorf("CSV score of a result without a scored verdict = %q, want empty", got)
	}
	if got := recs[2][indexOf(csvHeader, "score")]; got != "1" {
		t.Errorf("CSV score of a result with a scored verdict beside an unscored one = %q, want 1", got)
	}

	lines := strings.Split(strings.TrimSpace(renderResults(t, FormatJSONL, judgedRun(), judgedResults())), "\n")
	if !strings.Contains(lines[4], want) {
		t.Errorf("JSONL line 5 = %s, want it to contain %s", lines[4], want)
	}
	var back bench.Result
	if err := json.Unmarshal([]byte(lines[4]), &back); err != nil {
		t.Fatal(err)
	}
	if s := back.Scores["llm-rubric"]; !s.Unscored || s.Score != 0 || s.Judge == nil || s.Judge.Calls != 1 {
		t.Errorf("JSONL verdict read back = %+v, want unscored with its judge info", s)
	}
}

// TestSummaryJSONNames: the summary's new figures have the JSON names
// the API documents, and a run without judges or unscored verdicts does not
// carry them (the model cost is always there, as the cost is).
func TestSummaryJSONNames(t *testing.T) {
	t.Parallel()
	keys := func(s *Summary) (map[string]any, map[string]any) {
		t.Helper()
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m, m["providers"].([]any)[0].(map[string]any)
	}
	run, prov := keys(judgedSummary(t))
	for _, k := range []string{"unscored", "unscored_results", "judge_calls", "judge_cached", "judge_tokens", "judge_cost_usd", "judge_unpriced", "model_cost_usd", "assertions"} {
		if _, ok := run[k]; !ok {
			t.Errorf("run summary lacks %q", k)
		}
	}
	for _, k := range []string{"unscored", "unscored_results", "judge_calls", "judge_tokens", "judge_cost_usd", "model_cost_usd"} {
		if _, ok := prov[k]; !ok {
			t.Errorf("provider summary lacks %q", k)
		}
	}
	if got := run["assertions"].(map[string]any)["rows"].([]any)[0].(map[string]any)["mean_score"]; got != nil {
		t.Errorf("mean_score of an assertion without a scored verdict = %v, want null", got)
	}
	run, prov = keys(fixtureSummary(t))
	for _, m := range []map[string]any{run, prov} {
		for _, k := range []string{"unscored", "unscored_results", "judge_calls", "judge_cached", "judge_tokens", "judge_cost_usd", "judge_unpriced"} {
			if _, ok := m[k]; ok {
				t.Errorf("summary of a run without judges carries %q", k)
			}
		}
		if _, ok := m["model_cost_usd"]; !ok {
			t.Error("summary lacks model_cost_usd")
		}
	}
}

func TestJUnitUnscoredIsAFailure(t *testing.T) {
	t.Parallel()
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(renderResults(t, FormatJUnit, judgedRun(), judgedResults())), &doc); err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Failure == nil {
				continue
			}
			types[c.Failure.Type]++
			if c.Failure.Type == "unscored" && (!strings.Contains(c.Failure.Message, "llm-rubric: unscored: judge") || !strings.Contains(c.Failure.Text, "unscored")) {
				t.Errorf("%s: unscored failure %+v does not name the assertion and its reason", c.Name, c.Failure)
			}
		}
	}
	if diff := cmp.Diff(map[string]int{"unscored": 2, "assertion": 1}, types); diff != "" {
		t.Errorf("failure types (-want +got):\n%s", diff)
	}
}

func TestMatrixTooltipOfUnscoredCell(t *testing.T) {
	t.Parallel()
	an := judgedSummary(t).Matrix.Rows[1].Cells[0] // anthropic "de": its only verdict is unscored
	if title := cellTitleText(an); !strings.Contains(title, "1 unscored") || strings.Contains(title, ", score ") {
		t.Errorf("tooltip %q must say unscored and show no score", title)
	}
}

func TestHTMLShowsJudgesAndUnscored(t *testing.T) {
	t.Parallel()
	page := renderResults(t, FormatHTML, judgedRun(), judgedResults())
	for _, want := range []string{
		`<h2>Judges</h2>`,
		`Judges: 7 calls (1 from cache), 2,150 tokens, $0.000700 &#43; unknown — models under test: $0.000090 &#43; unknown`,
		`<h2>Assertions</h2>`,
		`<td class="reason">unscored: judge reply has no verdict</td>`,
		`<td class="num">1/2 (50.0%)</td>`,
		`<dt>Unscored</dt><dd>2 verdicts; 1 result failed for want of one</dd>`,
		`<dt>Models under test</dt><dd>$0.000030</dd>`,
		`<td class="num">unscored</td>`, // the failing row whose only verdict is unscored
		`1 unscored — llm-rubric: unscored: judge call failed: overloaded`,
		`Unscored: 3 verdicts; 2 results failed for want of one`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, `<td class="num">0.000</td><td class="num">340`) {
		t.Error("the failing row whose only verdict is unscored shows a score of 0")
	}
	plain := render(t, FormatHTML)
	for _, absent := range []string{`<h2>Judges</h2>`, `<dt>Unscored</dt>`, `<dt>Models under test</dt>`} {
		if strings.Contains(plain, absent) {
			t.Errorf("page of a run without judges shows %q", absent)
		}
	}
}
