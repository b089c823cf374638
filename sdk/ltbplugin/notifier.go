package ltbplugin

import (
	"encoding/json"
	"fmt"
)

// NotifyInput is a notifier's input: an alert that fired or resolved.
// Alert holds id, rule, severity, message, details, run_id, status,
// triggered_at and resolved_at.
type NotifyInput struct {
	Status string          `json:"status"`
	Alert  json.RawMessage `json:"alert"`
}

// NotifyOutput says whether the alert was delivered; when not, Retry
// asks the host to try again with backoff (up to the notifier's
// max_retries) and Detail says why.
type NotifyOutput struct {
	Delivered bool   `json:"delivered"`
	Retry     bool   `json:"retry,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// HandleNotifier registers a notifier: f gets its config ({"url": URL}
// when the [[monitoring.notifiers]] entry sets url, else {}) and one
// alert. Deliver it with Call("http.request", ...).
func HandleNotifier(f func(cfg json.RawMessage, in NotifyInput) (NotifyOutput, error)) {
	Handle(func(req Request) (any, error) {
		if req.Op != "notify" {
			return nil, BadInput(fmt.Errorf("notifier: unknown op %q", req.Op))
		}
		var in NotifyInput
		if err := json.Unmarshal(req.Input, &in); err != nil {
			return nil, BadInput(fmt.Errorf("notifier input: %w", err))
		}
		return f(req.Config, in)
	})
}
