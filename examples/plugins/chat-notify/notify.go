// Command chat-notify is an example notifier plugin: it posts each alert
// as one chat line, {"text": "[error] firing: ..."}, to the url of its
// [[monitoring.notifiers]] entry (type = "plugin:chat-notify"), through
// the host service http.request, and asks for a retry when the receiver
// is busy.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o main.wasm .
package main

import (
	"encoding/json"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

// alert holds the fields of an alert the line shows.
type alert struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// httpCall is the host service; tests replace it.
var httpCall = func(req []byte) ([]byte, error) { return call("http.request", req) }

// line is the chat line of an alert.
func line(status string, a alert) string {
	return fmt.Sprintf("[%s] %s: %s (rule %s)", a.Severity, status, a.Message, a.Rule)
}

func notify(raw json.RawMessage, in ltbplugin.NotifyInput) (ltbplugin.NotifyOutput, error) {
	var cfg struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil || cfg.URL == "" {
		return ltbplugin.NotifyOutput{}, ltbplugin.BadInput(fmt.Errorf("set url on the notifier"))
	}
	var a alert
	if err := json.Unmarshal(in.Alert, &a); err != nil {
		return ltbplugin.NotifyOutput{}, ltbplugin.BadInput(fmt.Errorf("alert: %w", err))
	}
	body, err := json.Marshal(map[string]string{"text": line(in.Status, a)})
	if err != nil {
		return ltbplugin.NotifyOutput{}, err
	}
	req, err := json.Marshal(map[string]any{"method": "POST", "url": cfg.URL, "body": string(body), "headers": map[string]string{"Content-Type": "application/json"}})
	if err != nil {
		return ltbplugin.NotifyOutput{}, err
	}
	raw, err = httpCall(req)
	if err != nil {
		return ltbplugin.NotifyOutput{Retry: true, Detail: "http.request: " + err.Error()}, nil //nolint:nilerr // a failed request is an undelivered alert, which the host retries
	}
	var resp struct {
		Status int `json:"status"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		return ltbplugin.NotifyOutput{}, fmt.Errorf("http.request response: %w", err)
	}
	if resp.Status >= 200 && resp.Status < 300 {
		return ltbplugin.NotifyOutput{Delivered: true}, nil
	}
	return ltbplugin.NotifyOutput{Retry: resp.Status == 429 || resp.Status >= 500, Detail: fmt.Sprintf("the receiver answered %d", resp.Status)}, nil
}

func init() { ltbplugin.HandleNotifier(notify) }

func main() {}
