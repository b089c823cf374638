package httpmw

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	proxies := []string{"10.0.0.0/8", "192.0.2.1", "::ffff:172.16.0.0/108", "2001:db8:ffff::/48"}
	tests := []struct {
		name    string
		trusted []string
		remote  string
		hdr     []string
		want    string
	}{
		{"peer", nil, "198.51.100.7:1234", nil, "198.51.100.7"},
		{"peer ignores xff", nil, "198.51.100.7:1234", []string{"X-Forwarded-For", "1.2.3.4"}, "198.51.100.7"},
		{"peer ignores real ip", nil, "198.51.100.7:1234", []string{"X-Real-IP", "1.2.3.4"}, "198.51.100.7"},
		{"untrusted peer with proxies set", proxies, "198.51.100.7:1", []string{"X-Forwarded-For", "1.2.3.4"}, "198.51.100.7"},
		{"trusted peer", proxies, "10.1.2.3:1", []string{"X-Forwarded-For", "203.0.113.5"}, "203.0.113.5"},
		{"spoofed left entry", proxies, "10.1.2.3:1", []string{"X-Forwarded-For", "1.1.1.1, 203.0.113.5"}, "203.0.113.5"},
		{"chain of proxies", proxies, "10.1.2.3:1", []string{"X-Forwarded-For", "1.1.1.1, 203.0.113.5, 192.0.2.1, 10.9.9.9"}, "203.0.113.5"},
		{"two header lines", proxies, "10.1.2.3:1", []string{"X-Forwarded-For", "1.1.1.1", "X-Forwarded-For", "203.0.113.5, 10.0.0.2"}, "203.0.113.5"},
		{"all trusted", proxies, "10.1.2.3:1", []string{"X-Forwarded-For", "10.0.0.9, 10.0.0.8"}, "10.0.0.9"},
		{"garbage stops the walk", proxies, "10.1.2.3:1", []string{"X-Forwarded-For", "203.0.113.5, nonsense, 10.0.0.7"}, "10.0.0.7"},
		{"entry with port", proxies, "10.1.2.3:1", []string{"X-Forwarded-For", "203.0.113.5:999"}, "203.0.113.5"},
		{"ipv6 entry", proxies, "[2001:db8:ffff::1]:443", []string{"X-Forwarded-For", "2001:db8:1::5"}, "2001:db8:1::5"},
		{"real ip", proxies, "192.0.2.1:80", []string{"X-Real-IP", " 203.0.113.6 "}, "203.0.113.6"},
		{"bad real ip", proxies, "192.0.2.1:80", []string{"X-Real-IP", "evil"}, "192.0.2.1"},
		{"xff beats real ip", proxies, "192.0.2.1:80", []string{"X-Forwarded-For", "203.0.113.5", "X-Real-IP", "203.0.113.6"}, "203.0.113.5"},
		{"mapped peer", proxies, "[::ffff:172.16.0.4]:80", []string{"X-Forwarded-For", "203.0.113.5"}, "203.0.113.5"},
		{"mapped client", nil, "[::ffff:198.51.100.7]:80", nil, "198.51.100.7"},
		{"zone", nil, "[fe80::1%eth0]:80", nil, "fe80::1"},
		{"bare address", nil, "198.51.100.7", nil, "198.51.100.7"},
		{"not an address", nil, "pipe", nil, "invalid IP"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClientIP(tc.trusted)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			for i := 0; i+1 < len(tc.hdr); i += 2 {
				r.Header.Add(tc.hdr[i], tc.hdr[i+1])
			}
			if got := c.Addr(r).String(); got != tc.want {
				t.Errorf("Addr = %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := NewClientIP([]string{"proxy.internal"}); err == nil {
		t.Error("a host name was accepted as a trusted proxy")
	}
}

func TestAddrKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"198.51.100.7":          "ip:198.51.100.7",
		"2001:db8:1:2:3:4:5:6":  "ip:2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::99": "ip:2001:db8:1:2::/64",
		"":                      "ip:unknown",
	} {
		var a netip.Addr
		if in != "" {
			a = netip.MustParseAddr(in)
		}
		if got := AddrKey(a); got != want {
			t.Errorf("AddrKey(%s) = %q, want %q", in, got, want)
		}
	}
}

// FuzzClientIP feeds arbitrary peers and forwarding headers: no panic, and
// the answer is always an address that appears in the input (or the zero
// Addr), so a header can only ever choose among addresses it names.
func FuzzClientIP(f *testing.F) {
	f.Add("10.0.0.1:80", "1.2.3.4, 10.0.0.2", "5.6.7.8")
	f.Add("[::1]:1", "nonsense,,,  ", "")
	f.Add("10.0.0.1:80", strings.Repeat("1.1.1.1,", 100), "[::ffff:1.2.3.4]:5")
	c, err := NewClientIP([]string{"10.0.0.0/8", "::1"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, remote, xff, realIP string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		r.Header.Set("X-Real-IP", realIP)
		a := c.Addr(r)
		if !a.IsValid() {
			if _, ok := parseAddr(remote); ok {
				t.Fatalf("valid peer %q gave no address", remote)
			}
			return
		}
		if a.Zone() != "" || a.Is4In6() {
			t.Fatalf("address %s keeps a zone or a v4 mapping", a)
		}
		peer, _ := parseAddr(remote)
		if !c.isTrusted(peer) && a != peer {
			t.Fatalf("untrusted peer %s, but a header chose %s", peer, a)
		}
		_ = AddrKey(a)
	})
}

func FuzzSafeRequestID(f *testing.F) {
	for _, s := range []string{"abc-123", "a\r\nX-Injected: 1", strings.Repeat("a", 65), "", "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header[RequestIDHeader] = []string{id}
		w := httptest.NewRecorder()
		var seen string
		RequestID(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { seen = RequestIDFrom(r.Context()) })).ServeHTTP(w, r)
		got := w.Header().Get(RequestIDHeader)
		if got != seen || !SafeRequestID(got) {
			t.Fatalf("id %q (context %q) for input %q", got, seen, id)
		}
		if SafeRequestID(id) != (got == id) {
			t.Fatalf("input %q: kept=%v, safe=%v", id, got == id, SafeRequestID(id))
		}
	})
}

func FuzzIsJSON(f *testing.F) {
	for _, s := range []string{"application/json", "application/json; charset=UTF-8", "text/plain", "application/problem+json", "application/json; charset=latin1", ";;;="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ct string) {
		if IsJSON(ct) && !strings.Contains(strings.ToLower(ct), "json") {
			t.Fatalf("%q taken for JSON", ct)
		}
	})
}
