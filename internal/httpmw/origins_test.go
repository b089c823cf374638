package httpmw

import (
	"path"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOriginPatterns(t *testing.T) {
	t.Parallel()
	got, err := OriginPatterns([]string{"*", "https://App.Example.com/", "http://[::1]:8080", "http://localhost:3000"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://app.example.com", `http://\[::1\]:8080`, "http://localhost:3000"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// coder/websocket matches with path.Match: each pattern matches its
	// own origin and nothing else.
	for _, tc := range []struct {
		pattern, origin string
		want            bool
	}{
		{got[1], "http://[::1]:8080", true},
		{got[1], "http://:", false},
		{got[0], "https://app.example.com", true},
		{got[0], "https://app.example.co", false},
	} {
		if m, err := path.Match(tc.pattern, tc.origin); m != tc.want || err != nil {
			t.Errorf("path.Match(%q, %q) = %v, %v", tc.pattern, tc.origin, m, err)
		}
	}
}
