package bench_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestScoreJSON(t *testing.T) {
	t.Parallel()
	consistent := true
	cases := []struct {
		name string
		s    bench.Score
		want string
	}{
		{"scored", bench.Score{Score: 0.5, Pass: true, Reason: "ok"}, `{"score":0.5,"pass":true,"reason":"ok"}`},
		{"zero is a score", bench.Score{Reason: "no"}, `{"score":0,"pass":false,"reason":"no"}`},
		{"unscored is null", bench.Unscored("bad reply", "{oops"), `{"score":null,"pass":false,"reason":"bad reply","unscored":true,"raw":"{oops"}`},
		{"judge info", bench.Score{Score: 1, Pass: true, Judge: &bench.JudgeInfo{Provider: "openai:gpt-4o", Prompt: "llm-rubric/v1", Calls: 2, Cached: 1, Tokens: bench.Usage{Prompt: 10, Total: 12, Completion: 2}, CostUSD: 0.5, PositionConsistent: &consistent}},
			`{"score":1,"pass":true,"reason":"","judge":{"provider":"openai:gpt-4o","prompt":"llm-rubric/v1","calls":2,"cached":1,"tokens":{"prompt":10,"completion":2,"cached":0,"reasoning":0,"total":12},"cost_usd":0.5,"position_consistent":true}}`},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.s)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("%s: marshal = %s\nwant %s", c.name, b, c.want)
		}
		var back bench.Score
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.s, back); diff != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", c.name, diff)
		}
	}
	var s bench.Score
	if err := json.Unmarshal([]byte(`{"pass":false,"reason":"old record without a score"}`), &s); err != nil || !s.Unscored {
		t.Errorf("a record without a score reads as %+v, %v; want unscored", s, err)
	}
}

func TestUnscoredCutsRawOnACharacterBoundary(t *testing.T) {
	t.Parallel()
	raw := strings.Repeat("é", bench.RawLimit) // 2 bytes each
	s := bench.Unscored("why", raw)
	if len(s.Raw) > bench.RawLimit || !utf8.ValidString(s.Raw) || !strings.HasPrefix(raw, s.Raw) || len(s.Raw) < bench.RawLimit-1 {
		t.Errorf("raw cut to %d bytes (valid %v), want at most %d on a boundary", len(s.Raw), utf8.ValidString(s.Raw), bench.RawLimit)
	}
	if got := bench.Truncate("abc", 10); got != "abc" {
		t.Errorf("Truncate of a short string = %q", got)
	}
}

func TestJudgeInfoAdd(t *testing.T) {
	t.Parallel()
	var j bench.JudgeInfo
	j.Add(bench.Usage{Prompt: 5, Completion: 2, Total: 7}, bench.Cost{Total: 0.25}, false)
	j.Add(bench.Usage{Prompt: 5, Completion: 2, Total: 7}, bench.Cost{Unknown: true}, true)
	want := bench.JudgeInfo{Calls: 2, Cached: 1, Tokens: bench.Usage{Prompt: 10, Completion: 4, Total: 14}, CostUSD: 0.25, CostUnknown: true}
	if diff := cmp.Diff(want, j); diff != "" {
		t.Errorf("Add (-want +got):\n%s", diff)
	}
}
