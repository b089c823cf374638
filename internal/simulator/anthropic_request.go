package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// anthropicRequest is the part of a Messages request the simulator reads.
// Content blocks other than text (images, documents, tool use and results)
// are ignored.
type anthropicRequest struct {
	Model     string        `json:"model"`
	MaxTokens *int          `json:"max_tokens"`
	Messages  []chatMessage `json:"messages"`
	System    textContent   `json:"system"`
	Stream    bool          `json:"stream"`
	// StopSequences end the answer before the first one it contains.
	StopSequences []string `json:"stop_sequences"`
	AnthropicToolFields
}

// validAnthropicVersion reports whether v is a well-formed
// anthropic-version: a calendar date YYYY-MM-DD. The vendor's SDKs send
// the date of the API version they were written against (2023-06-01 for
// years, newer dates since), so any real date is accepted rather than a
// fixed list that would refuse the next SDK release.
func validAnthropicVersion(v string) bool {
	if len(v) != len("2006-01-02") {
		return false
	}
	_, err := time.Parse("2006-01-02", v)
	return err == nil
}

// checkAnthropicVersion checks the anthropic-version header, which every
// Anthropic route requires.
func checkAnthropicVersion(h http.Header) *apiError {
	v, ok := h["Anthropic-Version"]
	switch {
	case !ok || len(v) == 0 || v[0] == "":
		return badAnthropic("anthropic-version: header is required")
	case len(v) > 1 || !validAnthropicVersion(v[0]):
		return badAnthropic("anthropic-version: " + strconv.Quote(joinValues(v)) + " is not a valid version")
	}
	return nil
}

// parseAnthropicRequest checks the version header, then decodes and checks
// a request body the way Anthropic does.
func parseAnthropicRequest(h http.Header, body []byte) (anthropicRequest, *apiError) {
	var req anthropicRequest
	if e := checkAnthropicVersion(h); e != nil {
		return req, e
	}
	if !fastParseAnthropic(body, &req) {
		req = anthropicRequest{}
		if err := json.Unmarshal(body, &req); err != nil {
			return req, anthropicDecodeError(err)
		}
	}
	return req, checkAnthropicRequest(&req)
}

func joinValues(v []string) string {
	s := v[0]
	for _, x := range v[1:] {
		s += ", " + x
	}
	return s
}

func badAnthropic(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: "invalid_request_error", message: msg}
}

// anthropicDecodeError turns an encoding/json error into Anthropic's 400.
func anthropicDecodeError(err error) *apiError {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return badAnthropic(te.Field + ": Input should be a valid " + validKind(te.Type.Kind().String()))
	case errors.As(err, &se):
		return badAnthropic("The request body is not valid JSON: " + err.Error())
	}
	return badAnthropic(err.Error())
}

// validKind names a Go kind the way Anthropic's validation messages do.
func validKind(kind string) string {
	switch kind {
	case "int", "int64", "int32":
		return "integer"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "list"
	case "struct", "map":
		return "dictionary"
	}
	return kind
}

// checkAnthropicRequest checks a decoded request the way Anthropic does.
func checkAnthropicRequest(req *anthropicRequest) *apiError {
	switch {
	case req.Model == "":
		return badAnthropic("model: Field required")
	case req.MaxTokens == nil:
		return badAnthropic("max_tokens: Field required")
	case req.Messages == nil:
		return badAnthropic("messages: Field required")
	case *req.MaxTokens < 1:
		return badAnthropic("max_tokens: Input should be greater than or equal to 1")
	case len(req.Messages) == 0:
		return badAnthropic("messages: at least one message is required")
	}
	for i, m := range req.Messages {
		if m.Role != "user" && m.Role != "assistant" {
			return badAnthropic(fmt.Sprintf("messages.%d.role: Input should be 'user' or 'assistant'", i))
		}
	}
	return nil
}

// fastParseAnthropic decodes the common shape of a Messages request
// without reflection, like fastParseChat: on ok it yields what
// encoding/json would (FuzzFastParseAnthropic checks that), otherwise the
// caller falls back to encoding/json.
func fastParseAnthropic(b []byte, req *anthropicRequest) bool {
	p := jsonParser{b: b}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "model":
			return p.str(&req.Model)
		case "max_tokens":
			return p.intPtr(&req.MaxTokens)
		case "messages":
			return p.messages(&req.Messages)
		case "system":
			return p.content(&req.System)
		case "stream":
			return p.boolean(&req.Stream)
		case "stop_sequences":
			return p.strList(&req.StopSequences)
		case "tools", "tool_choice":
			return false // encoding/json reads tools
		}
		return p.other(key, "model", "max_tokens", "messages", "system", "stream", "stop_sequences")
	})
	p.space()
	return ok && p.i == len(p.b)
}
