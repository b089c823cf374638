package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

var cmpOpts = analysis.MatrixOptions{Metric: analysis.MetricPassed, Correction: analysis.CorrectionHolm, Alpha: 0.05}

// cmpRun is a stored run of providers on cases: passes(provider, case)
// decides each verdict; latency and cost grow with the provider's index.
func cmpRun(seq int64, name string, providers []string, cases int, passes func(p, c int) bool) ComparisonRun {
	run := bench.Run{ID: fmt.Sprintf("run-%d", seq), Seq: seq, Name: name, Status: bench.RunCompleted,
		CreatedAt: time.Date(2026, 12, 1, 0, 0, int(seq), 0, time.UTC),
		Config:    map[string]any{"bench": map[string]any{"datasets": []any{"builtin:reasoning"}}}}
	results := func(yield func(bench.Result, error) bool) {
		for c := range cases {
			for p, prov := range providers {
				pass := passes(p, c)
				r := bench.Result{RunID: run.ID, CaseID: fmt.Sprint("case-", c), PromptID: "default", Provider: prov, Model: "m" + prov,
					Status: bench.StatusSuccess, Passed: pass, LatencyMs: 100 * float64(p+1), Tokens: bench.Usage{Total: 10},
					Cost: bench.Cost{Total: 0.001 * float64(p+1), Currency: "USD"}}
				if pass {
					r.Score = 1
				}
				if !yield(r, nil) {
					return
				}
			}
		}
	}
	return ComparisonRun{Run: run, Results: results}
}

// strongWeak: provider 0 passes every case, provider 1 a third of them.
func strongWeak(p, c int) bool { return p == 0 || c%3 == 0 }

func TestBuildComparison(t *testing.T) {
	t.Parallel()
	provs := []string{"sim:strong", "sim:weak"}
	// Given newest first: the report orders runs by creation.
	runs := []ComparisonRun{cmpRun(3, "nightly", provs, 30, strongWeak), cmpRun(1, "nightly", provs, 30, strongWeak), cmpRun(2, "nightly", provs[:1], 30, strongWeak)}
	c, err := BuildComparison(context.Background(), runs, cmpOpts)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, col := range c.Matrix.Columns {
		labels = append(labels, col.Label)
	}
	want := []string{"sim:strong (#1)", "sim:weak (#1)", "sim:strong (#2)", "sim:strong (#3)", "sim:weak (#3)"}
	if d := cmp.Diff(want, labels); d != "" {
		t.Errorf("columns (-want +got):\n%s", d)
	}
	// Identical strong columns tie: no column beats every other.
	if c.Matrix.Winner != -1 {
		t.Errorf("winner %d among tied columns", c.Matrix.Winner)
	}
	// Strong is cheaper and faster in this fixture and better: all three
	// strong columns are on the frontier, no weak one.
	if d := cmp.Diff([]int{0, 2, 3}, c.Frontier); d != "" {
		t.Errorf("frontier (-want +got):\n%s", d)
	}
	col := c.Columns[1]
	if col.Provider != "sim:weak" || col.Results != 30 || col.Latency.P50 < 199 || col.Latency.P50 > 201 ||
		math.Abs(col.CostPerResult()-0.002) > 1e-12 || col.Model != "msim:weak" {
		t.Errorf("column 2: %+v", col)
	}
	trends := map[string][]int{}
	for _, tr := range c.Trends {
		trends[tr.Provider] = tr.Points
	}
	if d := cmp.Diff(map[string][]int{"sim:strong": {0, 2, 3}, "sim:weak": {1, 4}}, trends); d != "" {
		t.Errorf("trends (-want +got):\n%s", d)
	}
}

