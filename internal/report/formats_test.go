package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// render writes one format of the fixture through Render and returns it.
func render(t *testing.T, format string) string {
	t.Helper()
	return renderResults(t, format, fixtureRun(), fixtureResults())
}

// renderResults writes one format of rs, with their summary, through
// Render.
func renderResults(t *testing.T, format string, run bench.Run, rs []bench.Result) string {
	t.Helper()
	s, err := Summarize(context.Background(), run, Slice(rs))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Render(context.Background(), &buf, format, run, s, Slice(rs)); err != nil {
		t.Fatalf("Render(%s): %v", format, err)
	}
	return buf.String()
}

// fixtureSummary is the summary of the fixture.
func fixtureSummary(t testing.TB) *Summary {
	t.Helper()
	s, err := Summarize(context.Background(), fixtureRun(), Slice(fixtureResults()))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJSONLRoundTrip(t *testing.T) {
	t.Parallel()
	want := fixtureResults()
	sc := bufio.NewScanner(strings.NewReader(render(t, FormatJSONL)))
	sc.Buffer(nil, 1<<20)
	var got []bench.Result
	for sc.Scan() {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var r bench.Result
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %d: %v", len(got)+1, err)
		}
		got = append(got, r)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSONL round trip (-want +got):\n%s", diff)
	}
	// Exactly the SPEC §4.5 fields, in order, on every line.
	fields := regexp.MustCompile(`^\{"id":.*,"run_id":.*,"case_id":.*,"prompt_id":.*,"provider":.*,"model":.*,"repetition":.*,"status":.*,"prompt":.*,"response":.*,"finish_reason":.*,"latency_ms":.*,"ttft_ms":.*,"tokens":\{.*\},"cost":\{.*\},"scores":.*,"score":.*,"passed":.*,"error":.*,"cached":.*,"trace_id":.*,"span_id":.*,"tags":.*,"metadata":.*,"created_at":"[^"]*"\}$`)
	for i, line := range strings.Split(strings.TrimSpace(render(t, FormatJSONL)), "\n") {
		if !fields.MatchString(line) {
			t.Errorf("line %d does not carry exactly the result fields: %s", i+1, line)
		}
	}
}

func TestJSONDocument(t *testing.T) {
	t.Parallel()
	var doc struct {
		Run     bench.Run      `json:"run"`
		Summary Summary        `json:"summary"`
		Results []bench.Result `json:"results"`
	}
	if err := json.Unmarshal([]byte(render(t, FormatJSON)), &doc); err != nil {
		t.Fatalf("JSON report does not parse: %v", err)
	}
	if diff := cmp.Diff(fixtureResults(), doc.Results); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if doc.Run.ID != "run-0001" || doc.Summary.Total != 8 || doc.Summary.Passed != 2 || len(doc.Summary.Providers) != 2 {
		t.Errorf("run/summary = %q total %d passed %d providers %d, want run-0001, 8, 2, 2",
			doc.Run.ID, doc.Summary.Total, doc.Summary.Passed, len(doc.Summary.Providers))
	}
}

func TestCSVParsesAndNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	recs, err := csv.NewReader(strings.NewReader(render(t, FormatCSV))).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if diff := cmp.Diff(csvHeader, recs[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(recs) != len(fixtureResults())+1 {
		t.Fatalf("rows = %d, want %d", len(recs)-1, len(fixtureResults()))
	}
	col := func(name string) int { return indexOf(csvHeader, name) }
	tests := []struct {
		name, column string
		row          int
		want         string
	}{
		{"formula response", "response", 2, "'=HYPERLINK(\"x\")\nBonn"},
		{"at sign in tags JSON stays inside JSON", "tags", 5, `["@risk"]`},
		{"plain response", "response", 1, "Paris"},
		{"error kind", "error_kind", 6, "rate_limited"},
		{"scores JSON", "scores", 1, `{"icontains":{"score":1,"pass":true,"reason":"contains \"paris\""}}`},
		{"number", "latency_ms", 2, "800"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := recs[tt.row][col(tt.column)]; got != tt.want {
				t.Errorf("row %d %s = %q, want %q", tt.row, tt.column, got, tt.want)
			}
		})
	}
}

