package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// ServiceHTTPRequest is the host service that makes an HTTP request for a
// plugin: granted when its manifest lists allowed_hosts and the operator
// lists it in [plugins.grants.NAME] allow = ["http.request"], and only to those hosts.
const ServiceHTTPRequest = "http.request"

// knownServices are the services a plugin may be refused (-1) rather
// than told they do not exist (-2).
var knownServices = map[string]bool{ServiceLLMComplete: true, ServiceHTTPRequest: true}

// HTTPRequest is what a plugin sends to http.request.
type HTTPRequest struct {
	Method  string            `json:"method,omitempty"` // GET when empty
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	// TimeoutMS shortens the host's timeout for this request; it never
	// lengthens it.
	TimeoutMS int `json:"timeout_ms,omitempty"`
}

// HTTPResponse is http.request's answer, whatever the status. Header
// names are lowercase, with their first value.
type HTTPResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

// maxRedirects is how many redirects one request may follow, each to an
// allowed host.
const maxRedirects = 5

// hostPattern is an allowed_hosts entry: a host name or IPv4 address,
// optionally with a port, optionally "*." for any subdomain.
var hostPattern = regexp.MustCompile(`^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$`)

// checkAllowedHosts checks a manifest's allowed_hosts.
func checkAllowedHosts(hosts []string) error {
	for _, h := range hosts {
		if !hostPattern.MatchString(h) {
			return fmt.Errorf("%q: want a lowercase host name or address, optionally with :PORT or a leading *. (no scheme, no path)", h)
		}
	}
	return nil
}

// hostAllowed reports whether u's host is one of allowed: an entry with a
// port matches that host and port only (the scheme's port when u has
// none), one without matches the host on any port, "*.example.com"
// matches its subdomains.
func hostAllowed(u *url.URL, allowed []string) bool {
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	for _, a := range allowed {
		name, p, hasPort := strings.Cut(a, ":")
		if hasPort && p != port {
			continue
		}
		if sub, ok := strings.CutPrefix(name, "*."); ok {
			if strings.HasSuffix(host, "."+sub) {
				return true
			}
			continue
		}
		if host == name {
			return true
		}
	}
	return false
}

// networkGranted reports whether the operator lets the plugin use the
// network ([plugins.grants.NAME] allow = ["http.request"]). A plugin whose
// manifest asks without that grant does not load; this is checked again
// at each call.
func (h *Host) networkGranted(name string) bool {
	return h.grant != nil && h.grant(name, ServiceHTTPRequest)
}

// httpService is http.request for plugin p, restricted to its allowed
// hosts, with the host's timeout and size caps.
func (p *Plugin) httpService(ctx context.Context, raw []byte) ([]byte, error) {
	lim := &p.host.limits
	var req HTTPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, fmt.Errorf("http.request: %w", err)
	}
	u, err := url.Parse(req.URL)
	switch {
	case err != nil:
		return nil, fmt.Errorf("http.request: url: %w", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("http.request: url scheme %q: want http or https", u.Scheme)
	case u.User != nil:
		return nil, errors.New("http.request: url must not carry credentials")
	case !hostAllowed(u, p.Manifest.Capabilities.AllowedHosts):
		return nil, fmt.Errorf("http.request: host %q is not in the plugin's allowed_hosts", u.Host)
	case len(req.Body) > lim.HTTPBodyBytes:
		return nil, fmt.Errorf("http.request: body of %d bytes is over the cap of %d", len(req.Body), lim.HTTPBodyBytes)
	}
	timeout := lim.HTTPTimeout
	if t := time.Duration(req.TimeoutMS) * time.Millisecond; t > 0 && t < timeout {
		timeout = t
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	hr, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader([]byte(req.Body)))
	if err != nil {
		return nil, fmt.Errorf("http.request: %w", err)
	}
	for k, v := range req.Headers {
		hr.Header.Set(k, fillSecret(ctx, v))
	}
	client := &http.Client{Transport: p.host.transport, CheckRedirect: func(next *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		if !hostAllowed(next.URL, p.Manifest.Capabilities.AllowedHosts) {
			return fmt.Errorf("redirect to host %q, which is not in the plugin's allowed_hosts", next.URL.Host)
		}
		return nil
	}}
	resp, err := client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("http.request: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(lim.HTTPBodyBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("http.request: read the response: %w", err)
	}
	if len(body) > lim.HTTPBodyBytes {
		return nil, fmt.Errorf("http.request: response body over the cap of %d bytes", lim.HTTPBodyBytes)
	}
	out := HTTPResponse{Status: resp.StatusCode, Headers: map[string]string{}, Body: validUTF8(body)}
	for k, vs := range resp.Header {
		if len(vs) > 0 {
			out.Headers[strings.ToLower(k)] = vs[0]
		}
	}
	return json.Marshal(out)
}
