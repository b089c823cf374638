package ltbplugin

import (
	"encoding/json"
	"fmt"
)

// Message is one chat message as transformers and providers see it.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Stages of a transform.
const (
	// StageRequest: between rendering and the call; the messages may change.
	StageRequest = "request"
	// StageResponse: between the call and the assertions; the answer may change.
	StageResponse = "response"
)

// TransformInput is a transformer's input: one call, before it is made
// (stage "request") or once answered (stage "response", with Response).
type TransformInput struct {
	Stage     string         `json:"stage"`
	CaseID    string         `json:"case_id"`
	PromptID  string         `json:"prompt_id,omitempty"`
	Provider  string         `json:"provider"`
	Messages  []Message      `json:"messages"`
	Prompt    string         `json:"prompt,omitempty"`
	Response  string         `json:"response,omitempty"`
	Variables map[string]any `json:"variables,omitempty"`
	Metadata  map[string]any `json:"metadata,omitempty"`
}

// TransformOutput is what a transformer changes: at the request stage
// Messages (and the Prompt the result shows), at the response stage
// Response. A field left nil keeps the input's.
type TransformOutput struct {
	Messages []Message `json:"messages,omitempty"`
	Prompt   *string   `json:"prompt,omitempty"`
	Response *string   `json:"response,omitempty"`
}

// HandleTransformer registers a transformer: f gets the suite's transform
// config and one call at one stage.
func HandleTransformer(f func(cfg json.RawMessage, in TransformInput) (TransformOutput, error)) {
	Handle(func(req Request) (any, error) {
		if req.Op != "transform" {
			return nil, BadInput(fmt.Errorf("transformer: unknown op %q", req.Op))
		}
		var in TransformInput
		if err := json.Unmarshal(req.Input, &in); err != nil {
			return nil, BadInput(fmt.Errorf("transformer input: %w", err))
		}
		return f(req.Config, in)
	})
}
