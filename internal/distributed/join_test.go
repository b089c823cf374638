package distributed

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAskNATSURL(t *testing.T) {
	t.Parallel()
	const key = "ltb_secretkeyvalue"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path != DistributedPath:
			w.WriteHeader(http.StatusNotFound)
		case r.Header.Get("Authorization") != "Bearer "+key:
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"status":401,"detail":"invalid credentials"}`))
		default:
			_, _ = w.Write([]byte(`{"nats_url":"nats://10.1.2.3:4222"}`))
		}
	}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name, base, key, want, wantErr string
	}{
		{"ok", srv.URL, key, "nats://10.1.2.3:4222", ""},
		{"trailing slash", srv.URL + "/", key, "nats://10.1.2.3:4222", ""},
		{"wrong key", srv.URL, "ltb_other", "", "401 Unauthorized: invalid credentials"},
		{"no key", srv.URL, "", "", "LTB_API_KEY"},
		{"not http", "nats://x:4222", key, "", "want http://"},
		{"unreachable", "http://127.0.0.1:1", key, "", "ask http://127.0.0.1:1/api/v1/distributed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := AskNATSURL(context.Background(), srv.Client(), tc.base, tc.key)
			if tc.wantErr == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one with %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), key) {
				t.Fatalf("error holds the key: %v", err)
			}
		})
	}
}

func TestParseJoinAnswer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		body   string
		ok     bool
	}{
		{200, `{"nats_url":"nats://h:4222"}`, true},
		{200, `{"nats_url":""}`, false},
		{200, `{"nats_url":"localhost"}`, false},
		{200, `not json`, false},
		{404, `{"detail":"this server runs no distributed benchmarks"}`, false},
		{500, ``, false},
	} {
		got, err := parseJoinAnswer(tc.status, []byte(tc.body))
		if (err == nil) != tc.ok || (tc.ok && got == "") {
			t.Errorf("%d %s: %q, %v", tc.status, tc.body, got, err)
		}
	}
}

func FuzzParseJoinAnswer(f *testing.F) {
	f.Add(200, []byte(`{"nats_url":"nats://h:4222"}`))
	f.Add(403, []byte(`{"detail":"permission worker.join required"}`))
	f.Add(200, []byte(`{"nats_url":"%zz"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		got, err := parseJoinAnswer(status, body)
		if err == nil && (status != http.StatusOK || got == "") {
			t.Fatalf("accepted %d %q as %q", status, body, got)
		}
	})
}
