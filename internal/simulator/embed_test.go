package simulator

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// embedCase says how the cross-wire embedding tests talk to one wire.
type embedCase struct {
	name string
	chat wireCase // the chat wire whose error shapes the route shares
	// request embeds texts at size dim (0: the default size).
	request func(t testing.TB, texts []string, dim int) wireRequest
	// decode decodes an answer strictly and returns its vectors.
	decode func(t testing.TB, body []byte) [][]float64
}

var embedCases = []embedCase{
	{
		name: "openai", chat: openAIWire,
		request: func(t testing.TB, texts []string, dim int) wireRequest {
			body := map[string]any{"model": "text-embedding-3-small", "input": texts, "encoding_format": "float"}
			if dim > 0 {
				body["dimensions"] = dim
			}
			return wireRequest{http.MethodPost, "/v1/embeddings", nil, jsonBody(t, body)}
		},
		decode: func(t testing.TB, body []byte) [][]float64 {
			var r openAIEmbeddings[[]float64]
			decodeStrict(t, body, &r)
			vecs := make([][]float64, len(r.Data))
			for i, d := range r.Data {
				vecs[i] = d.Embedding
			}
			return vecs
		},
	},
	{
		name: "gemini", chat: geminiWire,
		request: func(t testing.TB, texts []string, dim int) wireRequest {
			reqs := make([]map[string]any, len(texts))
			for i, text := range texts {
				reqs[i] = map[string]any{"model": "models/gemini-embedding-001", "content": map[string]any{"parts": []map[string]any{{"text": text}}}}
				if dim > 0 {
					reqs[i]["outputDimensionality"] = dim
				}
			}
			return wireRequest{http.MethodPost, "/v1beta/models/gemini-embedding-001:batchEmbedContents", nil, jsonBody(t, map[string]any{"requests": reqs})}
		},
		decode: func(t testing.TB, body []byte) [][]float64 {
			var r geminiBatchEmbeddings
			decodeStrict(t, body, &r)
			vecs := make([][]float64, len(r.Embeddings))
			for i, e := range r.Embeddings {
				vecs[i] = e.Values
			}
			return vecs
		},
	},
	{
		name: "cohere", chat: cohereWire,
		request: func(t testing.TB, texts []string, dim int) wireRequest {
			body := map[string]any{"model": "embed-v4.0", "texts": texts, "input_type": "search_document", "embedding_types": []string{"float"}}
			if dim > 0 {
				body["output_dimension"] = dim
			}
			return wireRequest{http.MethodPost, "/v2/embed", nil, jsonBody(t, body)}
		},
		decode: func(t testing.TB, body []byte) [][]float64 {
			var r cohereEmbeddings
			decodeStrict(t, body, &r)
			return r.Embeddings.Float
		},
	},
	{
		name: "ollama", chat: ollamaWire,
		request: func(t testing.TB, texts []string, dim int) wireRequest {
			body := map[string]any{"model": "all-minilm", "input": texts}
			if dim > 0 {
				body["dimensions"] = dim
			}
			return wireRequest{http.MethodPost, "/api/embed", nil, jsonBody(t, body)}
		},
		decode: func(t testing.TB, body []byte) [][]float64 {
			var r ollamaEmbedResponse
			decodeStrict(t, body, &r)
			return r.Embeddings
		},
	},
}

// openAIEmbeddings is OpenAI's embeddings response; E is []float64 for
// the float encoding and string for base64.
type openAIEmbeddings[E any] struct {
	Object string `json:"object"`
	Data   []struct {
		Object    string `json:"object"`
		Index     int    `json:"index"`
		Embedding E      `json:"embedding"`
	} `json:"data"`
	Model string `json:"model"`
	Usage struct {
		PromptTokens int `json:"prompt_tokens"`
		TotalTokens  int `json:"total_tokens"`
	} `json:"usage"`
}

type geminiBatchEmbeddings struct {
	Embeddings []struct {
		Values []float64 `json:"values"`
	} `json:"embeddings"`
}

type geminiEmbedding struct {
	Embedding struct {
		Values []float64 `json:"values"`
	} `json:"embedding"`
}

