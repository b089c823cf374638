package cache

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestKeyDependsOnEverythingThatShapesAnAnswer(t *testing.T) {
	t.Parallel()
	base := provider.Request{Model: "m", Messages: []bench.Message{{Role: "user", Content: "hi"}}}
	k0, _ := Key("openai:m", "http://a", &base, 0)
	temp := 0.5
	changed := base
	changed.Sampling.Temperature = &temp
	other := base
	other.Messages = []bench.Message{{Role: "user", Content: "ho"}}
	tests := []struct {
		name string
		id   string
		url  string
		req  provider.Request
		rep  int
	}{
		{"provider", "openai:n", "http://a", base, 0},
		{"base url", "openai:m", "http://b", base, 0},
		{"sampling", "openai:m", "http://a", changed, 0},
		{"messages", "openai:m", "http://a", other, 0},
		{"repetition", "openai:m", "http://a", base, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k, err := Key(tc.id, tc.url, &tc.req, tc.rep)
			if err != nil {
				t.Fatal(err)
			}
			if k == k0 {
				t.Errorf("key did not change when %s changed", tc.name)
			}
		})
	}
	again, _ := Key("openai:m", "http://a", &base, 0)
	if again != k0 {
		t.Error("same request gave a different key")
	}
}

func TestKeyIsAValidKey(t *testing.T) {
	t.Parallel()
	req := provider.Request{Model: "m"}
	k, err := Key("p", "u", &req, 0)
	if err != nil || !validKey(k) || len(k) != 64 {
		t.Errorf("Key = %q, %v; want 64 lowercase hex digits", k, err)
	}
}
