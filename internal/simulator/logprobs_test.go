package simulator

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/gemini"
	"github.com/llm-test-bench/llm-test-bench/provider/openai"
)

// logprobTokens returns the logprob tokens of text.
func logprobTokens(text string) []string {
	var toks []string
	forEachLogprobToken(text, func(tok string) { toks = append(toks, tok) })
	return toks
}

func TestLogprobTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{`{"score": 8}`, []string{`{`, `"`, `score`, `"`, `:`, ` `, `8`, `}`}},
		{"Paris is nice", []string{"Paris", " is", " nice"}},
		{"abc123 45", []string{"abc", "123", " ", "45"}},
		{"score 10\n", []string{"score", " ", "10", "\n"}},
		{"x 1234567", []string{"x", " ", "123456", "7"}},
		{"é9 ٣", []string{"é", "9", " ٣"}},
		{"hi.\n\n", []string{"hi", ".\n\n"}},
		{"  ", []string{"  "}},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, logprobTokens(tt.text)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.text, diff)
		}
	}
}

// FuzzLogprobTokens checks the cut for any text: the tokens put back
// together are the text, none is empty, none spans two usage tokens, and
// a token holding an ASCII digit holds nothing else.
func FuzzLogprobTokens(f *testing.F) {
	for _, s := range []string{`{"score": 8}`, "abc123 45\n", "x 1234567", "é9 ٣", "  ", "a\u00a0 1"} {
		f.Add(s)
	}
	digits := regexp.MustCompile(`[0-9]`)
	f.Fuzz(func(t *testing.T, text string) {
		toks := logprobTokens(text)
		if got := strings.Join(toks, ""); got != text {
			t.Fatalf("tokens %q join to %q", toks, got)
		}
		if len(toks) < countTokens(text) {
			t.Fatalf("%d tokens for %d usage tokens", len(toks), countTokens(text))
		}
		for _, tok := range toks {
			if tok == "" {
				t.Fatalf("empty token in %q", toks)
			}
			if _, ok := decimal(tok); digits.MatchString(tok) && !ok {
				t.Fatalf("token %q mixes digits with other characters", tok)
			}
		}
	})
}

func TestTopAlternatives(t *testing.T) {
	t.Parallel()
	ln := math.Log
	filler := func(j int) alternative { return alternative{"<alt" + strconv.Itoa(j) + ">", ln(0.01) - float64(j)} }
	tests := []struct {
		tok  string
		k    int
		want []alternative
	}{
		{"8", 5, []alternative{{"8", ln(0.9)}, {"7", ln(0.06)}, {"9", ln(0.04)}, filler(1), filler(2)}},
		{"8", 2, []alternative{{"8", ln(0.9)}, {"7", ln(0.06)}}},
		{"0", 3, []alternative{{"0", ln(0.9)}, {"1", ln(0.04)}, filler(1)}},
		{"09", 3, []alternative{{"09", ln(0.9)}, {"8", ln(0.06)}, {"10", ln(0.04)}}},
		{" Paris", 3, []alternative{{" Paris", ln(0.9)}, filler(1), filler(2)}},
		{"x", 1, []alternative{{"x", ln(0.9)}}},
		{"x", 0, nil},
	}
	for _, tt := range tests {
		got := topAlternatives(nil, tt.tok, tt.k)
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(alternative{}), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("%q k=%d (-want +got):\n%s", tt.tok, tt.k, diff)
		}
	}
}

// The logprobs of OpenAI's chat wire.
type oaLogprob struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
	Bytes   []int   `json:"bytes"`
}

type oaTokenLogprobs struct {
	oaLogprob
	TopLogprobs []oaLogprob `json:"top_logprobs"`
}

type oaLogprobs struct {
	Content []oaTokenLogprobs `json:"content"`
	Refusal *string           `json:"refusal"`
}

// decodeLogprobs decodes a choice's logprobs strictly; nil means null.
func decodeLogprobs(t testing.TB, v any) *oaLogprobs {
	t.Helper()
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var lp oaLogprobs
	decodeStrict(t, raw, &lp)
	if lp.Content == nil || lp.Refusal != nil {
		t.Fatalf("logprobs %s: want a content list and a null refusal", raw)
	}
	return &lp
}

