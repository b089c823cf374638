package cohere

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// No recordings of Cohere traffic exist; these fakes quote the documented
// bodies of PROVIDER_FACTS.md §5 exactly.

const testKey = "co-test-abcdef0123456789"

// chatBody is the documented non-streamed /v2/chat answer.
const chatBody = `{"id":"c14c80c3-18eb-4519-9460-6c92edd8cfb4","finish_reason":"COMPLETE",
 "message":{"role":"assistant","content":[{"type":"text","text":"LLMs stand for Large Language Models..."}]},
 "usage":{"billed_units":{"input_tokens":5,"output_tokens":418},"tokens":{"input_tokens":71,"output_tokens":418},"cached_tokens":0},
 "logprobs":[{"text":"LL","token_ids":[1234],"logprobs":[-0.01]}]}`

// Events of the documented stream, each with its closing blank line.
const (
	sseStart        = "event: message-start\ndata: {\"id\":\"586ac33f-9c64-452c-8f8d-e5890e73b6fb\",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}\n\n"
	sseContentStart = "event: content-start\ndata: {\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}\n\n"
	sseDelta        = "event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Hello\"}}}}\n\n"
	sseContentEnd   = "event: content-end\ndata: {\"type\":\"content-end\",\"index\":0}\n\n"
	sseEnd          = "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":{\"billed_units\":{\"input_tokens\":5,\"output_tokens\":2},\"tokens\":{\"input_tokens\":71,\"output_tokens\":2},\"cached_tokens\":0}}}\n\n"
	sseDone         = "data: [DONE]\n\n"
)

// streamBody is the documented stream transcript.
const streamBody = sseStart + sseContentStart + sseDelta + sseContentEnd + sseEnd + sseDone

// Documented error bodies ({"id","message"}) and messages.
const (
	badKeyBody      = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"invalid api token"}`
	noKeyBody       = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"no api key supplied"}`
	perMinuteBody   = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"You are past the per minute request limit, please wait and try again later."}`
	trialMinuteBody = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"You are using a Trial key, which is limited to 40 API calls / minute. You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits at 'https://dashboard.cohere.com/api-keys'. Contact us on 'https://discord.gg/XW44jPfYJu' or email us at support@cohere.com with any questions"}`
	// A real 429 body seen in the wild (not in PROVIDER_FACTS.md, which quotes the per-minute variant).
	trialMonthBody   = `{"id":"24e32f6d-b372-4853-85f2-11e65134f032","message":"You are using a Trial key, which is limited to 1000 API calls / month."}`
	trialTokensBody  = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"trial token rate limit exceeded, limit is 100000 tokens per minute"}`
	contextBody      = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"too many tokens: total number of tokens in the prompt cannot exceed 4081 - received 4292."}`
	maxTokensBody    = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"too many tokens: max tokens must be less than or equal to 4096, the maximum output for this model - received 8192."}`
	notFoundBody     = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"model 'command-x' not found, make sure the correct model ID was used and that you have access to the model."}`
	removedParamBody = `{"id":"0db90843-0c55-4e18-856e-188f6db97fab","message":"invalid request: parameter 'connectors' was removed from the Chat API on September 15 2025."}`
	cancelledBody    = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"request cancelled"}`
	// The status texts below are documented; the exact messages of 500 and
	// 503 are not, so these keep Cohere's body shape with neutral wording.
	internalBody    = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"internal server error"}`
	unavailableBody = `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"service unavailable"}`
)

var hello = []bench.Message{{Role: bench.RoleUser, Content: "What is an LLM?"}}

func newClient(t testing.TB, base string) *Client {
	t.Helper()
	c, err := New(provider.Config{Vendor: Vendor, Model: "command-a-03-2025", BaseURL: base, APIKey: testKey})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func discard(provider.Chunk) error { return nil }

// sseResponse is a 200 text/event-stream response with body.
func sseResponse(body string) replay.Response {
	return replay.Response{Body: body, Headers: map[string][]string{"Content-Type": {"text/event-stream"}}}
}

// jsonResponse is a 200 application/json response with body.
func jsonResponse(body string) replay.Response {
	return replay.Response{Body: body, Headers: map[string][]string{"Content-Type": {"application/json"}}}
}
