// Package providertest is the test support the vendor packages share:
// tables of failed calls run against a fake vendor, the fuzz harness for
// Generate, the benchmark servers and the checks of replayed calls. It is
// for tests only; it imports testing.
package providertest

import (
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// ErrorCase is one failed call: what the fake vendor answers and the
// *provider.Error Generate must return for it.
type ErrorCase struct {
	Name   string
	Resp   replay.Response
	Stream bool
	// Kind, Status and Retry are the error's Kind, StatusCode and RetryAfter.
	Kind   provider.Kind
	Status int
	Retry  time.Duration
	// In is text the error must mention.
	In string
}

// GenerateErrors runs each case as a parallel subtest: a fake vendor
// answers with the case's response, the client newClient builds for the
// fake's URL generates req (streamed as the case says), and the call must
// fail as the case says, without key in the error.
func GenerateErrors[P provider.Provider](t *testing.T, cases []ErrorCase, req provider.Request, key string, newClient func(t testing.TB, url string) P) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tc.Resp})
			r := req
			r.Stream = tc.Stream
			_, err := newClient(t, srv.URL).Generate(t.Context(), r, Discard)
			if pe := CheckError(t, err, tc.Kind, tc.Retry, tc.In, key); pe.StatusCode != tc.Status {
				t.Errorf("status %d, want %d (%v)", pe.StatusCode, tc.Status, err)
			}
		})
	}
}

// CheckError fails t unless err is a *provider.Error of kind with
// RetryAfter retry whose text mentions in and not key (when key is set).
// It returns that error.
func CheckError(t testing.TB, err error, kind provider.Kind, retry time.Duration, in, key string) *provider.Error {
	t.Helper()
	pe := provider.AsError(err)
	if pe == nil {
		t.Fatalf("error = %v, want a *provider.Error", err)
	}
	if pe.Kind != kind || pe.RetryAfter != retry {
		t.Errorf("got kind %s retry %v, want %s retry %v (%v)", pe.Kind, pe.RetryAfter, kind, retry, err)
	}
	if !strings.Contains(err.Error(), in) {
		t.Errorf("error %q does not mention %q", err, in)
	}
	if key != "" && strings.Contains(err.Error(), key) {
		t.Errorf("error leaks the key: %q", err)
	}
	return pe
}

// Discard is an emit function that drops every chunk.
func Discard(provider.Chunk) error { return nil }
