package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// httpGuest calls http.request with req and outputs the response; when
// the call returns a negative code it fails with the code's digit
// ("1" not permitted, "2" unknown service, "3" failed).
func httpGuest(req string) watGuest {
	const name = "http.request"
	return watGuest{
		data: name + req,
		body: fmt.Sprintf(`(local $r i64) (local $n i32)
    (local.set $r (call $call (i32.const 16) (i32.const %d) (i32.const %d) (i32.const %d)))
    (if (i64.lt_s (local.get $r) (i64.const 0))
      (then
        (i32.store8 (i32.const 2000) (i32.sub (i32.const 48) (i32.wrap_i64 (local.get $r))))
        (call $set_error (i32.const 2000) (i32.const 1)) (return (i32.const 1))))
    (local.set $n (i32.wrap_i64 (i64.and (local.get $r) (i64.const 0xffffffff))))
    (if (i32.ne (call $read_result (i32.wrap_i64 (i64.shr_u (local.get $r) (i64.const 32))) (i32.const 8192) (local.get $n)) (i32.const 0))
      (then (unreachable)))
    (call $set_output (i32.const 8192) (local.get $n))
    (i32.const 0)`, len(name), 16+len(name), len(req)),
		pages: 2,
	}
}

// hostOf is the host:port of a test server.
func hostOf(t *testing.T, s *httptest.Server) string {
	t.Helper()
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// TestHTTPRequestGated: http.request reaches only the manifest's allowed
// hosts, only when the operator granted the plugin the network, and a
// redirect to another host is refused like a request to it.
func TestHTTPRequestGated(t *testing.T) {
	t.Parallel()
	denied := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("the denied server was reached")
	}))
	t.Cleanup(denied.Close)
	var allowed *httptest.Server
	allowed = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, denied.URL+"/x", http.StatusFound)
		case "/here":
			http.Redirect(w, r, allowed.URL+"/echo", http.StatusFound)
		case "/big":
			_, _ = w.Write([]byte(strings.Repeat("x", 5000)))
		case "/slow":
			time.Sleep(400 * time.Millisecond)
		default:
			w.Header().Set("X-Seen", r.Header.Get("X-Token"))
			w.WriteHeader(http.StatusTeapot)
			_, _ = fmt.Fprintf(w, "%s %s", r.Method, r.URL.Path)
		}
	}))
	t.Cleanup(allowed.Close)
	l := testLimits()
	l.HTTPBodyBytes = 4096
	l.HTTPTimeout = 200 * time.Millisecond
	h, err := NewHost(context.Background(), Options{Limits: l, Grant: func(plugin, capability string) bool { return plugin == "net-granted" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	caps := fmt.Sprintf("[capabilities]\nallowed_hosts = [%q]\n", hostOf(t, allowed))
	req := func(path string) string {
		return fmt.Sprintf(`{"method":"POST","url":"%s%s","headers":{"X-Token":"t1"},"body":"hi"}`, allowed.URL, path)
	}
	for _, tc := range []struct {
		name, plugin, caps, req, want string
	}{
		{"allowed host", "net-granted", caps, req("/echo"), `"status":418`},
		{"redirect within the allowed host", "net-granted", caps, req("/here"), `"body":"GET /echo"`},
		{"denied host", "net-granted", caps, fmt.Sprintf(`{"url":%q}`, denied.URL), "error: 3"},
		{"redirect to a denied host", "net-granted", caps, req("/away"), "error: 3"},
		{"response over the cap", "net-granted", caps, req("/big"), "error: 3"},
		{"timeout", "net-granted", caps, req("/slow"), "error: 3"},
		{"not a url", "net-granted", caps, `{"url":"file:///etc/passwd"}`, "error: 3"},
		{"operator did not grant it", "net-other", caps, req("/echo"), "has not granted"},
		{"manifest lists no host", "net-granted", "", req("/echo"), "error: 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := h.New(context.Background(), testManifest(t, tc.plugin, tc.caps), wat2wasm(t, httpGuest(tc.req).source()))
			if err != nil {
				// A plugin asking for the network without the grant does not load.
				if !strings.Contains(err.Error(), tc.want) {
					t.Fatal(err)
				}
				return
			}
			out, err := p.Call(context.Background(), []byte(`{}`), nil)
			got := string(out)
			if err != nil {
				got = "error: " + strings.TrimPrefix(err.Error(), `plugin "`+tc.plugin+`": plugin: `)
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %s, want %q", got, tc.want)
			}
			if tc.want == `"status":418` {
				var resp HTTPResponse
				if err := json.Unmarshal(out, &resp); err != nil || resp.Body != "POST /echo" || resp.Headers["x-seen"] != "t1" {
					t.Errorf("response %+v, %v", resp, err)
				}
			}
		})
	}
}

// TestHTTPServiceReasons: each refusal of http.request says why.
func TestHTTPServiceReasons(t *testing.T) {
	t.Parallel()
	h := newTestHost(t, testLimits())
	p, err := h.New(context.Background(), testManifest(t, "net-reasons", "[capabilities]\nallowed_hosts = [\"api.example.com\", \"*.corp.example:8443\"]\n"), wat2wasm(t, watGuest{data: `{}`, body: okBody}.source()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ url, want string }{
		{"https://evil.example/", "not in the plugin's allowed_hosts"},
		{"https://api.example.com.evil.example/", "not in the plugin's allowed_hosts"},
		{"https://x.corp.example/", "not in the plugin's allowed_hosts"}, // port 443, not 8443
		{"https://user:pw@api.example.com/", "credentials"},
		{"ftp://api.example.com/", "scheme"},
	} {
		_, err := p.httpService(context.Background(), []byte(fmt.Sprintf(`{"url":%q}`, tc.url)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.url, err, tc.want)
		}
	}
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://api.example.com/v1", true}, {"http://API.example.com:9/", true},
		{"https://a.b.corp.example:8443/", true}, {"https://corp.example:8443/", false},
	} {
		u, _ := url.Parse(tc.url)
		if hostAllowed(u, p.Manifest.Capabilities.AllowedHosts) != tc.ok {
			t.Errorf("hostAllowed(%s) = %v", tc.url, !tc.ok)
		}
	}
}

func FuzzHostAllowed(f *testing.F) {
	f.Add("https://api.example.com/x", "api.example.com")
	f.Add("http://a.b:80/", "*.b:80")
	f.Fuzz(func(t *testing.T, raw, entry string) {
		if checkAllowedHosts([]string{entry}) != nil {
			return
		}
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		if hostAllowed(u, []string{entry}) {
			name, _, _ := strings.Cut(strings.TrimPrefix(entry, "*."), ":")
			if !strings.HasSuffix(strings.ToLower(u.Hostname()), name) {
				t.Fatalf("%s allowed by %q", raw, entry)
			}
		}
	})
}