// checkLogprobContent checks that content reports the tokens of text with
// the model's probabilities and top alternatives each.
func checkLogprobContent(t testing.TB, content []oaTokenLogprobs, text string, top int) {
	t.Helper()
	toks := logprobTokens(text)
	if len(content) != len(toks) {
		t.Fatalf("%d logprob entries for %d tokens of %q", len(content), len(toks), text)
	}
	for i, c := range content {
		if c.Token != toks[i] || c.Logprob != math.Log(0.9) || string(bytesOf(c.Bytes)) != c.Token {
			t.Errorf("entry %d %+v, want token %q with logprob ln 0.9 and its bytes", i, c.oaLogprob, toks[i])
		}
		want := topAlternatives(nil, toks[i], top)
		if len(c.TopLogprobs) != len(want) || c.TopLogprobs == nil {
			t.Fatalf("entry %d: %d alternatives, want %d (and a list)", i, len(c.TopLogprobs), len(want))
		}
		for j, a := range c.TopLogprobs {
			if a.Token != want[j].token || a.Logprob != want[j].logprob || string(bytesOf(a.Bytes)) != a.Token {
				t.Errorf("entry %d alternative %d %+v, want %+v", i, j, a, want[j])
			}
		}
	}
}

func bytesOf(b []int) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = byte(c)
	}
	return out
}

// judgeServer answers every prompt with a judge's verdict.
func judgeServer(t testing.TB, seed int64) *testServer {
	t.Helper()
	return startServer(t, Config{Policy: PolicyScripted, DefaultAnswer: `{"reason": "fine", "score": 8}`, Seed: seed})
}

func TestOpenAILogprobs(t *testing.T) {
	t.Parallel()
	ts := judgeServer(t, 131)
	const answer = `{"reason": "fine", "score": 8}`
	for _, top := range []int{0, 3, 20} {
		t.Run("top="+strconv.Itoa(top), func(t *testing.T) {
			t.Parallel()
			extra := map[string]any{"logprobs": true, "top_logprobs": top}
			_, body := ts.post(t, "/chat/completions", chatBody(t, "judge this", extra))
			var c wireCompletion
			decodeStrict(t, body, &c)
			checkLogprobContent(t, decodeLogprobs(t, c.Choices[0].Logprobs).Content, answer, top)

			extra["stream"] = true
			_, body = ts.post(t, "/chat/completions", chatBody(t, "judge this", extra))
			s := parseSSE(t, body)
			var text strings.Builder
			for i, raw := range s.chunks {
				var ch wireChunk
				decodeStrict(t, raw, &ch)
				choice := ch.Choices[0]
				lp := decodeLogprobs(t, choice.Logprobs)
				switch {
				case i == 0: // the role chunk
					if lp == nil || len(lp.Content) != 0 {
						t.Errorf("first chunk logprobs %+v, want an empty content list", lp)
					}
				case choice.FinishReason != nil:
					if lp != nil {
						t.Errorf("finish chunk logprobs %+v, want null", lp)
					}
				default:
					if lp == nil {
						t.Fatalf("chunk %d has no logprobs: %s", i, raw)
					}
					checkLogprobContent(t, lp.Content, *choice.Delta.Content, top)
					text.WriteString(*choice.Delta.Content)
				}
			}
			if text.String() != answer || !s.done {
				t.Errorf("stream text %q done %v", text.String(), s.done)
			}
		})
	}
	t.Run("not asked", func(t *testing.T) {
		t.Parallel()
		for _, extra := range []map[string]any{nil, {"logprobs": false, "top_logprobs": 0}, {"stream": true}} {
			_, body := ts.post(t, "/chat/completions", chatBody(t, "judge this", extra))
			if strings.Contains(string(body), `"logprobs":{`) || strings.Contains(string(body), `"logprobs": {`) {
				t.Errorf("%v: logprobs sent unasked: %s", extra, body)
			}
		}
	})
}

// TestWeightedScore computes a probability-weighted score from the top
// logprobs of the score token, as a G-Eval style judge does: decimal
// tokens of at least 1% probability, weights renormalised.
func TestWeightedScore(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		answer string
		want   float64
	}{
		{`{"score": 8}`, 8*0.9 + 7*0.06 + 9*0.04},
		{`{"score": 0}`, (0*0.9 + 1*0.04) / 0.94},
	} {
		ts := startServer(t, Config{Policy: PolicyScripted, DefaultAnswer: c.answer, Seed: 132})
		_, body := ts.post(t, "/chat/completions", chatBody(t, "judge", map[string]any{"logprobs": true, "top_logprobs": 20}))
		var comp wireCompletion
		decodeStrict(t, body, &comp)
		var sum, weight float64
		for _, e := range decodeLogprobs(t, comp.Choices[0].Logprobs).Content {
			if _, ok := decimal(e.Token); !ok {
				continue
			}
			for _, a := range e.TopLogprobs {
				n, ok := decimal(a.Token)
				if p := math.Exp(a.Logprob); ok && p >= 0.01 {
					sum, weight = sum+float64(n)*p, weight+p
				}
			}
		}
		if got := sum / weight; math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: weighted score %v, want %v", c.answer, got, c.want)
		}
	}
}

func TestOpenAILogprobsBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 133})
	tests := []struct {
		name  string
		extra map[string]any
		code  string
		want  string
	}{
		{"above 20", map[string]any{"logprobs": true, "top_logprobs": 21}, "integer_above_max_value", "Expected a value <= 20, but got 21 instead."},
		{"negative", map[string]any{"logprobs": true, "top_logprobs": -1}, "integer_below_min_value", "Expected a value >= 0, but got -1 instead."},
		{"without logprobs", map[string]any{"top_logprobs": 2}, "", "'logprobs' must be set to true"},
		{"wrong type", map[string]any{"logprobs": "yes"}, "", "Invalid type for 'logprobs'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := ts.post(t, "/chat/completions", chatBody(t, "x", tt.extra))
			var e wireError
			decodeStrict(t, body, &e)
			if resp.StatusCode != 400 || deref(e.Error.Code) != tt.code || !strings.Contains(e.Error.Message, tt.want) {
				t.Errorf("%d %+v, want code %q and %q", resp.StatusCode, e.Error, tt.code, tt.want)
			}
			if p := deref(e.Error.Param); p != "top_logprobs" && p != "logprobs" {
				t.Errorf("param %q", p)
			}
		})
	}
}

// TestOpenAILogprobsClient checks that the project's OpenAI client reads
// the logprobs, streamed and not.
func TestOpenAILogprobsClient(t *testing.T) {
	t.Parallel()
	ts := judgeServer(t, 134)
	c, err := openai.New(provider.Config{Vendor: "openai", Model: "gpt-4o-mini", APIKey: "sk-simulated", BaseURL: ts.url,
		Options: map[string]any{"top_logprobs": 3}})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, len(logprobTokens(`{"reason": "fine", "score": 8}`)))
	for i := range want {
		want[i] = math.Log(0.9)
	}
	for _, stream := range []bool{false, true} {
		resp, err := c.Generate(t.Context(), provider.Request{Stream: stream, Sampling: provider.Sampling{Logprobs: true},
			Messages: []bench.Message{{Role: bench.RoleUser, Content: "judge this"}}}, func(provider.Chunk) error { return nil })
		if err != nil {
			t.Fatalf("stream=%v: %v", stream, err)
		}
		if diff := cmp.Diff(want, resp.Logprobs); diff != "" {
			t.Errorf("stream=%v logprobs (-want +got):\n%s", stream, diff)
		}
	}
}

// The logprobs of Gemini's wire.
type gemCandidate struct {
	Token          string  `json:"token"`
	TokenID        uint64  `json:"tokenId"`
	LogProbability float64 `json:"logProbability"`
}

type gemLogprobsResponse struct {
	Candidates []struct {
		Content struct {
			Parts []struct {
				Text string `json:"text"`
			} `json:"parts"`
			Role string `json:"role"`
		} `json:"content"`
		FinishReason   string   `json:"finishReason"`
		AvgLogprobs    *float64 `json:"avgLogprobs"`
		LogprobsResult *struct {
			TopCandidates []struct {
				Candidates []gemCandidate `json:"candidates"`
			} `json:"topCandidates"`
			ChosenCandidates []gemCandidate `json:"chosenCandidates"`
		} `json:"logprobsResult"`
		Index int `json:"index"`
	} `json:"candidates"`
	UsageMetadata json.RawMessage `json:"usageMetadata"`
	ModelVersion  string          `json:"modelVersion"`
	ResponseID    string          `json:"responseId"`
}

