// Package httpjson is the generic "http" provider: it calls any JSON HTTP
// API, building the request body from a template and reading the answer
// with JSONPath (RFC 9535) expressions. It registers the vendor "http".
//
// A provider is configured in the config file, for example:
//
//	[providers.myapi]
//	type = "http"
//	base_url = "https://llm.example.com"
//	[providers.myapi.options]
//	url = "/v1/generate"
//	body = '''{"model": "{{model}}", "input": "{{prompt}}", "params": {"temperature": "{{temperature}}"}}'''
//	text_path = "$.output.text"
//	prompt_tokens_path = "$.usage.input"
//	completion_tokens_path = "$.usage.output"
//
// and used as "myapi:my-model".
//
// # Options
//
//   - url: the endpoint. An absolute http(s) URL, or a path (starting with
//     "/") joined to the provider's base_url. Without it, base_url is the
//     whole endpoint. An absolute url and a different base_url together
//     are an error (say which one is meant). {{model}} and {{prompt}} may
//     appear in it, escaped for their place (path or query).
//   - method: the HTTP method, default POST. GET and DELETE send no body.
//   - body: the request body template, required unless the method sends no
//     body: a table/array in the config, or a string holding JSON text.
//   - headers: a table of extra request headers (besides the provider's
//     headers). The API key, when one is configured, is sent as
//     "Authorization: Bearer KEY", or raw in the header named by
//     api_key_header.
//   - api_key_header: the header that carries the raw key instead.
//   - text_path (required): JSONPath to the answer text. Every node it
//     selects is joined: strings as they are, numbers and booleans as
//     written, objects and arrays as JSON; nulls add nothing.
//   - prompt_tokens_path, completion_tokens_path: JSONPath to the token
//     counts (a number, or a string holding one); usage is 0 without them.
//   - finish_reason_path: JSONPath to the finish reason; the value is kept
//     as the raw reason and mapped to stop, length, tool_calls,
//     content_filter or error when it is one of the usual vendor words.
//   - error_path: JSONPath to an error in a 2xx (or other) response; when it
//     selects anything but null, false, "" or an empty object, the call
//     fails with that error (a string, or an object with a message).
//
// Every path but error_path must select something in a successful
// response: one that selects nothing fails the call (bad_request, not
// retried) with an error naming the path and showing the start of the
// response body, keys redacted. Non-2xx responses are classified like
// every vendor's (rate_limited with Retry-After, auth, overloaded, ...).
// Unknown option names, bad templates and bad paths are errors when the
// provider is built.
//
// # Body template variables
//
// Any string in the body may contain variables:
//
//	{{prompt}}       the last user message's text
//	{{system}}       the system messages' text, joined by a blank line
//	{{model}}        the model name
//	{{messages}}     the conversation as a JSON array of {"role","content"}
//	{{temperature}}  sampling.temperature (a number)
//	{{top_p}}        sampling.top_p (a number)
//	{{max_tokens}}   sampling.max_tokens (an integer)
//	{{seed}}         sampling.seed (an integer)
//	{{stop}}         sampling.stop (a JSON array of strings)
//	{{logprobs}}     sampling.logprobs (true or false)
//
// A string that is exactly one variable, such as "{{messages}}" or
// "{{temperature}}", becomes that variable's JSON value (an array, a
// number, a string), not a string. An object member whose value is exactly
// an unset sampling variable is left out, so the API's default applies;
// elsewhere an unset variable is null. A variable inside other text is
// written as text and JSON-escaped with the rest of the string ("Q:
// {{prompt}}" with a prompt holding quotes or newlines stays valid JSON).
// "{{" must always open a known variable. When the body is a JSON object,
// the suite's extra fields (provider.Request.Extra) are merged into it.
//
// The provider does not stream: a streamed request is served whole, its
// text emitted once.
package httpjson

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/jsonmerge"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
	"github.com/theory/jsonpath"
)

// Vendor is the registered vendor name.
const Vendor = "http"

func init() {
	provider.Register(provider.Vendor{
		Name: Vendor,
		New: func(cfg provider.Config) (provider.Provider, error) {
			return New(cfg)
		},
	})
}

var _ provider.Provider = (*Client)(nil)

// Client calls one JSON endpoint. It is safe for concurrent use.
type Client struct {
	http   *httpcall.Client
	model  string
	method string
	url    urlTemplate
	body   *template // nil for methods without a body

	text, promptTokens, completionTokens, finish, errPath *path
}

// path is a compiled JSONPath with the option it came from.
type path struct {
	option string
	text   string // as the user wrote it
	p      *jsonpath.Path
}

