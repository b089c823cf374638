// Command inhouse-llm is an example provider plugin: it serves the
// provider id plugin:inhouse-llm by posting each call to an in-house
// completion endpoint (base_url + "/v1/generate") through the host
// service http.request. The host gives it the network only to its
// manifest's allowed_hosts and only when the operator grants it with
// [plugins.grants.NAME] allow = ["http.request"], and fills in the API key ("{{api_key}}"), so
// the plugin never sees it.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o main.wasm .
package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

// request and reply are the in-house endpoint's JSON.
type request struct {
	Model     string `json:"model,omitempty"`
	Prompt    string `json:"prompt"`
	MaxTokens int    `json:"max_tokens,omitempty"`
}

type reply struct {
	Output     string `json:"output"`
	TokensIn   int    `json:"tokens_in"`
	TokensOut  int    `json:"tokens_out"`
	StopReason string `json:"stop_reason"`
}

// httpCall is the host service; tests replace it.
var httpCall = func(req []byte) ([]byte, error) { return call("http.request", req) }

// prompt flattens chat messages into the endpoint's single prompt.
func prompt(msgs []ltbplugin.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "%s: %s\n", m.Role, m.Content)
	}
	return b.String()
}

func complete(_ json.RawMessage, in ltbplugin.CompleteInput) (ltbplugin.CompleteOutput, error) {
	if in.BaseURL == "" {
		return ltbplugin.CompleteOutput{}, ltbplugin.BadInput(fmt.Errorf("set base_url on the provider"))
	}
	body := request{Model: in.Model, Prompt: prompt(in.Messages)}
	if in.Params.MaxTokens != nil {
		body.MaxTokens = *in.Params.MaxTokens
	}
	b, err := json.Marshal(body)
	if err != nil {
		return ltbplugin.CompleteOutput{}, err
	}
	req, err := json.Marshal(map[string]any{
		"method": "POST", "url": strings.TrimSuffix(in.BaseURL, "/") + "/v1/generate", "body": string(b),
		"headers": map[string]string{"Content-Type": "application/json", "Authorization": "Bearer {{api_key}}"},
	})
	if err != nil {
		return ltbplugin.CompleteOutput{}, err
	}
	raw, err := httpCall(req)
	if err != nil {
		return ltbplugin.CompleteOutput{Error: &ltbplugin.ProviderError{Kind: "transient", Message: "http.request: " + err.Error()}}, nil //nolint:nilerr // an unreachable endpoint is a transient upstream failure, which the policy retries
	}
	var resp struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		return ltbplugin.CompleteOutput{}, fmt.Errorf("http.request response: %w", err)
	}
	switch {
	case resp.Status == 429:
		return ltbplugin.CompleteOutput{Error: &ltbplugin.ProviderError{Kind: "rate_limited", Status: 429, Message: resp.Body}}, nil
	case resp.Status == 401 || resp.Status == 403:
		return ltbplugin.CompleteOutput{Error: &ltbplugin.ProviderError{Kind: "auth", Status: resp.Status, Message: "the endpoint refused the key"}}, nil
	case resp.Status >= 500:
		return ltbplugin.CompleteOutput{Error: &ltbplugin.ProviderError{Kind: "transient", Status: resp.Status, Message: resp.Body}}, nil
	case resp.Status != 200:
		return ltbplugin.CompleteOutput{Error: &ltbplugin.ProviderError{Kind: "bad_request", Status: resp.Status, Message: resp.Body}}, nil
	}
	var r reply
	if err := json.Unmarshal([]byte(resp.Body), &r); err != nil {
		return ltbplugin.CompleteOutput{}, fmt.Errorf("endpoint reply: %w", err)
	}
	finish := map[string]string{"eos": "stop", "max_tokens": "length"}[r.StopReason]
	return ltbplugin.CompleteOutput{
		Text: r.Output, Model: in.Model, FinishReason: finish,
		Usage: ltbplugin.Usage{PromptTokens: r.TokensIn, CompletionTokens: r.TokensOut},
	}, nil
}

func init() { ltbplugin.HandleProvider(complete) }

func main() {}
