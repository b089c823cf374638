package httpmw

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// MaxCORSMaxAge is the longest a browser may cache a preflight answer.
const MaxCORSMaxAge = 600 * time.Second

// CORSOptions configures CORS. The zero value allows no origin.
type CORSOptions struct {
	// AllowedOrigins are exact origins (https://app.example.com), or "*"
	// for any origin without credentials ([server] cors_allowed_origins).
	// "null" is never accepted.
	AllowedOrigins []string
	// AllowCredentials lets browsers send cookies; it cannot be combined
	// with "*".
	AllowCredentials bool
	// AllowedMethods default to GET, POST, PUT, PATCH, DELETE.
	AllowedMethods []string
	// AllowedHeaders default to Authorization, Content-Type; they are
	// always named (a "*" would never cover Authorization).
	AllowedHeaders []string
	// ExposedHeaders default to the rate-limit headers, Retry-After and
	// X-Request-Id.
	ExposedHeaders []string
	// MaxAge is how long a preflight answer may be cached; 0 means
	// MaxCORSMaxAge, the most allowed.
	MaxAge time.Duration
}

// CORS lets the allowed origins read answers. Every answer varies by
// Origin. An allowed origin is echoed exactly ("*" only when any origin is
// allowed and credentials are not); any other origin, including "null",
// gets no CORS header, and its preflight 403. A preflight of an allowed
// origin is answered here (204) with the methods and headers named.
func CORS(o CORSOptions) (func(http.Handler) http.Handler, error) {
	c, err := newCORS(o)
	if err != nil {
		return nil, err
	}
	return c.handler, nil
}

type cors struct {
	any                      bool
	origins                  map[string]bool
	credentials              bool
	methods                  []string
	allowMethods, allowHdrs  string
	exposeHdrs, maxAgeSecond string
}

func newCORS(o CORSOptions) (*cors, error) {
	c := &cors{origins: map[string]bool{}, credentials: o.AllowCredentials}
	for _, origin := range o.AllowedOrigins {
		switch {
		case origin == "*":
			c.any = true
		case strings.EqualFold(origin, "null"):
			return nil, errors.New("cors: the origin \"null\" (sandboxed frames, files, redirects) is never allowed")
		default:
			norm, err := normalizeOrigin(origin)
			if err != nil {
				return nil, err
			}
			c.origins[norm] = true
		}
	}
	if c.any && c.credentials {
		return nil, errors.New("cors: \"*\" cannot be combined with credentials; list the origins instead")
	}
	c.methods = orDefault(o.AllowedMethods, []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete})
	hdrs := orDefault(o.AllowedHeaders, []string{"Authorization", "Content-Type"})
	if slices.Contains(hdrs, "*") {
		return nil, errors.New("cors: name the allowed headers; \"*\" never covers Authorization")
	}
	c.allowMethods = strings.Join(c.methods, ", ")
	c.allowHdrs = strings.Join(hdrs, ", ")
	c.exposeHdrs = strings.Join(orDefault(o.ExposedHeaders, []string{"RateLimit", "RateLimit-Policy", "Retry-After", RequestIDHeader}), ", ")
	maxAge := o.MaxAge
	if maxAge == 0 {
		maxAge = MaxCORSMaxAge
	}
	if maxAge < 0 || maxAge > MaxCORSMaxAge {
		return nil, fmt.Errorf("cors: max age %s, want at most %s", maxAge, MaxCORSMaxAge)
	}
	c.maxAgeSecond = strconv.Itoa(int(maxAge / time.Second))
	return c, nil
}

// normalizeOrigin turns a configured origin into the form browsers send:
// lower-case scheme and host, no default port, no trailing slash.
func normalizeOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("cors: %q is not an origin; want scheme://host[:port], such as https://app.example.com", s)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return strings.ToLower(u.Scheme) + "://" + host, nil
}

func orDefault(v, def []string) []string {
	if len(v) == 0 {
		return def
	}
	return v
}

// allowed reports whether a request's Origin values name an allowed
// origin; two Origin fields are refused.
func (c *cors) allowed(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	origin := values[0]
	if origin == "" || strings.EqualFold(origin, "null") {
		return "", false
	}
	return origin, c.origins[origin] || c.any
}

func (c *cors) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if preflight {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
		}
		origin, ok := c.allowed(r.Header.Values("Origin"))
		if !ok {
			if preflight && len(r.Header.Values("Origin")) > 0 {
				problem.Error(w, http.StatusForbidden, "this origin may not call the API")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if c.any {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if c.credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if !preflight {
			h.Set("Access-Control-Expose-Headers", c.exposeHdrs)
			next.ServeHTTP(w, r)
			return
		}
		if !slices.Contains(c.methods, r.Header.Get("Access-Control-Request-Method")) {
			h.Del("Access-Control-Allow-Origin")
			h.Del("Access-Control-Allow-Credentials")
			problem.Error(w, http.StatusForbidden, "this method may not be called from another origin")
			return
		}
		h.Set("Access-Control-Allow-Methods", c.allowMethods)
		h.Set("Access-Control-Allow-Headers", c.allowHdrs)
		h.Set("Access-Control-Max-Age", c.maxAgeSecond)
		w.WriteHeader(http.StatusNoContent)
	})
}