// optionNames are the names New understands in cfg.Options.
var optionNames = []string{
	"api_key_header", "body", "completion_tokens_path", "error_path", "finish_reason_path",
	"headers", "method", "prompt_tokens_path", "text_path", "url",
}

// New builds a client from cfg (see the package documentation for the
// options).
func New(cfg provider.Config) (*Client, error) {
	if err := options.Check(Vendor, cfg.Options, optionNames); err != nil {
		return nil, err
	}
	str := func(name string) (string, error) { return options.String(cfg.Options, name) }
	c := &Client{model: cfg.Model}
	var err error
	if c.method, err = str("method"); err != nil {
		return nil, err
	}
	c.method = strings.ToUpper(strings.TrimSpace(c.method))
	switch c.method {
	case "":
		c.method = http.MethodPost
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodGet, http.MethodDelete:
	default:
		return nil, fmt.Errorf("option method: want POST, PUT, PATCH, GET or DELETE, got %q", c.method)
	}
	rawURL, err := str("url")
	if err != nil {
		return nil, err
	}
	if c.url, err = endpoint(rawURL, cfg.BaseURL); err != nil {
		return nil, err
	}
	if err := c.compileBody(cfg.Options["body"]); err != nil {
		return nil, err
	}
	if err := c.compilePaths(str); err != nil {
		return nil, err
	}
	h, err := headers(cfg, str)
	if err != nil {
		return nil, err
	}
	c.http = httpcall.New(httpcall.Options{
		Vendor: Vendor, HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, Header: h, Custom: cfg.Headers, Secrets: []string{cfg.APIKey},
		Refine: c.refine,
	})
	return c, nil
}

// compileBody compiles the body template; methods without a body take none.
func (c *Client) compileBody(v any) error {
	noBody := c.method == http.MethodGet || c.method == http.MethodDelete
	if noBody {
		if v != nil {
			return fmt.Errorf("option body: method %s sends no body; remove body or use POST", c.method)
		}
		if !c.url.uses(varPrompt) {
			return fmt.Errorf("option url: method %s sends no body, so the url must carry {{prompt}}", c.method)
		}
		return nil
	}
	t, err := compileBody(v)
	if errors.Is(err, errNoBody) {
		return fmt.Errorf("option body: required for method %s (a JSON template such as {\"prompt\": \"{{prompt}}\"})", c.method)
	}
	if err != nil {
		return fmt.Errorf("option body: %w", err)
	}
	if !t.root.uses(varPrompt) && !t.root.uses(varMessages) && !c.url.uses(varPrompt) {
		return errors.New("option body: uses neither {{prompt}} nor {{messages}}, so the model would never see the case")
	}
	c.body = t
	return nil
}

// compilePaths parses the JSONPath options.
func (c *Client) compilePaths(str func(string) (string, error)) error {
	for _, p := range []struct {
		option   string
		dst      **path
		required bool
	}{
		{"text_path", &c.text, true},
		{"prompt_tokens_path", &c.promptTokens, false},
		{"completion_tokens_path", &c.completionTokens, false},
		{"finish_reason_path", &c.finish, false},
		{"error_path", &c.errPath, false},
	} {
		s, err := str(p.option)
		if err != nil {
			return err
		}
		if s == "" {
			if p.required {
				return fmt.Errorf("option %s: required (a JSONPath such as \"$.choices[0].message.content\")", p.option)
			}
			continue
		}
		jp, err := jsonpath.Parse(s)
		if err != nil {
			return fmt.Errorf("option %s: %w", p.option, err)
		}
		*p.dst = &path{option: p.option, text: s, p: jp}
	}
	return nil
}

// headers builds the request headers: auth and the headers option (the
// provider's headers are set over them by httpcall).
func headers(cfg provider.Config, str func(string) (string, error)) (http.Header, error) {
	h := http.Header{}
	keyHeader, err := str("api_key_header")
	if err != nil {
		return nil, err
	}
	httpcall.SetKey(h, keyHeader, cfg.APIKey)
	if v, ok := cfg.Options["headers"]; ok && v != nil {
		m, isMap := v.(map[string]any)
		if !isMap {
			return nil, fmt.Errorf("option headers: want a table of header names and values, got %T", v)
		}
		for k, hv := range m {
			s, isString := hv.(string)
			if !isString {
				return nil, fmt.Errorf("option headers: header %s: want a string, got %T", k, hv)
			}
			h.Set(k, s)
		}
	}
	return h, nil
}

