package simulator

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/google/go-cmp/cmp"
)

// The wire structs below mirror Bedrock's answers (PROVIDER_FACTS.md §10,
// the recorded TestBedrockCommon exchanges and recorded Converse traffic);
// tests decode with DisallowUnknownFields.

type cvUsage struct {
	InputTokens     int       `json:"inputTokens"`
	OutputTokens    int       `json:"outputTokens"`
	ServerToolUsage *struct{} `json:"serverToolUsage"`
	TotalTokens     int       `json:"totalTokens"`
}

type cvMetrics struct {
	LatencyMs *int64 `json:"latencyMs"`
}

type cvResponse struct {
	Metrics cvMetrics `json:"metrics"`
	Output  struct {
		Message struct {
			Content []struct {
				Text string `json:"text"`
			} `json:"content"`
			Role string `json:"role"`
		} `json:"message"`
	} `json:"output"`
	StopReason string  `json:"stopReason"`
	Usage      cvUsage `json:"usage"`
}

// cvEvent is any ConverseStream event's payload.
type cvEvent struct {
	P                 string  `json:"p"`
	Role              *string `json:"role"`
	ContentBlockIndex *int    `json:"contentBlockIndex"`
	Delta             *struct {
		Text string `json:"text"`
	} `json:"delta"`
	StopReason *string    `json:"stopReason"`
	Metrics    *cvMetrics `json:"metrics"`
	Usage      *cvUsage   `json:"usage"`
}

// invokeEvent is an Anthropic stream event as Bedrock relays it.
type invokeEvent struct {
	anthEvent
	Metrics *struct {
		InputTokenCount   int   `json:"inputTokenCount"`
		OutputTokenCount  int   `json:"outputTokenCount"`
		InvocationLatency int64 `json:"invocationLatency"`
		FirstByteLatency  int64 `json:"firstByteLatency"`
	} `json:"amazon-bedrock-invocationMetrics"`
}

type chunkPayload struct {
	Bytes []byte `json:"bytes"`
	P     string `json:"p"`
}

type awsError struct {
	Message string `json:"message"`
}

// esFrame is one decoded event-stream message.
type esFrame struct {
	headers []string // "name=value", in order
	kind    string   // :message-type
	name    string   // :event-type or :exception-type
	payload []byte
}

// decodeFrames decodes an event stream with the AWS SDK's decoder, which
// checks the lengths and both CRCs of every message; each header must be a
// string.
func decodeFrames(t testing.TB, body []byte) []esFrame {
	t.Helper()
	dec := eventstream.NewDecoder()
	r := bytes.NewReader(body)
	var out []esFrame
	for r.Len() > 0 {
		m, err := dec.Decode(r, nil)
		if err != nil {
			t.Fatalf("frame %d: %v", len(out), err)
		}
		f := esFrame{payload: m.Payload}
		for _, h := range m.Headers {
			v, ok := h.Value.(eventstream.StringValue)
			if !ok {
				t.Fatalf("header %s has type %T, want a string", h.Name, h.Value)
			}
			f.headers = append(f.headers, h.Name+"="+string(v))
			switch h.Name {
			case ":message-type":
				f.kind = string(v)
			case ":event-type", ":exception-type":
				f.name = string(v)
			}
		}
		out = append(out, f)
	}
	return out
}

// checkEventFrame checks an event's headers, in Bedrock's order.
func checkEventFrame(t testing.TB, f esFrame) {
	t.Helper()
	want := []string{":event-type=" + f.name, ":content-type=application/json", ":message-type=event"}
	if diff := cmp.Diff(want, f.headers); diff != "" {
		t.Errorf("frame headers (-want +got):\n%s", diff)
	}
}

func checkPadding(t testing.TB, p string) {
	t.Helper()
	if p == "" || !strings.HasPrefix(padding, p) {
		t.Errorf("padding %q, want a prefix of %q", p, padding)
	}
}