type cohereEmbeddings struct {
	ID         string `json:"id"`
	Embeddings struct {
		Float   [][]float64 `json:"float"`
		Int8    [][]int     `json:"int8"`
		Uint8   [][]int     `json:"uint8"`
		Binary  [][]int     `json:"binary"`
		Ubinary [][]int     `json:"ubinary"`
		Base64  []string    `json:"base64"`
	} `json:"embeddings"`
	Texts []string `json:"texts"`
	Meta  struct {
		APIVersion struct {
			Version string `json:"version"`
		} `json:"api_version"`
		BilledUnits struct {
			InputTokens int `json:"input_tokens"`
		} `json:"billed_units"`
	} `json:"meta"`
	ResponseType string `json:"response_type"`
}

// wantVectors are the vectors of texts at size dim, as float64s.
func wantVectors(texts []string, dim int) [][]float64 {
	if dim == 0 {
		dim = EmbedDimensions
	}
	out := make([][]float64, len(texts))
	for i, text := range texts {
		for _, v := range embed(make([]float32, dim), text) {
			out[i] = append(out[i], float64(v))
		}
	}
	return out
}

// asFloat32 rounds decoded vectors to the float32s the wire's decimal
// numbers stand for.
func asFloat32(vecs [][]float64) [][]float64 {
	for _, v := range vecs {
		for i, x := range v {
			v[i] = float64(float32(x))
		}
	}
	return vecs
}

// decodeBase64Vector decodes a base64 vector of little-endian float32s.
func decodeBase64Vector(t testing.TB, s string) []float64 {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw)%4 != 0 {
		t.Fatalf("base64 vector %q: %v", s, err)
	}
	out := make([]float64, len(raw)/4)
	for i := range out {
		out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
	}
	return out
}

// TestEmbedWiresAgree checks that every wire returns the same vectors for
// the same texts, at the default size and at another one.
func TestEmbedWiresAgree(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 81})
	texts := []string{"The cat sat on the mat", "Stock prices fell sharply!", "été über naïve"}
	for _, dim := range []int{0, 256} {
		want := wantVectors(texts, dim)
		for _, ec := range embedCases {
			t.Run(ec.name+"/"+strconv.Itoa(dim), func(t *testing.T) {
				t.Parallel()
				resp, body := ec.chat.post(t, ts, ec.request(t, texts, dim))
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				if diff := cmp.Diff(want, asFloat32(ec.decode(t, body))); diff != "" {
					t.Errorf("vectors (-want +got):\n%s", diff)
				}
			})
		}
	}
	t.Run("openai base64", func(t *testing.T) {
		t.Parallel()
		_, body := ts.post(t, "/embeddings", `{"model":"text-embedding-3-small","input":["The cat sat on the mat"],"encoding_format":"base64"}`)
		var r openAIEmbeddings[string]
		decodeStrict(t, body, &r)
		if diff := cmp.Diff(wantVectors(texts[:1], 0)[0], decodeBase64Vector(t, r.Data[0].Embedding)); diff != "" {
			t.Errorf("base64 vector (-want +got):\n%s", diff)
		}
	})
	t.Run("gemini embedContent", func(t *testing.T) {
		t.Parallel()
		_, body := ts.send(t, http.MethodPost, "/v1beta/models/gemini-embedding-001:embedContent", `{"content":{"parts":[{"text":"The cat sat on the mat"}]}}`, nil)
		var r geminiEmbedding
		decodeStrict(t, body, &r)
		if diff := cmp.Diff(wantVectors(texts[:1], 0), asFloat32([][]float64{r.Embedding.Values})); diff != "" {
			t.Errorf("vector (-want +got):\n%s", diff)
		}
	})
}

