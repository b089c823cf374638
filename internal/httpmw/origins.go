package httpmw

import (
	"fmt"
	"net/url"
	"strings"
)

// OriginPatterns turns the CORS allowlist into coder/websocket
// OriginPatterns, for every WebSocket endpoint (/ws, /graphql). Each origin becomes "scheme://host[:port]" with the
// pattern characters of path.Match escaped, so it matches only itself;
// "*" is left out (the request's own host is always allowed).
func OriginPatterns(origins []string) ([]string, error) {
	var out []string
	for _, o := range origins {
		if o == "*" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("allowed origin %q: want scheme://host[:port]", o)
		}
		out = append(out, escapeMatch(strings.ToLower(u.Scheme+"://"+u.Host)))
	}
	return out, nil
}

// escapeMatch quotes the characters path.Match treats specially.
func escapeMatch(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
