package gemini

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// The recorded gemini-2.5-flash answer (PROVIDER_FACTS §4) with the
// logprobsResult Google documents for responseLogprobs with logprobs: 2:
// one chosen candidate and one list of top candidates per decoding step.
// Google leaves out zero fields: the "!" step has no logProbability (0).
const (
	logprobsOla   = `"logprobsResult": {"topCandidates": [{"candidates": [{"token": "Olá","tokenId": 46931,"logProbability": -0.0125},{"token": "Oi","tokenId": 50134,"logProbability": -4.5}]}],"chosenCandidates": [{"token": "Olá","tokenId": 46931,"logProbability": -0.0125}]}`
	logprobsBang  = `"logprobsResult": {"topCandidates": [{"candidates": [{"token": "!","tokenId": 235341},{"token": ".","tokenId": 235265,"logProbability": -9.25}]}],"chosenCandidates": [{"token": "!","tokenId": 235341}]}`
	logprobsBoth  = `"logprobsResult": {"topCandidates": [{"candidates": [{"token": "Olá","tokenId": 46931,"logProbability": -0.0125},{"token": "Oi","tokenId": 50134,"logProbability": -4.5}]},{"candidates": [{"token": "!","tokenId": 235341},{"token": ".","tokenId": 235265,"logProbability": -9.25}]}],"chosenCandidates": [{"token": "Olá","tokenId": 46931,"logProbability": -0.0125},{"token": "!","tokenId": 235341}]}`
	logprobsUsage = `"usageMetadata": {"promptTokenCount": 11,"candidatesTokenCount": 2,"totalTokenCount": 13,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 11}]},"modelVersion": "gemini-2.5-flash","responseId": "6gcJafzNJPSHz7IPwvXNgAs"}`
)

var (
	logprobsBody   = `{"candidates": [{"content": {"parts": [{"text": "Olá!"}],"role": "model"},"finishReason": "STOP","index": 0,"avgLogprobs": -0.00625,` + logprobsBoth + `}],` + logprobsUsage
	logprobsEvents = []string{
		`{"candidates": [{"content": {"parts": [{"text": "Olá"}],"role": "model"},"index": 0,` + logprobsOla + `}],` + logprobsUsage,
		`{"candidates": [{"content": {"parts": [{"text": "!"}],"role": "model"},"finishReason": "STOP","index": 0,` + logprobsBang + `}],` + logprobsUsage,
	}
	wantTop = []provider.TokenLogprobs{
		{Token: "Olá", Logprob: -0.0125, Top: []provider.TokenLogprob{{Token: "Olá", Logprob: -0.0125}, {Token: "Oi", Logprob: -4.5}}},
		{Token: "!", Logprob: 0, Top: []provider.TokenLogprob{{Token: "!", Logprob: 0}, {Token: ".", Logprob: -9.25}}},
	}
)

func TestTopLogprobsAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		stream   bool
		sampling provider.Sampling
		want     []provider.TokenLogprobs
	}{
		{"body with alternatives", false, provider.Sampling{TopLogprobs: 2}, wantTop},
		{"stream with alternatives", true, provider.Sampling{TopLogprobs: 2}, wantTop},
		{"body, logprobs alone", false, provider.Sampling{Logprobs: true}, nil},
		{"stream, logprobs alone", true, provider.Sampling{Logprobs: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := logprobsBody
			if tt.stream {
				body = "data: " + strings.Join(logprobsEvents, "\r\n\r\ndata: ") + "\r\n\r\n"
			}
			srv := replay.Serve(t, []replay.Response{{Body: body}})
			resp, chunks := providertest.GenerateChunks(t, newClient(t, srv.URL), provider.Request{Messages: hello, Sampling: tt.sampling, Stream: tt.stream})
			want := provider.Response{Text: "Olá!", Model: "gemini-2.5-flash", FinishReason: provider.FinishStop, RawFinishReason: "STOP",
				Usage: bench.Usage{Prompt: 11, Completion: 2, Total: 13}, Logprobs: []float64{-0.0125, 0}, TopLogprobs: tt.want}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			providertest.CheckChunks(t, chunks, "Olá!", tt.stream)
			var sent struct {
				GenerationConfig map[string]any `json:"generationConfig"`
			}
			if err := json.Unmarshal(srv.Requests()[0].Body, &sent); err != nil {
				t.Fatal(err)
			}
			wantConfig := map[string]any{"responseLogprobs": true}
			if tt.sampling.TopLogprobs > 0 {
				wantConfig["logprobs"] = float64(tt.sampling.TopLogprobs)
			}
			if diff := cmp.Diff(wantConfig, sent.GenerationConfig); diff != "" {
				t.Errorf("generationConfig (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTopLogprobsUnsupported: models without logprobs refuse the request
// with a 400, which is the caller's to handle (a judge falls back to the
// plain score), not something to retry.
func TestTopLogprobsUnsupported(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{replay.Error(400, `{"error":{"code":400,"message":"Logprobs is not supported for the current model.","status":"INVALID_ARGUMENT"}}`)})
	_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Sampling: provider.Sampling{TopLogprobs: 5}}, providertest.Discard)
	providertest.CheckError(t, err, provider.KindBadRequest, 0, "Logprobs is not supported", testKey)
}

func TestLogprobsResultTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		json string
		want []provider.TokenLogprobs
	}{
		{"steps paired by position", strings.TrimPrefix(logprobsBoth, `"logprobsResult": `), wantTop},
		{"fewer top lists than steps", `{"chosenCandidates":[{"token":"a","logProbability":-1},{"token":"b"}],"topCandidates":[{"candidates":[{"token":"a","logProbability":-1}]}]}`,
			[]provider.TokenLogprobs{{Token: "a", Logprob: -1, Top: []provider.TokenLogprob{{Token: "a", Logprob: -1}}}, {Token: "b"}}},
		{"empty top list", `{"chosenCandidates":[{"token":"a"}],"topCandidates":[{}]}`, []provider.TokenLogprobs{{Token: "a"}}},
		{"no steps", `{}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var lr logprobsResult
			if err := json.Unmarshal([]byte(tt.json), &lr); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, lr.tokens(nil)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzLogprobsResult decodes arbitrary logprobsResult objects: one token
// per chosen candidate with its log probability, and for each step the
// top candidates of the same position, never more.
func FuzzLogprobsResult(f *testing.F) {
	f.Add([]byte(strings.TrimPrefix(logprobsBoth, `"logprobsResult": `)))
	f.Add([]byte(`{"chosenCandidates":[{"token":"a"},null],"topCandidates":[null,{"candidates":[{"token":"b","logProbability":-1e308}]},{"candidates":[]}]}`))
	f.Add([]byte(`{"chosenCandidates":null,"topCandidates":[{"candidates":[{"token":"\ud800"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var lr logprobsResult
		if json.Unmarshal(data, &lr) != nil {
			return
		}
		got := lr.tokens(nil)
		if len(got) != len(lr.ChosenCandidates) {
			t.Fatalf("%d tokens for %d steps", len(got), len(lr.ChosenCandidates))
		}
		for i, tl := range got {
			c := lr.ChosenCandidates[i]
			if tl.Token != c.Token || (tl.Logprob != c.LogProbability && tl.Logprob == tl.Logprob) {
				t.Fatalf("token %d = %+v, chosen %+v", i, tl, c)
			}
			var top []logprobCandidate
			if i < len(lr.TopCandidates) {
				top = lr.TopCandidates[i].Candidates
			}
			if len(tl.Top) != len(top) {
				t.Fatalf("token %d has %d alternatives, step has %d", i, len(tl.Top), len(top))
			}
		}
	})
}
