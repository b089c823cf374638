// Command redact is an example transformer plugin. Before each call it
// replaces e-mail addresses in the messages with a mask, so they never
// reach the model; after it, it strips a configured prefix (such as
// "Answer:") and surrounding space from the answer, so the assertions
// see the answer itself.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o main.wasm .
package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

// config is the suite's transform config.
type config struct {
	Mask        string `json:"mask"`
	StripPrefix string `json:"strip_prefix"`
}

var email = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)

func transform(raw json.RawMessage, in ltbplugin.TransformInput) (ltbplugin.TransformOutput, error) {
	cfg := config{Mask: "[email]"}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return ltbplugin.TransformOutput{}, ltbplugin.BadInput(fmt.Errorf("config: %w", err))
	}
	switch in.Stage {
	case ltbplugin.StageRequest:
		out := make([]ltbplugin.Message, len(in.Messages))
		for i, m := range in.Messages {
			out[i] = ltbplugin.Message{Role: m.Role, Content: email.ReplaceAllString(m.Content, cfg.Mask)}
		}
		return ltbplugin.TransformOutput{Messages: out}, nil
	case ltbplugin.StageResponse:
		s := strings.TrimSpace(in.Response)
		if cfg.StripPrefix != "" {
			s = strings.TrimSpace(strings.TrimPrefix(s, cfg.StripPrefix))
		}
		return ltbplugin.TransformOutput{Response: &s}, nil
	}
	return ltbplugin.TransformOutput{}, ltbplugin.BadInput(fmt.Errorf("unknown stage %q", in.Stage))
}

func init() { ltbplugin.HandleTransformer(transform) }

func main() {}
