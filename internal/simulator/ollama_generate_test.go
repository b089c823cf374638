package simulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
)

// ollamaGenerateLine is one line of an /api/generate answer.
type ollamaGenerateLine struct {
	Model              string `json:"model"`
	CreatedAt          string `json:"created_at"`
	Response           string `json:"response"`
	Done               bool   `json:"done"`
	DoneReason         string `json:"done_reason"`
	TotalDuration      int64  `json:"total_duration"`
	LoadDuration       int64  `json:"load_duration"`
	PromptEvalCount    int    `json:"prompt_eval_count"`
	PromptEvalDuration int64  `json:"prompt_eval_duration"`
	EvalCount          int    `json:"eval_count"`
	EvalDuration       int64  `json:"eval_duration"`
}

func TestOllamaGenerate(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 150})
	const prompt = "why is the sky blue"
	t.Run("answer", func(t *testing.T) {
		t.Parallel()
		resp, body := ts.send(t, http.MethodPost, "/api/generate", `{"model":"llama3.2","prompt":"`+prompt+`","stream":false}`, nil)
		var l ollamaGenerateLine
		decodeStrict(t, body, &l)
		if resp.StatusCode != 200 || l.Response != prompt || !l.Done || l.DoneReason != "stop" || l.EvalCount != 5 || l.PromptEvalCount == 0 {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("stream", func(t *testing.T) {
		t.Parallel()
		resp, body := ts.send(t, http.MethodPost, "/api/generate", `{"model":"llama3.2","prompt":"`+prompt+`","options":{"num_predict":3}}`, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("%d %v", resp.StatusCode, resp.Header)
		}
		var text strings.Builder
		var last ollamaGenerateLine
		sc := bufio.NewScanner(bytes.NewReader(body))
		n := 0
		for sc.Scan() {
			last = ollamaGenerateLine{}
			decodeStrict(t, sc.Bytes(), &last)
			text.WriteString(last.Response)
			n++
		}
		if text.String() != "why is the" || n != 4 || !last.Done || last.DoneReason != "length" || last.EvalCount != 3 {
			t.Errorf("stream %q in %d lines, last %+v", text.String(), n, last)
		}
	})
	t.Run("load", func(t *testing.T) {
		t.Parallel()
		_, body := ts.send(t, http.MethodPost, "/api/generate", `{"model":"llama3.2","stream":false}`, nil)
		if !strings.Contains(string(body), `"response":"","done_reason":"load","done":true`) {
			t.Errorf("load: %s", body)
		}
	})
	t.Run("no model", func(t *testing.T) {
		t.Parallel()
		resp, body := ts.send(t, http.MethodPost, "/api/generate", `{"prompt":"x"}`, nil)
		if resp.StatusCode != 400 || string(body) != `{"error":"model is required"}` {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
	})
}

func TestOllamaLegacyEmbeddings(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 151})
	_, body := ts.send(t, http.MethodPost, "/api/embeddings", `{"model":"all-minilm","prompt":"the cat sat"}`, nil)
	var legacy struct {
		Embedding []float64 `json:"embedding"`
	}
	decodeStrict(t, body, &legacy)
	_, body = ts.send(t, http.MethodPost, "/api/embed", `{"model":"all-minilm","input":"the cat sat"}`, nil)
	var cur struct {
		Embeddings [][]float64 `json:"embeddings"`
	}
	if err := json.Unmarshal(body, &cur); err != nil || len(cur.Embeddings) != 1 {
		t.Fatalf("embed: %s (%v)", body, err)
	}
	if len(legacy.Embedding) != EmbedDimensions {
		t.Fatalf("legacy vector of %d", len(legacy.Embedding))
	}
	for i, x := range legacy.Embedding {
		if math.Abs(x-cur.Embeddings[0][i]) > 1e-6 {
			t.Fatalf("legacy vector differs from /api/embed's at %d: %v vs %v", i, x, cur.Embeddings[0][i])
		}
	}
	resp, body := ts.send(t, http.MethodPost, "/api/embeddings", `{"prompt":"x"}`, nil)
	if resp.StatusCode != 400 || string(body) != `{"error":"model is required"}` {
		t.Errorf("no model: %d %s", resp.StatusCode, body)
	}
}

func TestOllamaInfoRoutes(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Model: "llama3.2", Seed: 152})
	resp, body := ts.send(t, http.MethodGet, "/api/version", "", nil)
	var v struct {
		Version string `json:"version"`
	}
	decodeStrict(t, body, &v)
	if resp.StatusCode != 200 || !strings.Contains(v.Version, "simulator") {
		t.Errorf("version %d %s", resp.StatusCode, body)
	}
	_, body = ts.send(t, http.MethodGet, "/api/ps", "", nil)
	var ps struct {
		Models []struct {
			Name      string `json:"name"`
			ExpiresAt string `json:"expires_at"`
		} `json:"models"`
	}
	if err := json.Unmarshal(body, &ps); err != nil || len(ps.Models) != 1 || ps.Models[0].Name != "llama3.2:latest" || ps.Models[0].ExpiresAt == "" {
		t.Errorf("ps %s (%v)", body, err)
	}
	_, body = ts.send(t, http.MethodPost, "/api/show", `{"model":"qwen3"}`, nil)
	var show struct {
		Modelfile string `json:"modelfile"`
		Details   struct {
			Family string `json:"family"`
		} `json:"details"`
	}
	if err := json.Unmarshal(body, &show); err != nil || !strings.Contains(show.Modelfile, "FROM qwen3:latest") || show.Details.Family == "" {
		t.Errorf("show %s (%v)", body, err)
	}
	resp, body = ts.send(t, http.MethodPost, "/api/show", `{}`, nil)
	if resp.StatusCode != 400 || string(body) != `{"error":"model is required"}` {
		t.Errorf("show without model: %d %s", resp.StatusCode, body)
	}
}

// FuzzParseOllamaGenerate checks that any body is refused with Ollama's
// 400 or yields a request naming a model.
func FuzzParseOllamaGenerate(f *testing.F) {
	for _, s := range []string{`{"model":"m","prompt":"hi"}`, `{"model":"m","prompt":"hi","stream":false,"options":{"num_predict":3}}`, `{"prompt":1}`, ``, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, e := parseOllamaGenerate(body)
		if e != nil {
			if e.status != 400 || e.message == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if req.Model == "" {
			t.Fatalf("accepted %q without a model", body)
		}
	})
}
