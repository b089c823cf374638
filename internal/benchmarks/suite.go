package benchmarks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// suiteChecker refuses what an untrusted suite must not do: read the
// server's files, run commands, choose hosts or credentials, or name a
// provider the server does not configure. It reads the suite as plain JSON
// before the dataset package sees it, so nothing it names is touched.
type suiteChecker struct {
	cfg                   *config.Config
	allowURLs, allowFiles bool
}

// The keys a provider object of an API suite may have: it may only name a
// configured provider (id), label it and set sampling (config). Anything
// else (base_url, api_key_env, headers, and whatever the file format
// learns later) could set where requests go or with which credentials.
var providerObjectKeys = []string{"id", "label", "config"}

// sampling keys a suite may set in a provider's config.
var samplingKeys = []string{
	"temperature", "max_tokens", "top_p", "top_k", "stop", "seed", "logprobs",
	"frequency_penalty", "presence_penalty",
}

// Config keys (of cases and defaults) that would change where a request
// goes or how it authenticates rather than what it asks.
var connectionKeys = []string{"base_url", "baseurl", "url", "endpoint", "host", "headers", "api_key", "api_key_env", "command", "dir", "env"}

// check returns the first problem of raw, a suite in the file format, or
// the suite re-encoded from what was checked (so that the file written is
// exactly what was checked, whatever duplicate keys raw held).
func (c *suiteChecker) check(raw json.RawMessage) ([]byte, *problem.Details) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badField("suite", "not valid JSON: %v", err)
	}
	if dec.More() {
		return nil, badField("suite", "holds more than one JSON value")
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, badField("suite", "must be an object in the suite file format (name, prompts, providers, defaults, test_cases)")
	}
	for _, step := range []func(map[string]any) *problem.Details{c.prompts, c.providers, c.defaults, c.testCases} {
		if p := step(root); p != nil {
			return nil, p
		}
	}
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, badField("suite", "cannot be encoded: %v", err)
	}
	return out, nil
}

func (c *suiteChecker) prompts(root map[string]any) *problem.Details {
	list, _ := root["prompts"].([]any)
	for i, p := range list {
		field := fmt.Sprintf("suite.prompts[%d]", i)
		t, isStr := p.(string)
		if m, ok := p.(map[string]any); ok {
			t, isStr = m["template"].(string)
			field += ".template"
		}
		if isStr && strings.HasPrefix(strings.TrimSpace(t), "file://") {
			return badField(field, "a suite sent to the server cannot read files: put the template itself here")
		}
	}
	return nil
}

func (c *suiteChecker) providers(root map[string]any) *problem.Details {
	list, _ := root["providers"].([]any)
	for i, p := range list {
		field := fmt.Sprintf("suite.providers[%d]", i)
		switch p := p.(type) {
		case string:
			if d := checkProvider(c.cfg, field, p); d != nil {
				return d
			}
		case map[string]any:
			for _, k := range sortedKeys(p) {
				if !slices.Contains(providerObjectKeys, k) {
					return badField(field+"."+k, "a suite sent to the server cannot set a provider's %s: it may only name providers the server configures", k)
				}
			}
			id, _ := p["id"].(string)
			if d := checkProvider(c.cfg, field+".id", id); d != nil {
				return d
			}
			if cfg, ok := p["config"].(map[string]any); ok {
				for _, k := range sortedKeys(cfg) {
					if !slices.Contains(samplingKeys, k) {
						return badField(field+".config."+k, "a suite sent to the server may set only sampling settings (%s) of a provider", strings.Join(samplingKeys, ", "))
					}
				}
			}
		}
	}
	return nil
}

func (c *suiteChecker) defaults(root map[string]any) *problem.Details {
	d, _ := root["defaults"].(map[string]any)
	if d == nil {
		return nil
	}
	if p := c.config("suite.defaults.config", d["config"]); p != nil {
		return p
	}
	return c.assertions("suite.defaults.assert", d["assert"])
}

func (c *suiteChecker) testCases(root map[string]any) *problem.Details {
	switch tc := root["test_cases"].(type) {
	case string:
		return badField("suite.test_cases", "a suite sent to the server cannot read files: give test_cases as a list")
	case []any:
		for i, item := range tc {
			m, ok := item.(map[string]any)
			if !ok {
				continue // the dataset package reports it with its line
			}
			field := fmt.Sprintf("suite.test_cases[%d]", i)
			if p := c.inputs(field+".inputs", m["inputs"]); p != nil {
				return p
			}
			if p := c.config(field+".config", m["config"]); p != nil {
				return p
			}
			if p := c.assertions(field+".assert", m["assert"]); p != nil {
				return p
			}
		}
	}
	return nil
}

// inputs refuses media by URL or file unless the configuration allows
// them; data: URLs are always fine. A templated input could become either,
// so it needs both allowed.
func (c *suiteChecker) inputs(field string, v any) *problem.Details {
	list, _ := v.([]any)
	if s, ok := v.(string); ok {
		list = []any{s} // one input may be given without a list
	}
	for i, in := range list {
		s, ok := in.(string)
		if !ok {
			continue
		}
		f := fmt.Sprintf("%s[%d]", field, i)
		ref := strings.ToLower(strings.TrimSpace(s))
		switch {
		case strings.Contains(ref, "{{") || strings.Contains(ref, "{%"):
			if !c.allowURLs || !c.allowFiles {
				return badField(f, "a templated input could name a URL or a local file, which this server does not accept; give a data: URL")
			}
		case strings.HasPrefix(ref, "file:"):
			if !c.allowFiles {
				return badField(f, "this server does not read local files for a suite's inputs ([server] allow_media_files); give a data: URL")
			}
		case strings.HasPrefix(ref, "http:") || strings.HasPrefix(ref, "https:"):
			if !c.allowURLs {
				return badField(f, "this server does not accept inputs by URL ([server] allow_media_urls); give a data: URL")
			}
		case strings.HasPrefix(ref, "data:"):
		default:
			return badField(f, "want a data: URL")
		}
	}
	return nil
}

func (c *suiteChecker) config(field string, v any) *problem.Details {
	m, _ := v.(map[string]any)
	for _, k := range sortedKeys(m) {
		if slices.Contains(connectionKeys, strings.ToLower(k)) {
			return badField(field+"."+k, "a suite sent to the server cannot set %s: where requests go is the server's choice", k)
		}
	}
	return nil
}

// assertions refuses a judge provider the server does not configure.
func (c *suiteChecker) assertions(field string, v any) *problem.Details {
	list, _ := v.([]any)
	for i, a := range list {
		m, ok := a.(map[string]any)
		if !ok {
			continue
		}
		if id, ok := m["provider"].(string); ok {
			if d := checkProvider(c.cfg, fmt.Sprintf("%s[%d].provider", field, i), id); d != nil {
				return d
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
