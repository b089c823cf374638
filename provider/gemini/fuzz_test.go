package gemini

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// bodyTransport answers every request with a 200 and a fixed body, without a network.
type bodyTransport struct{ body []byte }

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(b.body)), Request: r}, nil
}

// FuzzGenerate feeds arbitrary bodies and streams to the decoders: they
// must never panic, must fail only with a *provider.Error, and must emit
// exactly the text they return.
func FuzzGenerate(f *testing.F) {
	for _, name := range []string{
		"TestGoogleCommon/gemini-2.5-flash/simple.yaml",
		"TestGoogleCommon/gemini-2.5-flash/simple_streaming.yaml",
		"TestImageUploadAgent/gemini-2.5-pro.yaml",
		"TestImageUploadAgentStreaming/gemini-2.5-pro-stream.yaml",
	} {
		rec := replay.Load(f, name).Interactions[0]
		f.Add([]byte(rec.Response.Body), strings.Contains(rec.Request.URL, "alt=sse"))
	}
	f.Add([]byte("data: "+rateBody+"\r\n\r\n"), true)
	f.Add([]byte(`{"promptFeedback":{"blockReason":"SAFETY"}}`), false)
	f.Add([]byte("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\",\"thought\":true},{\"text\":\"b\"}]},\"finishReason\":\"STOP\",\"logprobsResult\":{\"chosenCandidates\":[{\"logProbability\":-1}]}}],\"usageMetadata\":{\"promptTokenCount\":-3}}\n\n"), true)
	f.Fuzz(func(t *testing.T, body []byte, stream bool) {
		c, err := New(provider.Config{Model: "m", BaseURL: "http://fuzz.invalid", HTTPClient: &http.Client{Transport: bodyTransport{body}}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		var emitted strings.Builder
		resp, err := c.Generate(t.Context(), provider.Request{Messages: hello, Stream: stream}, func(ch provider.Chunk) error {
			emitted.WriteString(ch.Text)
			return nil
		})
		if err != nil {
			if provider.AsError(err) == nil {
				t.Fatalf("error is not a *provider.Error: %v", err)
			}
			return
		}
		if emitted.String() != resp.Text {
			t.Fatalf("emitted %q but response text is %q", emitted.String(), resp.Text)
		}
		if resp.FinishReason != "" && resp.RawFinishReason == "" {
			t.Fatalf("mapped finish %q without a raw one", resp.FinishReason)
		}
		if resp.Model == "" {
			t.Fatal("response without a model")
		}
	})
}