// decodeConverseStream decodes a ConverseStream answer strictly; it may be
// cut short.
func decodeConverseStream(t testing.TB, body []byte) (wireAnswer, []string) {
	t.Helper()
	var a wireAnswer
	var names []string
	var sb strings.Builder
	for _, f := range decodeFrames(t, body) {
		checkEventFrame(t, f)
		if n := len(names); n == 0 || names[n-1] != f.name || f.name != "contentBlockDelta" {
			names = append(names, f.name)
		}
		var e cvEvent
		decodeStrict(t, f.payload, &e)
		checkPadding(t, e.P)
		switch f.name {
		case "messageStart":
			if e.Role == nil || *e.Role != "assistant" {
				t.Errorf("messageStart %+v", e)
			}
		case "contentBlockDelta":
			if e.ContentBlockIndex == nil || *e.ContentBlockIndex != 0 || e.Delta == nil {
				t.Fatalf("contentBlockDelta %+v", e)
			}
			sb.WriteString(e.Delta.Text)
		case "contentBlockStop":
			if e.ContentBlockIndex == nil || *e.ContentBlockIndex != 0 {
				t.Errorf("contentBlockStop %+v", e)
			}
		case "messageStop":
			a.finish, a.ended = *e.StopReason, true
		case "metadata":
			if e.Usage == nil || e.Metrics == nil || e.Metrics.LatencyMs == nil || e.Usage.ServerToolUsage != nil ||
				e.Usage.TotalTokens != e.Usage.InputTokens+e.Usage.OutputTokens {
				t.Fatalf("metadata %+v", e)
			}
			a.prompt, a.completion = e.Usage.InputTokens, e.Usage.OutputTokens
		default:
			t.Errorf("unexpected event %q", f.name)
		}
	}
	a.text = sb.String()
	return a, names
}

// decodeInvokeStream decodes an InvokeModelWithResponseStream answer
// strictly: chunk events whose bytes are Anthropic's events.
func decodeInvokeStream(t testing.TB, body []byte) (wireAnswer, []invokeEvent) {
	t.Helper()
	var a wireAnswer
	var evs []invokeEvent
	var sb strings.Builder
	for _, f := range decodeFrames(t, body) {
		if f.name != "chunk" {
			t.Fatalf("event %q, want chunk", f.name)
		}
		checkEventFrame(t, f)
		var c chunkPayload
		decodeStrict(t, f.payload, &c)
		checkPadding(t, c.P)
		var e invokeEvent
		decodeStrict(t, c.Bytes, &e)
		evs = append(evs, e)
		switch e.Type {
		case "message_start":
			a.prompt = e.Message.Usage.InputTokens
		case "content_block_delta":
			sb.WriteString(e.Delta.Text)
		case "message_delta":
			a.finish, a.completion = *e.Delta.StopReason, e.Usage.OutputTokens
		case "message_stop":
			a.ended = true
			if m := e.Metrics; m == nil || m.InputTokenCount != a.prompt || m.OutputTokenCount != a.completion {
				t.Errorf("invocation metrics %+v, want %d in and %d out", m, a.prompt, a.completion)
			}
		}
	}
	a.text = sb.String()
	return a, evs
}

const (
	haikuID   = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
	haikuPath = "/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/"
)

var bedrockAuth = map[string]string{"Authorization": "Bearer ABSK-anything"}

