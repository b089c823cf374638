package report

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// TestCSVToolCalls: the last column holds the calls as JSON, empty when
// there are none, neutralised like every text cell.
func TestCSVToolCalls(t *testing.T) {
	t.Parallel()
	row := make([]string, len(csvHeader))
	if csvHeader[len(csvHeader)-1] != "tool_calls" {
		t.Fatalf("last column %q", csvHeader[len(csvHeader)-1])
	}
	r := bench.Result{ID: "r", ToolCalls: []bench.ToolCall{{ID: "c1", Name: "add", Arguments: `{"a":1}`}}}
	if err := csvRow(row, &r); err != nil {
		t.Fatal(err)
	}
	if got, want := row[len(row)-1], `[{"id":"c1","name":"add","arguments":"{\"a\":1}"}]`; got != want {
		t.Errorf("tool_calls %q, want %q", got, want)
	}
	r.ToolCalls = nil
	if err := csvRow(row, &r); err != nil || row[len(row)-1] != "" {
		t.Errorf("no calls: %q, %v", row[len(row)-1], err)
	}
}

func TestHTMLShowsToolCalls(t *testing.T) {
	t.Parallel()
	r := bench.Result{Response: "Checking.", ToolCalls: []bench.ToolCall{{Name: "get_weather", Arguments: `{"city":"Rome"}`}}}
	if got, want := htmlFailureOf(&r).Response, xmlText("Checking.\nget_weather({\"city\":\"Rome\"})"); got != want {
		t.Errorf("response cell %q, want %q", got, want)
	}
}
