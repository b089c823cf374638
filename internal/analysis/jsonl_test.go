package analysis_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

func TestReadResults(t *testing.T) {
	t.Parallel()
	good := `{"case_id":"a","prompt_id":"default","provider":"sim:x","passed":true,"score":1,"scores":{"judge":{"score":null,"pass":false,"reason":"no verdict"}}}`
	tests := []struct {
		name     string
		in       string
		n        int
		badLine  int // 0: no error
		contains string
	}{
		{"records and blank lines", good + "\n\n  \n" + good, 2, 0, ""},
		{"no final newline", good, 1, 0, ""},
		{"empty", "", 0, 0, ""},
		{"not JSON", good + "\n{oops\n" + good + "\n", 1, 2, "not a result record"},
		{"a summary, not results", `{"run":{"id":"x"},"providers":[]}`, 0, 1, "no case_id"},
		{"no provider", `{"case_id":"a"}`, 0, 1, "no provider"},
		{"null", "null\n", 0, 1, "no case_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []bench.Result
			var err error
			for r, e := range analysis.ReadResults(strings.NewReader(tt.in), "f.jsonl") {
				if e != nil {
					err = e
					break
				}
				got = append(got, r)
			}
			if len(got) != tt.n {
				t.Errorf("%d records, want %d", len(got), tt.n)
			}
			var le *analysis.LineError
			if tt.badLine == 0 {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if tt.n > 0 && (!got[0].Scores["judge"].Unscored || !got[0].Passed || got[0].Provider != "sim:x") {
					t.Errorf("record decoded as %+v", got[0])
				}
				return
			}
			if !errors.As(err, &le) || le.Line != tt.badLine || !strings.Contains(err.Error(), tt.contains) ||
				!strings.HasPrefix(err.Error(), "f.jsonl:") || !analysis.IsInputError(err) {
				t.Errorf("err = %v, want f.jsonl:%d ... %s", err, tt.badLine, tt.contains)
			}
		})
	}
}

// FuzzReadResults: any input yields records with a case and a provider, or
// one line error, and never panics; a record written back reads the same.
func FuzzReadResults(f *testing.F) {
	f.Add([]byte(`{"case_id":"a","provider":"p","passed":true}` + "\n"))
	f.Add([]byte(`{"case_id":"a","provider":"p","scores":{"x":{"score":null}}}`))
	f.Add([]byte("\n\n{}\n"))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte("{\"case_id\":\"\xff\",\"provider\":\"p\"}\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		errs := 0
		for r, err := range analysis.ReadResults(bytes.NewReader(in), "f") {
			if err != nil {
				var le *analysis.LineError
				if !errors.As(err, &le) || le.Line < 1 {
					t.Fatalf("error without a line: %v", err)
				}
				errs++
				continue
			}
			if errs > 0 {
				t.Fatal("a record after an error")
			}
			if r.CaseID == "" || r.Provider == "" {
				t.Fatalf("record without case or provider: %+v", r)
			}
			b, err := json.Marshal(r)
			if err != nil {
				continue // a float the encoder refuses cannot come from JSON
			}
			for back, err := range analysis.ReadResults(bytes.NewReader(b), "g") {
				if err != nil || back.CaseID != r.CaseID || back.Provider != r.Provider || back.Passed != r.Passed {
					t.Fatalf("round trip: %+v, %v", back, err)
				}
			}
		}
		if errs > 1 {
			t.Fatalf("%d errors, want at most one", errs)
		}
	})
}
