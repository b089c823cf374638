package simulator

import (
	"regexp"
	"strconv"
	"testing"
)

func TestPolicies(t *testing.T) {
	t.Parallel()
	script := []Rule{
		{Match: regexp.MustCompile(`(?i)capital of (\w+)`), Answer: "I do not know the capital of $1."},
		{Match: regexp.MustCompile(`(?i)hello`), Answer: "Hi there!"},
	}
	tests := []struct {
		name     string
		cfg      Config
		messages string // JSON array
		want     string
	}{
		{"echo last user", Config{Policy: PolicyEcho},
			`[{"role":"user","content":"first"},{"role":"assistant","content":"ok"},{"role":"user","content":"second"}]`, "second"},
		{"echo default policy", Config{}, `[{"role":"user","content":"plain"}]`, "plain"},
		{"echo without user", Config{}, `[{"role":"system","content":"only system"}]`, "only system"},
		{"expected hit", Config{Policy: PolicyExpected, Answers: map[string]string{"What is 2+2?": "4"}},
			`[{"role":"system","content":"be brief"},{"role":"user","content":"  What is 2+2?\n"}]`, "4"},
		{"expected miss echoes", Config{Policy: PolicyExpected, Answers: map[string]string{"x": "y"}},
			`[{"role":"user","content":"unknown"}]`, "unknown"},
		{"scripted first match", Config{Policy: PolicyScripted, Script: script},
			`[{"role":"user","content":"Hello, what is the capital of France?"}]`, "I do not know the capital of France."},
		{"scripted second rule", Config{Policy: PolicyScripted, Script: script},
			`[{"role":"user","content":"hello"}]`, "Hi there!"},
		{"scripted default", Config{Policy: PolicyScripted, Script: script},
			`[{"role":"user","content":"nothing matches"}]`, DefaultAnswer},
		{"scripted custom default", Config{Policy: PolicyScripted, DefaultAnswer: "fallback"},
			`[{"role":"user","content":"x"}]`, "fallback"},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(tt.name+"/stream="+strconv.FormatBool(stream), func(t *testing.T) {
				t.Parallel()
				cfg := tt.cfg // the stream subtests of one row run in parallel
				cfg.Seed = 11
				ts := startServer(t, cfg)
				body := `{"model":"m","messages":` + tt.messages + `,"stream":` + strconv.FormatBool(stream) +
					`,"stream_options":{"include_usage":true}}`
				if !stream {
					body = `{"model":"m","messages":` + tt.messages + `}`
				}
				resp, b := ts.post(t, "/chat/completions", body)
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, b)
				}
				text, finish, usage := decodeAnswer(t, b, stream)
				if text != tt.want || finish != "stop" {
					t.Errorf("answer %q (%s), want %q (stop)", text, finish, tt.want)
				}
				if usage.CompletionTokens != countTokens(tt.want) || usage.TotalTokens != usage.PromptTokens+usage.CompletionTokens {
					t.Errorf("usage %+v for %q", usage, tt.want)
				}
			})
		}
	}
}