func TestNeutralise(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"}, {"\rx", "'\rx"}, {"ok", "ok"}, {"", ""}, {"a=b", "a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := neutralise(tt.in); got != tt.want {
				t.Errorf("neutralise(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// junitDoc mirrors the JUnit schema for parsing the output back.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Cases    []struct {
			Name      string  `xml:"name,attr"`
			Classname string  `xml:"classname,attr"`
			Time      float64 `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Type string `xml:"type,attr"`
			} `xml:"error"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitParses(t *testing.T) {
	t.Parallel()
	var doc junitDoc
	if err := xml.Unmarshal([]byte(render(t, FormatJUnit)), &doc); err != nil {
		t.Fatalf("JUnit does not parse: %v", err)
	}
	type counts struct{ Tests, Failures, Errors, Skipped int }
	if diff := cmp.Diff(counts{8, 3, 2, 1}, counts{doc.Tests, doc.Failures, doc.Errors, doc.Skipped}); diff != "" {
		t.Errorf("testsuites counts (-want +got):\n%s", diff)
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "anthropic:claude-haiku-4-5" || doc.Suites[1].Name != "openai:gpt-4o-mini" {
		t.Fatalf("suites = %+v, want one per provider in id order", doc.Suites)
	}
	for _, s := range doc.Suites {
		if len(s.Cases) != s.Tests {
			t.Errorf("suite %s: tests=%d but %d testcases", s.Name, s.Tests, len(s.Cases))
		}
		fails, errs := 0, 0
		for _, c := range s.Cases {
			if c.Classname != s.Name {
				t.Errorf("testcase %q classname = %q, want %q", c.Name, c.Classname, s.Name)
			}
			if c.Failure != nil {
				fails++
			}
			if c.Error != nil {
				errs++
			}
		}
		if fails != s.Failures || errs != s.Errors {
			t.Errorf("suite %s: failures/errors attrs %d/%d, elements %d/%d", s.Name, s.Failures, s.Errors, fails, errs)
		}
	}
	hostileCase := doc.Suites[1].Cases[2]
	if hostileCase.Name != `x<y>&"z" [chat] #0` || hostileCase.Time != 0.09 {
		t.Errorf("hostile testcase = %q time %v", hostileCase.Name, hostileCase.Time)
	}
	if strings.ContainsAny(hostileCase.SystemOut, "\x00\x1b") || !strings.Contains(hostileCase.SystemOut, "<script>") {
		t.Errorf("system-out = %q, want control characters stripped and text kept", hostileCase.SystemOut)
	}
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	t.Parallel()
	page := render(t, FormatHTML)
	// The only URL in the page is the one inside the hostile response.
	withoutUserData := strings.ReplaceAll(page, "https://example.com", "")
	for _, bad := range []string{"http://", "https://", "<script src", "<link", "@import", "url("} {
		if strings.Contains(withoutUserData, bad) {
			t.Errorf("page contains %q: it must need no external resource", bad)
		}
	}
	if strings.Contains(page, `<script>alert("x")</script>`) || strings.Contains(page, "<img src=x") {
		t.Error("hostile response reached the page unescaped")
	}
	if n := strings.Count(page, "<script>"); n != 1 {
		t.Errorf("page has %d <script> elements, want only its own", n)
	}
	for _, want := range []string{
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`,        // escaped response in the failing table
		`<span class="c c-pass" title="openai:gpt-4o-mini: pass`, // matrix cells
		`<span class="c c-partial"`, `<span class="c c-fail"`, `<span class="c c-error"`, `<span class="c c-none"`,
		`x&lt;y&gt;&amp;&#34;z&#34;`,             // hostile case id
		`<svg class="chart"`, `<rect class="s3"`, // latency chart
		`prefers-color-scheme:dark`, `data-status="timeout"`, `id="q"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.ContainsAny(page, "\x00\x1b") {
		t.Error("page contains control characters from user data")
	}
}

func TestHTMLCapsFailures(t *testing.T) {
	t.Parallel()
	rs := make([]bench.Result, maxHTMLFailures+7)
	for i := range rs {
		rs[i] = bench.Result{CaseID: "c", Provider: "p", Status: bench.StatusSuccess, Response: strings.Repeat("y", 2000)}
	}
	page := renderResults(t, FormatHTML, bench.Run{ID: "r"}, rs)
	if n := strings.Count(page, `<tr data-status="failed">`); n != maxHTMLFailures {
		t.Errorf("failing rows = %d, want %d", n, maxHTMLFailures)
	}
	if !strings.Contains(page, "7 more are in the store") {
		t.Error("page does not say how many failing results were left out")
	}
	if strings.Contains(page, strings.Repeat("y", maxHTMLResponse+1)) {
		t.Errorf("response not truncated to %d characters", maxHTMLResponse)
	}
}

func TestMarkdownCapsFailures(t *testing.T) {
	t.Parallel()
	rs := make([]bench.Result, maxMarkdownFailures+3)
	for i := range rs {
		rs[i] = bench.Result{CaseID: "c|x", Provider: "p", Status: bench.StatusError}
	}
	page := renderResults(t, FormatMarkdown, bench.Run{ID: "r"}, rs)
	if n := strings.Count(page, "- **c\\|x \\#0**"); n != maxMarkdownFailures {
		t.Errorf("listed failures = %d, want %d", n, maxMarkdownFailures)
	}
	if !strings.Contains(page, "… and 3 more") {
		t.Error("markdown does not say how many failures were left out")
	}
}

func TestFormatFromPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, want string
		wantErr    bool
	}{
		{"out/run.json", FormatJSON, false},
		{"run.JSONL", FormatJSONL, false},
		{"run.csv", FormatCSV, false},
		{"junit.xml", FormatJUnit, false},
		{"r.html", FormatHTML, false},
		{"r.md", FormatMarkdown, false},
		{"r.htm", "", true},
		{"report", "", true},
		{"r.txt", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			got, err := FormatFromPath(tt.path)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("FormatFromPath(%q) = %q, %v; want %q, error %v", tt.path, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), ".jsonl") {
				t.Errorf("error %q does not name the accepted extensions", err)
			}
		})
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	t.Parallel()
	err := Render(context.Background(), io.Discard, "pdf", bench.Run{}, &Summary{}, Slice(nil))
	if err == nil || !strings.Contains(err.Error(), `"pdf"`) || !strings.Contains(err.Error(), "jsonl") {
		t.Errorf("Render(pdf) = %v, want an error naming the format and the known ones", err)
	}
}

// failingResults yields n results and then an error.
func failingResults(n int, err error) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		for i := range n {
			if !yield(bench.Result{CaseID: "c", Provider: "p", Repetition: i}, nil) {
				return
			}
		}
		yield(bench.Result{}, err)
	}
}

func TestWriteAllIsAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "run.html")
	if err := WriteAll(context.Background(), []string{good}, fixtureRun(), fixtureSummary(t), Slice(fixtureResults())); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(good)
	if err != nil || info.Size() == 0 || info.Mode().Perm() != 0o644 {
		t.Fatalf("report file = %v, %v; want a non-empty 0644 file", info, err)
	}

	storeDown := errors.New("store down")
	paths := []string{filepath.Join(dir, "bad.jsonl"), filepath.Join(dir, "bad.xml"), good}
	err = WriteAll(context.Background(), paths, fixtureRun(), fixtureSummary(t), failingResults(300, storeDown))
	if !errors.Is(err, storeDown) {
		t.Errorf("WriteAll = %v, want the stream's error", err)
	}
	for _, p := range paths {
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("error %v does not name %s", err, p)
		}
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"run.html"}, names); diff != "" {
		t.Errorf("directory after failed writes (-want +got):\n%s", diff)
	}
	if after, _ := os.Stat(good); after.Size() != info.Size() {
		t.Error("a failed write replaced the existing report")
	}
}

func TestRenderHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, f := range []string{FormatJSON, FormatJSONL, FormatCSV, FormatJUnit, FormatHTML, FormatMarkdown} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			err := Render(ctx, io.Discard, f, bench.Run{}, fixtureSummary(t), Slice(fixtureResults()))
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Render(%s) with a cancelled context = %v, want context.Canceled", f, err)
			}
		})
	}
}

func indexOf(xs []string, x string) int {
	for i, s := range xs {
		if s == x {
			return i
		}
	}
	return -1
}

func TestWriteEmptyRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format string
		want   string // a fragment the empty report must contain
	}{
		{FormatJSON, `"results":[]}`},
		{FormatJSONL, ""},
		{FormatCSV, "id,run_id,case_id"},
		{FormatJUnit, `tests="0"`},
		{FormatMarkdown, "No results."},
		{FormatHTML, "None: every result passed."},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			got := renderResults(t, tt.format, bench.Run{ID: "empty"}, nil)
			if !strings.Contains(got, tt.want) {
				t.Errorf("empty %s report lacks %q:\n%s", tt.format, tt.want, got)
			}
			if tt.format == FormatJSONL && got != "" {
				t.Errorf("empty JSONL = %q, want nothing", got)
			}
			if tt.format == FormatJSON && !json.Valid([]byte(got)) {
				t.Errorf("empty JSON report is not valid JSON: %s", got)
			}
		})
	}
}
