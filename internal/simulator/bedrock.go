package simulator

import (
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The Amazon Bedrock runtime wire (PROVIDER_FACTS.md §10), two APIs on
// POST /model/{modelId}/{op}, the model id URL-escaped in the path:
//
//   - Converse ("converse") and ConverseStream ("converse-stream"):
//     Bedrock's model-neutral chat (bedrock_converse.go);
//   - InvokeModel ("invoke") and InvokeModelWithResponseStream
//     ("invoke-with-response-stream") with Anthropic's Messages body,
//     answered in the Anthropic dialect's shapes as Bedrock relays them
//     (bedrock_invoke.go).
//
// Streams are AWS event streams (application/vnd.amazon.eventstream):
// binary frames with a length prelude, typed headers and CRCs, each event's
// JSON padded with a "p" field as Bedrock does. Errors are AWS's
// {"message"} with the exception named in the x-amzn-ErrorType header; on
// a stream half of the rate-limit, overload and server faults arrive
// instead as an exception frame after the 200, as Bedrock sends both. Any
// Authorization is accepted (SigV4 or a Bedrock API key), none too.
// GET /foundation-models lists the configured model, as the control plane
// does on its own host.

var hdrEventStream = []string{"application/vnd.amazon.eventstream"}

// Bedrock's operations, the last segment of a /model/{modelId}/ path.
const (
	opConverse       = "converse"
	opConverseStream = "converse-stream"
	opInvoke         = "invoke"
	opInvokeStream   = "invoke-with-response-stream"
)

// bedrockDialect is the Bedrock wire of one request, either API.
type bedrockDialect struct {
	modelID   string // as the path names it, unescaped
	invoke    bool   // InvokeModel with Anthropic's body; Converse otherwise
	stream    bool   // the operation streams
	inStream  bool   // the fault is sent as an exception frame of a 200 stream
	requestID [36]byte
	msgID     [len("msg_bdrk_01") + 22]byte // InvokeModel's Anthropic message id
	h         http.Header                   // the answer's, for what is known once it is built
	tmp       []byte                        // an Anthropic event, before it goes base64 into a chunk
}

// reset readies d for a request on model with op, keeping its buffer.
func (d *bedrockDialect) reset(model, op string) {
	*d = bedrockDialect{modelID: model, tmp: d.tmp[:0],
		invoke: op == opInvoke || op == opInvokeStream,
		stream: op == opConverseStream || op == opInvokeStream}
}

// bedrockRoute serves /model/{modelId}/{op}.
func (s *Server) bedrockRoute(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.EscapedPath(), "/model/")
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		s.bedrockRouteError(w, r)
		return
	}
	op := rest[i+1:]
	model, err := url.PathUnescape(rest[:i])
	switch {
	case err != nil || r.Method != http.MethodPost:
		s.bedrockRouteError(w, r)
		return
	case op == opConverse, op == opConverseStream, op == opInvoke, op == opInvokeStream:
	default:
		s.bedrockRouteError(w, r)
		return
	}
	sc := s.getScratch()
	sc.bedrock.reset(model, op)
	s.serveChat(w, r, &sc.bedrock, sc)
}

// bedrockRouteError answers a path or method Bedrock's runtime lacks.
func (s *Server) bedrockRouteError(w http.ResponseWriter, r *http.Request) {
	var d bedrockDialect
	rnd := newRNG(s.cfg.Seed, s.seq.Add(1))
	d.setRequestID(&rnd)
	s.writeError(w, &d, &apiError{status: http.StatusNotFound, typ: "UnknownOperationException",
		message: "The requested operation is not recognized by the service (" + r.Method + " " + r.URL.Path + ")."})
}

// setRequestID picks the x-amzn-RequestId every answer carries, a version
// 4 UUID like Cohere's ids.
func (d *bedrockDialect) setRequestID(r *rng) {
	var c cohereDialect
	c.setID(r)
	d.requestID = c.id
}

