package simulator

import (
	"net/http"
	"strconv"
)

// The OpenAI Responses API wire: POST /v1/responses (also under the chat
// route's prefixes), the API the current OpenAI SDKs steer new code to.
// A non-streamed answer is one response object whose output holds one
// assistant message with an output_text part; a stream is named
// server-sent events with a sequence_number each: response.created,
// response.in_progress, response.output_item.added,
// response.content_part.added, one response.output_text.delta per token,
// then response.output_text.done, response.content_part.done,
// response.output_item.done and response.completed (response.incomplete
// when the answer was cut at max_output_tokens), without a [DONE] line.
// Errors, faults and headers are the Chat Completions wire's.

// responsesDialect is the Responses API wire of one request.
type responsesDialect struct {
	openAIDialect // errors, faults and headers
	respID        [len("resp_") + 48]byte
	msgID         [len("msg_") + 48]byte
	instructions  string
	maxOutput     int // max_output_tokens, or -1
	seq           int // the next event's sequence_number
}

// openAIResponses serves POST /v1/responses.
func (s *Server) openAIResponses(w http.ResponseWriter, r *http.Request) {
	sc := s.getScratch()
	d := &responsesDialect{openAIDialect: openAIDialect{prefix: sc.openAI.prefix[:0]}}
	s.serveChat(w, r, d, sc)
}

func (d *responsesDialect) parse(_ *http.Request, body []byte, t *turn) *apiError {
	req, e := parseResponsesRequest(body)
	if e != nil {
		return e
	}
	t.model = openAIModelName(req.Model)
	t.prompt = req.prompt()
	t.promptTokens = conversationTokens(req.Instructions, req.Input.msgs)
	t.stream = req.Stream
	t.maxTokens, d.maxOutput = -1, -1
	if req.MaxOutputTokens != nil {
		t.maxTokens, d.maxOutput = *req.MaxOutputTokens, *req.MaxOutputTokens
	}
	d.instructions = req.Instructions
	if t.tool, e = req.toolTurn(); e != nil {
		return e
	}
	t.setResults(req.Input.results)
	return nil
}

func (d *responsesDialect) begin(h http.Header, t *turn) {
	d.openAIDialect.begin(h, t)
	copy(d.respID[:], "resp_")
	copy(d.msgID[:], "msg_")
	for _, id := range [...][]byte{d.respID[len("resp_"):], d.msgID[len("msg_"):]} {
		for i := range id {
			id[i] = hexDigits[t.rnd.uint64()&0xf]
		}
	}
	for i := range t.tool.calls {
		item := []byte("fc_")
		for range 48 {
			item = append(item, hexDigits[t.rnd.uint64()&0xf])
		}
		t.tool.calls[i].item = string(item)
	}
}

// responsesStatus is the status of t's response once it is whole.
func responsesStatus(t *turn) string {
	if t.cut {
		return "incomplete"
	}
	return "completed"
}

// appendResponse appends the response object; done says whether the
// answer is whole (with output and usage) or just begun.
func (d *responsesDialect) appendResponse(b []byte, t *turn, done bool) []byte {
	b = append(b, `{"id":"`...)
	b = append(b, d.respID[:]...)
	b = append(b, `","object":"response","created_at":`...)
	b = appendInt(b, d.created)
	b = append(b, `,"status":"`...)
	if done {
		b = append(b, responsesStatus(t)...)
	} else {
		b = append(b, "in_progress"...)
	}
	b = append(b, `","background":false,"error":null,"incomplete_details":`...)
	if done && t.cut {
		b = append(b, `{"reason":"max_output_tokens"}`...)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"instructions":`...)
	b = appendNullable(b, d.instructions)
	b = append(b, `,"max_output_tokens":`...)
	if d.maxOutput < 0 {
		b = append(b, "null"...)
	} else {
		b = appendInt(b, int64(d.maxOutput))
	}
	b = append(b, `,"model":`...)
	b = appendJSONString(b, t.model)
	b = append(b, `,"output":[`...)
	switch {
	case done && len(t.tool.calls) > 0:
		for i := range t.tool.calls {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendFunctionCall(b, &t.tool.calls[i], "completed", true)
		}
	case done:
		b = d.appendMessage(b, t, responsesStatus(t), true)
	}
	b = append(b, `],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},`+
		`"service_tier":"default","store":true,"temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},`+
		`"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":`...)
	if done {
		b = append(b, `{"input_tokens":`...)
		b = appendInt(b, int64(t.promptTokens))
		b = append(b, `,"input_tokens_details":{"cached_tokens":0},"output_tokens":`...)
		b = appendInt(b, int64(t.completion))
		b = append(b, `,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":`...)
		b = appendInt(b, int64(t.promptTokens+t.completion))
		b = append(b, '}')
	} else {
		b = append(b, "null"...)
	}
	return append(b, `,"user":null,"metadata":{}}`...)
}

// appendMessage appends the assistant message item, with its output_text
// part when withText is set.
func (d *responsesDialect) appendMessage(b []byte, t *turn, status string, withText bool) []byte {
	b = append(b, `{"id":"`...)
	b = append(b, d.msgID[:]...)
	b = append(b, `","type":"message","status":"`...)
	b = append(b, status...)
	b = append(b, `","content":[`...)
	if withText {
		b = appendOutputText(b, t.answer)
	}
	return append(b, `],"role":"assistant"}`...)
}

func appendOutputText(b []byte, text string) []byte {
	b = append(b, `{"type":"output_text","annotations":[],"logprobs":[],"text":`...)
	b = appendJSONString(b, text)
	return append(b, '}')
}

