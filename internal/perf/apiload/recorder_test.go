package apiload

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// glog (imported by Vitess's SQL parser, for is-sql) starts its flush daemon at init.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/golang/glog.(*fileSink).flushDaemon"))
}

func TestCheck(t *testing.T) {
	t.Parallel()
	type rec struct {
		c   string
		lat time.Duration
		err error
	}
	fast := func(c string, n int) []rec {
		out := make([]rec, n)
		for i := range out {
			out[i] = rec{c, 5 * time.Millisecond, nil}
		}
		return out
	}
	tests := []struct {
		name    string
		records []rec
		want    string // "" for a pass, else a fragment of the error
	}{
		{"fast pages, slow text", append(fast("admin/first", 100), rec{"admin/text/common", 2 * time.Second, nil}), ""},
		{"two slow pages in a hundred", append(fast("owner/deep", 98), rec{"owner/deep", 300 * time.Millisecond, nil}, rec{"owner/deep", 300 * time.Millisecond, nil}), "p99"},
		{"one slow page in two hundred is under the p99", append(fast("owner/deep", 199), rec{"owner/far", 300 * time.Millisecond, nil}), ""},
		{"three slow pages in two hundred, in two cases", append(fast("owner/deep", 197), rec{"owner/far", 300 * time.Millisecond, nil}, rec{"admin/far", 300 * time.Millisecond, nil}, rec{"admin/far", 300 * time.Millisecond, nil}), "p99"},
		{"a failed text query fails the run", append(fast("admin/first", 10), rec{"admin/text/rare", time.Millisecond, errors.New("boom")}), "1 of 11 requests failed"},
		{"a failed page fails the run", append(fast("admin/first", 10), rec{"owner/status", time.Millisecond, ErrOverloaded}), "not sent"},
		{"text only: nothing gated ran", []rec{{"admin/text/rare", time.Millisecond, nil}}, "no request of the page mix"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := NewRecorder()
			for _, x := range tc.records {
				r.Record(x.c, x.lat, x.err)
			}
			err := r.Check(Gate{P99: 100 * time.Millisecond, Gated: isPage})
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Check failed: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Check = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestSummarizeMergesCases(t *testing.T) {
	t.Parallel()
	r := NewRecorder()
	for i := 1; i <= 100; i++ {
		r.Record("a", time.Duration(i)*time.Millisecond, nil)
		r.Record("b", time.Hour, nil) // clamped to the histogram's top, 60 s
	}
	a := r.Summarize(func(c string) bool { return c == "a" })
	if a.Count != 100 || a.P50 < 49*time.Millisecond || a.P50 > 51*time.Millisecond || a.Max < 99*time.Millisecond || a.Max > 101*time.Millisecond {
		t.Errorf("case a: %+v, want 100 requests, p50 50ms, max 100ms", a)
	}
	both := r.Summarize(func(string) bool { return true })
	if both.Count != 200 || both.Max < 59*time.Second {
		t.Errorf("both cases: %+v, want 200 requests and a max of 60s", both)
	}
	if got := strings.Join(r.Cases(), ","); got != "a,b" {
		t.Errorf("Cases() = %s", got)
	}
}
