package llamacpp

import (
	"net/http"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// contextShiftMessage is what llama-server started with --no-context-shift
// sends (HTTP 500, server_error) when the prompt and the answer outgrow the
// context: a longer context or a shorter request is needed, not a retry.
const contextShiftMessage = "context shift is disabled"

// validationMessages begin the messages of llama-server's checks of a chat
// request that builds before mid-2025 send as HTTP 500 server_error (the
// check throws, and the server's catch-all answers 500): the same request
// fails the same way every time. Newer builds send most of them as 400.
var validationMessages = []string{
	"Only one completion choice is allowed",            // "n" other than 1
	"Only no echo is supported",                        // "echo": true
	"Unsupported param: ",                              // best_of, suffix, tool_choice without --jinja
	"Unsupported param (--jinja mode required",         // tools without --jinja (2024 builds)
	"tools param requires --jinja flag",                // tools without --jinja
	"Cannot use tools with stream",                     // tools in a streamed call (early 2025)
	"Invalid tool_choice: ",                            // tool_choice other than none, auto, required
	"Cannot use custom grammar constraints with tools", // grammar and tools together
	"response_format type must be one of",              // an unknown response_format.type
	"top_logprobs requires logprobs to be set to true", // top_logprobs without logprobs
	"Missing 'content'",                                // a message without content
	"Invalid 'content' type",                           // content neither a string nor parts
	`"prompt" is required`,                             // /v1/completions without a prompt
}

// refine maps llama-server's statuses, which also arrive as the numeric
// code of an "error:" event in a stream: 503 (unavailable_error, the model
// is loading) is overloaded; 501 (not_supported_error, a feature the server
// was started without) is a bad request no retry can fix; a 500 is
// context_length or bad_request when its message is one of the known ones
// above, and stays transient otherwise.
func refine(pe *provider.Error, status int, _ http.Header, body []byte) {
	switch status {
	case http.StatusServiceUnavailable:
		pe.Kind = provider.KindOverloaded
	case http.StatusNotImplemented:
		pe.Kind, pe.RetryAfter = provider.KindBadRequest, 0
	case http.StatusInternalServerError:
		if kind, ok := kindOf500(body); ok {
			pe.Kind, pe.RetryAfter = kind, 0
		}
	}
}

// kindOf500 classifies the message of an HTTP 500 body, ok false when it is
// none of the known ones.
func kindOf500(body []byte) (provider.Kind, bool) {
	ve, ok := httpcall.ParseVendorError(body)
	if !ok {
		return "", false
	}
	msg := strings.TrimSpace(ve.Message)
	if strings.HasPrefix(msg, contextShiftMessage) {
		return provider.KindContextLength, true
	}
	for _, m := range validationMessages {
		if strings.HasPrefix(msg, m) {
			return provider.KindBadRequest, true
		}
	}
	return "", false
}