// appendEvent appends "event: typ" and the start of its data up to the
// sequence number, which it takes.
func (d *responsesDialect) appendEvent(b []byte, typ string) []byte {
	b = append(b, "event: "...)
	b = append(b, typ...)
	b = append(b, "\ndata: {\"type\":\""...)
	b = append(b, typ...)
	b = append(b, `","sequence_number":`...)
	b = strconv.AppendInt(b, int64(d.seq), 10)
	d.seq++
	return b
}

// appendItemRef appends the fields that place a part in the one message.
func (d *responsesDialect) appendItemRef(b []byte) []byte {
	b = append(b, `,"item_id":"`...)
	b = append(b, d.msgID[:]...)
	return append(b, `","output_index":0,"content_index":0`...)
}

func (d *responsesDialect) appendComplete(b []byte, t *turn) []byte {
	return append(d.appendResponse(b, t, true), '\n')
}

func (d *responsesDialect) appendStart(b []byte, t *turn) []byte {
	for _, typ := range [...]string{"response.created", "response.in_progress"} {
		b = d.appendEvent(b, typ)
		b = append(b, `,"response":`...)
		b = d.appendResponse(b, t, false)
		b = append(b, "}\n\n"...)
	}
	if len(t.tool.calls) > 0 { // the function_call items open in appendCallStart
		return b
	}
	b = d.appendEvent(b, "response.output_item.added")
	b = append(b, `,"output_index":0,"item":`...)
	b = d.appendMessage(b, t, "in_progress", false)
	b = append(b, "}\n\n"...)
	b = d.appendEvent(b, "response.content_part.added")
	b = d.appendItemRef(b)
	b = append(b, `,"part":`...)
	b = appendOutputText(b, "")
	return append(b, "}\n\n"...)
}

func (d *responsesDialect) appendDelta(b []byte, _ *turn, text string, _ int, _ bool) []byte {
	b = d.appendEvent(b, "response.output_text.delta")
	b = d.appendItemRef(b)
	b = append(b, `,"delta":`...)
	b = appendJSONString(b, text)
	return append(b, `,"logprobs":[]}`+"\n\n"...)
}

func (d *responsesDialect) appendEnd(b []byte, t *turn) []byte {
	if len(t.tool.calls) > 0 {
		return d.appendCompleted(b, t)
	}
	b = d.appendEvent(b, "response.output_text.done")
	b = d.appendItemRef(b)
	b = append(b, `,"text":`...)
	b = appendJSONString(b, t.answer)
	b = append(b, `,"logprobs":[]}`+"\n\n"...)
	b = d.appendEvent(b, "response.content_part.done")
	b = d.appendItemRef(b)
	b = append(b, `,"part":`...)
	b = appendOutputText(b, t.answer)
	b = append(b, "}\n\n"...)
	b = d.appendEvent(b, "response.output_item.done")
	b = append(b, `,"output_index":0,"item":`...)
	b = d.appendMessage(b, t, responsesStatus(t), true)
	b = append(b, "}\n\n"...)
	return d.appendCompleted(b, t)
}

// appendCompleted appends the event that ends the stream with the whole
// response: response.completed, or response.incomplete.
func (d *responsesDialect) appendCompleted(b []byte, t *turn) []byte {
	b = d.appendEvent(b, "response."+responsesStatus(t))
	b = append(b, `,"response":`...)
	b = d.appendResponse(b, t, true)
	return append(b, "}\n\n"...)
}

// appendFunctionCall appends call c as a function_call output item, with
// its arguments when withArgs is set.
func appendFunctionCall(b []byte, c *toolCall, status string, withArgs bool) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, c.item)
	b = append(b, `,"type":"function_call","status":"`...)
	b = append(b, status...)
	b = append(b, `","arguments":`...)
	if withArgs {
		b = appendJSONString(b, c.args)
	} else {
		b = append(b, `""`...)
	}
	b = append(b, `,"call_id":`...)
	b = appendJSONString(b, c.id)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, c.name)
	return append(b, '}')
}

// appendCallRef appends the fields that place an event in call i's item.
func appendCallRef(b []byte, c *toolCall, i int) []byte {
	b = append(b, `,"item_id":`...)
	b = appendJSONString(b, c.item)
	b = append(b, `,"output_index":`...)
	return appendInt(b, int64(i))
}

func (d *responsesDialect) appendCallStart(b []byte, t *turn, i int) []byte {
	b = d.appendEvent(b, "response.output_item.added")
	b = append(b, `,"output_index":`...)
	b = appendInt(b, int64(i))
	b = append(b, `,"item":`...)
	b = appendFunctionCall(b, &t.tool.calls[i], "in_progress", false)
	return append(b, "}\n\n"...)
}

func (d *responsesDialect) appendCallDelta(b []byte, t *turn, i int, args string) []byte {
	b = d.appendEvent(b, "response.function_call_arguments.delta")
	b = appendCallRef(b, &t.tool.calls[i], i)
	b = append(b, `,"delta":`...)
	b = appendJSONString(b, args)
	return append(b, "}\n\n"...)
}

func (d *responsesDialect) appendCallEnd(b []byte, t *turn, i int) []byte {
	c := &t.tool.calls[i]
	b = d.appendEvent(b, "response.function_call_arguments.done")
	b = appendCallRef(b, c, i)
	b = append(b, `,"arguments":`...)
	b = appendJSONString(b, c.args)
	b = append(b, "}\n\n"...)
	b = d.appendEvent(b, "response.output_item.done")
	b = append(b, `,"output_index":`...)
	b = appendInt(b, int64(i))
	b = append(b, `,"item":`...)
	b = appendFunctionCall(b, c, "completed", true)
	return append(b, "}\n\n"...)
}
