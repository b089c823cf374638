package config

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	toml "github.com/knadh/koanf/parsers/toml/v2"
)

// Redacted is what replaces a secret in anything shown to a person.
const Redacted = "[REDACTED]"

// What `config show` (and every message that quotes a value) hides:
//
//   - the value of any key whose name holds one of secretWords, wherever it
//     sits: api_key, jwt_secret, an option such as access_token or
//     client_secret, an integration's password. Only text is hidden (a
//     number such as max_tokens cannot be a credential). Names that end in
//     "_env" or "_header" name a variable or a header, not a secret, and
//     stay visible;
//   - every HTTP header value (a "headers" or "*_headers" table), whatever
//     the header's name (X-Custom-Token,
//     Authorization, api-key, a vendor's own), except the few in
//     harmlessHeaders: a header list is open-ended and a custom auth header
//     can be called anything, so headers are hidden unless known harmless;
//   - every value of an environment table (an exec provider's env option):
//     a variable's name says nothing about what it holds;
//   - the url of an alert notifier ([[monitoring.notifiers]]), whose path
//     often is the credential (a Slack webhook);
//   - the password, and any query parameter with a secret-like name, of any
//     URL (postgres://user:PASSWORD@host/db, https://host/?token=...).
var secretWords = []string{"key", "token", "secret", "password", "passwd", "auth", "credential", "signature", "cookie"}

// harmlessHeaders are the headers whose values are shown (lower case; a
// trailing "*" matches any rest).
var harmlessHeaders = []string{
	"content-type", "accept", "user-agent",
	"anthropic-version", "anthropic-beta", "openai-beta", "x-stainless-*",
}

// secretName reports whether a key of this name can hold a secret.
func secretName(name string) bool {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, "_env") || strings.HasSuffix(n, "_header") {
		return false
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// harmlessHeader reports whether a header's value may be shown.
func harmlessHeader(name string) bool {
	n := strings.ToLower(name)
	for _, h := range harmlessHeaders {
		if prefix, wild := strings.CutSuffix(h, "*"); wild && strings.HasPrefix(n, prefix) || n == h {
			return true
		}
	}
	return false
}

// hidden reports whether the text value of key, inside the table named
// parent, must be hidden.
func hidden(parent, key string) bool {
	switch p := strings.ToLower(parent); {
	case p == "headers" || strings.HasSuffix(p, "_headers"): // [monitoring.otlp_headers] too
		return !harmlessHeader(key)
	case p == "env":
		return true
	case p == "notifiers":
		// An alert notifier's URL often is its credential (a Slack
		// webhook's path).
		if strings.EqualFold(key, "url") {
			return true
		}
	}
	return secretName(key)
}

// secretPath applies hidden to a dotted path as the schema checker writes
// it (quoted segments, [i] indexes).
func secretPath(path string) bool {
	segs := splitPath(path)
	parent := ""
	if len(segs) > 1 {
		parent = segs[len(segs)-2]
	}
	return hidden(parent, segs[len(segs)-1])
}

// splitPath splits a.b."c.d"[2].e into [a b c.d e].
func splitPath(path string) []string {
	var segs []string
	var cur strings.Builder
	for i := 0; i < len(path); i++ {
		switch ch := path[i]; ch {
		case '"':
			q, err := strconv.QuotedPrefix(path[i:])
			if err != nil {
				cur.WriteString(path[i:])
				return append(segs, cur.String())
			}
			s, _ := strconv.Unquote(q)
			cur.WriteString(s)
			i += len(q) - 1
		case '.':
			segs = append(segs, cur.String())
			cur.Reset()
		case '[':
			j := strings.IndexByte(path[i:], ']')
			if j < 0 {
				return append(segs, cur.String())
			}
			i += j
		default:
			cur.WriteByte(ch)
		}
	}
	return append(segs, cur.String())
}

// RedactURL hides the password of a URL (postgres://user:pw@host/db) and
// the values of its query parameters whose names look secret (?token=...).
// Text that is not a URL is returned unchanged.
func RedactURL(s string) string {
	red, _ := redactURL(s)
	return red
}

// redactURL is RedactURL that also returns what it hid.
func redactURL(s string) (string, []string) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return s, nil
	}
	var hid []string
	if u.User != nil {
		if pw, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			hid = append(hid, pw)
		}
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			k, val, _ := strings.Cut(p, "=")
			if name, err := url.QueryUnescape(k); err == nil && secretName(name) && val != "" {
				parts[i] = k + "=xxxxx"
				if v, err := url.QueryUnescape(val); err == nil {
					hid = append(hid, v)
				}
				hid = append(hid, val)
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	if len(hid) == 0 {
		return s, nil
	}
	return strings.ReplaceAll(u.String(), "xxxxx", Redacted), hid
}

// ShowTOML renders the merged configuration as TOML with every secret
// hidden (see secretWords for the rules).
func (c *Config) ShowTOML() ([]byte, error) {
	r := redactor{}
	m := r.table(c.Settings(), "")
	b, err := toml.Parser().Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("render configuration: %w", err)
	}
	return b, nil
}

// redactor copies settings with the secrets hidden, keeping what it hid.
type redactor struct {
	hid []string
}

// hide records a hidden value, and the long parts of it that could leak
// alone: the token of "Bearer TOKEN", the value of "session=VALUE".
func (r *redactor) hide(s string) {
	r.hid = append(r.hid, s)
	parts := strings.FieldsFunc(s, func(c rune) bool { return c == ' ' || c == ';' || c == '=' || c == ',' })
	if len(parts) < 2 {
		return
	}
	for _, p := range parts {
		if len(p) >= 8 {
			r.hid = append(r.hid, p)
		}
	}
}

func (r *redactor) table(m map[string]any, parent string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = r.value(v, parent, k)
	}
	return out
}

func (r *redactor) value(v any, parent, key string) any {
	switch t := v.(type) {
	case map[string]any:
		return r.table(t, key)
	case []any:
		list := make([]any, len(t))
		for i, item := range t {
			list[i] = r.value(item, parent, key)
		}
		return list
	case []string:
		list := make([]any, len(t))
		for i, item := range t {
			list[i] = r.value(item, parent, key)
		}
		return list
	case string:
		switch {
		case t == "":
			return t
		case hidden(parent, key):
			r.hide(t)
			return Redacted
		}
		red, hid := redactURL(t)
		r.hid = append(r.hid, hid...)
		return red
	}
	return v
}

// ContainsSecret reports whether b contains any secret the config holds
// (every value ShowTOML hides, and the API keys found in the environment),
// for tests.
func (c *Config) ContainsSecret(b []byte) bool {
	for _, s := range c.secrets() {
		if len(s) >= 4 && bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

func (c *Config) secrets() []string {
	r := redactor{}
	r.table(c.Settings(), "")
	out := r.hid
	names := sortedNames(c.Providers)
	for vendor := range vendorKeyEnv {
		names = append(names, vendor)
	}
	for _, name := range names {
		if k, _ := c.APIKey(name); k != "" {
			out = append(out, k)
		}
	}
	return out
}
