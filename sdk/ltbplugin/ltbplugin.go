// Package ltbplugin is the Go guest SDK for LLM Test Bench plugins: it
// implements the guest side of the ABI "ltb-plugin/1" (docs/PLUGINS.md)
// so a plugin is a handler function and a plugin.toml.
//
// Build a plugin as a WASI reactor with Go 1.24 or later:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o main.wasm .
//
// and register its handler in an init function (a reactor's main is
// never called):
//
//	func init() {
//		ltbplugin.HandleEvaluator(func(cfg json.RawMessage, in ltbplugin.EvalInput) (ltbplugin.EvalResult, error) {
//			return ltbplugin.EvalResult{Score: 1}, nil
//		})
//	}
//
// The SDK decodes the envelope and encodes an EvalResult without
// reflection; read a config the same way with DecodeJSON, which is
// several times faster than encoding/json inside a guest.
//
// The exports and host imports exist only when GOOS=wasip1; the rest of
// the package (the envelope types and Dispatch) builds anywhere, so a
// plugin's logic can be tested with plain go test.
package ltbplugin

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ABIVersion is the version of the ABI this SDK implements.
const ABIVersion = 1

// Request is the envelope the host sends with every call.
type Request struct {
	ABI        int             `json:"abi"`
	Op         string          `json:"op"`
	PluginType string          `json:"plugin_type"`
	Config     json.RawMessage `json:"config"`
	Input      json.RawMessage `json:"input"`
}

// Handler answers one call with a value the SDK encodes as JSON.
type Handler func(req Request) (any, error)

// EvalInput is an evaluator's input: one answer and what it answers.
type EvalInput struct {
	Prompt    string         `json:"prompt"`
	Response  string         `json:"response"`
	Reference string         `json:"reference,omitempty"`
	Value     any            `json:"value,omitempty"`
	Context   []string       `json:"context,omitempty"`
	Variables map[string]any `json:"variables,omitempty"`
	Metadata  map[string]any `json:"metadata,omitempty"`
	Provider  string         `json:"provider,omitempty"`
}

// EvalResult is an evaluator's verdict. Score is in [0, 1]; without
// Passed the host passes the verdict when Score reaches the assertion's
// threshold (0.5 when unset).
type EvalResult struct {
	Score   float64            `json:"score"`
	Passed  *bool              `json:"passed,omitempty"`
	Reason  string             `json:"reason,omitempty"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
}

// Status codes of ltb_handle.
const (
	StatusOK       int32 = 0
	StatusError    int32 = 1
	StatusBadInput int32 = 2
)

var handler Handler

// Handle registers the plugin's handler. Call it from an init function.
func Handle(h Handler) { handler, evaluator = h, nil }

// HandleEvaluator registers an evaluator: f gets the assertion's config
// (validated by the host against the plugin's config_schema) and one answer.
func HandleEvaluator(f func(cfg json.RawMessage, in EvalInput) (EvalResult, error)) {
	Handle(func(req Request) (any, error) {
		if req.Op != "evaluate" {
			return nil, BadInput(fmt.Errorf("evaluator: unknown op %q", req.Op))
		}
		in, err := decodeEvalInput(req.Input)
		if err != nil {
			return nil, BadInput(fmt.Errorf("evaluator input: %w", err))
		}
		return f(req.Config, in)
	})
	evaluator = f
}

// evaluator, when set, lets Dispatch decode an evaluator's envelope in
// one pass. The envelope is decoded and the output encoded by the SDK's
// own JSON code (jsondec.go, jsonenc.go), without reflection: with
// encoding/json, JSON was the bulk of a Go guest's time per call.
var evaluator func(cfg json.RawMessage, in EvalInput) (EvalResult, error)

// evalRequest is an evaluator's envelope, decoded in one pass.
type evalRequest struct {
	ABI    int             `json:"abi"`
	Op     string          `json:"op"`
	Config json.RawMessage `json:"config"`
	Input  EvalInput       `json:"input"`
}

// badInput marks an error as the input's fault (status 2).
type badInput struct{ err error }

func (b badInput) Error() string { return b.err.Error() }
func (b badInput) Unwrap() error { return b.err }

// BadInput wraps err so the call returns status 2 (the input was unusable).
func BadInput(err error) error { return badInput{err} }

// Dispatch runs the registered handler on one envelope and returns the
// JSON output, the ABI status and, for a failure, the error message.
func Dispatch(envelope []byte) (out []byte, status int32, errMsg string) {
	return dispatch(envelope, nil)
}

// dispatch is Dispatch writing a known output type into buf (the guest
// reuses one buffer: the host copies the output at once).
func dispatch(envelope, buf []byte) (out []byte, status int32, errMsg string) {
	if handler == nil {
		return nil, StatusError, "ltbplugin: no handler registered (call ltbplugin.Handle in init)"
	}
	if evaluator != nil {
		return dispatchEvaluator(envelope, buf)
	}
	req, err := decodeRequest(envelope)
	if err != nil {
		return nil, StatusBadInput, "envelope: " + err.Error()
	}
	if req.ABI != ABIVersion {
		return nil, StatusBadInput, fmt.Sprintf("envelope abi %d, this SDK speaks %d", req.ABI, ABIVersion)
	}
	v, err := handler(req)
	return finish(v, err, buf)
}

// dispatchEvaluator is Dispatch for a plugin registered with HandleEvaluator.
func dispatchEvaluator(envelope, buf []byte) ([]byte, int32, string) {
	req, err := decodeEvalRequest(envelope)
	if err != nil {
		return nil, StatusBadInput, "envelope: " + err.Error()
	}
	switch {
	case req.ABI != ABIVersion:
		return nil, StatusBadInput, fmt.Sprintf("envelope abi %d, this SDK speaks %d", req.ABI, ABIVersion)
	case req.Op != "evaluate":
		return nil, StatusBadInput, fmt.Sprintf("evaluator: unknown op %q", req.Op)
	}
	v, err := evaluator(req.Config, req.Input)
	return finish(v, err, buf)
}

// finish encodes a handler's result (an EvalResult into buf) or reports its error.
func finish(v any, err error, buf []byte) ([]byte, int32, string) {
	if err != nil {
		if errors.As(err, new(badInput)) {
			return nil, StatusBadInput, err.Error()
		}
		return nil, StatusError, err.Error()
	}
	var out []byte
	switch v := v.(type) {
	case EvalResult:
		out, err = v.appendJSON(buf[:0])
	default:
		out, err = json.Marshal(v)
	}
	if err != nil {
		return nil, StatusError, "encode output: " + err.Error()
	}
	return out, StatusOK, ""
}