// The winner is named only where it is significant.
func TestComparisonWinnerOnlyWhenSignificant(t *testing.T) {
	t.Parallel()
	provs := []string{"sim:strong", "sim:weak"}
	tests := []struct {
		name   string
		cases  int
		passes func(p, c int) bool
		winner int
	}{
		{"clear difference", 30, strongWeak, 0},
		{"too few cases to tell", 4, func(p, c int) bool { return p == 0 || c%2 == 0 }, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := BuildComparison(context.Background(), []ComparisonRun{cmpRun(1, "r", provs, tt.cases, tt.passes)}, cmpOpts)
			if err != nil {
				t.Fatal(err)
			}
			if c.Matrix.Winner != tt.winner || len(c.Trends) != 0 {
				t.Fatalf("winner %d (want %d), %d trends", c.Matrix.Winner, tt.winner, len(c.Trends))
			}
			var html, mdOut bytes.Buffer
			if err := WriteComparison(&html, ComparisonHTML, c); err != nil {
				t.Fatal(err)
			}
			if err := WriteComparison(&mdOut, ComparisonMarkdown, c); err != nil {
				t.Fatal(err)
			}
			named := tt.winner >= 0
			if strings.Contains(html.String(), ">winner<") != named || strings.Contains(mdOut.String(), "(winner)") != named {
				t.Errorf("winner shown = %v, want %v", !named, named)
			}
		})
	}
}

func TestBuildComparisonErrors(t *testing.T) {
	t.Parallel()
	empty := ComparisonRun{Run: bench.Run{ID: "empty", Seq: 4}, Results: func(func(bench.Result, error) bool) {}}
	broken := ComparisonRun{Run: bench.Run{ID: "broken", Seq: 5}, Results: func(yield func(bench.Result, error) bool) {
		yield(bench.Result{}, errors.New("disk gone"))
	}}
	one := cmpRun(1, "r", []string{"sim:a"}, 5, strongWeak)
	tests := []struct {
		name  string
		runs  []ComparisonRun
		input bool
		want  string
	}{
		{"run without results", []ComparisonRun{one, empty}, true, "run #4 empty holds no results"},
		{"one column", []ComparisonRun{one}, true, "a comparison needs at least 2"},
		{"read error", []ComparisonRun{one, broken}, false, "disk gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := BuildComparison(context.Background(), tt.runs, cmpOpts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || analysis.IsInputError(err) != tt.input {
				t.Errorf("err = %v, want %q (input error %v)", err, tt.want, tt.input)
			}
		})
	}
}

// Names come from users: a run name, provider and model that attack HTML
// and Markdown are escaped in both.
func TestComparisonEscapesHostileNames(t *testing.T) {
	t.Parallel()
	evil := "evil|<img src=x onerror=alert(1)>\n| injected | row |"
	a, b := cmpRun(1, "<script>alert(1)</script>", []string{"sim:a", evil}, 30, strongWeak), cmpRun(2, "x|y\nz", []string{"sim:a", evil}, 30, strongWeak)
	a.Run.Config["bench"].(map[string]any)["datasets"] = []any{"<b>suite</b>.yaml"}
	c, err := BuildComparison(context.Background(), []ComparisonRun{a, b}, cmpOpts)
	if err != nil {
		t.Fatal(err)
	}
	var html, mdOut bytes.Buffer
	if err := WriteComparison(&html, ComparisonHTML, c); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>alert", "<img", "<b>suite"} {
		if strings.Contains(html.String(), bad) {
			t.Errorf("HTML holds %q unescaped", bad)
		}
	}
	if !strings.Contains(html.String(), "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(html.String(), "evil|&lt;img") {
		t.Error("HTML lost the hostile names instead of escaping them")
	}
	if err := WriteComparison(&mdOut, ComparisonMarkdown, c); err != nil {
		t.Fatal(err)
	}
	rawTag := regexp.MustCompile(`(^|[^\\])<`)
	for _, line := range strings.Split(mdOut.String(), "\n") {
		if strings.Contains(line, "injected") && !strings.HasPrefix(line, "|") {
			t.Errorf("a name's newline broke a table row: %q", line)
		}
		if rawTag.MatchString(line) {
			t.Errorf("Markdown holds raw HTML: %q", line)
		}
	}
	checkRectangular(t, mdOut.String())
	if !strings.Contains(mdOut.String(), `evil\|\<img`) {
		t.Errorf("Markdown does not escape the pipe and angle bracket:\n%s", mdOut.String())
	}
}

