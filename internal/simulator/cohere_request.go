package simulator

import (
	"encoding/json"
	"errors"
	"net/http"
)

// cohereRequest is the part of a Chat v2 request the simulator reads;
// content parts other than text (images, documents), tools and the
// sampling options are ignored.
type cohereRequest struct {
	Model     string        `json:"model"`
	Messages  []chatMessage `json:"messages"`
	Stream    bool          `json:"stream"`
	MaxTokens *int          `json:"max_tokens"`
	// StopSequences end the answer before the first one it contains.
	StopSequences []string `json:"stop_sequences"`
	CohereToolFields
}

func badCohere(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, message: "invalid request: " + msg}
}

// parseCohereRequest decodes and checks a request body. Cohere's errors
// are a bare message; the texts of its validation messages are the
// simulator's own, in the vendor's "invalid request: ..." form.
func parseCohereRequest(body []byte) (cohereRequest, *apiError) {
	var req cohereRequest
	if !fastParseCohere(body, &req) {
		req = cohereRequest{}
		if err := json.Unmarshal(body, &req); err != nil {
			return req, cohereDecodeError(err)
		}
	}
	switch {
	case req.Model == "":
		return req, badCohere("model is required")
	case len(req.Messages) == 0:
		return req, badCohere("messages must contain at least one message")
	case req.MaxTokens != nil && *req.MaxTokens < 1:
		return req, badCohere("max_tokens must be greater than 0")
	}
	for _, m := range req.Messages {
		switch m.Role {
		case "system", "user", "assistant", "tool":
		default:
			return req, badCohere("message role must be one of 'system', 'user', 'assistant' or 'tool', got '" + m.Role + "'")
		}
	}
	return req, nil
}

// billedInput is what Cohere bills for the prompt: the non-system messages.
func (r *cohereRequest) billedInput() int {
	n := 0
	for i := range r.Messages {
		if r.Messages[i].Role != "system" {
			n += countTokens(string(r.Messages[i].Content))
		}
	}
	return n
}

// fastParseCohere decodes the common shape of a Chat v2 request without
// reflection, like fastParseChat: on ok it yields what encoding/json would
// (FuzzFastParseCohere checks that), otherwise the caller falls back to
// encoding/json.
func fastParseCohere(b []byte, req *cohereRequest) bool {
	p := jsonParser{b: b}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "model":
			return p.str(&req.Model)
		case "messages":
			return p.messages(&req.Messages)
		case "stream":
			return p.boolean(&req.Stream)
		case "max_tokens":
			return p.intPtr(&req.MaxTokens)
		case "stop_sequences":
			return p.strList(&req.StopSequences)
		case "tools", "tool_choice":
			return false // encoding/json reads tools
		}
		return p.other(key, "model", "messages", "stream", "max_tokens", "stop_sequences")
	})
	p.space()
	return ok && p.i == len(p.b)
}

// cohereDecodeError is Cohere's 400 for a body that does not decode: the
// field whose type is wrong, or the parser's complaint.
func cohereDecodeError(err error) *apiError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return badCohere("field " + te.Field + " must be of type " + te.Type.String())
	}
	return badCohere("unable to parse JSON body: " + err.Error())
}
