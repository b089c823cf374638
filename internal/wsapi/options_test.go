package wsapi

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

func TestFromConfig(t *testing.T) {
	t.Parallel()
	s := config.Default().Server
	s.CORSAllowedOrigins = []string{"https://app.example.com"}
	s.Websocket = config.Websocket{
		PingIntervalSeconds: 30, PongTimeoutSeconds: 5, MaxMessageSizeMB: 2, InitTimeoutSeconds: 7,
		RevalidateIntervalSeconds: 3, MaxSubscriptions: 4, MaxConnectionsPerUser: 6,
	}
	want := Options{
		AllowedOrigins:  []string{"https://app.example.com"},
		MaxMessageBytes: 2 << 20, InitTimeout: 7 * time.Second,
		PingInterval: 30 * time.Second, PongTimeout: 5 * time.Second, RevalidateInterval: 3 * time.Second,
		MaxSubscriptions: 4, MaxConnectionsPerUser: 6,
	}
	if diff := cmp.Diff(want, FromConfig(s), cmpopts.IgnoreFields(Options{}, "IsExpired", "Logger")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	hub := live.NewHub()
	defer hub.Close()
	for name, tc := range map[string]struct {
		hub  *live.Hub
		a    Authenticator
		opts Options
	}{
		"no hub":         {nil, newFakeAuth(), Options{}},
		"no auth":        {hub, nil, Options{}},
		"negative":       {hub, newFakeAuth(), Options{PongTimeout: -time.Second}},
		"bad origin":     {hub, newFakeAuth(), Options{AllowedOrigins: []string{"app.example.com"}}},
		"origin w/ path": {hub, newFakeAuth(), Options{AllowedOrigins: []string{"https://a.example/x"}}},
	} {
		if _, err := New(tc.hub, tc.a, tc.opts); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	h, err := New(hub, newFakeAuth(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := FromConfig(config.Default().Server)
	if h.opts.InitTimeout != 5*time.Second || h.opts.MaxMessageBytes != d.MaxMessageBytes || h.opts.Buffer != 256 {
		t.Errorf("defaults: %+v", h.opts)
	}
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		header, token string
		ok            bool
	}{
		{"Bearer abc", "abc", true},
		{"bearer abc", "abc", true},
		{"Bearer  abc ", "abc", true},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Basic abc", "", false},
		{"abc", "", false},
		{"", "", false},
	} {
		token, ok := bearerToken(tc.header)
		if token != tc.token || ok != tc.ok {
			t.Errorf("bearerToken(%q) = %q, %v; want %q, %v", tc.header, token, ok, tc.token, tc.ok)
		}
	}
}

func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer\tabc", "Basic x", "", "Bearer " + strings.Repeat("a", 9000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		token, ok := bearerToken(header)
		if ok != (token != "") || token != strings.TrimSpace(token) || !strings.Contains(header, token) {
			t.Fatalf("bearerToken(%q) = %q, %v", header, token, ok)
		}
	})
}

func TestHasExpired(t *testing.T) {
	t.Parallel()
	if !hasExpired(fmt.Errorf("authenticate: %w", expiredError{})) {
		t.Error("a wrapped expired error is not seen")
	}
	if hasExpired(errors.New("invalid")) || hasExpired(nil) {
		t.Error("an ordinary error counts as expired")
	}
}

func TestQuoteShort(t *testing.T) {
	t.Parallel()
	if got := quoteShort(strings.Repeat("x", 1000)); len(got) > maxQuoted+8 {
		t.Errorf("quoteShort kept %d bytes", len(got))
	}
	if got := quoteShort("a\"b"); got != `"a\"b"` {
		t.Errorf("quoteShort = %s", got)
	}
}
