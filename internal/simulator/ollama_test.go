package simulator

import (
	"encoding/json"
	"math"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ollamaLine mirrors Ollama's api.ChatResponse (PROVIDER_FACTS.md §7);
// tests decode with DisallowUnknownFields.
type ollamaLine struct {
	Model     string    `json:"model"`
	CreatedAt time.Time `json:"created_at"`
	Message   struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"message"`
	DoneReason         string `json:"done_reason"`
	Done               bool   `json:"done"`
	TotalDuration      int64  `json:"total_duration"`
	LoadDuration       int64  `json:"load_duration"`
	PromptEvalCount    int    `json:"prompt_eval_count"`
	PromptEvalDuration int64  `json:"prompt_eval_duration"`
	EvalCount          int    `json:"eval_count"`
	EvalDuration       int64  `json:"eval_duration"`
}

type ollamaErr struct {
	Error string `json:"error"`
}

// checkMetrics checks a final line's durations: positive, and adding up.
func checkMetrics(t testing.TB, l *ollamaLine) {
	t.Helper()
	if l.LoadDuration <= 0 || l.PromptEvalDuration <= 0 || l.EvalDuration <= 0 ||
		l.TotalDuration < l.LoadDuration+l.PromptEvalDuration+l.EvalDuration {
		t.Errorf("durations %+v do not add up", l)
	}
}

// decodeOllamaStream decodes NDJSON lines strictly.
func decodeOllamaStream(t testing.TB, body []byte) (wireAnswer, ollamaLine) {
	t.Helper()
	var a wireAnswer
	var last ollamaLine
	for i, raw := range ndjsonLines(t, body) {
		var l ollamaLine
		decodeStrict(t, raw, &l)
		if a.ended {
			t.Errorf("line %d after done", i)
		}
		if l.Message.Role != "assistant" || l.CreatedAt.IsZero() {
			t.Errorf("line %d: %s", i, raw)
		}
		a.text += l.Message.Content
		if l.Done {
			a.ended, a.finish, a.prompt, a.completion = true, l.DoneReason, l.PromptEvalCount, l.EvalCount
			checkMetrics(t, &l)
		} else if l.DoneReason != "" || l.EvalCount != 0 {
			t.Errorf("line %d is not done but has %s", i, raw)
		}
		last = l
	}
	return a, last
}

var ollamaWire = wireCase{
	name: "ollama",
	request: func(t testing.TB, prompt string, stream bool, maxTokens int) wireRequest {
		req := map[string]any{"model": "llama3.2", "messages": []map[string]any{{"role": "system", "content": "be brief"}, {"role": "user", "content": prompt}}}
		if !stream {
			req["stream"] = false // streaming is Ollama's default
		}
		if maxTokens >= 0 {
			req["options"] = map[string]any{"num_predict": maxTokens, "temperature": 0}
		}
		return wireRequest{http.MethodPost, "/api/chat", nil, jsonBody(t, req)}
	},
	decode: func(t testing.TB, body []byte, stream bool) wireAnswer {
		if stream {
			a, _ := decodeOllamaStream(t, body)
			return a
		}
		var l ollamaLine
		decodeStrict(t, body, &l)
		if !l.Done {
			t.Errorf("answer not done: %s", body)
		}
		checkMetrics(t, &l)
		return wireAnswer{l.Message.Content, l.DoneReason, l.PromptEvalCount, l.EvalCount, true}
	},
	decodeError: func(t testing.TB, body []byte) (string, string) {
		var e ollamaErr
		decodeStrict(t, body, &e)
		return "", e.Error
	},
	stop: "stop", length: "length",
	faults: map[fault]faultShape{
		faultRateLimit: {429, "", map[string]string{"Retry-After": "3"}, nil},
		faultOverload:  {503, "", nil, nil},
		faultServer:    {500, "", nil, nil},
	},
}

func TestOllamaBytes(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 71})
	resp, body := ts.send(t, http.MethodPost, "/api/chat", `{"model":"llama3.2","messages":[{"role":"user","content":"Why is the sky blue?"}],"stream":false}`, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("%d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	// Ollama's field order: model, created_at, message, done_reason, done, metrics.
	re := regexp.MustCompile(`^\{"model":"llama3\.2","created_at":"[0-9T:.\-]+Z","message":\{"role":"assistant","content":"Why is the sky blue\?"\},` +
		`"done_reason":"stop","done":true,"total_duration":\d+,"load_duration":\d+,"prompt_eval_count":12,"prompt_eval_duration":\d+,` +
		`"eval_count":6,"eval_duration":\d+\}$`)
	if !re.Match(body) {
		t.Errorf("body %s", body)
	}
	// Streaming is the default.
	resp, body = ts.send(t, http.MethodPost, "/api/chat", `{"model":"llama3.2","messages":[{"role":"user","content":"a b"}]}`, nil)
	if resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	lines := ndjsonLines(t, body)
	if len(lines) != 3 || !strings.HasSuffix(string(lines[0]), `"message":{"role":"assistant","content":"a"},"done":false}`) ||
		!strings.Contains(string(lines[2]), `"message":{"role":"assistant","content":""},"done_reason":"stop","done":true,`) {
		t.Errorf("stream:\n%s", body)
	}
}

// TestOllamaMeasuredDurations checks that eval_duration is the measured
// generation time, so eval_count/eval_duration is the configured rate.
func TestOllamaMeasuredDurations(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{TTFT: Fixed(30 * time.Millisecond), TokensPerSec: 200, Seed: 72})
	_, body := ts.send(t, http.MethodPost, "/api/chat", `{"model":"m","messages":[{"role":"user","content":"`+strings.Repeat("w ", 21)+`"}]}`, nil)
	a, last := decodeOllamaStream(t, body)
	if !a.ended || last.EvalCount != 21 {
		t.Fatalf("stream %+v", a)
	}
	// 20 gaps of 5 ms after the first token. Tokens keep to deadlines set
	// from the stream's start, so a first token late on a loaded machine
	// is followed by a catch-up: the measured time can fall short of 100 ms.
	if d := time.Duration(last.EvalDuration); d < 50*time.Millisecond || d > 400*time.Millisecond {
		t.Errorf("eval_duration %v, want about 100ms", d)
	}
	if d := time.Duration(last.LoadDuration + last.PromptEvalDuration); d < 30*time.Millisecond || d > 300*time.Millisecond {
		t.Errorf("load + prompt eval %v, want about the 30ms TTFT", d)
	}
}

func TestOllamaRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Policy: PolicyScripted, DefaultAnswer: "scripted", Seed: 73})
	tests := []struct {
		name, body string
		status     int
		want       string // the error, or the answer line's done_reason
	}{
		{"load", `{"model":"llama3.2","messages":[]}`, 200, "load"},
		{"load without messages", `{"model":"llama3.2","stream":false}`, 200, "load"},
		{"no body", ``, 400, "missing request body"},
		{"not json", `{"model":`, 400, "unexpected EOF"},
		{"wrong type", `{"model":"m","messages":"hi"}`, 400,
			"json: cannot unmarshal string into Go struct field ollamaRequest.messages of type []simulator.ollamaMessage"},
		{"no model", `{"messages":[{"role":"user","content":"x"}]}`, 400, "model is required"},
		{"trailing data ignored", `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":false} garbage`, 200, "stop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := ts.send(t, http.MethodPost, "/api/chat", tt.body, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status != 200 {
				var e ollamaErr
				decodeStrict(t, body, &e)
				if e.Error != tt.want {
					t.Errorf("error %q, want %q", e.Error, tt.want)
				}
				return
			}
			var l ollamaLine
			decodeStrict(t, body, &l)
			if l.DoneReason != tt.want || !l.Done {
				t.Errorf("answer %s, want done_reason %s", body, tt.want)
			}
			if tt.want == "load" && (l.Message.Content != "" || l.EvalCount != 0) {
				t.Errorf("load answer %s, want no content and no metrics", body)
			}
		})
	}
}

