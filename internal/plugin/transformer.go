package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

// OpTransform is a transformer's op.
const OpTransform = "transform"

// TransformInput and TransformOutput are a transformer's envelope input
// and output, the guest SDK's types.
type (
	TransformInput  = ltbplugin.TransformInput
	TransformOutput = ltbplugin.TransformOutput
)

// Stages of a transform.
const (
	StageRequest  = ltbplugin.StageRequest
	StageResponse = ltbplugin.StageResponse
)

// Call is what a transformer sees of one call.
type Call struct {
	CaseID, PromptID, Provider string
	Messages                   []bench.Message
	Prompt                     string
	Variables, Metadata        map[string]any
}

// TransformRequest runs the request stage: it returns the messages to
// send and the prompt to show ("" when unchanged). Messages that carry
// images or audio keep them, so the transformer may rewrite their text
// but not add or remove messages.
func (p *Plugin) TransformRequest(ctx context.Context, cfg map[string]any, c Call) ([]bench.Message, string, error) {
	out, err := p.transform(ctx, cfg, c, StageRequest, "")
	if err != nil {
		return nil, "", err
	}
	if out.Messages == nil {
		prompt := ""
		if out.Prompt != nil {
			prompt = *out.Prompt
		}
		return c.Messages, prompt, nil
	}
	msgs, err := mergeMessages(c.Messages, out.Messages)
	if err != nil {
		return nil, "", p.fail(ctx, KindOutput, err, "")
	}
	prompt := ""
	if out.Prompt != nil {
		prompt = *out.Prompt
	} else if len(msgs) > 0 {
		prompt = msgs[len(msgs)-1].Content
	}
	return msgs, prompt, nil
}

// TransformResponse runs the response stage on an answer.
func (p *Plugin) TransformResponse(ctx context.Context, cfg map[string]any, c Call, response string) (string, error) {
	out, err := p.transform(ctx, cfg, c, StageResponse, response)
	if err != nil {
		return "", err
	}
	if out.Response == nil {
		return response, nil
	}
	return *out.Response, nil
}

// transform makes one transform call.
func (p *Plugin) transform(ctx context.Context, cfg map[string]any, c Call, stage, response string) (TransformOutput, error) {
	if p.Manifest.Plugin.Type != TypeTransformer {
		return TransformOutput{}, fmt.Errorf("plugin %q is a %s, not a transformer", p.Name(), p.Manifest.Plugin.Type)
	}
	in := TransformInput{
		Stage: stage, CaseID: c.CaseID, PromptID: c.PromptID, Provider: c.Provider,
		Messages: make([]ltbplugin.Message, len(c.Messages)), Prompt: c.Prompt, Response: response,
		Variables: c.Variables, Metadata: c.Metadata,
	}
	for i, m := range c.Messages {
		in.Messages[i] = ltbplugin.Message{Role: m.Role, Content: m.Content}
	}
	env, err := json.Marshal(Envelope{ABI: ABIVersion, Op: OpTransform, PluginType: TypeTransformer, Config: orEmpty(cfg), Input: in})
	if err != nil {
		return TransformOutput{}, fmt.Errorf("plugin %q: encode input: %w", p.Name(), err)
	}
	raw, err := p.Call(ctx, env, nil)
	if err != nil {
		return TransformOutput{}, err
	}
	var out TransformOutput
	if err := json.Unmarshal(raw, &out); err != nil {
		return TransformOutput{}, p.fail(ctx, KindOutput, fmt.Errorf("output is not the transformer's JSON object: %w", err), "")
	}
	return out, nil
}

// mergeMessages checks a transformer's messages and carries the images
// and audio of the originals over, by position.
func mergeMessages(orig []bench.Message, got []ltbplugin.Message) ([]bench.Message, error) {
	if len(got) == 0 {
		return nil, errors.New("the transformer returned an empty message list")
	}
	hasParts := false
	for _, m := range orig {
		hasParts = hasParts || len(m.Parts) > 0
	}
	if hasParts && len(got) != len(orig) {
		return nil, fmt.Errorf("the transformer returned %d messages for %d that carry images or audio; it may rewrite their text, not add or remove messages", len(got), len(orig))
	}
	out := make([]bench.Message, len(got))
	for i, m := range got {
		switch m.Role {
		case bench.RoleSystem, bench.RoleUser, bench.RoleAssistant:
		default:
			return nil, fmt.Errorf("messages[%d]: role %q: want system, user or assistant", i, m.Role)
		}
		out[i] = bench.Message{Role: m.Role, Content: m.Content}
		if hasParts {
			out[i].Parts = orig[i].Parts
		}
	}
	return out, nil
}
