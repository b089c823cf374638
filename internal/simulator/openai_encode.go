package simulator

// The OpenAI encoder writes JSON by hand, byte for byte in the order and
// layout of OpenAI's recorded responses: a non-streaming body is indented
// by two spaces, stream chunks are compact.

// systemFingerprint is the fingerprint every answer carries.
const systemFingerprint = "fp_5im0000001"

// openAIFinish is the finish_reason of t's answer.
func openAIFinish(t *turn) string {
	if len(t.tool.calls) > 0 {
		return openAIFinishCalls(t)
	}
	if t.cut {
		return "length"
	}
	return "stop"
}

// appendComplete appends the non-streaming response body.
func (d *openAIDialect) appendComplete(b []byte, t *turn) []byte {
	b = append(b, "{\n  \"id\": \""...)
	b = append(b, d.id[:]...)
	b = append(b, "\",\n  \"object\": \"chat.completion\",\n  \"created\": "...)
	b = appendInt(b, d.created)
	b = append(b, ",\n  \"model\": "...)
	b = appendJSONString(b, t.model)
	b = append(b, ",\n  \"choices\": ["...)
	for i := range d.n() {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    {\n      \"index\": "...)
		b = appendInt(b, int64(i))
		b = append(b, ",\n      \"message\": {\n        \"role\": \"assistant\",\n        \"content\": "...)
		if len(t.tool.calls) > 0 {
			b = append(b, "null,"...)
			b = appendOpenAICallsIndented(b, t)
		} else {
			b = appendJSONString(b, t.answer)
			b = append(b, ',')
		}
		b = append(b, "\n        \"refusal\": null,\n        \"annotations\": []\n      },\n      \"logprobs\": "...)
		if d.logprobs {
			b = appendOpenAILogprobs(b, t.answer, int(d.topLogprobs))
		} else {
			b = append(b, "null"...)
		}
		b = append(b, ",\n      \"finish_reason\": \""...)
		b = append(b, openAIFinish(t)...)
		b = append(b, "\"\n    }"...)
	}
	b = append(b, "\n  ],\n  \"usage\": {\n    \"prompt_tokens\": "...)
	b = appendInt(b, int64(t.promptTokens))
	b = append(b, ",\n    \"completion_tokens\": "...)
	b = appendInt(b, int64(d.n()*t.completion))
	b = append(b, ",\n    \"total_tokens\": "...)
	b = appendInt(b, int64(t.promptTokens+d.n()*t.completion))
	b = append(b, ",\n    \"prompt_tokens_details\": {\n      \"cached_tokens\": 0,\n      \"audio_tokens\": 0\n    },\n"+
		"    \"completion_tokens_details\": {\n      \"reasoning_tokens\": 0,\n      \"audio_tokens\": 0,\n"+
		"      \"accepted_prediction_tokens\": 0,\n      \"rejected_prediction_tokens\": 0\n    }\n  },\n"+
		"  \"service_tier\": \"default\",\n  \"system_fingerprint\": \""+systemFingerprint+"\"\n}\n"...)
	return b
}

// appendChunkStart appends "data: " and a chunk's fields up to "choices":.
func (d *openAIDialect) appendChunkStart(b []byte, t *turn) []byte {
	if len(d.prefix) == 0 {
		p := d.prefix
		p = append(p, `data: {"id":"`...)
		p = append(p, d.id[:]...)
		p = append(p, `","object":"chat.completion.chunk","created":`...)
		p = appendInt(p, d.created)
		p = append(p, `,"model":`...)
		p = appendJSONString(p, t.model)
		p = append(p, `,"service_tier":"default","system_fingerprint":"`+systemFingerprint+`","choices":`...)
		d.prefix = p
	}
	return append(b, d.prefix...)
}

// appendChunkEnd closes a chunk: "usage":null when usage was asked for, the
// obfuscation padding, and the SSE event end.
func (d *openAIDialect) appendChunkEnd(b []byte, t *turn, usageNull bool) []byte {
	if usageNull && d.includeUsage {
		b = append(b, `,"usage":null`...)
	}
	if d.obfuscate {
		b = append(b, `,"obfuscation":"`...)
		b = t.rnd.appendAlnum(b, 4+int(t.rnd.uint64()%9))
		b = append(b, '"')
	}
	return append(b, "}\n\n"...)
}

// n is the number of choices: the request's n, at least 1.
func (d *openAIDialect) n() int { return max(d.choices, 1) }

// appendChoiceIndex appends `[{"index":i,`, the start of a chunk's choice.
func appendChoiceIndex(b []byte, i int) []byte {
	b = append(b, `[{"index":`...)
	b = appendInt(b, int64(i))
	return append(b, ',')
}

// The chunk encoders below append one chunk per choice (n of them).

func (d *openAIDialect) appendRoleChunk(b []byte, t *turn) []byte {
	for i := range d.n() {
		b = d.appendChunkStart(b, t)
		b = appendChoiceIndex(b, i)
		switch {
		case len(t.tool.calls) > 0:
			b = append(b, `"delta":{"role":"assistant","content":null},"logprobs":null,"finish_reason":null}]`...)
		case d.logprobs:
			b = append(b, `"delta":{"role":"assistant","content":"","refusal":null},"logprobs":{"content":[],"refusal":null},"finish_reason":null}]`...)
		default:
			b = append(b, `"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]`...)
		}
		b = d.appendChunkEnd(b, t, true)
	}
	return b
}

func (d *openAIDialect) appendContentChunk(b []byte, t *turn, text string) []byte {
	for i := range d.n() {
		b = d.appendChunkStart(b, t)
		b = appendChoiceIndex(b, i)
		b = append(b, `"delta":{"content":`...)
		b = appendJSONString(b, text)
		if d.logprobs {
			b = append(b, `},"logprobs":`...)
			b = appendOpenAILogprobs(b, text, int(d.topLogprobs))
			b = append(b, `,"finish_reason":null}]`...)
		} else {
			b = append(b, `},"logprobs":null,"finish_reason":null}]`...)
		}
		b = d.appendChunkEnd(b, t, true)
	}
	return b
}

func (d *openAIDialect) appendFinishChunk(b []byte, t *turn) []byte {
	for i := range d.n() {
		b = d.appendChunkStart(b, t)
		b = appendChoiceIndex(b, i)
		b = append(b, `"delta":{},"logprobs":null,"finish_reason":"`...)
		b = append(b, openAIFinish(t)...)
		b = append(b, `"}]`...)
		b = d.appendChunkEnd(b, t, true)
	}
	return b
}

func (d *openAIDialect) appendUsageChunk(b []byte, t *turn) []byte {
	b = d.appendChunkStart(b, t)
	b = append(b, `[],"usage":{"prompt_tokens":`...)
	b = appendInt(b, int64(t.promptTokens))
	b = append(b, `,"completion_tokens":`...)
	b = appendInt(b, int64(d.n()*t.completion))
	b = append(b, `,"total_tokens":`...)
	b = appendInt(b, int64(t.promptTokens+d.n()*t.completion))
	b = append(b, `,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":`+
		`{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`...)
	return d.appendChunkEnd(b, t, false)
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