// Every Markdown table row has as many cells as its header.
func TestComparisonMarkdownTablesAreRectangular(t *testing.T) {
	t.Parallel()
	provs := []string{"sim:strong", "a|b"}
	c, err := BuildComparison(context.Background(), []ComparisonRun{cmpRun(1, "n|1", provs, 12, strongWeak), cmpRun(2, "n\n2", provs, 12, strongWeak)}, cmpOpts)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteComparison(&out, ComparisonMarkdown, c); err != nil {
		t.Fatal(err)
	}
	checkRectangular(t, out.String())
}

// checkRectangular fails when a Markdown table row has another number of
// cells than its header: an unescaped pipe or newline in a cell.
func checkRectangular(t *testing.T, markdown string) {
	t.Helper()
	pipe := regexp.MustCompile(`(^|[^\\])\|`)
	width := -1
	for _, line := range strings.Split(markdown, "\n") {
		if !strings.HasPrefix(line, "|") {
			width = -1
			continue
		}
		n := len(pipe.FindAllString(line, -1))
		if width == -1 {
			width = n
		} else if n != width {
			t.Errorf("row with %d pipes in a table of %d: %q", n, width, line)
		}
	}
}

func TestComparisonFormat(t *testing.T) {
	t.Parallel()
	tests := []struct{ path, want string }{
		{"r.html", ComparisonHTML}, {"R.HTM", ComparisonHTML}, {"x/r.md", ComparisonMarkdown}, {"r.markdown", ComparisonMarkdown},
		{"r.json", ""}, {"r", ""}, {"r.md.txt", ""},
	}
	for _, tt := range tests {
		got, err := ComparisonFormat(tt.path)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("ComparisonFormat(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
	if err := WriteComparison(&bytes.Buffer{}, "pdf", &Comparison{Matrix: &analysis.Matrix{}}); err == nil {
		t.Error("format pdf accepted")
	}
}

func TestNiceTicks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lo, hi float64
		want   []float64
	}{
		{0, 1, []float64{0, 0.25, 0.5, 0.75, 1}},
		{0, 330, []float64{0, 100, 200, 300}},
		{-0.2, 1, []float64{0, 0.5, 1}},
		{2, 2, []float64{2}},
	}
	for _, tt := range tests {
		got := niceTicks(tt.lo, tt.hi, cmpTickCount)
		if tt.lo == -0.2 {
			got = got[len(got)-3:]
		}
		if d := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })); d != "" {
			t.Errorf("niceTicks(%v, %v) (-want +got):\n%s", tt.lo, tt.hi, d)
		}
	}
}

// seqOf is a results iterator over rs.
func seqOf(rs []bench.Result) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// An unknown cost keeps a column off the frontier and out of the scatter.
func TestComparisonUnpricedColumn(t *testing.T) {
	t.Parallel()
	r := cmpRun(1, "r", []string{"sim:a", "sim:b"}, 10, strongWeak)
	var rs []bench.Result
	for res := range r.Results {
		if res.Provider == "sim:b" {
			res.Cost = bench.Cost{Unknown: true}
		}
		rs = append(rs, res)
	}
	r.Results = seqOf(rs)
	c, err := BuildComparison(context.Background(), []ComparisonRun{r}, cmpOpts)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{0}, c.Frontier); d != "" || !math.IsNaN(c.Columns[1].CostPerResult()) {
		t.Errorf("frontier (-want +got):\n%s", d)
	}
	if s := newScatter(c); s == nil || len(s.Points) != 1 {
		t.Errorf("scatter %+v, want one point", s)
	}
}