var bedrockConverseWire = wireCase{
	name: "bedrock-converse",
	request: func(t testing.TB, prompt string, stream bool, maxTokens int) wireRequest {
		req := map[string]any{"messages": []map[string]any{{"role": "user", "content": []map[string]any{{"text": prompt}}}},
			"system": []map[string]any{{"text": "You are a helpful assistant"}}}
		if maxTokens >= 0 {
			req["inferenceConfig"] = map[string]any{"maxTokens": maxTokens, "temperature": 0.5}
		}
		op := opConverse
		if stream {
			op = opConverseStream
		}
		return wireRequest{http.MethodPost, haikuPath + op, bedrockAuth, jsonBody(t, req)}
	},
	decode: func(t testing.TB, body []byte, stream bool) wireAnswer {
		if stream {
			a, _ := decodeConverseStream(t, body)
			return a
		}
		var r cvResponse
		decodeStrict(t, body, &r)
		if r.Output.Message.Role != "assistant" || len(r.Output.Message.Content) != 1 || r.Metrics.LatencyMs == nil ||
			r.Usage.ServerToolUsage == nil || r.Usage.TotalTokens != r.Usage.InputTokens+r.Usage.OutputTokens {
			t.Errorf("response %+v", r)
		}
		return wireAnswer{r.Output.Message.Content[0].Text, r.StopReason, r.Usage.InputTokens, r.Usage.OutputTokens, true}
	},
	decodeError: decodeAWSError,
	stop:        "end_turn", length: "max_tokens",
}

var bedrockInvokeWire = wireCase{
	name: "bedrock-invoke",
	request: func(t testing.TB, prompt string, stream bool, maxTokens int) wireRequest {
		if maxTokens < 0 {
			maxTokens = 4096
		}
		op := opInvoke
		if stream {
			op = opInvokeStream
		}
		return wireRequest{http.MethodPost, haikuPath + op, bedrockAuth, jsonBody(t, map[string]any{
			"anthropic_version": "bedrock-2023-05-31", "max_tokens": maxTokens,
			"messages": []map[string]any{{"role": "user", "content": []map[string]any{{"type": "text", "text": prompt}}}}})}
	},
	decode: func(t testing.TB, body []byte, stream bool) wireAnswer {
		if stream {
			a, _ := decodeInvokeStream(t, body)
			return a
		}
		var m anthMessage
		decodeStrict(t, body, &m)
		if m.Usage.ServiceTier != "" || m.Usage.InferenceGeo != "" || m.Model != "claude-haiku-4-5-20251001" {
			t.Errorf("message %+v, want Bedrock's layout", m)
		}
		return wireAnswer{m.Content[0].Text, *m.StopReason, m.Usage.InputTokens, m.Usage.OutputTokens, true}
	},
	decodeError: decodeAWSError,
	stop:        "end_turn", length: "max_tokens",
}

func decodeAWSError(t testing.TB, body []byte) (string, string) {
	t.Helper()
	var e awsError
	decodeStrict(t, body, &e)
	return "", e.Message
}

// TestBedrockFrameEncoding checks the frame writer against the AWS SDK's
// encoder, byte for byte.
func TestBedrockFrameEncoding(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{"", `{"p":"abc","role":"assistant"}`, strings.Repeat("x", 70000)} {
		hdrs := eventHeaders("messageStart")
		b, start := openFrame([]byte("prefix"), hdrs)
		b = append(b, payload...)
		b = closeFrame(b, start, hdrs)

		var h eventstream.Headers
		h.Set(":event-type", eventstream.StringValue("messageStart"))
		h.Set(":content-type", eventstream.StringValue("application/json"))
		h.Set(":message-type", eventstream.StringValue("event"))
		var want bytes.Buffer
		want.WriteString("prefix")
		if err := eventstream.NewEncoder().Encode(&want, eventstream.Message{Headers: h, Payload: []byte(payload)}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, want.Bytes()) {
			t.Errorf("payload of %d bytes: frame differs from the SDK's:\n got %x\nwant %x", len(payload), b[:min(len(b), 80)], want.Bytes()[:min(want.Len(), 80)])
		}
	}
}

