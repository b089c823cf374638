package httpcall

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSetKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, key string
		want      http.Header
	}{
		{"", "k1234", http.Header{"Authorization": {"Bearer k1234"}}},
		{"authorization", "k1234", http.Header{"Authorization": {"Bearer k1234"}}},
		{"x-api-key", "k1234", http.Header{"X-Api-Key": {"k1234"}}},
		{"x-api-key", "", http.Header{}},
	} {
		h := http.Header{}
		SetKey(h, tt.name, tt.key)
		if diff := cmp.Diff(tt.want, h); diff != "" {
			t.Errorf("SetKey(%q, %q) (-want +got):\n%s", tt.name, tt.key, diff)
		}
	}
}

func TestHeader(t *testing.T) {
	t.Parallel()
	base := http.Header{"Authorization": {"Bearer k"}, "X-Vendor": {"v"}}
	got := header(base, map[string]string{"x-vendor": "custom"})
	want := http.Header{"Authorization": {"Bearer k"}, "X-Vendor": {"custom"}, "User-Agent": {UserAgent}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if base.Get("X-Vendor") != "v" {
		t.Error("header changed its base")
	}
	got = header(nil, map[string]string{"User-Agent": "mine/1"})
	if diff := cmp.Diff(http.Header{"User-Agent": {"mine/1"}}, got); diff != "" {
		t.Errorf("header with a custom User-Agent (-want +got):\n%s", diff)
	}
}