func (d *bedrockDialect) parse(_ *http.Request, body []byte, t *turn) *apiError {
	d.setRequestID(&t.rnd)
	if d.modelID == "" {
		return badBedrock("1 validation error detected: Value '' at 'modelId' failed to satisfy constraint: " +
			"Member must have length greater than or equal to 1")
	}
	t.model = d.modelID
	if d.invoke {
		return d.parseInvoke(body, t)
	}
	return d.parseConverse(body, t)
}

func badBedrock(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: "ValidationException", message: msg}
}

func (d *bedrockDialect) faultError(_ http.Header, f fault, t *turn, _ *Config) *apiError {
	var e *apiError
	switch f {
	case faultRateLimit:
		e = &apiError{status: http.StatusTooManyRequests, typ: "ThrottlingException",
			message: "Too many requests, please wait before trying again. (simulated by llm-test-bench)"}
	case faultOverload:
		e = &apiError{status: http.StatusServiceUnavailable, typ: "ServiceUnavailableException",
			message: "Bedrock is unable to process your request. (simulated by llm-test-bench)"}
	default:
		e = &apiError{status: http.StatusInternalServerError, typ: "InternalServerException",
			message: "The system encountered an unexpected error during processing. Try your request again. (simulated by llm-test-bench)"}
	}
	if d.stream && t.rnd.uint64()&1 == 1 {
		d.inStream = true
		e.status = http.StatusOK
	}
	return e
}

// bedrockErrorType is the exception of a status when none is given.
func bedrockErrorType(status int) string {
	switch status {
	case http.StatusForbidden:
		return "AccessDeniedException"
	case http.StatusNotFound:
		return "ResourceNotFoundException"
	case http.StatusTooManyRequests:
		return "ThrottlingException"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailableException"
	}
	if status >= 500 {
		return "InternalServerException"
	}
	return "ValidationException"
}

// appendError appends {"message":"..."} and names the exception in
// x-amzn-ErrorType; a fault sent in a stream is an exception frame instead,
// its name in lower camel case as in Bedrock's stream unions.
func (d *bedrockDialect) appendError(h http.Header, b []byte, e *apiError) []byte {
	h["X-Amzn-Requestid"] = []string{string(d.requestID[:])}
	typ := e.typ
	if typ == "" {
		typ = bedrockErrorType(e.status)
	}
	if d.inStream {
		h["Content-Type"] = hdrEventStream
		name := strings.ToLower(typ[:1]) + typ[1:]
		hdrs := esHeaders(":exception-type", name, ":content-type", "application/json", ":message-type", "exception")
		b, start := openFrame(b, hdrs)
		b = append(b, `{"message":`...)
		b = appendJSONString(b, e.message)
		b = append(b, '}')
		return closeFrame(b, start, hdrs)
	}
	ns := "com.amazon.bedrock"
	if typ == "ValidationException" {
		ns = "com.amazon.coral.validate"
	}
	h["Content-Type"] = hdrJSON
	h["X-Amzn-Errortype"] = []string{typ + ":http://internal.amazon.com/coral/" + ns + "/"}
	b = append(b, `{"message":`...)
	b = appendJSONString(b, e.message)
	return append(b, '}')
}

func (d *bedrockDialect) begin(h http.Header, t *turn) {
	d.h = h
	h["X-Amzn-Requestid"] = []string{string(d.requestID[:])}
	if d.stream {
		h["Content-Type"] = hdrEventStream
		if d.invoke {
			h["X-Amzn-Bedrock-Content-Type"] = hdrJSON
		}
	} else {
		h["Content-Type"] = hdrJSON
	}
	if d.invoke {
		copy(d.msgID[:], "msg_bdrk_01")
		t.rnd.appendAlnum(d.msgID[:len("msg_bdrk_01")], 22)
		t.setCallIDs("toolu_bdrk_01", 22, alnum)
	} else {
		t.setCallIDs("tooluse_", 22, alnum)
	}
}

func (d *bedrockDialect) appendComplete(b []byte, t *turn) []byte {
	if d.invoke {
		return d.appendInvokeComplete(b, t)
	}
	return d.appendConverseComplete(b, t)
}

