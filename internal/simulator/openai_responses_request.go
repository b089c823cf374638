package simulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// responsesRequest is the part of an OpenAI Responses API request the
// simulator reads: input is a string or a list of input items, whose text
// parts (input_text, output_text, text) count; images, files and tool
// items are ignored.
type responsesRequest struct {
	Model           string         `json:"model"`
	Input           responsesInput `json:"input"`
	Instructions    string         `json:"instructions"`
	MaxOutputTokens *int           `json:"max_output_tokens"`
	Stream          bool           `json:"stream"`
	OpenAIToolFields
}

// minMaxOutputTokens is the smallest max_output_tokens OpenAI accepts.
const minMaxOutputTokens = 16

// responsesInput is a request's input as chat messages; set tells an
// absent input from an empty one.
type responsesInput struct {
	msgs []chatMessage
	set  bool
	// results are the outputs of the function_call_output items that end
	// the input, nil when it ends otherwise.
	results []string
}

// UnmarshalJSON accepts a string (one user message) or a list of items.
func (in *responsesInput) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	in.set = true
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		in.msgs = []chatMessage{{Role: "user", Content: textContent(s)}}
	case len(b) > 0 && b[0] == '[':
		var items []struct {
			Type    string          `json:"type"`
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
			Output  json.RawMessage `json:"output"`
		}
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		in.msgs = in.msgs[:0]
		in.results = nil
		for _, it := range items {
			if it.Type == "function_call_output" {
				text, err := responsesText(it.Output)
				if err != nil {
					return err
				}
				in.results = append(in.results, text)
				continue
			}
			if it.Role == "" { // a tool call, a reasoning item
				continue
			}
			in.results = nil
			text, err := responsesText(it.Content)
			if err != nil {
				return err
			}
			in.msgs = append(in.msgs, chatMessage{Role: it.Role, Content: textContent(text)})
		}
	case string(b) == "null":
		in.set = false
	default:
		return errors.New("input must be a string or a list of input items")
	}
	return nil
}

// responsesText is the text of an input item's content: a string, or its
// text parts joined by newlines.
func responsesText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		var s string
		if len(raw) == 0 || string(raw) == "null" {
			return "", nil
		}
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", err
	}
	var text []byte
	for _, p := range parts {
		if p.Type != "input_text" && p.Type != "output_text" && p.Type != "text" {
			continue
		}
		if len(text) > 0 {
			text = append(text, '\n')
		}
		text = append(text, p.Text...)
	}
	return string(text), nil
}

// parseResponsesRequest decodes and checks a Responses API request body
// the way OpenAI does.
func parseResponsesRequest(body []byte) (responsesRequest, *apiError) {
	var req responsesRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return req, decodeError(err)
	}
	switch {
	case req.Model == "":
		return req, missingParam("model")
	case !req.Input.set:
		return req, missingParam("input")
	case req.MaxOutputTokens != nil && *req.MaxOutputTokens < minMaxOutputTokens:
		return req, &apiError{status: 400, typ: "invalid_request_error", param: "max_output_tokens", code: "integer_below_min_value",
			message: fmt.Sprintf("Invalid 'max_output_tokens': integer below minimum value. Expected a value >= %d, but got %d instead.",
				minMaxOutputTokens, *req.MaxOutputTokens)}
	}
	return req, nil
}

// missingParam is OpenAI's 400 for a required parameter left out.
func missingParam(name string) *apiError {
	return &apiError{status: 400, typ: "invalid_request_error", param: name, code: "missing_required_parameter",
		message: "Missing required parameter: '" + name + "'."}
}

// prompt is the policy's input: the last user message, or the last
// message, or "" for an empty input.
func (r *responsesRequest) prompt() string {
	if len(r.Input.msgs) == 0 {
		return ""
	}
	return lastUserText(r.Input.msgs)
}