func TestOllamaRoutes(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Model: "sim-model", Seed: 74})
	resp, body := ts.send(t, http.MethodGet, "/", "", nil)
	if resp.StatusCode != 200 || string(body) != "Ollama is running" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("GET / = %d %q", resp.StatusCode, body)
	}
	_, body = ts.send(t, http.MethodGet, "/api/tags", "", nil)
	var tags struct {
		Models []struct {
			Name       string    `json:"name"`
			Model      string    `json:"model"`
			ModifiedAt time.Time `json:"modified_at"`
			Size       int64     `json:"size"`
			Digest     string    `json:"digest"`
			Details    struct {
				ParentModel       string   `json:"parent_model"`
				Format            string   `json:"format"`
				Family            string   `json:"family"`
				Families          []string `json:"families"`
				ParameterSize     string   `json:"parameter_size"`
				QuantizationLevel string   `json:"quantization_level"`
			} `json:"details"`
		} `json:"models"`
	}
	decodeStrict(t, body, &tags)
	if len(tags.Models) != 1 || tags.Models[0].Name != "sim-model:latest" || len(tags.Models[0].Digest) != 64 ||
		!strings.Contains(tags.Models[0].Details.Family, "simulator") {
		t.Errorf("tags %+v", tags)
	}
	for _, c := range []struct{ method, path string }{{"GET", "/api/chat"}, {"GET", "/api/generate"}, {"POST", "/api/pull"}, {"DELETE", "/"}} {
		resp, body := ts.send(t, c.method, c.path, "", nil)
		if resp.StatusCode != 404 || string(body) != "404 page not found" {
			t.Errorf("%s %s = %d %q", c.method, c.path, resp.StatusCode, body)
		}
	}
}