// TestBedrockInvokeMatchesRecording sends the recorded InvokeModel request
// to the recorded path and compares the answer's layout and headers.
func TestBedrockInvokeMatchesRecording(t *testing.T) {
	t.Parallel()
	rec := loadRecording(t, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple.yaml")
	ts := startServer(t, Config{Seed: 61})
	resp, body := ts.send(t, http.MethodPost, haikuPath+opInvoke, rec.Interactions[0].Request.Body, bedrockAuth)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	recorded := rec.Interactions[0].Response
	if diff := cmp.Diff(skeleton(t, []byte(recorded.Body)), skeleton(t, body)); diff != "" {
		t.Errorf("layout differs from Bedrock's (-recorded +simulated):\n%s", diff)
	}
	if got, want := resp.Header.Get("Content-Type"), recorded.Headers["Content-Type"][0]; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	var want, got anthMessage
	decodeStrict(t, []byte(recorded.Body), &want)
	decodeStrict(t, body, &got)
	if !strings.HasPrefix(got.ID, "msg_bdrk_01") || len(got.ID) != len(want.ID) {
		t.Errorf("id = %q, want msg_bdrk_01 and %d characters like %q", got.ID, len(want.ID), want.ID)
	}
	fields := []any{got.Model, got.Type, got.Role, got.Content[0].Type, got.Content[0].Text, *got.StopReason, got.StopSequence}
	if diff := cmp.Diff([]any{want.Model, "message", "assistant", "text", "Say hi in Portuguese", "end_turn", (*string)(nil)}, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	// System and user message, each with its overhead, plus the reply's.
	if u := got.Usage; u.InputTokens != 7+5+3+3+3 || u.OutputTokens != 5 {
		t.Errorf("usage %+v, want 21 in and 5 out", u)
	}
	for k, v := range map[string]string{"X-Amzn-Bedrock-Input-Token-Count": "21", "X-Amzn-Bedrock-Output-Token-Count": "5"} {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !regexp.MustCompile(`^\d+$`).MatchString(resp.Header.Get("X-Amzn-Bedrock-Invocation-Latency")) {
		t.Errorf("X-Amzn-Bedrock-Invocation-Latency = %q", resp.Header.Get("X-Amzn-Bedrock-Invocation-Latency"))
	}
	if id := resp.Header.Get("X-Amzn-Requestid"); !uuidRE.MatchString(id) {
		t.Errorf("x-amzn-RequestId %q, want a UUID", id)
	}
}

// TestBedrockInvokeStreamMatchesRecording compares the binary stream with
// the recorded one: frame headers, chunk payloads and the Anthropic events
// inside, event by event.
func TestBedrockInvokeStreamMatchesRecording(t *testing.T) {
	t.Parallel()
	rec := loadRecording(t, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple_streaming.yaml")
	ts := startServer(t, Config{Seed: 62})
	resp, body := ts.send(t, http.MethodPost, haikuPath+opInvokeStream, rec.Interactions[0].Request.Body, bedrockAuth)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	recorded := rec.Interactions[0].Response
	if got, want := resp.Header.Get("Content-Type"), recorded.Headers["Content-Type"][0]; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if got := resp.Header.Get("X-Amzn-Bedrock-Content-Type"); got != "application/json" {
		t.Errorf("X-Amzn-Bedrock-Content-Type = %q", got)
	}
	type layout struct{ headers, chunk, event string }
	layouts := func(body []byte) (map[string]layout, []string) {
		m := map[string]layout{}
		var names []string
		for _, f := range decodeFrames(t, body) {
			var c chunkPayload
			decodeStrict(t, f.payload, &c)
			var e invokeEvent
			decodeStrict(t, c.Bytes, &e)
			m[e.Type] = layout{strings.Join(f.headers, ";"), skeleton(t, f.payload), skeleton(t, c.Bytes)}
			if n := len(names); n == 0 || names[n-1] != e.Type || e.Type != "content_block_delta" {
				names = append(names, e.Type)
			}
		}
		return m, names
	}
	want, wantNames := layouts([]byte(recorded.Body))
	got, gotNames := layouts(body)
	if diff := cmp.Diff(wantNames, gotNames); diff != "" {
		t.Errorf("events (-recorded +simulated):\n%s", diff)
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(layout{})); diff != "" {
		t.Errorf("layouts (-recorded +simulated):\n%s", diff)
	}
	a, evs := decodeInvokeStream(t, body)
	if a.text != "Say hi in Portuguese" || a.finish != "end_turn" || !a.ended || a.prompt != 21 || a.completion != 5 {
		t.Errorf("stream %+v", a)
	}
	if m := evs[0].Message; m.Model != "claude-haiku-4-5-20251001" || !strings.HasPrefix(m.ID, "msg_bdrk_01") {
		t.Errorf("message_start %+v", m)
	}
}

// TestBedrockConverseLayout checks Converse's answer and stream events
// against the layouts Bedrock sends (keys in alphabetical order, "p"
// padding on stream events), as documented and recorded in public traffic.
func TestBedrockConverseLayout(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 63})
	req := bedrockConverseWire.request(t, "Say hi in Portuguese", false, 100)
	resp, body := ts.send(t, req.method, req.path, req.body, req.hdr)
	const doc = `{"metrics":{"latencyMs":433},"output":{"message":{"content":[{"text":"Olá!"}],"role":"assistant"}},"stopReason":"end_turn",` +
		`"usage":{"inputTokens":257,"outputTokens":56,"serverToolUsage":{},"totalTokens":313}}`
	if diff := cmp.Diff(skeleton(t, []byte(doc)), skeleton(t, body)); diff != "" {
		t.Errorf("layout (-documented +simulated):\n%s", diff)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" || !uuidRE.MatchString(resp.Header.Get("X-Amzn-Requestid")) {
		t.Errorf("headers %v", resp.Header)
	}

	req = bedrockConverseWire.request(t, "Say hi in Portuguese", true, 100)
	resp, body = ts.send(t, req.method, req.path, req.body, req.hdr)
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.amazon.eventstream" || !uuidRE.MatchString(resp.Header.Get("X-Amzn-Requestid")) {
		t.Errorf("headers %v", resp.Header)
	}
	docs := map[string]string{
		"messageStart":      `{"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY","role":"assistant"}`,
		"contentBlockDelta": `{"contentBlockIndex":0,"delta":{"text":"Olá! "},"p":"abcdefghijklmno"}`,
		"contentBlockStop":  `{"contentBlockIndex":0,"p":"abcdefghijklmnopqrstuvwxyzABCDEFG"}`,
		"messageStop":       `{"p":"abcdefghijklmnopqrstu","stopReason":"end_turn"}`,
		"metadata":          `{"metrics":{"latencyMs":812},"p":"abcdefghij","usage":{"inputTokens":16,"outputTokens":18,"totalTokens":34}}`,
	}
	for _, f := range decodeFrames(t, body) {
		if diff := cmp.Diff(skeleton(t, []byte(docs[f.name])), skeleton(t, f.payload)); diff != "" {
			t.Errorf("event %s (-documented +simulated):\n%s", f.name, diff)
		}
	}
	a, names := decodeConverseStream(t, body)
	if diff := cmp.Diff([]string{"messageStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"}, names); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if a.text != "Say hi in Portuguese" || a.prompt != 21 || a.completion != 5 {
		t.Errorf("stream %+v", a)
	}
}

// bedrockError checks that an error answer is AWS's: {"message"} with the
// exception in x-amzn-ErrorType, and returns the exception and message.
func bedrockError(t testing.TB, resp reply, body []byte) (typ, msg string) {
	t.Helper()
	et := resp.Header.Get("X-Amzn-Errortype")
	typ, ns, ok := strings.Cut(et, ":")
	if !ok || !strings.HasPrefix(ns, "http://internal.amazon.com/coral/com.amazon.") {
		t.Errorf("x-amzn-ErrorType = %q", et)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" || !uuidRE.MatchString(resp.Header.Get("X-Amzn-Requestid")) {
		t.Errorf("error headers %v", resp.Header)
	}
	_, msg = decodeAWSError(t, body)
	return typ, msg
}

func TestBedrockBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 64})
	const user = `"messages":[{"role":"user","content":[{"text":"a"}]}]`
	tests := []struct {
		method, path, body string
		status             int
		typ, msg           string // msg is a prefix
	}{
		{"POST", haikuPath + opConverse, `{`, 400, "ValidationException", "Malformed input request: unexpected end of JSON input"},
		{"POST", haikuPath + opConverse, `{}`, 400, "ValidationException",
			"1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null"},
		{"POST", haikuPath + opConverseStream, `{"messages":[]}`, 400, "ValidationException", "A conversation must start with a user message."},
		{"POST", haikuPath + opConverse, `{"messages":[{"role":"assistant","content":[{"text":"a"}]}]}`, 400, "ValidationException",
			"A conversation must start with a user message."},
		{"POST", haikuPath + opConverse, `{"messages":[{"role":"system","content":[{"text":"a"}]}]}`, 400, "ValidationException",
			"1 validation error detected: Value 'system' at 'messages.1.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]"},
		{"POST", haikuPath + opConverse, `{"messages":[{"role":"user","content":[]}]}`, 400, "ValidationException",
			"The content field in the Message object at messages.0 is empty."},
		{"POST", haikuPath + opConverse, `{` + user[:len(user)-1] + `,{"role":"user","content":[{"text":"b"}]}]}`, 400, "ValidationException",
			"A conversation must alternate between user and assistant roles."},
		{"POST", haikuPath + opConverse, `{` + user + `,"inferenceConfig":{"maxTokens":0}}`, 400, "ValidationException",
			"1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"POST", haikuPath + opConverse, `{"messages":[{"role":"user","content":"hi"}]}`, 400, "ValidationException",
			"Malformed input request: #/messages/content: expected type: JSONArray, found: string"},
		{"POST", haikuPath + opInvoke, `{"model":"claude","stream":true,"max_tokens":5,"messages":[]}`, 400, "ValidationException",
			"Malformed input request: #: extraneous key [model] is not permitted, #: extraneous key [stream] is not permitted, " +
				"#: required key [anthropic_version] not found, please reformat your input and try again."},
		{"POST", haikuPath + opInvokeStream, `{"anthropic_version":"bedrock-2023-05-31"}`, 400, "ValidationException",
			"Malformed input request: #: required key [max_tokens] not found, #: required key [messages] not found, please reformat your input and try again."},
		{"POST", haikuPath + opInvoke, `{"anthropic_version":"bedrock-2023-05-31","max_tokens":0,"messages":[{"role":"user","content":"a"}]}`, 400,
			"ValidationException", "max_tokens: Input should be greater than or equal to 1"},
		{"POST", haikuPath + opInvoke, `{"anthropic_version":"bedrock-2023-05-31","max_tokens":"x","messages":[]}`, 400, "ValidationException",
			"Malformed input request: #/max_tokens: expected type: Integer, found: string"},
		{"POST", "/model//converse", `{` + user + `}`, 400, "ValidationException", "1 validation error detected: Value '' at 'modelId'"},
		{"GET", haikuPath + opConverse, "", 404, "UnknownOperationException", "The requested operation is not recognized"},
		{"POST", haikuPath + "chat", `{}`, 404, "UnknownOperationException", "The requested operation is not recognized"},
		{"POST", "/model/x", `{}`, 404, "UnknownOperationException", "The requested operation is not recognized"},
	}
	for _, tt := range tests {
		resp, body := ts.send(t, tt.method, tt.path, tt.body, bedrockAuth)
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s %s: status %d, want %d: %s", tt.method, tt.path, tt.body, resp.StatusCode, tt.status, body)
			continue
		}
		typ, msg := bedrockError(t, resp, body)
		if typ != tt.typ || !strings.HasPrefix(msg, tt.msg) {
			t.Errorf("%s %s %s: %s %q, want %s %q", tt.method, tt.path, tt.body, typ, msg, tt.typ, tt.msg)
		}
	}
	if st := ts.sim.Stats(); st.Errors.BadRequest != 14 || st.Requests != 14 {
		t.Errorf("stats %+v: want the 14 bad requests counted (route errors are not requests)", st)
	}
}

