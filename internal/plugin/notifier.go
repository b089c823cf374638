package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// OpNotify is a notifier's op.
const OpNotify = "notify"

// notifyInput is a notifier's envelope input.
type notifyInput struct {
	Status string `json:"status"`
	Alert  any    `json:"alert"`
}

// NotifyOutput is a notifier's answer.
type NotifyOutput struct {
	Delivered *bool  `json:"delivered"`
	Retry     bool   `json:"retry,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// NotifyAlert delivers an alert (firing or resolved) through the notifier
// plugin of a name, for the alert dispatcher's notifiers of type
// plugin:NAME. retry says whether another attempt may succeed: the
// plugin asked for one, or its call timed out.
func NotifyAlert(ctx context.Context, name string, cfg map[string]any, status string, alert any) (retry bool, err error) {
	p, err := ActiveOfType(name, TypeNotifier)
	if err != nil {
		return false, err
	}
	return p.Notify(ctx, cfg, status, alert)
}

// Notify sends one alert to a notifier plugin, with its config.
func (p *Plugin) Notify(ctx context.Context, cfg map[string]any, status string, alert any) (retry bool, err error) {
	env, err := json.Marshal(Envelope{ABI: ABIVersion, Op: OpNotify, PluginType: TypeNotifier, Config: orEmpty(cfg), Input: notifyInput{Status: status, Alert: alert}})
	if err != nil {
		return false, fmt.Errorf("plugin %q: encode input: %w", p.Name(), err)
	}
	raw, err := p.Call(ctx, env, nil)
	if err != nil {
		return KindOf(err) == KindTimeout, err
	}
	var out NotifyOutput
	if err := json.Unmarshal(raw, &out); err != nil || out.Delivered == nil {
		if err == nil {
			err = errors.New(`output has no "delivered"`)
		}
		return false, p.fail(ctx, KindOutput, fmt.Errorf("output is not the notifier's JSON object: %w", err), "")
	}
	if !*out.Delivered {
		detail := out.Detail
		if detail == "" {
			detail = "not delivered"
		}
		return out.Retry, &Error{Plugin: p.Name(), Kind: KindPlugin, Err: errors.New(detail)}
	}
	return false, nil
}