// Generate renders the body, sends one request (the caller retries) and
// reads the answer with the configured paths. The whole text is emitted
// once, streamed or not.
func (c *Client) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	model := req.Model
	if model == "" {
		model = c.model
	}
	vals, err := newValues(req, model)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: %w", Vendor, err)}
	}
	var body []byte
	if c.body != nil {
		body = c.body.render(make([]byte, 0, 256+len(vals.messages)), vals)
		if len(req.Extra) > 0 {
			if body, err = c.mergeExtra(body, req.Extra); err != nil {
				return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: %w", Vendor, err)}
			}
		}
	}
	ctx, cancel := c.http.WithTimeout(ctx)
	defer cancel()
	resp, err := c.http.Do(ctx, c.method, c.url.render(vals), body, "application/json")
	if err != nil {
		return provider.Response{}, err
	}
	defer resp.Body.Close()
	data, err := c.http.ReadBody(ctx, resp)
	if err != nil {
		return provider.Response{}, err
	}
	out, err := c.extract(resp.StatusCode, data)
	if err != nil {
		return provider.Response{}, err
	}
	out.Model = model
	if err := emit(provider.Chunk{Text: out.Text}); err != nil {
		return out, fmt.Errorf("%s: emit: %w", Vendor, err)
	}
	return out, nil
}

// mergeExtra adds extra's keys to the rendered JSON object, replacing any there.
func (c *Client) mergeExtra(body []byte, extra map[string]any) ([]byte, error) {
	if !c.body.isObject {
		return nil, errors.New("the suite sets extra body fields, but the body template is not a JSON object to merge them into")
	}
	return jsonmerge.Replace(body, extra)
}

// urlTemplate is the endpoint with its {{model}} and {{prompt}} places.
type urlTemplate struct {
	segs []segment
	// query[i] reports whether segs[i] is in the query string.
	query []bool
}

// endpoint resolves the url option against base into a template.
func endpoint(raw, base string) (urlTemplate, error) {
	base = strings.TrimSpace(base)
	var full string
	switch {
	case raw == "" && base == "":
		return urlTemplate{}, errors.New("no endpoint: set option url, or base_url, to the API's URL")
	case raw == "":
		full = base
	case strings.HasPrefix(raw, "/"):
		if base == "" {
			return urlTemplate{}, fmt.Errorf("option url %q is a path but no base_url is set to join it to", raw)
		}
		full = strings.TrimRight(base, "/") + raw
	default:
		if base != "" && strings.TrimRight(base, "/") != strings.TrimRight(raw, "/") {
			return urlTemplate{}, fmt.Errorf("option url %q and base_url %q are both set: keep one, or give url as a path such as /v1/generate to join to base_url", raw, base)
		}
		full = raw
	}
	segs, err := parseString(full)
	if err != nil {
		return urlTemplate{}, fmt.Errorf("option url: %w", err)
	}
	t := urlTemplate{segs: segs, query: make([]bool, len(segs))}
	inQuery := false
	for i, s := range segs {
		t.query[i] = inQuery
		switch {
		case s.v == varNone:
			inQuery = inQuery || strings.Contains(s.lit, "?")
		case s.v != varModel && s.v != varPrompt:
			return urlTemplate{}, fmt.Errorf("option url: only {{model}} and {{prompt}} may appear in it, not {{%s}}", nameOf(s.v))
		}
	}
	probe := t.render(&values{model: "m", prompt: "p"})
	u, err := url.Parse(probe)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return urlTemplate{}, fmt.Errorf("endpoint %q: want an absolute http(s) URL", full)
	}
	return t, nil
}

// nameOf is the name of variable id.
func nameOf(id varID) string {
	for n, v := range varNames {
		if v == id {
			return n
		}
	}
	return "?"
}

// render builds the URL for v, escaping each variable for its place.
func (t urlTemplate) render(v *values) string {
	if len(t.segs) == 1 && t.segs[0].v == varNone {
		return t.segs[0].lit
	}
	var b strings.Builder
	for i, s := range t.segs {
		if s.v == varNone {
			b.WriteString(s.lit)
			continue
		}
		val := v.model
		if s.v == varPrompt {
			val = v.prompt
		}
		if t.query[i] {
			b.WriteString(url.QueryEscape(val))
		} else {
			b.WriteString(url.PathEscape(val))
		}
	}
	return b.String()
}

// uses reports whether the URL refers to variable id.
func (t urlTemplate) uses(id varID) bool {
	return slices.ContainsFunc(t.segs, func(s segment) bool { return s.v == id })
}