// TestBedrockFaults checks each error fault in Bedrock's shape: the HTTP
// exception, or on a stream, for some requests, an exception frame after
// the 200.
func TestBedrockFaults(t *testing.T) {
	t.Parallel()
	faults := []struct {
		rates  ErrorRates
		status int
		typ    string
	}{
		{ErrorRates{RateLimit: 1}, 429, "ThrottlingException"},
		{ErrorRates{Overload: 1}, 503, "ServiceUnavailableException"},
		{ErrorRates{Server: 1}, 500, "InternalServerException"},
	}
	for _, wc := range []wireCase{bedrockConverseWire, bedrockInvokeWire} {
		for _, f := range faults {
			for _, stream := range []bool{false, true} {
				t.Run(wc.name+"/"+f.typ+"/"+map[bool]string{false: "answer", true: "stream"}[stream], func(t *testing.T) {
					t.Parallel()
					ts := startServer(t, Config{Errors: f.rates, Seed: 65})
					const n = 16
					shapes := map[int]int{}
					for range n {
						req := wc.request(t, "hi", stream, -1)
						resp, body := ts.send(t, req.method, req.path, req.body, req.hdr)
						shapes[resp.StatusCode]++
						if resp.StatusCode == f.status {
							if typ, msg := bedrockError(t, resp, body); typ != f.typ || !strings.Contains(msg, "simulated") {
								t.Errorf("error %s %q, want %s", typ, msg, f.typ)
							}
							if resp.Header.Get("Retry-After") != "" {
								t.Error("Bedrock sends no Retry-After")
							}
							continue
						}
						if !stream || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.amazon.eventstream" {
							t.Fatalf("status %d %v: %q", resp.StatusCode, resp.Header, body)
						}
						frames := decodeFrames(t, body)
						name := strings.ToLower(f.typ[:1]) + f.typ[1:]
						want := []string{":exception-type=" + name, ":content-type=application/json", ":message-type=exception"}
						if len(frames) != 1 || !cmp.Equal(want, frames[0].headers) {
							t.Fatalf("in-stream exception frames %+v, want one with headers %q", frames, want)
						}
						if _, msg := decodeAWSError(t, frames[0].payload); !strings.Contains(msg, "simulated") {
							t.Errorf("exception message %q", msg)
						}
					}
					if (!stream && shapes[f.status] != n) || (stream && (shapes[f.status] == 0 || shapes[200] == 0)) {
						t.Errorf("statuses %v: want %d every time, or on a stream both it and in-stream exceptions", shapes, f.status)
					}
					st := ts.sim.Stats()
					if got := st.Errors.RateLimit + st.Errors.Overload + st.Errors.Server; got != n || st.Answered != 0 {
						t.Errorf("stats %+v", st)
					}
				})
			}
		}
	}
}

