package llamacpp

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// TestRefine500 classifies HTTP 500 bodies with the messages llama-server
// builds of early 2025 send (examples/server/utils.hpp and server.cpp):
// each known message once, as the server words it, and 500s that must
// stay transient.
func TestRefine500(t *testing.T) {
	t.Parallel()
	tests := []struct {
		message string
		want    provider.Kind
	}{
		{"context shift is disabled", provider.KindContextLength},
		{"Only one completion choice is allowed", provider.KindBadRequest},
		{"Only no echo is supported", provider.KindBadRequest},
		{"Unsupported param: best_of", provider.KindBadRequest},
		{"Unsupported param (--jinja mode required for tool call): tools", provider.KindBadRequest},
		{"tools param requires --jinja flag", provider.KindBadRequest},
		{"Cannot use tools with stream", provider.KindBadRequest},
		{"Invalid tool_choice: sometimes", provider.KindBadRequest},
		{"Cannot use custom grammar constraints with tools.", provider.KindBadRequest},
		{`response_format type must be one of "text" or "json_object", but got: xml`, provider.KindBadRequest},
		{"top_logprobs requires logprobs to be set to true", provider.KindBadRequest},
		{"Missing 'content' (ref: https://github.com/ggml-org/llama.cpp/issues/8367)", provider.KindBadRequest},
		{"Invalid 'content' type (ref: https://github.com/ggml-org/llama.cpp/issues/8367)", provider.KindBadRequest},
		{`"prompt" is required`, provider.KindBadRequest},
		// Unknown causes, and known words out of place, stay transient.
		{"failed to decode", provider.KindTransient},
		{"slot 0: Only one completion choice is allowed", provider.KindTransient},
		{"", provider.KindTransient},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			t.Parallel()
			body, err := json.Marshal(map[string]any{"error": map[string]any{"code": 500, "message": tt.message, "type": "server_error"}})
			if err != nil {
				t.Fatal(err)
			}
			pe := &provider.Error{Kind: provider.KindTransient, StatusCode: 500, RetryAfter: time.Second}
			refine(pe, http.StatusInternalServerError, nil, body)
			if pe.Kind != tt.want {
				t.Errorf("kind %s, want %s", pe.Kind, tt.want)
			}
			if tt.want != provider.KindTransient && pe.RetryAfter != 0 {
				t.Errorf("retry after %v kept for a call that cannot succeed", pe.RetryAfter)
			}
		})
	}
	// Every known message has a row above.
	for _, m := range validationMessages {
		covered := false
		for _, tt := range tests {
			covered = covered || (tt.want == provider.KindBadRequest && strings.HasPrefix(tt.message, m))
		}
		if !covered {
			t.Errorf("validation message %q has no test row", m)
		}
	}
}

// TestRefineOnly500 checks that the known messages decide the kind only
// for a 500: a 400 with the same message is left as classified, and a
// body that is not JSON leaves a 500 transient.
func TestRefineOnly500(t *testing.T) {
	t.Parallel()
	body := []byte(`{"error":{"code":400,"message":"context shift is disabled","type":"invalid_request_error"}}`)
	pe := &provider.Error{Kind: provider.KindBadRequest, StatusCode: 400}
	refine(pe, http.StatusBadRequest, nil, body)
	if pe.Kind != provider.KindBadRequest {
		t.Errorf("400 became %s", pe.Kind)
	}
	pe = &provider.Error{Kind: provider.KindTransient, StatusCode: 500}
	refine(pe, http.StatusInternalServerError, nil, []byte("<html>context shift is disabled</html>"))
	if pe.Kind != provider.KindTransient {
		t.Errorf("non-JSON 500 became %s", pe.Kind)
	}
}
