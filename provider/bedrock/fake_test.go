package bedrock

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

const (
	testKey    = "ABSKQmVkcm9ja0FQSUtleS10ZXN0LWtleS0wMTIzNDU2Nzg5"
	testModel  = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
	novaModel  = "amazon.nova-micro-v1:0"
	testRegion = "us-east-1"
)

var hello = []bench.Message{
	{Role: bench.RoleSystem, Content: "You are a helpful assistant"},
	{Role: bench.RoleUser, Content: "Say hi in Portuguese"},
}

func discard(provider.Chunk) error { return nil }

func ptr[T any](v T) *T { return &v }

// newClient builds a bearer-key client for base; it never reads the AWS
// configuration (the region is given).
func newClient(t testing.TB, base string, opts map[string]any) *Client {
	t.Helper()
	o := map[string]any{"region": testRegion}
	for k, v := range opts {
		o[k] = v
	}
	c, err := New(provider.Config{Vendor: Vendor, Model: novaModel, BaseURL: base, APIKey: testKey, Options: o})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// frame is one event-stream message of a fake answer: kind is "event",
// "exception" or "error"; name its event type, exception type or error
// code; payload its JSON (or, for "error", the error message header).
type frame struct{ kind, name, payload string }

func ev(name, payload string) frame { return frame{"event", name, payload} }

// eventStream encodes frames as Bedrock sends them: binary event-stream
// messages with :message-type, :event-type or :exception-type and
// :content-type headers.
func eventStream(t testing.TB, frames ...frame) string {
	t.Helper()
	var buf bytes.Buffer
	enc := eventstream.NewEncoder()
	for _, f := range frames {
		var h eventstream.Headers
		payload := []byte(f.payload)
		switch f.kind {
		case "event":
			h.Set(":event-type", eventstream.StringValue(f.name))
			h.Set(":content-type", eventstream.StringValue("application/json"))
		case "exception":
			h.Set(":exception-type", eventstream.StringValue(f.name))
			h.Set(":content-type", eventstream.StringValue("application/json"))
		case "error":
			h.Set(":error-code", eventstream.StringValue(f.name))
			h.Set(":error-message", eventstream.StringValue(f.payload))
			payload = nil
		}
		h.Set(":message-type", eventstream.StringValue(f.kind))
		if err := enc.Encode(&buf, eventstream.Message{Headers: h, Payload: payload}); err != nil {
			t.Fatalf("encode frame: %v", err)
		}
	}
	return buf.String()
}

// The Converse answers below are the documented shapes (PROVIDER_FACTS §10,
// API_runtime_Converse / ConverseStream) carrying the text and usage of the
// recorded Bedrock call "Say hi in Portuguese", including the "p" padding
// field Bedrock adds to streamed events.
const (
	helloText   = "Olá! 👋\n\nHow can I help you today?"
	converseDoc = `{"metrics":{"latencyMs":812},"output":{"message":{"content":[{"text":"Olá! 👋\n\nHow can I help you today?"}],"role":"assistant"}},"stopReason":"end_turn","usage":{"inputTokens":16,"outputTokens":18,"totalTokens":34,"cacheReadInputTokens":0,"cacheWriteInputTokens":0}}`
)

var helloUsage = bench.Usage{Prompt: 16, Completion: 18, Total: 34}

func converseStreamFrames() []frame {
	return []frame{
		ev("messageStart", `{"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY","role":"assistant"}`),
		ev("contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"Olá! "},"p":"abcdefghijklmno"}`),
		ev("contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"👋"},"p":"abcdefghijklmnopqrst"}`),
		ev("contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"\n\nHow can I help you today?"},"p":"abcd"}`),
		ev("contentBlockStop", `{"contentBlockIndex":0,"p":"abcdefghijklmnopqrstuvwxyzABCDEFG"}`),
		ev("messageStop", `{"p":"abcdefghijklmnopqrstu","stopReason":"end_turn"}`),
		ev("metadata", `{"metrics":{"latencyMs":812},"p":"abcdefghij","usage":{"inputTokens":16,"outputTokens":18,"totalTokens":34}}`),
	}
}

// serve answers every request with a 200 and body of content type ct.
func serve(t testing.TB, ct, body string, opts ...replay.Option) *replay.Server {
	t.Helper()
	return replay.Serve(t, []replay.Response{{Code: 200, Body: body, Headers: map[string][]string{"Content-Type": {ct}}}}, opts...)
}

// wire is a request as it arrived, with its path still escaped.
type wire struct {
	Method, RequestURI, Host string
	Header                   http.Header
	Body                     []byte
}

// capture is a fake that records the raw request line, which replay.Seen
// (with its decoded path) cannot show, and answers with resp.
type capture struct {
	mu   sync.Mutex
	seen []wire
}

func newCapture(t testing.TB, resp replay.Response) (*capture, *httptest.Server) {
	t.Helper()
	c := &capture{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.seen = append(c.seen, wire{r.Method, r.RequestURI, r.Host, r.Header.Clone(), body})
		c.mu.Unlock()
		for k, vs := range resp.Headers {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		if resp.Code != 0 {
			w.WriteHeader(resp.Code)
		}
		_, _ = io.WriteString(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	return c, srv
}

func (c *capture) last(t testing.TB) wire {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) == 0 {
		t.Fatal("no request received")
	}
	return c.seen[len(c.seen)-1]
}