// TestBedrockUnderVendorPrefix checks the route bench --simulate uses, with
// an inference profile ARN whose "/" is escaped in the path.
func TestBedrockUnderVendorPrefix(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 66})
	const arn = "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-haiku-4-5-20251001-v1%3A0"
	req := bedrockInvokeWire.request(t, "hi there", false, -1)
	resp, body := ts.send(t, http.MethodPost, "/vendor/bedrock/model/"+arn+"/invoke", req.body, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if a := bedrockInvokeWire.decode(t, body, false); a.text != "hi there" {
		t.Errorf("answer %+v", a)
	}
	resp, body = ts.send(t, http.MethodGet, "/vendor/bedrock/foundation-models", "", nil)
	var list struct {
		ModelSummaries []struct {
			CustomizationsSupported []string `json:"customizationsSupported"`
			InferenceTypesSupported []string `json:"inferenceTypesSupported"`
			InputModalities         []string `json:"inputModalities"`
			ModelArn                string   `json:"modelArn"`
			ModelID                 string   `json:"modelId"`
			ModelLifecycle          struct {
				Status string `json:"status"`
			} `json:"modelLifecycle"`
			ModelName                  string   `json:"modelName"`
			OutputModalities           []string `json:"outputModalities"`
			ProviderName               string   `json:"providerName"`
			ResponseStreamingSupported bool     `json:"responseStreamingSupported"`
		} `json:"modelSummaries"`
	}
	decodeStrict(t, body, &list)
	if resp.StatusCode != 200 || len(list.ModelSummaries) != 1 || list.ModelSummaries[0].ModelID != DefaultModel ||
		!strings.Contains(list.ModelSummaries[0].ModelName, "simulator") {
		t.Errorf("foundation models %d %+v", resp.StatusCode, list)
	}
}

