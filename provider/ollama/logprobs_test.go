package ollama

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// The documented /api/chat answers (testdata) with the documented logprobs
// for logprobs: true and top_logprobs: 2, one entry per token:
// {"token","logprob","bytes","top_logprobs":[{"token","logprob","bytes"}]}.
const (
	lpThe = `{"token":"The","logprob":-0.1,"bytes":[84,104,101],"top_logprobs":[{"token":"The","logprob":-0.1,"bytes":[84,104,101]},{"token":"A","logprob":-2.5,"bytes":[65]}]}`
	lpSky = `{"token":" sky","logprob":-0.5,"bytes":[32,115,107,121],"top_logprobs":[{"token":" sky","logprob":-0.5,"bytes":[32,115,107,121]},{"token":" sun","logprob":-1.75,"bytes":[32,115,117,110]}]}`

	logprobsChat   = `{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":"The sky"},"logprobs":[` + lpThe + `,` + lpSky + `],"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":2,"eval_duration":4535599000}`
	logprobsStream = `{"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"The"},"logprobs":[` + lpThe + `],"done":false}` + "\n" +
		`{"model":"llama3.2","created_at":"2023-08-04T08:52:19.405406455-07:00","message":{"role":"assistant","content":" sky"},"logprobs":[` + lpSky + `],"done":false}` + "\n" +
		`{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":2,"eval_duration":4535599000}` + "\n"
)

var wantTop = []provider.TokenLogprobs{
	{Token: "The", Logprob: -0.1, Top: []provider.TokenLogprob{{Token: "The", Logprob: -0.1}, {Token: "A", Logprob: -2.5}}},
	{Token: " sky", Logprob: -0.5, Top: []provider.TokenLogprob{{Token: " sky", Logprob: -0.5}, {Token: " sun", Logprob: -1.75}}},
}

func TestTopLogprobsAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		stream   bool
		opts     map[string]any
		sampling provider.Sampling
		want     []provider.TokenLogprobs
	}{
		{"body with alternatives", false, nil, provider.Sampling{TopLogprobs: 2}, wantTop},
		{"stream with alternatives", true, nil, provider.Sampling{TopLogprobs: 2}, wantTop},
		{"alternatives from the option", true, map[string]any{"top_logprobs": 2}, provider.Sampling{Logprobs: true}, wantTop},
		{"body, logprobs alone", false, nil, provider.Sampling{Logprobs: true}, nil},
		{"stream, logprobs alone", true, nil, provider.Sampling{Logprobs: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body, ct := logprobsChat, "application/json; charset=utf-8"
			if tt.stream {
				body, ct = logprobsStream, "application/x-ndjson"
			}
			srv := replay.Serve(t, []replay.Response{{Body: body, Headers: map[string][]string{"Content-Type": {ct}}}})
			c, err := New(provider.Config{Vendor: Vendor, Model: "llama3.2", BaseURL: srv.URL, Options: tt.opts})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			resp, chunks := providertest.GenerateChunks(t, c, provider.Request{Messages: hello, Sampling: tt.sampling, Stream: tt.stream})
			want := provider.Response{Text: "The sky", Model: "llama3.2", FinishReason: provider.FinishStop, RawFinishReason: "stop",
				Usage: bench.Usage{Prompt: 26, Completion: 2, Total: 28}, Logprobs: []float64{-0.1, -0.5}, TopLogprobs: tt.want}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			providertest.CheckChunks(t, chunks, "The sky", tt.stream)
		})
	}
}

func TestAppendTokens(t *testing.T) {
	t.Parallel()
	got := appendTokens(nil, []logprob{{Token: "a", Logprob: -1}, {Token: "b", TopLogprobs: []logprobAlt{{Token: "b"}, {Token: "c", Logprob: -3}}}})
	want := []provider.TokenLogprobs{{Token: "a", Logprob: -1}, {Token: "b", Top: []provider.TokenLogprob{{Token: "b"}, {Token: "c", Logprob: -3}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
