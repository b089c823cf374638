package simulator

import (
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCohereEmbedShape(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 111})
	resp, body := ts.send(t, http.MethodPost, "/v2/embed", `{"model":"embed-v4.0","texts":["hello world","goodnight"],`+
		`"inputs":[{"content":[{"type":"text","text":"first"},{"type":"text","text":"second"}]}],"input_type":"search_query",`+
		`"embedding_types":["float","int8","uint8","binary","ubinary","base64"],"output_dimension":256,"truncate":"END"}`, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, body)
	}
	var r cohereEmbeddings
	decodeStrict(t, body, &r)
	if !uuidRE.MatchString(r.ID) || r.ResponseType != "embeddings_by_type" || r.Meta.APIVersion.Version != "2" || r.Meta.BilledUnits.InputTokens != 6 {
		t.Errorf("envelope %+v", r)
	}
	if diff := cmp.Diff([]string{"hello world", "goodnight"}, r.Texts); diff != "" {
		t.Errorf("texts echo only the texts field (-want +got):\n%s", diff)
	}
	want := wantVectors([]string{"hello world", "goodnight", "first\nsecond"}, 256)
	if diff := cmp.Diff(want, asFloat32(r.Embeddings.Float)); diff != "" {
		t.Errorf("float vectors, texts then inputs (-want +got):\n%s", diff)
	}
	e := r.Embeddings
	if len(e.Int8) != 3 || len(e.Uint8) != 3 || len(e.Binary) != 3 || len(e.Ubinary) != 3 || len(e.Base64) != 3 {
		t.Fatalf("embedding types %+v", e)
	}
	for i, v := range want {
		if diff := cmp.Diff(v, asFloat32([][]float64{decodeBase64Vector(t, e.Base64[i])})[0]); diff != "" {
			t.Errorf("base64 %d (-want +got):\n%s", i, diff)
		}
		if len(e.Int8[i]) != 256 || len(e.Binary[i]) != 32 || len(e.Ubinary[i]) != 32 {
			t.Fatalf("sizes %d %d %d", len(e.Int8[i]), len(e.Binary[i]), len(e.Ubinary[i]))
		}
		for j, x := range v {
			q := int(math.Round(127 * x))
			if e.Int8[i][j] != q || e.Uint8[i][j] != q+128 {
				t.Fatalf("vector %d dimension %d: %v quantized to int8 %d uint8 %d", i, j, x, e.Int8[i][j], e.Uint8[i][j])
			}
			bit := 0
			if x > 0 {
				bit = 1
			}
			if got := e.Ubinary[i][j/8] >> (7 - j%8) & 1; got != bit {
				t.Fatalf("vector %d dimension %d: %v has sign bit %d", i, j, x, got)
			}
		}
		for j := range e.Binary[i] {
			if e.Binary[i][j] != e.Ubinary[i][j]-128 {
				t.Errorf("binary %d != ubinary %d - 128", e.Binary[i][j], e.Ubinary[i][j])
			}
		}
	}
	// Without embedding_types the vectors are floats.
	_, body = ts.send(t, http.MethodPost, "/v2/embed", `{"model":"embed-v4.0","texts":["x"],"input_type":"classification"}`, nil)
	var plain cohereEmbeddings
	decodeStrict(t, body, &plain)
	if len(plain.Embeddings.Float) != 1 || len(plain.Embeddings.Float[0]) != EmbedDimensions || plain.Embeddings.Int8 != nil {
		t.Errorf("default type: %s", body)
	}
}

func TestCohereEmbedBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 112})
	const ok = `"model":"embed-v4.0","input_type":"search_document"`
	tests := []struct{ name, body, want string }{
		{"no model", `{"texts":["x"],"input_type":"search_query"}`, "invalid request: model is required"},
		{"no input type", `{"model":"m","texts":["x"]}`, "invalid request: input_type is required"},
		{"bad input type", `{"model":"m","texts":["x"],"input_type":"query"}`, "invalid request: input_type must be one of"},
		{"nothing to embed", `{` + ok + `}`, "invalid request: one of texts, images or inputs must be provided"},
		{"images", `{` + ok + `,"images":["data:image/png;base64,AA=="]}`, "invalid request: images cannot be embedded"},
		{"image part", `{` + ok + `,"inputs":[{"content":[{"type":"image_url","image_url":{"url":"data:x"}}]}]}`, "invalid request: inputs[0]: content of type 'image_url'"},
		{"empty input", `{` + ok + `,"inputs":[{"content":[]}]}`, "invalid request: inputs[0].content must not be empty"},
		{"too many", `{` + ok + `,"texts":["` + strings.Repeat(`a","`, 96) + `a"]}`, "invalid request: at most 96 texts and inputs"},
		{"bad type", `{` + ok + `,"texts":["x"],"embedding_types":["float","int4"]}`, "invalid request: embedding_types must be among"},
		{"bad dimension", `{` + ok + `,"texts":["x"],"output_dimension":300}`, "invalid request: output_dimension must be one of"},
		{"bad truncate", `{` + ok + `,"texts":["x"],"truncate":"MIDDLE"}`, "invalid request: truncate must be one of"},
		{"bad max tokens", `{` + ok + `,"texts":["x"],"max_tokens":0}`, "invalid request: max_tokens must be greater than 0"},
		{"wrong type", `{` + ok + `,"texts":"x"}`, "invalid request: field texts must be of type []string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := ts.send(t, http.MethodPost, "/v2/embed", tt.body, nil)
			var e cohereErr
			decodeStrict(t, body, &e)
			if resp.StatusCode != 400 || !uuidRE.MatchString(e.ID) || !strings.HasPrefix(e.Message, tt.want) {
				t.Errorf("%d %+v, want 400 %q", resp.StatusCode, e, tt.want)
			}
		})
	}
}
