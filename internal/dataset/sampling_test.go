package dataset

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// loadAndValidate loads file from dir and validates it, returning the first
// error of either step.
func loadAndValidate(t *testing.T, dir, file string) error {
	t.Helper()
	s, err := Load(filepath.Join(dir, file))
	if err != nil {
		return err
	}
	return s.Validate(t.Context())
}

// TestConfigCheckedAtLoad checks that a sampling setting of the wrong type,
// in a case's config, the defaults or a suite provider's, is an error that
// names the file, the line and the key, in every source format.
func TestConfigCheckedAtLoad(t *testing.T) {
	t.Parallel()
	const csvRows = "id,prompt\na,hi\n"
	tests := []struct {
		name  string
		files map[string]string
		entry string
		want  []string // substrings of the error; nil means no error
	}{
		{"yaml case temperature", map[string]string{"s.yaml": "test_cases:\n  - id: a\n    prompt: hi\n    config:\n      seed: 3\n      temperature: hot\n"},
			"s.yaml", []string{"s.yaml:6: ", `case "a"`, "config temperature: want a number, got hot"}},
		{"yaml case max_tokens flow", map[string]string{"s.yaml": "test_cases:\n  - {id: a, prompt: hi}\n  - {id: b, prompt: hi, config: {max_tokens: many}}\n"},
			"s.yaml", []string{"s.yaml:3: ", `case "b"`, "config max_tokens: want a whole number, got many"}},
		{"yaml case max_tokens fraction", map[string]string{"s.yaml": "test_cases:\n  - {id: a, prompt: hi, config: {max_tokens: 1.5}}\n"},
			"s.yaml", []string{"s.yaml:2: ", "config max_tokens: want a whole number, got 1.5"}},
		{"yaml defaults config", map[string]string{"s.yaml": "defaults:\n  config:\n    top_p: high\ntest_cases:\n  - {id: a, prompt: hi}\n"},
			"s.yaml", []string{"s.yaml:3: ", "defaults: config top_p: want a number, got high"}},
		{"yaml defaults direct key", map[string]string{"s.yaml": "defaults:\n  temperature: 0\n  max_tokens: many\ntest_cases:\n  - {id: a, prompt: hi}\n"},
			"s.yaml", []string{"s.yaml:3: ", "defaults: config max_tokens: want a whole number, got many"}},
		{"yaml provider config", map[string]string{"s.yaml": "providers:\n  - id: openai:m\n    config: {logprobs: yes please}\ntest_cases:\n  - {id: a, prompt: hi}\n"},
			"s.yaml", []string{"s.yaml:3: ", "providers[0]: config logprobs: want true or false"}},
		{"json case", map[string]string{"s.json": "{\"test_cases\": [\n  {\"id\": \"a\", \"prompt\": \"hi\",\n   \"config\": {\n     \"temperature\": \"hot\"}}\n]}\n"},
			"s.json", []string{"s.json:4: ", `case "a"`, "config temperature: want a number, got hot"}},
		{"json defaults", map[string]string{"s.json": "{\"defaults\": {\"config\": {\n  \"stop\": [1, 2]}},\n \"test_cases\": [{\"id\": \"a\", \"prompt\": \"hi\"}]}\n"},
			"s.json", []string{"s.json:2: ", "defaults: config stop: want strings, got 1"}},
		{"jsonl case", map[string]string{"c.jsonl": "{\"id\": \"a\", \"prompt\": \"hi\"}\n\n{\"id\": \"b\", \"prompt\": \"hi\", \"config\": {\"max_tokens\": \"many\"}}\n"},
			"c.jsonl", []string{"c.jsonl:3: ", `case "b"`, "config max_tokens: want a whole number, got many"}},
		{"jsonl suite reference", map[string]string{"s.yaml": "test_cases: file://c.jsonl\n", "c.jsonl": "{\"id\": \"a\", \"prompt\": \"hi\", \"config\": {\"seed\": \"lucky\"}}\n"},
			"s.yaml", []string{"c.jsonl:1: ", `case "a"`, "config seed: want a whole number, got lucky"}},
		// A CSV row has no config column (its other columns are variables):
		// its cases take their config from the suite's defaults.
		{"csv cases under bad defaults", map[string]string{"s.yaml": "defaults:\n  temperature: hot\ntest_cases: file://c.csv\n", "c.csv": csvRows},
			"s.yaml", []string{"s.yaml:2: ", "defaults: config temperature: want a number, got hot"}},
		{"csv cases under good defaults", map[string]string{"s.yaml": "defaults:\n  temperature: 0.5\ntest_cases: file://c.csv\n", "c.csv": csvRows},
			"s.yaml", nil},
		{"every setting well typed, with a vendor extra", map[string]string{"s.yaml": "defaults:\n  config: {reasoning_effort: low, top_k: 5}\ntest_cases:\n  - id: a\n    prompt: hi\n    config: {temperature: 0, top_p: 0.9, max_tokens: 64, seed: 7, stop: [END, \"\\n\"], logprobs: true, num_ctx: 4096}\n"},
			"s.yaml", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := loadAndValidate(t, writeFiles(t, tt.files), tt.entry)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			mustContain(t, err.Error(), tt.want...)
		})
	}
}

