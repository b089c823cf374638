package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
)

// eventLine is one line of `bench --events`, decoded loosely so that a
// missing or misnamed field shows up as a zero value, not as a decode of
// the engine's own types.
type eventLine struct {
	Type     string          `json:"type"`
	RunID    string          `json:"run_id"`
	Time     time.Time       `json:"time"`
	Attempt  int             `json:"attempt"`
	Provider string          `json:"provider"`
	CaseID   string          `json:"case_id"`
	Wait     *string         `json:"wait"`
	WaitMs   *float64        `json:"wait_ms"`
	Error    string          `json:"error"`
	Result   json.RawMessage `json:"result"`
	Status   string          `json:"status"`
	Totals   *bench.Totals   `json:"totals"`
	Total    int             `json:"total"`
	raw      map[string]json.RawMessage
}

// TestEventsListEveryRetryAndEveryResult runs 2,000 cases against a
// simulator that answers some calls with 429 (Retry-After), 503 and cut
// streams, and checks the --events file against the store.
func TestEventsListEveryRetryAndEveryResult(t *testing.T) {
	t.Parallel()
	const n = 2000
	sim, err := simulator.New(simulator.Config{
		Policy: simulator.PolicyEcho, Seed: 8,
		Errors:     simulator.ErrorRates{RateLimit: 0.04, Overload: 0.04, Truncate: 0.04},
		RetryAfter: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	e := newEnv(t, "LOCAL_TEST_KEY=sk-local-test")
	cfg := e.write("events.toml", "[providers.local]\ntype = \"openai\"\nbase_url = \""+url+"\"\napi_key_env = \"LOCAL_TEST_KEY\"\nmax_retries = 12\n")
	cases := filepath.Join(e.dir, "cases.jsonl")
	writeCases(t, cases, n, 100)
	events := filepath.Join(e.dir, "events.jsonl")
	start := time.Now()
	code, stdout, stderr := e.run(context.Background(), "--config", cfg, "bench", "--dataset", cases,
		"--providers", "local:gpt-4o-mini", "--concurrency", "16", "--no-cache", "--events", events)
	t.Logf("bench of %d cases with faults took %s", n, time.Since(start).Round(time.Millisecond))
	if code != 100 {
		t.Fatalf("exit %d, want 100 (1%% of cases fail their check)\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if strings.Contains(stderr, "dropped") {
		t.Errorf("events were dropped:\n%s", stderr)
	}
	stats := sim.Stats()
	if stats.Errors.RateLimit == 0 || stats.Errors.Overload == 0 || stats.Errors.Truncate == 0 {
		t.Fatalf("the simulator injected too few faults to test: %+v", stats.Errors)
	}

	lines := readEvents(t, events)
	runID := lines[0].RunID
	checkEnvelope(t, lines, runID)
	failed := checkAttempts(t, lines)
	// Each injected fault is one failed attempt, and every failed attempt
	// was retried (max_retries is far above what the rates need).
	if faults := int(stats.Errors.RateLimit + stats.Errors.Overload + stats.Errors.Truncate); failed != faults {
		t.Errorf("%d failed attempts in the stream, the simulator injected %d faults", failed, faults)
	}
	records := exported(t, e, runID)
	if len(records) != n {
		t.Fatalf("%d records exported, want %d", len(records), n)
	}
	checkResultEvents(t, lines, records)
	checkTotals(t, e, lines[len(lines)-1], runID, records)
}

// readEvents reads the JSON lines and checks each one is an object.
func readEvents(t *testing.T, path string) []eventLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []eventLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var l eventLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %d is not a JSON event: %v\n%s", len(out)+1, err, sc.Bytes())
		}
		if err := json.Unmarshal(sc.Bytes(), &l.raw); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 2 {
		t.Fatalf("%d events", len(out))
	}
	return out
}

// checkEnvelope checks that every line has type, run_id and time, that one
// run's stream opens with run_started and closes with run_finished, and
// that every type is a documented one.
func checkEnvelope(t *testing.T, lines []eventLine, runID string) {
	t.Helper()
	known := []string{"run_started", "attempt", "result", "batch_saved", "budget_reached", "run_finished"}
	for i, l := range lines {
		for _, k := range []string{"type", "run_id", "time"} {
			if _, ok := l.raw[k]; !ok {
				t.Fatalf("line %d (%s) has no %q", i+1, l.Type, k)
			}
		}
		if !slices.Contains(known, l.Type) {
			t.Errorf("line %d: undocumented type %q", i+1, l.Type)
		}
		if l.RunID != runID || l.Time.IsZero() {
			t.Errorf("line %d (%s): run_id %q time %v; want run %s and a time", i+1, l.Type, l.RunID, l.Time, runID)
		}
	}
	if lines[0].Type != "run_started" || lines[len(lines)-1].Type != "run_finished" {
		t.Errorf("stream runs from %s to %s, want run_started to run_finished", lines[0].Type, lines[len(lines)-1].Type)
	}
	if lines[0].Total != 2000 {
		t.Errorf("run_started plans %d results, want 2000", lines[0].Total)
	}
}

// checkAttempts checks every case's attempts: numbered 1, 2, ... without
// gaps, every retry naming why and how long it waited, and every retry
// after a 429 waiting for Retry-After (at least the 10ms the server asked).
// It returns how many attempts failed; each was retried.
func checkAttempts(t *testing.T, lines []eventLine) int {
	t.Helper()
	byCase := map[string][]eventLine{}
	for _, l := range lines {
		if l.Type != "attempt" {
			continue
		}
		if l.Provider != "local:gpt-4o-mini" || l.CaseID == "" || l.Wait == nil || l.WaitMs == nil {
			t.Fatalf("attempt without provider, case_id, wait or wait_ms: %s", l.raw)
		}
		byCase[l.CaseID] = append(byCase[l.CaseID], l)
	}
	if len(byCase) != 2000 {
		t.Errorf("attempts name %d cases, want 2000", len(byCase))
	}
	reasons := []string{"rate_limit", "retry_after", "backoff", "breaker"}
	failed, afterRateLimit := 0, 0
	for id, as := range byCase {
		slices.SortFunc(as, func(a, b eventLine) int { return a.Attempt - b.Attempt })
		for i, a := range as {
			if a.Attempt != i+1 {
				t.Errorf("case %s: attempts %v, want 1..%d", id, attemptNumbers(as), len(as))
				break
			}
			if *a.WaitMs < 0 {
				t.Errorf("case %s attempt %d: wait_ms %v", id, a.Attempt, *a.WaitMs)
			}
			if a.Attempt == 1 {
				continue
			}
			failed++
			if !slices.Contains(reasons, *a.Wait) {
				t.Errorf("case %s retry %d: wait %q, want one of %v", id, a.Attempt, *a.Wait, reasons)
			}
			prev := as[i-1]
			if prev.Error == "" {
				t.Errorf("case %s: attempt %d follows a successful attempt", id, a.Attempt)
			}
			if prev.Error == "rate_limited" {
				afterRateLimit++
				if *a.Wait != "retry_after" || *a.WaitMs < 10 {
					t.Errorf("case %s: retry after a 429 waited %q %vms, want retry_after of at least 10ms", id, *a.Wait, *a.WaitMs)
				}
			}
		}
		if last := as[len(as)-1]; last.Error != "" {
			t.Errorf("case %s: last attempt failed (%s) with retries to spare", id, last.Error)
		}
	}
	if afterRateLimit == 0 {
		t.Error("no retry after a 429 in the stream")
	}
	return failed
}

func attemptNumbers(as []eventLine) []int {
	out := make([]int, len(as))
	for i, a := range as {
		out[i] = a.Attempt
	}
	return out
}

// exported is `runs export RUN_ID` decoded, keyed by result id.
func exported(t *testing.T, e *env, runID string) map[string]map[string]any {
	t.Helper()
	code, out, stderr := e.run(context.Background(), "runs", "export", runID)
	if code != 0 {
		t.Fatalf("runs export: exit %d\n%s", code, stderr)
	}
	records := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("export line: %v", err)
		}
		id, _ := m["id"].(string)
		if _, dup := records[id]; dup || id == "" {
			t.Fatalf("exported record id %q missing or repeated", id)
		}
		records[id] = m
	}
	return records
}

