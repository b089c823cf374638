package cli_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// A rule whose condition does not parse stops every command (exit 3),
// naming the rule and the column of the error.
func TestBadAlertRuleStopsCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.write(config.ProjectFile, `[monitoring]
alert_rules = [{ name = "slow", condition = "p95_latency_ms > 5000 ovr 5m", severity = "warning" }]
`)
	for _, args := range [][]string{
		{"config", "validate"},
		{"alerts", "list"},
		{"bench", "--dataset", "builtin:reasoning", "--providers", "simulator:sim-large"},
	} {
		code, _, stderr := e.run(t.Context(), args...)
		want := `monitoring.alert_rules[0].condition = "p95_latency_ms > 5000 ovr 5m": alert rule "slow": column 23: unexpected "ovr"`
		if code != 3 || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, want 3 and %q:\n%s", strings.Join(args, " "), code, want, stderr)
		}
	}
}

// bench evaluates the rules over its own run: a rule that holds fires (on
// standard error, to the webhook, in the store) and is resolved when the
// run ends; `alerts list` shows it.
func TestBenchRaisesAlerts(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []map[string]any
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("webhook body %s: %v", b, err)
		}
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	e := newEnv(t)
	e.write(config.ProjectFile, `[monitoring]
alert_rules = [
    { name = "traffic", condition = "requests_per_minute > 0", severity = "info" },
    { name = "glacial", condition = "p95_latency_ms > 3600000", severity = "critical" },
]

[[monitoring.notifiers]]
type = "webhook"
url = "`+hook.URL+`/hook"
`)
	code, _, stderr := e.run(t.Context(), "bench", "--dataset", "builtin:reasoning", "--providers", "simulator:sim-large", "--no-cache")
	if code != 0 {
		t.Fatalf("bench: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "alert firing: traffic (info): requests_per_minute = ") ||
		!strings.Contains(stderr, "alert resolved: traffic (info): the evaluator stopped") || strings.Contains(stderr, "glacial") {
		t.Errorf("stderr:\n%s", stderr)
	}
	mu.Lock()
	if len(got) != 2 || got[0]["status"] != "firing" || got[1]["status"] != "resolved" {
		t.Errorf("the webhook got %v, want firing then resolved", got)
	}
	mu.Unlock()

	code, out, stderr := e.run(t.Context(), "alerts", "list", "--json")
	if code != 0 {
		t.Fatalf("alerts list: exit %d\n%s", code, stderr)
	}
	var page struct {
		Items      []store.Alert `json:"items"`
		NextCursor *string       `json:"next_cursor"`
	}
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("alerts list --json: %v\n%s", err, out)
	}
	if len(page.Items) != 1 || page.NextCursor != nil {
		t.Fatalf("alerts: %+v", page)
	}
	a := page.Items[0]
	if a.Rule != "traffic" || a.RunID == "" || a.ResolvedAt == nil || a.Value <= 0 {
		t.Errorf("stored alert %+v", a)
	}
	code, out, _ = e.run(t.Context(), "alerts", "list", "--state", "resolved")
	if code != 0 || !strings.Contains(out, "RULE") || !strings.Contains(out, a.ID) || !strings.Contains(out, "traffic") {
		t.Errorf("alerts list: exit %d\n%s", code, out)
	}
	if code, out, _ := e.run(t.Context(), "alerts", "list", "--state", "firing"); code != 0 || strings.Contains(out, a.ID) {
		t.Errorf("alerts list --state firing: exit %d\n%s", code, out)
	}
	if code, _, stderr := e.run(t.Context(), "alerts", "list", "--state", "asleep"); code != 3 {
		t.Errorf("alerts list --state asleep: exit %d\n%s", code, stderr)
	}
}
