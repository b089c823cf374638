package policy

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/cache"
)

// openDisk opens internal/cache's disk cache in dir, entries never expiring.
func openDisk(t *testing.T, dir string) *cache.Disk {
	t.Helper()
	d, err := cache.OpenDisk(dir, cache.TTLs{}, 16)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// target is what one wrapped provider is set up with in the cache tests.
type target struct {
	id, url string
	scope   any
}

func TestCacheKeyScope(t *testing.T) {
	t.Parallel()
	const id, url = "openai:gpt-4o", "https://api.example.com/v1"
	low := map[string]any{"reasoning_effort": "low"}
	tests := []struct {
		name      string
		first     target
		second    target
		wantShare bool
	}{
		{
			name:      "same scope shares",
			first:     target{id, url, map[string]any{"reasoning_effort": "low", "num_ctx": 8192}},
			second:    target{id, url, map[string]any{"num_ctx": 8192, "reasoning_effort": "low"}},
			wantShare: true,
		},
		{
			name:      "no scope shares",
			first:     target{id, url, nil},
			second:    target{id, url, nil},
			wantShare: true,
		},
		{
			name:   "an option's value",
			first:  target{id, url, low},
			second: target{id, url, map[string]any{"reasoning_effort": "high"}},
		},
		{
			name:   "an option added",
			first:  target{id, url, low},
			second: target{id, url, map[string]any{"reasoning_effort": "low", "thinking_budget": 2048}},
		},
		{
			name:   "an option against none",
			first:  target{id, url, nil},
			second: target{id, url, low},
		},
		{
			name:   "a nested option",
			first:  target{id, url, map[string]any{"options": map[string]any{"num_ctx": 4096}}},
			second: target{id, url, map[string]any{"options": map[string]any{"num_ctx": 8192}}},
		},
		{
			name:   "a header's value",
			first:  target{id, url, map[string]any{"headers": map[string]string{"X-Region": "eu"}}},
			second: target{id, url, map[string]any{"headers": map[string]string{"X-Region": "us"}}},
		},
		{
			name:   "an exec provider's env",
			first:  target{id, url, map[string]any{"env": []string{"MODE=fast"}}},
			second: target{id, url, map[string]any{"env": []string{"MODE=slow"}}},
		},
		{
			name:   "the target id",
			first:  target{id, url, low},
			second: target{"openai:gpt-4o-mini", url, low},
		},
		{
			name:   "the base URL",
			first:  target{id, url, low},
			second: target{id, "http://localhost:8080/v1", low},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			disk := openDisk(t, t.TempDir())
			a, b := scripted(), scripted()
			pa, _ := wrap(t, a, Options{ID: tc.first.id, BaseURL: tc.first.url, Scope: tc.first.scope, Cache: disk})
			pb, _ := wrap(t, b, Options{ID: tc.second.id, BaseURL: tc.second.url, Scope: tc.second.scope, Cache: disk})
			ctx := context.Background()
			if out := pa.Do(ctx, request("q"), Call{}); out.Err != nil || out.Cached {
				t.Fatalf("first call: err %v cached %v, want a fresh answer", out.Err, out.Cached)
			}
			out := pb.Do(ctx, request("q"), Call{})
			if out.Err != nil {
				t.Fatal(out.Err)
			}
			if out.Cached != tc.wantShare || (b.Calls() == 0) != tc.wantShare {
				t.Errorf("second target: cached %v, provider calls %d; want shared cache = %v", out.Cached, b.Calls(), tc.wantShare)
			}
			// The first target still finds its own answer.
			if again := pa.Do(ctx, request("q"), Call{}); !again.Cached || a.Calls() != 1 {
				t.Errorf("first target again: cached %v, calls %d; want its own cached answer", again.Cached, a.Calls())
			}
		})
	}
}

func TestCacheKeyIgnoresMapOrder(t *testing.T) {
	t.Parallel()
	// Many keys, inserted in opposite orders: a key built by ranging over a
	// map would differ between the two (or from run to run).
	fwd, rev := map[string]any{}, map[string]any{}
	hdrF, hdrR := map[string]string{}, map[string]string{}
	for i := range 40 {
		fwd[fmt.Sprintf("opt%02d", i)] = i
		hdrF[fmt.Sprintf("X-H%02d", i)] = fmt.Sprint(i)
	}
	for i := 39; i >= 0; i-- {
		rev[fmt.Sprintf("opt%02d", i)] = i
		hdrR[fmt.Sprintf("X-H%02d", i)] = fmt.Sprint(i)
	}
	fwd["headers"], rev["headers"] = hdrF, hdrR
	want, err := scopeHash("id", fwd)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		got, err := scopeHash("id", rev)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("attempt %d: equal settings hashed differently: %q vs %q", i, got, want)
		}
	}
}

func TestCacheKeyDependsOnRequestAndRepetition(t *testing.T) {
	t.Parallel()
	c := newMapCache()
	inner := scripted()
	p, _ := wrap(t, inner, Options{Cache: c, Scope: map[string]any{"a": 1}})
	ctx := context.Background()
	steps := []struct {
		content    string
		rep        int
		wantCached bool
	}{
		{"q1", 0, false},
		{"q1", 0, true},
		{"q2", 0, false},
		{"q1", 1, false},
		{"q1", 1, true},
		{"q2", 0, true},
	}
	for i, s := range steps {
		out := p.Do(ctx, request(s.content), Call{Repetition: s.rep})
		if out.Err != nil {
			t.Fatal(out.Err)
		}
		if out.Cached != s.wantCached {
			t.Errorf("step %d (%s rep %d): cached %v, want %v", i, s.content, s.rep, out.Cached, s.wantCached)
		}
		if want := "answer to " + s.content; out.Response.Text != want {
			t.Errorf("step %d: text %q, want %q", i, out.Response.Text, want)
		}
	}
	if inner.Calls() != 3 || c.len() != 3 {
		t.Errorf("provider calls %d, cache entries %d; want 3 and 3", inner.Calls(), c.len())
	}
}

func TestCacheKeepsNoSecrets(t *testing.T) {
	t.Parallel()
	const secret = "sk-live-0123456789abcdef"
	dir := t.TempDir()
	disk := openDisk(t, dir)
	scope := map[string]any{"headers": map[string]string{"Authorization": "Bearer " + secret}}
	p, _ := wrap(t, scripted(), Options{Scope: scope, Cache: disk})
	if strings.Contains(p.scope, secret) {
		t.Errorf("the cache scope holds the secret: %q", p.scope)
	}
	if out := p.Do(context.Background(), request("q"), Call{}); out.Err != nil {
		t.Fatal(out.Err)
	}
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		if strings.Contains(path, secret) {
			t.Errorf("cache file name holds the secret: %s", path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), secret) {
			t.Errorf("cache file %s holds the secret", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != 1 {
		t.Errorf("%d cache files, want 1", files)
	}
}

func TestWrapRefusesScopeItCannotHash(t *testing.T) {
	t.Parallel()
	_, err := Wrap(scripted(), Options{ID: "x:y", Scope: map[string]any{"f": func() {}}})
	if err == nil || !strings.Contains(err.Error(), "x:y") {
		t.Errorf("Wrap error = %v, want an error naming the target", err)
	}
}
