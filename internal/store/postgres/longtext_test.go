package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
)

// A response far past what one tsvector holds (1 MB) is stored, and found
// by a word of its opening: the text index covers the start of each text,
// so an index expression never fails the insert and loses the batch.
func TestLongTextsAreStoredAndSearchable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, storetest.PostgresURL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	run := &bench.Run{ID: "long-run", Status: bench.RunRunning, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	if err := s.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("zanzibar opens the answer. ")
	for i := 0; b.Len() < 3<<20; i++ {
		fmt.Fprintf(&b, "w%dx ", i) // distinct words: the largest tsvector per byte
	}
	r := bench.Result{ID: "long-1", RunID: run.ID, CaseID: "c", PromptID: "default", Provider: "p:m", Model: "m",
		Status: bench.StatusSuccess, Prompt: "tell me", Response: b.String(), CreatedAt: store.Now()}
	if err := s.WriteResults(ctx, []bench.Result{r}); err != nil {
		t.Fatalf("write a %d-byte response: %v", len(r.Response), err)
	}
	items, _, err := s.QueryResults(ctx, store.ResultQuery{RunID: run.ID, Text: "zanzibar"})
	if err != nil || len(items) != 1 || len(items[0].Response) != len(r.Response) {
		t.Fatalf("search the long response: %d items, %v", len(items), err)
	}
}
