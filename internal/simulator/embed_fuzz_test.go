package simulator

import (
	"encoding/json"
	"net/http"
	"testing"
)

// fuzzEmbedWire checks one wire's request parser on any body: it never
// panics, and a body it accepts names texts it can embed (at a size within
// bounds) and encodes to valid JSON.
func fuzzEmbedWire(f *testing.F, seeds []string, wire func() embedWire, allowEmpty bool) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ew := wire()
		tr := turn{rnd: newRNG(1, 1)}
		var job embedJob
		if e := ew.parseEmbed(nil, body, &tr, &job); e != nil {
			if e.status != http.StatusBadRequest || e.message == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if len(job.texts) == 0 {
			t.Fatalf("accepted %q with nothing to embed", body)
		}
		for i, text := range job.texts {
			if text == "" && !allowEmpty {
				t.Fatalf("accepted %q with an empty text %d", body, i)
			}
		}
		for _, d := range append([]int{job.dim}, job.dims...) {
			if d < 0 || d > MaxEmbedDimensions {
				t.Fatalf("accepted %q with size %d", body, d)
			}
		}
		if out := ew.appendEmbed(http.Header{}, nil, &tr, &job); !json.Valid(out) {
			t.Fatalf("accepted %q, answered invalid JSON %q", body, out)
		}
	})
}

func FuzzParseOpenAIEmbed(f *testing.F) {
	fuzzEmbedWire(f, []string{
		`{"model":"text-embedding-3-small","input":"hello","encoding_format":"base64","dimensions":8}`,
		`{"model":"m","input":["a","b"]}`, `{"model":"m","input":[[1,2],[3]]}`, `{"model":"m","input":[1,2]}`,
		`{"model":"m","input":""}`, `{"model":"m","input":[""]}`, `{"input":"x"}`, `{"model":"m","input":{}}`, `[]`, `{`,
	}, func() embedWire { return &openAIEmbedWire{} }, false)
}

func FuzzParseGeminiEmbed(f *testing.F) {
	seeds := []string{
		`{"content":{"parts":[{"text":"a"},{"text":"b"}]},"outputDimensionality":8}`, `{"content":{"parts":[]}}`, `{}`,
		`{"content":{"parts":[{"text":""}]},"output_dimensionality":-1}`,
	}
	fuzzEmbedWire(f, seeds, func() embedWire { return &geminiEmbedWire{geminiDialect: geminiDialect{model: "m"}} }, false)
}

func FuzzParseGeminiBatchEmbed(f *testing.F) {
	seeds := []string{
		`{"requests":[{"model":"models/m","content":{"parts":[{"text":"a"}]},"outputDimensionality":4},{"model":"models/m","content":{"parts":[{"text":"b"}]}}]}`,
		`{"requests":[]}`, `{"requests":[{"model":"m","content":{"parts":[{"text":"a"}]}}]}`, `{"requests":[{"content":{}}]}`,
	}
	fuzzEmbedWire(f, seeds, func() embedWire { return &geminiEmbedWire{geminiDialect: geminiDialect{model: "m"}, batch: true} }, false)
}

func FuzzParseCohereEmbed(f *testing.F) {
	seeds := []string{
		`{"model":"embed-v4.0","texts":["a","b"],"input_type":"search_query","embedding_types":["float","int8","uint8","binary","ubinary","base64"],"output_dimension":256}`,
		`{"model":"m","input_type":"clustering","inputs":[{"content":[{"type":"text","text":"a"}]}]}`,
		`{"model":"m","input_type":"image","images":["data:x"]}`, `{"model":"m","texts":[""],"input_type":"classification","truncate":"NONE"}`, `{}`,
	}
	fuzzEmbedWire(f, seeds, func() embedWire { return &cohereEmbedWire{} }, true)
}
