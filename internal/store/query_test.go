package store_test

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    store.Cursor
	}{
		{"uuid", store.Cursor{At: time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC), ID: "0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}},
		{"first year", store.Cursor{At: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), ID: "x"}},
		{"last microsecond", store.Cursor{At: time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC), ID: "ünï"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := tc.c.Encode(store.ResultCursor)
			got, err := store.DecodeCursor(store.ResultCursor, s)
			if err != nil || !got.At.Equal(tc.c.At) || got.ID != tc.c.ID {
				t.Fatalf("DecodeCursor(Encode(%v)) = %v, %v", tc.c, got, err)
			}
		})
	}
}

func TestCursorMalformed(t *testing.T) {
	t.Parallel()
	good := store.Cursor{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ID: "id"}
	raw := func(b ...byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	tests := map[string]string{
		"empty":          "",
		"not base64":     "!!!",
		"padded":         good.Encode(store.ResultCursor) + "=",
		"std alphabet":   "+/+/+/+/+/+/+/",
		"too short":      raw('r', 0, 0, 0, 0, 0, 0, 0, 0),
		"other kind":     good.Encode(store.RunCursor),
		"year 0":         store.Cursor{At: time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), ID: "x"}.Encode(store.ResultCursor),
		"year 10000":     store.Cursor{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), ID: "x"}.Encode(store.ResultCursor),
		"max int64 time": raw('r', 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'x'),
		"invalid utf8":   raw('r', 0, 0x06, 0, 0, 0, 0, 0, 0, 0xff),
		"nul in id":      raw('r', 0, 0x06, 0, 0, 0, 0, 0, 0, 'a', 0, 'b'),
		"long id":        store.Cursor{At: good.At, ID: string(make([]byte, 300))}.Encode(store.ResultCursor),
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if c, err := store.DecodeCursor(store.ResultCursor, s); !errors.Is(err, store.ErrBadCursor) {
				t.Fatalf("DecodeCursor(%q) = %v, %v; want ErrBadCursor", s, c, err)
			}
		})
	}
}

func TestPageSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want int }{{-1, 50}, {0, 50}, {1, 1}, {store.MaxPage, store.MaxPage}, {store.MaxPage + 1, store.MaxPage}} {
		if got := store.PageSize(tc.in); got != tc.want {
			t.Errorf("PageSize(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// FuzzDecodeCursor checks that any string decodes to a cursor that
// re-encodes to itself, or to ErrBadCursor, and never panics.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(store.Cursor{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ID: "abc"}.Encode(store.ResultCursor))
	f.Add("")
	f.Add("cgAAAAAAAAAA")
	f.Add("////")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := store.DecodeCursor(store.ResultCursor, s)
		if err != nil {
			if !errors.Is(err, store.ErrBadCursor) {
				t.Fatalf("DecodeCursor(%q) = %v, not ErrBadCursor", s, err)
			}
			return
		}
		if c.ID == "" || c.At.Year() < 1 || c.At.Year() > 9999 {
			t.Fatalf("DecodeCursor(%q) accepted %v", s, c)
		}
		if back := c.Encode(store.ResultCursor); back != s {
			t.Fatalf("Encode(DecodeCursor(%q)) = %q", s, back)
		}
	})
}
