package httpjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// maxShown bounds how much of a response body an error shows.
const maxShown = 300

// decode parses a JSON response body, keeping numbers as written.
func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return doc, nil
}

// extract reads the answer from a 2xx response body.
func (c *Client) extract(status int, data []byte) (provider.Response, error) {
	doc, err := decode(data)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, StatusCode: status,
			Err: fmt.Errorf("%s: response is not JSON (%w); body: %s", Vendor, err, c.shown(data))}
	}
	if pe := c.bodyError(status, doc); pe != nil {
		return provider.Response{}, pe
	}
	var out provider.Response
	nodes, err := c.selectAll(c.text, status, doc, data)
	if err != nil {
		return provider.Response{}, err
	}
	var b strings.Builder
	for _, n := range nodes {
		writeText(&b, n)
	}
	out.Text = b.String()
	for _, t := range []struct {
		p   *path
		dst *int
	}{{c.promptTokens, &out.Usage.Prompt}, {c.completionTokens, &out.Usage.Completion}} {
		if t.p == nil {
			continue
		}
		nodes, err := c.selectAll(t.p, status, doc, data)
		if err != nil {
			return provider.Response{}, err
		}
		n, ok := tokenCount(nodes[0])
		if !ok {
			return provider.Response{}, c.pathError(t.p, status, data, fmt.Sprintf("selected %s, not a token count", describe(nodes[0])))
		}
		*t.dst = n
	}
	out.Usage.Total = out.Usage.Prompt + out.Usage.Completion
	if c.finish != nil {
		nodes, err := c.selectAll(c.finish, status, doc, data)
		if err != nil {
			return provider.Response{}, err
		}
		var raw strings.Builder
		writeText(&raw, nodes[0])
		out.RawFinishReason = raw.String()
		out.FinishReason = mapFinish(out.RawFinishReason)
	}
	return out, nil
}

// selectAll returns what p selects in doc; selecting nothing is an error.
func (c *Client) selectAll(p *path, status int, doc any, data []byte) ([]any, error) {
	nodes := p.p.Select(doc)
	if len(nodes) == 0 {
		return nil, c.pathError(p, status, data, "matched nothing")
	}
	return nodes, nil
}

// pathError reports a path that does not fit the response. It is
// bad_request: the configuration, not the call, needs fixing.
func (c *Client) pathError(p *path, status int, data []byte, what string) *provider.Error {
	return &provider.Error{Kind: provider.KindBadRequest, StatusCode: status,
		Err: fmt.Errorf("%s: %s %s %s in the response; check the option against the body: %s", Vendor, p.option, p.text, what, c.shown(data))}
}

// shown is the start of a response body for an error message: keys
// redacted, whitespace collapsed onto one line, cut at maxShown bytes.
func (c *Client) shown(data []byte) string {
	s := httpcall.Redact(strings.Join(strings.Fields(string(data)), " "), c.http.Secrets()...)
	if s == "" {
		return "(empty)"
	}
	return httpcall.Truncate(s, maxShown)
}

// bodyError returns the error error_path selects in doc, or nil.
func (c *Client) bodyError(status int, doc any) *provider.Error {
	msg, ok := c.errorMessage(doc)
	if !ok {
		return nil
	}
	payload, _ := json.Marshal(map[string]string{"message": msg})
	pe := httpcall.ClassifyStreamError(Vendor, payload, c.http.Secrets()...)
	if pe.StatusCode == 0 {
		pe.StatusCode = status
	}
	pe.Err = fmt.Errorf("%s: error in the response (%s): %s", Vendor, c.errPath.text, httpcall.Truncate(httpcall.Redact(msg, c.http.Secrets()...), maxShown))
	return pe
}

// errorMessage is the text of what error_path selects in doc; ok is false
// when it selects nothing, or only null, false, "" or an empty object or
// array. An object's "message" (or "error", or "detail") is its text; other
// values are written as JSON.
func (c *Client) errorMessage(doc any) (string, bool) {
	if c.errPath == nil {
		return "", false
	}
	for _, n := range c.errPath.p.Select(doc) {
		switch v := n.(type) {
		case nil:
			continue
		case bool:
			if !v {
				continue
			}
		case string:
			if v == "" {
				continue
			}
			return v, true
		case map[string]any:
			if len(v) == 0 {
				continue
			}
			for _, k := range []string{"message", "error", "detail"} {
				if s, isString := v[k].(string); isString && s != "" {
					return s, true
				}
			}
		case []any:
			if len(v) == 0 {
				continue
			}
		}
		var b strings.Builder
		writeText(&b, n)
		return b.String(), true
	}
	return "", false
}

// refine reads a non-2xx body with error_path, when one is configured, and
// classifies the error by its message as well as its status (a 400 saying
// the context is too long is context_length, whatever the API's shape).
func (c *Client) refine(pe *provider.Error, status int, h http.Header, body []byte) {
	if c.errPath == nil {
		return
	}
	doc, err := decode(body)
	if err != nil {
		return
	}
	msg, ok := c.errorMessage(doc)
	if !ok {
		return
	}
	payload, _ := json.Marshal(map[string]string{"message": msg})
	*pe = *httpcall.Classify(Vendor, status, h, payload, time.Now(), c.http.Secrets()...)
}

// writeText appends a selected node as text.
func writeText(b *strings.Builder, n any) {
	switch v := n.(type) {
	case nil:
	case string:
		b.WriteString(v)
	case json.Number:
		b.WriteString(v.String())
	case bool:
		b.WriteString(strconv.FormatBool(v))
	default:
		data, err := json.Marshal(v)
		if err == nil {
			b.Write(data)
		}
	}
}

// tokenCount reads a count: a non-negative number, or a string holding one.
func tokenCount(n any) (int, bool) {
	var s string
	switch v := n.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = strings.TrimSpace(v)
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > math.MaxInt32 {
		return 0, false
	}
	return int(math.Round(f)), true
}

// describe names a node's JSON type for messages.
func describe(n any) string {
	switch n.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", n)
}

// mapFinish maps the usual vendor finish reasons, in any letter case, to
// the common vocabulary; others map to "".
func mapFinish(raw string) string {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "stop", "end_turn", "stop_sequence", "complete", "eos", "finished", "done":
		return provider.FinishStop
	case "length", "max_tokens", "model_length", "max_output_tokens":
		return provider.FinishLength
	case "tool_calls", "tool_use", "tool_call", "function_call":
		return provider.FinishToolCalls
	case "content_filter", "safety", "refusal":
		return provider.FinishContentFilter
	case "error":
		return provider.FinishError
	}
	return ""
}
