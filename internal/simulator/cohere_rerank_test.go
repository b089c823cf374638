package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestCohereRerank(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 170})
	body := `{"model":"rerank-v3.5","query":"capital of France","top_n":2,"documents":["Bananas are yellow.","Paris is the capital of France.","The capital of Spain is Madrid."]}`
	resp, b := ts.send(t, http.MethodPost, "/v2/rerank", body, nil)
	var r struct {
		Results []struct {
			Index          int     `json:"index"`
			RelevanceScore float64 `json:"relevance_score"`
		} `json:"results"`
		ID   string `json:"id"`
		Meta struct {
			APIVersion struct {
				Version string `json:"version"`
			} `json:"api_version"`
			BilledUnits struct {
				SearchUnits int `json:"search_units"`
			} `json:"billed_units"`
		} `json:"meta"`
	}
	decodeStrict(t, b, &r)
	if resp.StatusCode != 200 || len(r.Results) != 2 || r.Results[0].Index != 1 || r.Results[1].Index != 2 || r.ID == "" || r.Meta.BilledUnits.SearchUnits != 1 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if !(r.Results[0].RelevanceScore > r.Results[1].RelevanceScore && r.Results[1].RelevanceScore > 0 && r.Results[0].RelevanceScore <= 1) {
		t.Errorf("scores %+v", r.Results)
	}
	for _, tt := range []struct{ body, want string }{
		{`{"query":"q","documents":["a"]}`, "model is required"},
		{`{"model":"m","documents":["a"]}`, "query must not be empty"},
		{`{"model":"m","query":"q","documents":[]}`, "documents must not be empty"},
		{`{"model":"m","query":"q","documents":["a"],"top_n":0}`, "top_n must be at least 1"},
	} {
		resp, b := ts.send(t, http.MethodPost, "/v2/rerank", tt.body, nil)
		var e struct {
			ID      string `json:"id"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(b, &e); err != nil || resp.StatusCode != 400 || !strings.Contains(e.Message, tt.want) {
			t.Errorf("%s: %d %s", tt.body, resp.StatusCode, b)
		}
	}
}

// FuzzParseCohereRerank checks that any body is refused with Cohere's 400
// or yields a request that can be ranked.
func FuzzParseCohereRerank(f *testing.F) {
	for _, s := range []string{`{"model":"m","query":"q","documents":["a","b"],"top_n":1}`, `{"model":"m","query":"q","documents":[1]}`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, e := parseCohereRerank(body)
		if e != nil {
			if e.status != 400 || e.message == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if req.Model == "" || req.Query == "" || len(req.Documents) == 0 || req.TopN != nil && *req.TopN < 1 {
			t.Fatalf("accepted %q as %+v", body, req)
		}
	})
}