// TestCaseSamplingReachesRequest follows top_p, seed, stop and logprobs
// from a suite (provider config, defaults, case config) to the request a
// provider receives, as the runner builds it: the target's sampling from
// the provider's config, overlaid with each case's config (defaults
// applied) through provider.ParseSampling and provider.MergeSampling.
func TestCaseSamplingReachesRequest(t *testing.T) {
	t.Parallel()
	const yamlSuite = `providers:
  - id: openai:m
    config: {temperature: 0.7, top_p: 1, seed: 1}
defaults:
  top_p: 0.5
  stop: [STOP]
test_cases:
  - id: own
    prompt: hi
    config: {top_p: 0.25, seed: 42, stop: ["END", "\n\n"], logprobs: true, max_tokens: 16}
  - id: defaults-only
    prompt: hi
`
	const jsonlCases = `{"id": "own", "prompt": "hi", "config": {"top_p": 0.25, "seed": 42, "stop": ["END", "\n\n"], "logprobs": true, "max_tokens": 16}}
{"id": "defaults-only", "prompt": "hi"}
`
	want := map[string]provider.Sampling{
		"own": {Temperature: ptr(0.7), TopP: ptr(0.25), Seed: ptr(42), Stop: []string{"END", "\n\n"}, Logprobs: true, MaxTokens: ptr(16)},
		// The defaults' stop reaches the request; their top_p wins over
		// the provider's; the provider's seed stays; logprobs stays off.
		"defaults-only": {Temperature: ptr(0.7), TopP: ptr(0.5), Seed: ptr(1), Stop: []string{"STOP"}},
	}
	tests := []struct {
		name  string
		files map[string]string
	}{
		{"yaml inline", map[string]string{"s.yaml": yamlSuite}},
		{"jsonl referenced", map[string]string{
			"s.yaml":  "providers:\n  - id: openai:m\n    config: {temperature: 0.7, top_p: 1, seed: 1}\ndefaults:\n  top_p: 0.5\n  stop: [STOP]\ntest_cases: file://c.jsonl\n",
			"c.jsonl": jsonlCases,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, tt.files)
			s, err := Load(filepath.Join(dir, "s.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(t.Context()); err != nil {
				t.Fatal(err)
			}
			target, _, err := provider.ParseSampling(s.Providers[0].Config)
			if err != nil {
				t.Fatalf("provider config: %v", err)
			}
			got := map[string]provider.Sampling{}
			for c, err := range s.Cases() {
				if err != nil {
					t.Fatal(err)
				}
				got[c.ID] = requestFor(t, target, c).Sampling
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("request sampling (-want +got):\n%s", diff)
			}
		})
	}
}

// requestFor builds the request for c as the runner does: the target's
// sampling overlaid with the case's config.
func requestFor(t *testing.T, target provider.Sampling, c bench.Case) provider.Request {
	t.Helper()
	s, _, err := provider.ParseSampling(c.Config)
	if err != nil {
		t.Fatalf("case %q config: %v", c.ID, err)
	}
	return provider.Request{Model: "m", Sampling: provider.MergeSampling(target, s)}
}
