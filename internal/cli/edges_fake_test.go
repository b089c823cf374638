package cli_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// edgeServer is a fake OpenAI Chat Completions server for the tests of issue
// 15's rough edges. Its answers have the shape of the recorded exchanges in
// testdata/provider-recordings/TestOpenAICommon/openai-gpt-4o-mini (a JSON
// document, or server-sent events ending in a usage chunk and [DONE]); the
// answer text echoes the last message, so assertions on the prompt pass.
// It keeps every chat request's JSON body, and lets a test replace any
// answer with an error.
type edgeServer struct {
	*httptest.Server
	// key is the only API key accepted; any other gets OpenAI's 401.
	key string
	// prompt and completion are the token counts every answer reports.
	prompt, completion int
	// delay is how long each chat answer takes.
	delay time.Duration
	// fail, when set, may answer the nth chat request (1-based) with an
	// error instead: it returns the status, headers and body to send, or a
	// status of 0 for the normal answer.
	fail func(n int, body map[string]any) (int, map[string]string, string)

	mu     sync.Mutex
	bodies []map[string]any
}

// edgeModels is the model list GET /v1/models returns.
var edgeModels = []string{"gpt-4o-mini", "gpt-4o", "text-embedding-3-small"}

func newEdgeServer(t *testing.T, key string) *edgeServer {
	t.Helper()
	s := &edgeServer{key: key, prompt: 20, completion: 2}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// calls is how many chat requests arrived.
func (s *edgeServer) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

// requests returns a copy of the chat requests' bodies, in arrival order.
func (s *edgeServer) requests() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.bodies...)
}

func (s *edgeServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.key {
		edgeJSON(w, http.StatusUnauthorized, nil, `{"error":{"message":"Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		var b strings.Builder
		b.WriteString(`{"object":"list","data":[`)
		for i, m := range edgeModels {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":%q,"object":"model","created":1686935002,"owned_by":"system"}`, m)
		}
		b.WriteString(`]}`)
		edgeJSON(w, http.StatusOK, nil, b.String())
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		s.chat(w, r)
	default:
		edgeJSON(w, http.StatusNotFound, nil, `{"error":{"message":"Invalid URL (`+r.Method+` `+r.URL.Path+`)","type":"invalid_request_error","param":null,"code":null}}`)
	}
}

func (s *edgeServer) chat(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	var body map[string]any
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		edgeJSON(w, http.StatusBadRequest, nil, `{"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error","param":null,"code":null}}`)
		return
	}
	s.mu.Lock()
	s.bodies = append(s.bodies, body)
	n := len(s.bodies)
	s.mu.Unlock()
	if s.delay > 0 {
		select {
		case <-time.After(s.delay):
		case <-r.Context().Done():
			return
		}
	}
	if s.fail != nil {
		if status, hdr, b := s.fail(n, body); status != 0 {
			edgeJSON(w, status, hdr, b)
			return
		}
	}
	text, _ := json.Marshal(lastContent(body))
	usage := fmt.Sprintf(`{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`,
		s.prompt, s.completion, s.prompt+s.completion)
	const head = `"id":"chatcmpl-DuLdOuviL2tiVxMim6HmX4YMnCorK","created":1782321902,"model":"gpt-4o-mini-2024-07-18"`
	if stream, _ := body["stream"].(bool); !stream {
		edgeJSON(w, http.StatusOK, nil, `{`+head+`,"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":`+string(text)+`,"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":`+usage+`,"service_tier":"default","system_fingerprint":"fp_bbc23ca3d7"}`)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	chunk := `{` + head + `,"object":"chat.completion.chunk","service_tier":"default","system_fingerprint":"fp_bbc23ca3d7",`
	for _, ev := range []string{
		chunk + `"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}`,
		chunk + `"choices":[{"index":0,"delta":{"content":` + string(text) + `},"logprobs":null,"finish_reason":null}],"usage":null}`,
		chunk + `"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}`,
		chunk + `"choices":[],"usage":` + usage + `}`,
		`[DONE]`,
	} {
		fmt.Fprintf(w, "data: %s\n\n", ev)
	}
}

// lastContent is the text of a chat request's last message.
func lastContent(body map[string]any) string {
	msgs, _ := body["messages"].([]any)
	if len(msgs) == 0 {
		return ""
	}
	m, _ := msgs[len(msgs)-1].(map[string]any)
	switch c := m["content"].(type) {
	case string:
		return c
	case []any:
		var b strings.Builder
		for _, p := range c {
			if pm, ok := p.(map[string]any); ok {
				s, _ := pm["text"].(string)
				b.WriteString(s)
			}
		}
		return b.String()
	}
	return ""
}

func edgeJSON(w http.ResponseWriter, status int, hdr map[string]string, body string) {
	for k, v := range hdr {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// edgeBadRequest is OpenAI's answer to a request it refuses: final, not
// retried.
const edgeBadRequest = `{"error":{"message":"Invalid value for 'messages': the request was refused by the test server.","type":"invalid_request_error","param":"messages","code":null}}`

// edgeOpenAIEnv points the openai vendor at s with key.
func edgeOpenAIEnv(s *edgeServer) []string {
	return []string{"OPENAI_API_KEY=" + s.key, "LTB_PROVIDERS__OPENAI__BASE_URL=" + s.URL + "/v1"}
}

// edgeCaseIDs are the case ids of a JSONL results file, in file order.
func edgeCaseIDs(t *testing.T, path string) []string {
	t.Helper()
	var ids []string
	for _, r := range readJSONL(t, path) {
		ids = append(ids, r.CaseID)
	}
	return ids
}

// edgeRunCount is how many runs `runs list` shows.
func edgeRunCount(t *testing.T, e *env) int {
	t.Helper()
	code, out, stderr := e.run(t.Context(), "runs", "list")
	if code != 0 {
		t.Fatalf("runs list: exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return len(lines) - 1 // the header
}
