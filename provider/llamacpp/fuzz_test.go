package llamacpp

import (
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// FuzzGenerate feeds llama-server answers, recorded and mangled, to
// Generate with a prompt long enough to be judged for a cut: it fails only
// with a *provider.Error and emits exactly its text.
func FuzzGenerate(f *testing.F) {
	for _, name := range []string{"simple.yaml", "simple_streaming.yaml"} {
		body := replay.Load(f, "TestOpenAICompatibleCommon/llama-cpp-gpt-oss/"+name).Interactions[0].Response.Body
		f.Add([]byte(body), strings.Contains(name, "streaming"))
	}
	body, stream := answers(192)
	f.Add([]byte(body), false)
	f.Add([]byte(stream), true)
	f.Add([]byte(`error: {"code":500,"message":"context shift is disabled","type":"server_error"}`+"\n\n"), true)
	msgs := []bench.Message{{Role: bench.RoleUser, Content: longEnglish}}
	f.Fuzz(func(t *testing.T, body []byte, stream bool) {
		c, err := New(provider.Config{Model: "m", BaseURL: "http://fuzz.invalid", HTTPClient: &http.Client{Transport: providertest.BodyTransport{Body: body}}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		providertest.CheckGenerate(t, c, provider.Request{Messages: msgs, Stream: stream}, "")
	})
}
