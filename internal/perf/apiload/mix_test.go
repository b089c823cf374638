package apiload

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// pageBody is an answer as the server writes it (json.Encoder, one line).
func pageBody(t testing.TB, items int, next *string, prompt string) []byte {
	type item struct {
		ID       string         `json:"id"`
		Prompt   string         `json:"prompt"`
		Scores   map[string]any `json:"scores"`
		Metadata map[string]any `json:"metadata"`
	}
	pg := struct {
		Items      []item  `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}{Items: []item{}, NextCursor: next}
	for i := range items {
		pg.Items = append(pg.Items, item{ID: fmt.Sprint(i), Prompt: prompt, Scores: map[string]any{"contains": map[string]any{"id": 1}}, Metadata: map[string]any{}})
	}
	b, err := json.Marshal(pg)
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestScanQuick(t *testing.T) {
	t.Parallel()
	cur := "cjAxMjM"
	tests := []struct {
		name      string
		body      []byte
		items     int
		more, bad bool
	}{
		{"full page with a next cursor", pageBody(t, 50, &cur, "hi"), 50, true, false},
		{"last page", pageBody(t, 7, nil, "hi"), 7, false, false},
		{"empty last page", pageBody(t, 0, nil, "hi"), 0, false, false},
		{"a prompt that looks like an item", pageBody(t, 2, nil, `{"id":"x"}, "next_cursor":null}`), 2, false, false},
		{"a problem answer", []byte(`{"type":"about:blank","status":500}`), 0, false, true},
		{"no next_cursor", []byte(`{"items":[{"id":"a"}]}`), 0, false, true},
		{"a number for a cursor", []byte(`{"items":[],"next_cursor":5}`), 0, false, true},
		{"cut short", pageBody(t, 3, &cur, "hi")[:40], 0, false, true},
		{"empty", nil, 0, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			items, more, err := scanQuick(tc.body)
			if tc.bad {
				if err == nil {
					t.Errorf("scanQuick accepted %s", tc.body)
				}
				return
			}
			if err != nil || items != tc.items || more != tc.more {
				t.Errorf("scanQuick = %d, %v, %v; want %d, %v", items, more, err, tc.items, tc.more)
			}
		})
	}
}

// FuzzScanQuick: any answer, however malformed, is read without a panic,
// and a well-formed page is counted as decoding counts it.
func FuzzScanQuick(f *testing.F) {
	cur := "abc"
	f.Add(string(pageBody(f, 3, &cur, "hi")), 3, true)
	f.Add(`{"items":[],"next_cursor":null}`, 0, false)
	f.Add(`{"items":[{"id":"`, 1, false)
	f.Fuzz(func(t *testing.T, raw string, n int, more bool) {
		_, _, _ = scanQuick([]byte(raw))
		n = min(max(n, 0), 60)
		var next *string
		if more {
			next = &cur
		}
		body := pageBody(t, n, next, raw) // raw as a prompt, escaped
		items, gotMore, err := scanQuick(body)
		if err != nil || items != n || gotMore != more {
			t.Errorf("scanQuick(page of %d, more %v, prompt %q) = %d, %v, %v", n, more, raw, items, gotMore, err)
		}
	})
}

func TestIsText(t *testing.T) {
	t.Parallel()
	for c, want := range map[string]bool{
		"admin/text/rare": true, "owner/text/common": true, "admin/first": false, "owner/provider/deep": false,
	} {
		if isText(c) != want || isPage(c) == want {
			t.Errorf("isText(%q) = %v, isPage %v", c, isText(c), isPage(c))
		}
	}
	if !strings.Contains("admin/text/rare", "/text/") {
		t.Fatal("unreachable")
	}
}