// TestEmbedWiresFaults checks that the embedding routes draw the faults of
// chat requests and render them in their vendor's error shape.
func TestEmbedWiresFaults(t *testing.T) {
	t.Parallel()
	for _, ec := range embedCases {
		for f, shape := range ec.chat.faults {
			t.Run(ec.name+"/"+strconv.Itoa(shape.status), func(t *testing.T) {
				t.Parallel()
				var rates ErrorRates
				switch f {
				case faultRateLimit:
					rates.RateLimit = 1
				case faultOverload:
					rates.Overload = 1
				case faultServer:
					rates.Server = 1
				}
				ts := startServer(t, Config{Errors: rates, RetryAfter: 2500 * time.Millisecond, Seed: 82})
				resp, body := ec.chat.post(t, ts, ec.request(t, []string{"hi"}, 0))
				if resp.StatusCode != shape.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, shape.status, body)
				}
				if kind, msg := ec.chat.decodeError(t, body); kind != shape.kind || msg == "" {
					t.Errorf("error kind %q message %q, want %q and a message", kind, msg, shape.kind)
				}
				for k, v := range shape.hdr {
					if got := resp.Header.Get(k); got == "" || (v != "*" && got != v) {
						t.Errorf("header %s = %q, want %q", k, got, v)
					}
				}
				if shape.check != nil {
					shape.check(t, body)
				}
				if st := ts.sim.Stats(); st.Requests != 1 || st.Answered != 0 || st.Errors.RateLimit+st.Errors.Overload+st.Errors.Server != 1 {
					t.Errorf("stats %+v", st)
				}
			})
		}
		t.Run(ec.name+"/truncate", func(t *testing.T) {
			t.Parallel()
			ts := startServer(t, Config{Errors: ErrorRates{Truncate: 1}, TruncateMode: TruncateClean, Seed: 83})
			resp, body := ec.chat.post(t, ts, ec.request(t, []string{"hi there"}, 0))
			if resp.StatusCode != 200 || json.Valid(body) || len(body) < 100 {
				t.Errorf("%d %q, want the first half of an answer", resp.StatusCode, body)
			}
			if st := ts.sim.Stats(); st.Errors.Truncate != 1 || st.Answered != 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

// TestEmbedWiresLatency checks that an embedding answer waits the
// configured latency.
func TestEmbedWiresLatency(t *testing.T) {
	t.Parallel()
	const lat = 60 * time.Millisecond
	ts := startServer(t, Config{Latency: Dist{Kind: DistFixed, Mean: lat}, Seed: 84})
	for _, ec := range embedCases {
		t.Run(ec.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			resp, body := ec.chat.post(t, ts, ec.request(t, []string{"hi"}, 0))
			if took := time.Since(start); resp.StatusCode != 200 || took < lat {
				t.Errorf("status %d after %v, want 200 after at least %v: %s", resp.StatusCode, took, lat, body)
			}
		})
	}
}

// TestEmbedBadBodies checks that a body that is not JSON, or too big, is a
// 400 in each vendor's shape.
func TestEmbedBadBodies(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 85})
	t.Run("wires", func(t *testing.T) {
		for _, ec := range embedCases {
			t.Run(ec.name, func(t *testing.T) {
				t.Parallel()
				req := ec.request(t, []string{"x"}, 0)
				req.body = `{"model":`
				resp, body := ec.chat.post(t, ts, req)
				if _, msg := ec.chat.decodeError(t, body); resp.StatusCode != 400 || msg == "" {
					t.Errorf("%d %s", resp.StatusCode, body)
				}
			})
		}
	})
	if st := ts.sim.Stats(); st.Errors.BadRequest != uint64(len(embedCases)) {
		t.Errorf("stats %+v", st)
	}
}

func TestEmbedRoutes(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 86})
	const body = `{"model":"m","input":"hello"}`
	for _, path := range []string{"/v1/embeddings", "/embeddings", "/openai/v1/embeddings", "/api/v1/embeddings",
		"/openai/deployments/emb/embeddings", "/v1beta/openai/embeddings", "/vendor/mistral/v1/embeddings"} {
		resp, b := ts.send(t, http.MethodPost, path, body, nil)
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"object": "embedding"`) {
			t.Errorf("POST %s = %d %s", path, resp.StatusCode, b)
		}
	}
	for _, c := range []struct{ method, path string }{{http.MethodGet, "/v2/embed"}, {http.MethodGet, "/api/embeddings"}} {
		if resp, b := ts.send(t, c.method, c.path, body, nil); resp.StatusCode < 400 {
			t.Errorf("%s %s = %d %s, want an error", c.method, c.path, resp.StatusCode, b)
		}
	}
}

func BenchmarkEmbed(b *testing.B) {
	sim, err := New(Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	h := sim.Handler()
	w := &nullWriter{h: http.Header{}}
	body := []byte(`{"model":"text-embedding-3-small","input":["What is the capital of France? Answer in one word.","Paris"]}`)
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		req, _ := http.NewRequest(http.MethodPost, "/v1/embeddings", strings.NewReader(string(body)))
		h.ServeHTTP(w, req)
	}
}