type ollamaEmbedResponse struct {
	Model           string      `json:"model"`
	Embeddings      [][]float64 `json:"embeddings"`
	TotalDuration   int64       `json:"total_duration"`
	LoadDuration    int64       `json:"load_duration"`
	PromptEvalCount int         `json:"prompt_eval_count"`
}

func cosine(a, b []float64) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	return dot / math.Sqrt(na*nb)
}

func TestOllamaEmbed(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 75})
	embedOf := func(t *testing.T, body string) ollamaEmbedResponse {
		t.Helper()
		resp, b := ts.send(t, http.MethodPost, "/api/embed", body, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		var r ollamaEmbedResponse
		decodeStrict(t, b, &r)
		return r
	}
	t.Run("vectors", func(t *testing.T) {
		t.Parallel()
		r := embedOf(t, `{"model":"all-minilm","input":["The cat sat on the mat","the CAT sat on a mat!","Stock prices fell sharply","The cat sat on the mat","..."]}`)
		if r.Model != "all-minilm" || len(r.Embeddings) != 5 || r.PromptEvalCount == 0 || r.TotalDuration < r.LoadDuration || r.LoadDuration <= 0 {
			t.Fatalf("response %+v", r)
		}
		for i, v := range r.Embeddings {
			var n float64
			for _, x := range v {
				n += x * x
			}
			if len(v) != EmbedDimensions || math.Abs(n-1) > 1e-5 {
				t.Errorf("vector %d: %d dimensions, norm² %v", i, len(v), n)
			}
		}
		e := r.Embeddings
		if diff := cmp.Diff(e[0], e[3]); diff != "" {
			t.Errorf("same text, different vectors:\n%s", diff)
		}
		if near, far := cosine(e[0], e[1]), cosine(e[0], e[2]); near < 0.6 || far > 0.3 || near <= far {
			t.Errorf("similar texts %.2f, unrelated %.2f", near, far)
		}
	})
	t.Run("dimensions and one string", func(t *testing.T) {
		t.Parallel()
		r := embedOf(t, `{"model":"m","input":"hello world","dimensions":8,"truncate":true,"keep_alive":"5m"}`)
		if len(r.Embeddings) != 1 || len(r.Embeddings[0]) != 8 || r.PromptEvalCount != 2 {
			t.Errorf("response %+v", r)
		}
	})
	t.Run("no input", func(t *testing.T) {
		t.Parallel()
		resp, b := ts.send(t, http.MethodPost, "/api/embed", `{"model":"m","input":""}`, nil)
		if resp.StatusCode != 200 || string(b) != `{"model":"m","embeddings":[]}` {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
	for _, c := range []struct{ name, body, want string }{
		{"no model", `{"input":"x"}`, "model is required"},
		{"bad input", `{"model":"m","input":5}`, "invalid input type"},
		{"bad element", `{"model":"m","input":["a",1]}`, "invalid input type"},
		{"bad dimensions", `{"model":"m","input":"x","dimensions":100000}`, "dimensions must be between 1 and 4096"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			resp, b := ts.send(t, http.MethodPost, "/api/embed", c.body, nil)
			var e ollamaErr
			decodeStrict(t, b, &e)
			if resp.StatusCode != 400 || e.Error != c.want {
				t.Errorf("%d %q, want 400 %q", resp.StatusCode, e.Error, c.want)
			}
		})
	}
}

func TestOllamaEmbedFaults(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Errors: ErrorRates{RateLimit: 1}, RetryAfter: 2 * time.Second, Seed: 76})
	resp, b := ts.send(t, http.MethodPost, "/api/embed", `{"model":"m","input":"x"}`, nil)
	var e ollamaErr
	decodeStrict(t, b, &e)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || e.Error == "" {
		t.Errorf("%d %v %s", resp.StatusCode, resp.Header, b)
	}
	ts = startServer(t, Config{Errors: ErrorRates{Truncate: 1}, TruncateMode: TruncateClean, Seed: 77})
	_, b = ts.send(t, http.MethodPost, "/api/embed", `{"model":"m","input":"x"}`, nil)
	if json.Valid(b) || !strings.HasPrefix(string(b), `{"model":"m","embeddings":[[`) {
		t.Errorf("truncated embed %s", b)
	}
	if st := ts.sim.Stats(); st.Requests != 1 || st.Errors.Truncate != 1 {
		t.Errorf("stats %+v", st)
	}
}
