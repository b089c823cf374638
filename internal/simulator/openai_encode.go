package simulator

import "time"

// The OpenAI encoder writes JSON by hand, byte for byte in the order and
// layout of OpenAI's recorded responses: a non-streaming body is indented
// by two spaces, stream chunks are compact.

// systemFingerprint is the fingerprint every answer carries.
const systemFingerprint = "fp_5im0000001"

// exchange is one answered chat request.
type exchange struct {
	rnd          *rng
	id           [len("chatcmpl-") + 29]byte
	requestID    [len("req_") + 32]byte
	created      int64
	model        string
	answer       string
	finish       string
	prompt       int
	completion   int
	includeUsage bool
	obfuscate    bool
	prefix       []byte // stream chunk prefix up to "choices":
}

// newExchange decides the answer to req and its usage.
func (s *Server) newExchange(req *chatRequest, rnd *rng) exchange {
	ex := exchange{rnd: rnd, created: time.Now().Unix(), model: req.Model, finish: "stop", obfuscate: true}
	if ex.model == "" {
		ex.model = s.cfg.Model
	}
	copy(ex.id[:], "chatcmpl-")
	rnd.appendAlnum(ex.id[:len("chatcmpl-")], 29)
	copy(ex.requestID[:], "req_")
	for i := len("req_"); i < len(ex.requestID); i++ {
		ex.requestID[i] = hexDigits[rnd.uint64()&0xf]
	}
	full := s.answer(req.lastUserText())
	ex.answer, ex.completion = truncateTokens(full, req.maxTokens())
	if len(ex.answer) < len(full) {
		ex.finish = "length"
	}
	ex.prompt = req.promptTokens()
	if o := req.StreamOptions; o != nil {
		ex.includeUsage = o.IncludeUsage
		if o.IncludeObfuscation != nil {
			ex.obfuscate = *o.IncludeObfuscation
		}
	}
	return ex
}

// appendCompletion appends the non-streaming response body.
func (ex *exchange) appendCompletion(b []byte) []byte {
	b = append(b, "{\n  \"id\": \""...)
	b = append(b, ex.id[:]...)
	b = append(b, "\",\n  \"object\": \"chat.completion\",\n  \"created\": "...)
	b = appendInt(b, ex.created)
	b = append(b, ",\n  \"model\": "...)
	b = appendJSONString(b, ex.model)
	b = append(b, ",\n  \"choices\": [\n    {\n      \"index\": 0,\n      \"message\": {\n"+
		"        \"role\": \"assistant\",\n        \"content\": "...)
	b = appendJSONString(b, ex.answer)
	b = append(b, ",\n        \"refusal\": null,\n        \"annotations\": []\n      },\n"+
		"      \"logprobs\": null,\n      \"finish_reason\": \""...)
	b = append(b, ex.finish...)
	b = append(b, "\"\n    }\n  ],\n  \"usage\": {\n    \"prompt_tokens\": "...)
	b = appendInt(b, int64(ex.prompt))
	b = append(b, ",\n    \"completion_tokens\": "...)
	b = appendInt(b, int64(ex.completion))
	b = append(b, ",\n    \"total_tokens\": "...)
	b = appendInt(b, int64(ex.prompt+ex.completion))
	b = append(b, ",\n    \"prompt_tokens_details\": {\n      \"cached_tokens\": 0,\n      \"audio_tokens\": 0\n    },\n"+
		"    \"completion_tokens_details\": {\n      \"reasoning_tokens\": 0,\n      \"audio_tokens\": 0,\n"+
		"      \"accepted_prediction_tokens\": 0,\n      \"rejected_prediction_tokens\": 0\n    }\n  },\n"+
		"  \"service_tier\": \"default\",\n  \"system_fingerprint\": \""+systemFingerprint+"\"\n}\n"...)
	return b
}

// appendChunkStart appends "data: " and a chunk's fields up to "choices":.
func (ex *exchange) appendChunkStart(b []byte) []byte {
	if ex.prefix == nil {
		p := make([]byte, 0, 192+len(ex.model))
		p = append(p, `data: {"id":"`...)
		p = append(p, ex.id[:]...)
		p = append(p, `","object":"chat.completion.chunk","created":`...)
		p = appendInt(p, ex.created)
		p = append(p, `,"model":`...)
		p = appendJSONString(p, ex.model)
		p = append(p, `,"service_tier":"default","system_fingerprint":"`+systemFingerprint+`","choices":`...)
		ex.prefix = p
	}
	return append(b, ex.prefix...)
}

// appendChunkEnd closes a chunk: "usage":null when usage was asked for, the
// obfuscation padding, and the SSE event end.
func (ex *exchange) appendChunkEnd(b []byte, usageNull bool) []byte {
	if usageNull && ex.includeUsage {
		b = append(b, `,"usage":null`...)
	}
	if ex.obfuscate {
		b = append(b, `,"obfuscation":"`...)
		b = ex.rnd.appendAlnum(b, 4+int(ex.rnd.uint64()%9))
		b = append(b, '"')
	}
	return append(b, "}\n\n"...)
}

func (ex *exchange) appendRoleChunk(b []byte) []byte {
	b = ex.appendChunkStart(b)
	b = append(b, `[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]`...)
	return ex.appendChunkEnd(b, true)
}

func (ex *exchange) appendContentChunk(b []byte, text string) []byte {
	b = ex.appendChunkStart(b)
	b = append(b, `[{"index":0,"delta":{"content":`...)
	b = appendJSONString(b, text)
	b = append(b, `},"logprobs":null,"finish_reason":null}]`...)
	return ex.appendChunkEnd(b, true)
}

func (ex *exchange) appendFinishChunk(b []byte) []byte {
	b = ex.appendChunkStart(b)
	b = append(b, `[{"index":0,"delta":{},"logprobs":null,"finish_reason":"`...)
	b = append(b, ex.finish...)
	b = append(b, `"}]`...)
	return ex.appendChunkEnd(b, true)
}

func (ex *exchange) appendUsageChunk(b []byte) []byte {
	b = ex.appendChunkStart(b)
	b = append(b, `[],"usage":{"prompt_tokens":`...)
	b = appendInt(b, int64(ex.prompt))
	b = append(b, `,"completion_tokens":`...)
	b = appendInt(b, int64(ex.completion))
	b = append(b, `,"total_tokens":`...)
	b = appendInt(b, int64(ex.prompt+ex.completion))
	b = append(b, `,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":`+
		`{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`...)
	return ex.appendChunkEnd(b, false)
}

// appendErrorBody appends {"error":{"message","type","param","code"}}.
func appendErrorBody(b []byte, e *apiError) []byte {
	b = append(b, "{\n  \"error\": {\n    \"message\": "...)
	b = appendJSONString(b, e.message)
	b = append(b, ",\n    \"type\": "...)
	b = appendJSONString(b, e.typ)
	b = append(b, ",\n    \"param\": "...)
	b = appendNullable(b, e.param)
	b = append(b, ",\n    \"code\": "...)
	b = appendNullable(b, e.code)
	return append(b, "\n  }\n}\n"...)
}

func appendNullable(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendJSONString(b, s)
}

// appendModel appends one OpenAI model object; owned_by says it is simulated.
func appendModel(b []byte, id string) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, id)
	return append(b, `,"object":"model","created":1764288000,"owned_by":"llm-test-bench-simulator"}`...)
}
