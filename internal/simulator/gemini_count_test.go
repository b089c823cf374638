package simulator

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestGeminiCountTokens(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 160})
	const contents = `"contents":[{"role":"user","parts":[{"text":"How many tokens are in this question?"}]}]`
	const sys = `"systemInstruction":{"parts":[{"text":"Be brief."}]}`
	generated := func(body string) int {
		_, b := ts.send(t, http.MethodPost, "/v1beta/models/gemini-2.5-flash:generateContent", body, nil)
		var r struct {
			UsageMetadata struct {
				PromptTokenCount int `json:"promptTokenCount"`
			} `json:"usageMetadata"`
		}
		if err := json.Unmarshal(b, &r); err != nil || r.UsageMetadata.PromptTokenCount == 0 {
			t.Fatalf("generateContent: %s (%v)", b, err)
		}
		return r.UsageMetadata.PromptTokenCount
	}
	for _, tt := range []struct{ name, body, gen string }{
		{"contents", `{` + contents + `}`, `{` + contents + `}`},
		{"whole request", `{"generateContentRequest":{"model":"models/gemini-2.5-flash",` + contents + `,` + sys + `}}`, `{` + contents + `,` + sys + `}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := ts.send(t, http.MethodPost, "/v1beta/models/gemini-2.5-flash:countTokens", tt.body, nil)
			var c struct {
				TotalTokens         int `json:"totalTokens"`
				PromptTokensDetails []struct {
					Modality   string `json:"modality"`
					TokenCount int    `json:"tokenCount"`
				} `json:"promptTokensDetails"`
			}
			decodeStrict(t, b, &c)
			want := generated(tt.gen)
			if resp.StatusCode != 200 || c.TotalTokens != want || len(c.PromptTokensDetails) != 1 || c.PromptTokensDetails[0].TokenCount != want {
				t.Errorf("%d %s, want %d tokens", resp.StatusCode, b, want)
			}
		})
	}
	for _, body := range []string{`{}`, `{"contents":[{"role":"user","parts":[]}]}`, `{"contents":5}`} {
		resp, b := ts.send(t, http.MethodPost, "/v1beta/models/gemini-2.5-flash:countTokens", body, nil)
		var e struct {
			Error struct {
				Code   int    `json:"code"`
				Status string `json:"status"`
			} `json:"error"`
		}
		if err := json.Unmarshal(b, &e); err != nil || resp.StatusCode != 400 || e.Error.Status != "INVALID_ARGUMENT" {
			t.Errorf("%s: %d %s", body, resp.StatusCode, b)
		}
	}
}

// FuzzCountGeminiTokens checks that any body is refused with Gemini's 400
// or counted.
func FuzzCountGeminiTokens(f *testing.F) {
	for _, s := range []string{`{"contents":[{"parts":[{"text":"hi"}]}]}`, `{"generateContentRequest":{"contents":[{"parts":[{"text":"x"}]}]}}`, `{}`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		n, e := countGeminiTokens(body)
		if e != nil {
			if e.status != 400 || e.message == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if n < replyOverhead {
			t.Fatalf("counted %d tokens in %q", n, body)
		}
	})
}
