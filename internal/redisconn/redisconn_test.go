package redisconn

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestOpenErrorsHideTheSecret(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ url, want string }{
		{"redis://:hunter2@host:notaport/x", "open shared limits: invalid distributed.redis_url"},
		{"http://hunter2@host/", "invalid distributed.redis_url"},
		{"redis://ltb:hunter2@127.0.0.1:1/0", "open shared limits: cannot reach Redis at 127.0.0.1:1"},
	} {
		_, err := Open(context.Background(), tc.url, "shared limits", "distributed.redis_url")
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: %v, want %q and no password", tc.url, err, tc.want)
		}
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ msg, password, want string }{
		{"auth failed for hunter2 at hunter2", "hunter2", "auth failed for xxxxx at xxxxx"},
		{"auth failed", "hunter2", "auth failed"},
		{"no password set", "", "no password set"},
	} {
		if got := Redact(errors.New(tc.msg), tc.password).Error(); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.msg, got, tc.want)
		}
	}
}