func TestAnthropicModelName(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]string{
		"us.anthropic.claude-haiku-4-5-20251001-v1:0":                              "claude-haiku-4-5-20251001",
		"anthropic.claude-3-5-sonnet-20240620-v1:0":                                "claude-3-5-sonnet-20240620",
		"global.anthropic.claude-sonnet-4-5-20250929-v1":                           "claude-sonnet-4-5-20250929",
		"arn:aws:bedrock:us-east-1:1:inference-profile/eu.anthropic.claude-x-v2:0": "claude-x",
		"arn:aws:bedrock:us-east-1:1:application-inference-profile/abc":            "arn:aws:bedrock:us-east-1:1:application-inference-profile/abc",
		"amazon.nova-micro-v1:0":                                                   "amazon.nova-micro-v1:0",
		"anthropic.":                                                               "anthropic.",
		"anthropic.claude-vx":                                                      "claude-vx",
	} {
		if got := anthropicModelName(id); got != want {
			t.Errorf("anthropicModelName(%q) = %q, want %q", id, got, want)
		}
	}
}

// TestBedrockTruncatedStreamsAreWhole checks that a truncated stream ends
// between frames, so the client sees a clean end without messageStop.
func TestBedrockTruncatedStreamsAreWhole(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Errors: ErrorRates{Truncate: 1}, TruncateMode: TruncateClean, Seed: 67})
	for _, wc := range []wireCase{bedrockConverseWire, bedrockInvokeWire} {
		req := wc.request(t, "one two three four", true, -1)
		_, body := ts.send(t, req.method, req.path, req.body, req.hdr)
		dec := eventstream.NewDecoder()
		r := bytes.NewReader(body)
		for {
			if _, err := dec.Decode(r, nil); err != nil {
				if !errors.Is(err, io.EOF) || r.Len() != 0 {
					t.Errorf("%s: %v with %d bytes left", wc.name, err, r.Len())
				}
				break
			}
		}
	}
}

// BenchmarkHandlerBedrock measures Bedrock's four operations alone,
// without the network.
func BenchmarkHandlerBedrock(b *testing.B) {
	converse := `{"messages":[{"role":"user","content":[{"text":"What is the capital of France? Answer in one word."}]}],` +
		`"system":[{"text":"You are a helpful assistant"}],"inferenceConfig":{"maxTokens":64}}`
	invoke := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"system":[{"type":"text","text":"You are a helpful assistant"}],` +
		`"messages":[{"role":"user","content":[{"type":"text","text":"What is the capital of France? Answer in one word."}]}]}`
	for _, op := range []string{opConverse, opConverseStream, opInvoke, opInvokeStream} {
		body := []byte(converse)
		if op == opInvoke || op == opInvokeStream {
			body = []byte(invoke)
		}
		b.Run(op, func(b *testing.B) {
			sim, err := New(Config{Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			h := sim.Handler()
			w := &nullWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, haikuPath+op, bytes.NewReader(body)))
			}
			if st := sim.Stats(); st.Answered != st.Requests {
				b.Fatalf("stats %+v: not every request was answered", st)
			}
		})
	}
}
