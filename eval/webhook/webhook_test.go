package webhook

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// server answers every POST with the reply the test sets, after a delay,
// and records the request body.
func server(t *testing.T, status int, reply string, delay time.Duration) (*httptest.Server, *[]byte) {
	t.Helper()
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "want a JSON POST", http.StatusBadRequest)
			return
		}
		got, _ = io.ReadAll(r.Body)
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func TestWebhookVerdicts(t *testing.T) {
	for _, c := range []struct {
		name, reply string
		want        bench.Score
	}{
		{"pass with score and reason", `{"pass": true, "score": 0.8, "reason": "looks right"}`, bench.Score{Pass: true, Score: 0.8, Reason: "looks right"}},
		{"pass without score", `{"pass": true}`, bench.Score{Pass: true, Score: 1, Reason: "webhook returned true"}},
		{"fail without score", `{"pass": false}`, bench.Score{Reason: "webhook returned false"}},
		{"fail with score", `{"pass": false, "score": 0.25, "reason": "too short"}`, bench.Score{Score: 0.25, Reason: "too short"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, _ := server(t, http.StatusOK, c.reply, 0)
			s, err := New(http.DefaultTransport).Evaluate(context.Background(), bench.Assertion{Type: "webhook", Value: srv.URL}, &eval.Input{Output: "x"})
			if err != nil || s != c.want {
				t.Fatalf("%+v, %v; want %+v", s, err, c.want)
			}
		})
	}
}

func TestWebhookRequest(t *testing.T) {
	srv, got := server(t, http.StatusOK, `{"pass": true}`, 0)
	in := &eval.Input{Output: "the answer", Prompt: "the question", Case: &bench.Case{Variables: map[string]any{"topic": "tides", "path": "/hook"}}}
	a := bench.Assertion{Type: "webhook", Value: srv.URL + "{{path}}"}
	if _, err := New(http.DefaultTransport).Evaluate(context.Background(), a, in); err != nil {
		t.Fatal(err)
	}
	var req struct {
		Output  string `json:"output"`
		Context struct {
			Prompt string         `json:"prompt"`
			Vars   map[string]any `json:"vars"`
		} `json:"context"`
	}
	if err := json.Unmarshal(*got, &req); err != nil {
		t.Fatalf("body %s: %v", *got, err)
	}
	if req.Output != "the answer" || req.Context.Prompt != "the question" || req.Context.Vars["topic"] != "tides" {
		t.Fatalf("request %+v", req)
	}
}

func TestWebhookErrors(t *testing.T) {
	for _, c := range []struct {
		name, reply string
		status      int
		delay       time.Duration
		want        string
	}{
		{"server error", `{"pass": true}`, http.StatusInternalServerError, 0, "response status 500"},
		{"not JSON", `<html>`, http.StatusOK, 0, "not a JSON object"},
		{"no pass", `{"score": 1}`, http.StatusOK, 0, `no boolean "pass"`},
		{"pass not boolean", `{"pass": "yes"}`, http.StatusOK, 0, "not a JSON object"},
		{"score above 1", `{"pass": true, "score": 7}`, http.StatusOK, 0, "outside 0..1"},
		{"too long", `{"pass": true, "reason": "` + strings.Repeat("x", MaxReplyBytes) + `"}`, http.StatusOK, 0, "longer than"},
		{"slow", `{"pass": true}`, http.StatusOK, 2 * time.Second, "no reply within 50ms"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, _ := server(t, c.status, c.reply, c.delay)
			ms := 5000
			if c.delay > 0 {
				ms = 50
			}
			a := bench.Assertion{Type: "webhook", Value: srv.URL + "/check?token=s3cret", Config: map[string]any{"timeout_ms": ms}}
			_, err := New(http.DefaultTransport).Evaluate(context.Background(), a, &eval.Input{Output: "x"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("the error repeats the URL's query: %v", err)
			}
		})
	}
}

func TestWebhookUnreachableHidesQuery(t *testing.T) {
	srv, _ := server(t, http.StatusOK, "", 0)
	url := srv.URL + "/x?key=s3cret"
	srv.Close()
	_, err := New(http.DefaultTransport).Evaluate(context.Background(), bench.Assertion{Type: "webhook", Value: url}, &eval.Input{})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("err = %v, want an error without the query", err)
	}
}

func TestWebhookValidate(t *testing.T) {
	w := New(http.DefaultTransport)
	for _, c := range []struct {
		name string
		a    bench.Assertion
		ok   bool
	}{
		{"url", bench.Assertion{Value: "https://example.com/hook"}, true},
		{"placeholder", bench.Assertion{Value: "{{hook_url}}"}, true},
		{"no value", bench.Assertion{}, false},
		{"not a url", bench.Assertion{Value: "example.com/hook"}, false},
		{"ftp", bench.Assertion{Value: "ftp://example.com/"}, false},
		{"list", bench.Assertion{Value: []any{"https://example.com"}}, false},
		{"zero timeout", bench.Assertion{Value: "https://example.com", Config: map[string]any{"timeout_ms": 0}}, false},
		{"huge timeout", bench.Assertion{Value: "https://example.com", Config: map[string]any{"timeout_ms": 1e9}}, false},
	} {
		if err := w.Validate(c.a); (err == nil) != c.ok {
			t.Errorf("%s: Validate = %v, want ok %v", c.name, err, c.ok)
		}
	}
}

// TestNotWebhook: the negation mirrors the verdict, as promptfoo's.
func TestNotWebhook(t *testing.T) {
	srv, _ := server(t, http.StatusOK, `{"pass": true, "score": 0.8}`, 0)
	o := eval.Check(context.Background(), []bench.Assertion{{Type: "not-webhook", Value: srv.URL}}, nil, &eval.Input{Output: "x"})
	s := o.Scores["not-webhook"]
	if s.Pass || s.Score < 0.19 || s.Score > 0.21 || o.Passed {
		t.Fatalf("%+v", o)
	}
}