// checkResultEvents checks there is exactly one result event per stored
// record, carrying that record under "result" with the same keys.
func checkResultEvents(t *testing.T, lines []eventLine, records map[string]map[string]any) {
	t.Helper()
	seen := map[string]bool{}
	keys := map[string]bool{}
	for _, l := range lines {
		if l.Type != "result" {
			continue
		}
		var got map[string]any
		if err := json.Unmarshal(l.Result, &got); err != nil || got == nil {
			t.Fatalf("result event without a record: %s", l.raw)
		}
		id, _ := got["id"].(string)
		want, ok := records[id]
		if !ok {
			t.Errorf("result event for %q, which is not stored", id)
			continue
		}
		if seen[id] {
			t.Errorf("two result events for %s", id)
		}
		seen[id] = true
		k := strings.Join([]string{str(got["case_id"]), str(got["prompt_id"]), str(got["provider"]), str(got["repetition"])}, "/")
		if keys[k] {
			t.Errorf("two result events for key %s", k)
		}
		keys[k] = true
		if !slices.Equal(sortedKeys(got), sortedKeys(want)) {
			t.Errorf("result %s: event record has fields %v, the stored one %v", id, sortedKeys(got), sortedKeys(want))
		}
		for _, f := range []string{"run_id", "case_id", "prompt_id", "provider", "repetition", "status", "passed", "response"} {
			if str(got[f]) != str(want[f]) {
				t.Errorf("result %s: event has %s=%v, the store %v", id, f, got[f], want[f])
			}
		}
	}
	if len(seen) != len(records) {
		t.Errorf("%d result events, %d stored records", len(seen), len(records))
	}
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func str(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// totalsLine is the last line of `runs show`'s table.
var totalsLine = regexp.MustCompile(`Total: ([\d,]+) results, ([\d,]+) passed, ([\d,]+) failed assertions, ([\d,]+) errors, pass rate [\d.]+%(?: \[[\d.]+–[\d.]+\])?, ([\d,]+) tokens, cost \$([\d.]+)`)

// checkTotals checks run_finished against the stored run, against what
// `runs show` prints and against the records themselves.
func checkTotals(t *testing.T, e *env, last eventLine, runID string, records map[string]map[string]any) {
	t.Helper()
	if last.Status != "completed" || last.Totals == nil {
		t.Fatalf("run_finished: status %q totals %v", last.Status, last.Totals)
	}
	got := *last.Totals
	st, err := backend.Open(context.Background(), e.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	run, err := st.GetRun(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Totals != got || string(run.Status) != last.Status {
		t.Errorf("run_finished %s %+v, stored run %s %+v", last.Status, got, run.Status, run.Totals)
	}
	var want bench.Totals
	for _, r := range records {
		want.Results++
		if r["status"] == string(bench.StatusSuccess) {
			want.Succeeded++
		} else {
			want.Errored++
		}
		if r["passed"] == true {
			want.Passed++
		} else {
			want.Failed++
		}
	}
	if got.Results != want.Results || got.Succeeded != want.Succeeded || got.Errored != want.Errored || got.Passed != want.Passed || got.Failed != want.Failed {
		t.Errorf("run_finished totals %+v, the records add up to %+v", got, want)
	}
	code, out, stderr := e.run(context.Background(), "runs", "show", runID)
	if code != 0 {
		t.Fatalf("runs show: exit %d\n%s", code, stderr)
	}
	m := totalsLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no totals line in `runs show`:\n%s", out)
	}
	num := func(s string) int {
		v, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cost, _ := strconv.ParseFloat(m[6], 64)
	// The table rounds the cost to the digits it shows.
	tolerance := 0.5
	if _, frac, ok := strings.Cut(m[6], "."); ok {
		tolerance = 0.5 * math.Pow10(-len(frac))
	}
	shown := []int{num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5])}
	fromEvent := []int{got.Results, got.Passed, got.Failed - got.Errored, got.Errored, got.Tokens}
	if !slices.Equal(shown, fromEvent) || math.Abs(cost-got.CostUSD) > tolerance*1.000001 {
		t.Errorf("`runs show` prints %v $%v; run_finished says %v $%v\n%s", shown, cost, fromEvent, got.CostUSD, out)
	}
	if got.CostUSD <= 0 || got.Tokens <= 0 {
		t.Errorf("run_finished totals without cost or tokens: %+v", got)
	}
}
