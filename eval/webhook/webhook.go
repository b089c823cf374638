// Package webhook registers the webhook assertion type: the answer is
// POSTed as JSON {"output", "context": {"prompt", "vars"}} to the URL the
// value gives, and the reply {"pass", "score", "reason"} is the verdict,
// as in promptfoo. "score" is optional (1 on pass, 0 on fail when absent)
// and must lie in 0..1; "reason" is optional.
//
// The call waits at most config.timeout_ms (default 5000, promptfoo's
// WEBHOOK_TIMEOUT) and reads at most 1 MiB of reply. A call that fails, a
// status outside 2xx, or a reply outside that contract leaves the
// assertion unscored with the cause; the URL's query and credentials are
// never repeated in a reason.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

func init() { eval.Register("webhook", New(http.DefaultTransport)) }

// Defaults and bounds.
const (
	DefaultTimeout = 5 * time.Second
	MaxTimeout     = 5 * time.Minute
	MaxReplyBytes  = 1 << 20
)

// Webhook is the webhook assertion type.
type Webhook struct {
	client *http.Client
}

var (
	_ eval.Evaluator = (*Webhook)(nil)
	_ eval.Validator = (*Webhook)(nil)
)

// New returns the type calling through rt.
func New(rt http.RoundTripper) *Webhook {
	return &Webhook{client: &http.Client{Transport: rt}}
}

// Validate checks the URL (before rendering) and the timeout.
func (w *Webhook) Validate(a bench.Assertion) error {
	if _, err := w.target(a, nil); err != nil {
		return err
	}
	_, err := timeout(a)
	return err
}

// target is the rendered URL, http or https with a host.
func (w *Webhook) target(a bench.Assertion, in *eval.Input) (*url.URL, error) {
	s, ok := a.Value.(string)
	if !ok || s == "" {
		return nil, errors.New("the value must be the webhook's URL, a string")
	}
	s = value.Render(s, in)
	if in == nil && value.HasPlaceholder(s) {
		return &url.URL{Scheme: "https", Host: "rendered.later"}, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("the value must be an http or https URL with a host")
	}
	return u, nil
}

// timeout reads config.timeout_ms.
func timeout(a bench.Assertion) (time.Duration, error) {
	v, ok := a.Config["timeout_ms"]
	if !ok {
		return DefaultTimeout, nil
	}
	f, ok := value.Float(v)
	d := time.Duration(f * float64(time.Millisecond))
	if !ok || f <= 0 || d > MaxTimeout {
		return 0, fmt.Errorf("config.timeout_ms must be a number of milliseconds above 0 and at most %d, got %v", MaxTimeout.Milliseconds(), v)
	}
	return d, nil
}

// request is what the webhook receives.
type request struct {
	Output  string         `json:"output"`
	Context requestContext `json:"context"`
}

type requestContext struct {
	Prompt string         `json:"prompt"`
	Vars   map[string]any `json:"vars"`
}

// reply is what the webhook answers.
type reply struct {
	Pass   *bool    `json:"pass"`
	Score  *float64 `json:"score"`
	Reason string   `json:"reason"`
}

// Evaluate posts the answer and reads the verdict.
func (w *Webhook) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	u, err := w.target(a, in)
	if err != nil {
		return bench.Score{}, err
	}
	d, err := timeout(a)
	if err != nil {
		return bench.Score{}, err
	}
	where := u.Scheme + "://" + u.Host + u.Path
	r, err := w.call(ctx, u, d, in)
	if err != nil {
		return bench.Score{}, fmt.Errorf("webhook %s: %w", where, err)
	}
	return r, nil
}

// call makes the request and reads the reply.
func (w *Webhook) call(ctx context.Context, u *url.URL, d time.Duration, in *eval.Input) (bench.Score, error) {
	vars := map[string]any{}
	if in.Case != nil && in.Case.Variables != nil {
		vars = in.Case.Variables
	}
	body, err := json.Marshal(request{Output: in.Output, Context: requestContext{Prompt: in.Prompt, Vars: vars}})
	if err != nil {
		return bench.Score{}, fmt.Errorf("encoding the request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return bench.Score{}, errors.New("building the request failed")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the whole URL
		}
		if ctx.Err() == context.DeadlineExceeded {
			return bench.Score{}, fmt.Errorf("no reply within %v", d)
		}
		return bench.Score{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxReplyBytes+1))
	if err != nil {
		return bench.Score{}, fmt.Errorf("reading the reply: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return bench.Score{}, fmt.Errorf("response status %d", resp.StatusCode)
	}
	if len(raw) > MaxReplyBytes {
		return bench.Score{}, fmt.Errorf("reply longer than %d bytes", MaxReplyBytes)
	}
	return verdict(raw)
}

// verdict reads {pass, score, reason}.
func verdict(raw []byte) (bench.Score, error) {
	var r reply
	if err := json.Unmarshal(raw, &r); err != nil {
		return bench.Score{}, fmt.Errorf("reply is not a JSON object {pass, score, reason}: %w", err)
	}
	if r.Pass == nil {
		return bench.Score{}, errors.New(`reply has no boolean "pass"`)
	}
	s := bench.Score{Pass: *r.Pass, Reason: r.Reason}
	switch {
	case r.Score == nil && s.Pass:
		s.Score = 1
	case r.Score == nil:
	case math.IsNaN(*r.Score) || *r.Score < 0 || *r.Score > 1:
		return bench.Score{}, fmt.Errorf(`reply "score" %v is outside 0..1`, *r.Score)
	default:
		s.Score = *r.Score
	}
	if s.Reason == "" {
		s.Reason = "webhook returned false"
		if s.Pass {
			s.Reason = "webhook returned true"
		}
	}
	return s, nil
}
