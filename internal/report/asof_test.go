package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// TestPricingDateShown: the table and the Markdown report say which
// pricing table the costs come from.
func TestPricingDateShown(t *testing.T) {
	t.Parallel()
	s := &Summary{Run: bench.Run{ID: "r"}, PricesAsOf: "2026-08-21"}
	var table bytes.Buffer
	if err := WriteTable(&table, s, false); err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := Render(context.Background(), &md, FormatMarkdown, s.Run, s, Slice(nil)); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"table": table.String(), "markdown": md.String()} {
		if !strings.Contains(out, "as of 2026-08-21") {
			t.Errorf("%s does not name the pricing table's date:\n%s", name, out)
		}
	}
}
