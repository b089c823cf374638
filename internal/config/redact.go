package config

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	toml "github.com/knadh/koanf/parsers/toml/v2"
)

// Redacted is what replaces a secret in anything shown to a person.
const Redacted = "[REDACTED]"

var secretKeys = map[string]bool{
	"api_key": true, "jwt_secret": true, "password": true, "secret": true, "token": true,
}

var secretHeaders = map[string]bool{
	"authorization": true, "api-key": true, "x-api-key": true, "x-goog-api-key": true, "proxy-authorization": true,
}

// RedactURL hides the password of a URL such as postgres://user:pw@host/db.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
		return strings.Replace(u.String(), "xxxxx", Redacted, 1)
	}
	return s
}

// ShowTOML renders the merged configuration as TOML with every secret
// (API keys, JWT secret, passwords in URLs, auth headers) replaced.
func (c *Config) ShowTOML() ([]byte, error) {
	m := redactMap(c.Settings(), "")
	b, err := toml.Parser().Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("render configuration: %w", err)
	}
	return b, nil
}

func redactMap(m map[string]any, parent string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		lk := strings.ToLower(k)
		switch t := v.(type) {
		case map[string]any:
			out[k] = redactMap(t, lk)
		case string:
			switch {
			case t == "":
				out[k] = t
			case secretKeys[lk] || (parent == "headers" && secretHeaders[lk]):
				out[k] = Redacted
			case strings.HasSuffix(lk, "_url") || strings.HasSuffix(lk, "_uri"):
				out[k] = RedactURL(t)
			default:
				out[k] = t
			}
		default:
			out[k] = v
		}
	}
	return out
}

// ContainsSecret reports whether b contains any secret the config holds,
// for tests and for checks on outputs.
func (c *Config) ContainsSecret(b []byte) bool {
	for _, s := range c.secrets() {
		if len(s) >= 4 && bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

func (c *Config) secrets() []string {
	var out []string
	for name, p := range c.Providers {
		if p.APIKey != "" {
			out = append(out, p.APIKey)
		}
		if k, _ := c.APIKey(name); k != "" {
			out = append(out, k)
		}
	}
	if c.Security.JWTSecret != "" {
		out = append(out, c.Security.JWTSecret)
	}
	return out
}