func (d *bedrockDialect) appendStart(b []byte, t *turn) []byte {
	if d.invoke {
		return d.appendInvokeStart(b, t)
	}
	return d.appendConverseStart(b, t)
}

func (d *bedrockDialect) appendDelta(b []byte, t *turn, text string, _ int, _ bool) []byte {
	if d.invoke {
		return d.appendInvokeDelta(b, t, text)
	}
	return d.appendConverseDelta(b, t, text)
}

func (d *bedrockDialect) appendEnd(b []byte, t *turn) []byte {
	if d.invoke {
		return d.appendInvokeEnd(b, t)
	}
	return d.appendConverseEnd(b, t)
}

// sinceMs is the time since t's start in whole milliseconds, as Bedrock's
// metrics count it.
func sinceMs(t *turn) int64 { return time.Since(t.start).Milliseconds() }

// padding is what Bedrock pads a streamed event's JSON with, in its "p"
// field: a prefix of this alphabet of random length.
const padding = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// appendPadding appends `"p":"abc…"` (no comma).
func appendPadding(b []byte, t *turn) []byte {
	b = append(b, `"p":"`...)
	b = append(b, padding[:1+t.rnd.uint64()%uint64(len(padding))]...)
	return append(b, '"')
}

// esHeaders encodes event-stream headers, name-value pairs of string
// values, in the order given (Bedrock's: the event or exception type, the
// content type, the message type).
func esHeaders(kv ...string) string {
	var b []byte
	for i := 0; i+1 < len(kv); i += 2 {
		b = append(b, byte(len(kv[i])))
		b = append(b, kv[i]...)
		b = append(b, 7) // string
		b = binary.BigEndian.AppendUint16(b, uint16(len(kv[i+1])))
		b = append(b, kv[i+1]...)
	}
	return string(b)
}

// eventHeaders are the headers of an event frame of type name.
func eventHeaders(name string) string {
	return esHeaders(":event-type", name, ":content-type", "application/json", ":message-type", "event")
}

// openFrame appends an event-stream message's prelude (filled in by
// closeFrame) and its headers; the caller then appends the payload. It
// returns where the message starts.
func openFrame(b []byte, headers string) ([]byte, int) {
	start := len(b)
	b = append(b, make([]byte, 12)...)
	return append(b, headers...), start
}

// closeFrame completes the message opened at start: the prelude's total
// and headers lengths and its CRC-32, then the CRC-32 of the whole message.
func closeFrame(b []byte, start int, headers string) []byte {
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start+4))
	binary.BigEndian.PutUint32(b[start+4:], uint32(len(headers)))
	binary.BigEndian.PutUint32(b[start+8:], crc32.ChecksumIEEE(b[start:start+8]))
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// bedrockModels serves GET /foundation-models (ListFoundationModels) with
// the configured model; its name says it is simulated.
func (s *Server) bedrockModels(w http.ResponseWriter) {
	b := []byte(`{"modelSummaries":[{"customizationsSupported":[],"inferenceTypesSupported":["ON_DEMAND"],` +
		`"inputModalities":["TEXT"],"modelArn":`)
	b = appendJSONString(b, "arn:aws:bedrock:us-east-1::foundation-model/"+s.cfg.Model)
	b = append(b, `,"modelId":`...)
	b = appendJSONString(b, s.cfg.Model)
	b = append(b, `,"modelLifecycle":{"status":"ACTIVE"},"modelName":"LLM Test Bench simulator",`+
		`"outputModalities":["TEXT"],"providerName":"llm-test-bench","responseStreamingSupported":true}]}`...)
	w.Header()["Content-Type"] = hdrJSON
	_, _ = w.Write(b)
}

// appendMetrics appends Converse's "metrics" member (no comma).
func appendMetrics(b []byte, t *turn) []byte {
	b = append(b, `"metrics":{"latencyMs":`...)
	b = strconv.AppendInt(b, sinceMs(t), 10)
	return append(b, '}')
}