// checkGeminiLogprobs checks one response's logprobsResult against text.
func checkGeminiLogprobs(t testing.TB, r *gemLogprobsResponse, text string, top int) {
	t.Helper()
	lr := r.Candidates[0].LogprobsResult
	if lr == nil {
		t.Fatal("no logprobsResult")
	}
	toks := logprobTokens(text)
	if len(lr.ChosenCandidates) != len(toks) || (top > 0) != (lr.TopCandidates != nil) || (top > 0 && len(lr.TopCandidates) != len(toks)) {
		t.Fatalf("%d chosen, %d top candidates for %d tokens of %q", len(lr.ChosenCandidates), len(lr.TopCandidates), len(toks), text)
	}
	for i, tok := range toks {
		if c := lr.ChosenCandidates[i]; c.Token != tok || c.LogProbability != math.Log(0.9) || c.TokenID != geminiTokenID(tok) {
			t.Errorf("chosen %d %+v, want %q", i, c, tok)
		}
		if top == 0 {
			continue
		}
		want := topAlternatives(nil, tok, top)
		got := lr.TopCandidates[i].Candidates
		if len(got) != len(want) {
			t.Fatalf("token %q: %d alternatives, want %d", tok, len(got), len(want))
		}
		for j, a := range got {
			if a.Token != want[j].token || a.LogProbability != want[j].logprob {
				t.Errorf("token %q alternative %d %+v, want %+v", tok, j, a, want[j])
			}
		}
	}
}

func TestGeminiLogprobs(t *testing.T) {
	t.Parallel()
	ts := judgeServer(t, 135)
	const answer = `{"reason": "fine", "score": 8}`
	const path = "/v1beta/models/gemini-2.0-flash:"
	for _, top := range []int{0, 4} {
		t.Run("top="+strconv.Itoa(top), func(t *testing.T) {
			t.Parallel()
			body := jsonBody(t, map[string]any{"contents": []map[string]any{{"role": "user", "parts": []map[string]any{{"text": "judge"}}}},
				"generationConfig": map[string]any{"responseLogprobs": true, "logprobs": top}})
			_, b := ts.send(t, "POST", path+"generateContent", body, nil)
			var r gemLogprobsResponse
			decodeStrict(t, b, &r)
			if avg := r.Candidates[0].AvgLogprobs; avg == nil || *avg != math.Log(0.9) {
				t.Errorf("avgLogprobs %v", avg)
			}
			checkGeminiLogprobs(t, &r, answer, top)

			_, b = ts.send(t, "POST", path+"streamGenerateContent?alt=sse", body, nil)
			var text strings.Builder
			for _, ev := range parseEvents(t, b, "\r\n") {
				var chunk gemLogprobsResponse
				decodeStrict(t, ev.data, &chunk)
				piece := chunk.Candidates[0].Content.Parts[0].Text
				checkGeminiLogprobs(t, &chunk, piece, top)
				text.WriteString(piece)
			}
			if text.String() != answer {
				t.Errorf("stream text %q", text.String())
			}
		})
	}
	t.Run("bad logprobs", func(t *testing.T) {
		t.Parallel()
		resp, b := ts.send(t, "POST", path+"generateContent", `{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"responseLogprobs":true,"logprobs":21}}`, nil)
		var e gemError
		decodeStrict(t, b, &e)
		if resp.StatusCode != 400 || e.Error.Status != "INVALID_ARGUMENT" || !strings.Contains(e.Error.Message, "logprobs must be in the range [0, 20], got 21") {
			t.Errorf("%d %+v", resp.StatusCode, e)
		}
	})
	t.Run("not asked", func(t *testing.T) {
		t.Parallel()
		_, b := ts.send(t, "POST", path+"generateContent", `{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"logprobs":3}}`, nil)
		if strings.Contains(string(b), "logprobsResult") || strings.Contains(string(b), "avgLogprobs") {
			t.Errorf("logprobs sent without responseLogprobs: %s", b)
		}
	})
}

// TestGeminiLogprobsClient checks that the project's Gemini client reads
// the chosen tokens' logprobs, streamed and not.
func TestGeminiLogprobsClient(t *testing.T) {
	t.Parallel()
	ts := judgeServer(t, 136)
	c, err := gemini.New(provider.Config{Vendor: "gemini", Model: "gemini-2.0-flash", APIKey: "simulated", BaseURL: strings.TrimSuffix(ts.url, "/v1")})
	if err != nil {
		t.Fatal(err)
	}
	n := len(logprobTokens(`{"reason": "fine", "score": 8}`))
	for _, stream := range []bool{false, true} {
		resp, err := c.Generate(t.Context(), provider.Request{Stream: stream, Sampling: provider.Sampling{Logprobs: true},
			Messages: []bench.Message{{Role: bench.RoleUser, Content: "judge this"}}}, func(provider.Chunk) error { return nil })
		if err != nil {
			t.Fatalf("stream=%v: %v", stream, err)
		}
		if len(resp.Logprobs) != n || resp.Logprobs[0] != math.Log(0.9) {
			t.Errorf("stream=%v logprobs %v, want %d of ln 0.9", stream, resp.Logprobs, n)
		}
	}
}
