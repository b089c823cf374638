package simulator

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Policy chooses how the simulator answers a request.
type Policy string

// Answer policies.
const (
	// PolicyEcho answers with the last user message.
	PolicyEcho Policy = "echo"
	// PolicyExpected looks the last user message up in Config.Answers and
	// falls back to echo.
	PolicyExpected Policy = "expected"
	// PolicyScripted answers with the first Config.Script rule whose regexp
	// matches the last user message, or Config.DefaultAnswer.
	PolicyScripted Policy = "scripted"
)

// DefaultAnswer is the scripted policy's answer when no rule matches and
// Config.DefaultAnswer is empty.
const DefaultAnswer = "This is a simulated answer from the llm-test-bench simulator."

// TTFTShare is the share of a stream's total latency (Config.Latency) that
// passes before its first token when Config.TTFT is not set.
const TTFTShare = 0.25

// DefaultModel is the model the model lists show when Config.Model is
// empty.
const DefaultModel = "llm-test-bench-simulator"

// DefaultTimeoutHang bounds how long a Timeout fault hangs when
// Config.TimeoutHang is zero.
const DefaultTimeoutHang = 60 * time.Second

// DefaultRetryAfter is the retry hint of a RateLimit fault when
// Config.RetryAfter is zero.
const DefaultRetryAfter = time.Second

// Rule is one scripted answer: when Match matches the last user message the
// simulator answers with Answer, in which $1 or ${name} expand to the
// regexp's submatches.
type Rule struct {
	Match  *regexp.Regexp
	Answer string
}

// ErrorRates are the probabilities, each in [0,1] and summing to at most 1,
// that a request fails with the given fault instead of being answered.
// Each wire renders a fault in its vendor's shape (see the package
// documentation).
type ErrorRates struct {
	// RateLimit answers 429 with the vendor's retry hint: Retry-After
	// (OpenAI also x-ratelimit-*, Anthropic also anthropic-ratelimit-*),
	// or Gemini's RetryInfo retryDelay in the body.
	RateLimit float64
	// Overload answers the vendor's overload: 503 (Anthropic: 529
	// overloaded_error; Gemini: 503 UNAVAILABLE).
	Overload float64
	// Server answers the vendor's 500.
	Server float64
	// Timeout hangs until the client gives up, the server closes, or
	// Config.TimeoutHang passes, then drops the connection without an answer.
	Timeout float64
	// Truncate cuts a stream after half of its tokens, without the events
	// that end it well (OpenAI's finish_reason and [DONE], Anthropic's
	// message_stop, Gemini's finishReason, Ollama's done:true line,
	// Cohere's message-end); a non-streamed answer is cut after half of
	// its body. Config.TruncateMode says how the response then ends.
	Truncate float64
}

func (e ErrorRates) sum() float64 {
	return e.RateLimit + e.Overload + e.Server + e.Timeout + e.Truncate
}

// TruncateMode is how a truncated answer (ErrorRates.Truncate) ends.
type TruncateMode string

const (
	// TruncateCut drops the connection after the first half of the answer
	// has been sent (HTTP/1.1: the chunked body never ends; HTTP/2: the
	// stream is reset), as a real network failure does, so clients see a
	// connection error they can retry.
	TruncateCut TruncateMode = "cut"
	// TruncateClean ends the response well after the first half: a stream
	// without its closing events, a non-streamed body that is not whole
	// JSON. Clients must notice the missing end themselves.
	TruncateClean TruncateMode = "clean"
)

// Config configures a Server. The zero value is a valid, instant echo server.
type Config struct {
	// Latency is the total time of an answer, streamed or not. A
	// non-streamed answer arrives whole after it; a stream sends its first
	// token after TTFT (when TTFT is set, capped at the total) or after
	// TTFTShare of the total (when it is not), and spreads the other tokens
	// evenly over the rest, ending at the total; TokensPerSec then does not
	// apply. When Latency's Kind is empty, answers take TTFT plus the
	// tokens' time at TokensPerSec, streamed or not.
	Latency Dist
	// TTFT is the time to the first content chunk of a stream.
	TTFT Dist
	// TokensPerSec paces the content chunks of a stream when Latency is
	// not set; 0 is infinitely fast.
	TokensPerSec float64
	// Errors are the fault injection rates.
	Errors ErrorRates
	// TruncateMode is how a truncated answer ends; empty means
	// TruncateCut.
	TruncateMode TruncateMode
	// RetryAfter is the retry hint of RateLimit faults; 0 means
	// DefaultRetryAfter.
	RetryAfter time.Duration
	// TimeoutHang bounds a Timeout fault; 0 means DefaultTimeoutHang.
	TimeoutHang time.Duration
	// Policy is the answer policy; empty means PolicyEcho.
	Policy Policy
	// Answers maps prompt text (the last user message, compared after
	// trimming surrounding white space) to its answer for PolicyExpected.
	Answers map[string]string
	// Script holds the rules of PolicyScripted, tried in order.
	Script []Rule
	// DefaultAnswer is PolicyScripted's answer when no rule matches; empty
	// means the package's DefaultAnswer.
	DefaultAnswer string
	// Model is the model every wire's model list shows (GET /v1/models,
	// /v1beta/models, /api/tags, /foundation-models, …); empty means
	// DefaultModel. Chat requests must name their model, as each vendor
	// requires.
	Model string
	// ToolCalls scripts the calls the simulator makes when a request
	// offers tools (see ToolCall and pickCalls); empty means one call of
	// the first tool offered, with arguments generated from its schema.
	ToolCalls []ToolCall
	// Seed makes fault and latency draws and response ids deterministic for a
	// given order of requests; 0 picks a seed from the clock.
	Seed int64
}

// validate reports every problem of the config at once, and fills defaults.
func (c *Config) validate() error {
	var errs []error
	for _, d := range []struct {
		name string
		d    Dist
	}{{"latency", c.Latency}, {"ttft", c.TTFT}} {
		if err := d.d.validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.name, err))
		}
	}
	if c.TokensPerSec < 0 || c.TokensPerSec != c.TokensPerSec {
		errs = append(errs, fmt.Errorf("tokens per second: must be >= 0, got %v", c.TokensPerSec))
	}
	errs = append(errs, c.Errors.validate()...)
	if c.RetryAfter < 0 {
		errs = append(errs, fmt.Errorf("retry after: must be >= 0, got %v", c.RetryAfter))
	}
	if c.TimeoutHang < 0 {
		errs = append(errs, fmt.Errorf("timeout hang: must be >= 0, got %v", c.TimeoutHang))
	}
	switch c.TruncateMode {
	case "", TruncateCut, TruncateClean:
	default:
		errs = append(errs, fmt.Errorf("truncate mode: unknown %q (want cut or clean)", c.TruncateMode))
	}
	switch c.Policy {
	case "", PolicyEcho, PolicyExpected, PolicyScripted:
	default:
		errs = append(errs, fmt.Errorf("policy: unknown %q (want echo, expected or scripted)", c.Policy))
	}
	for i, r := range c.Script {
		if r.Match == nil {
			errs = append(errs, fmt.Errorf("script rule %d: no match regexp", i))
		}
	}
	c.ToolCalls = append([]ToolCall(nil), c.ToolCalls...) // checked and compacted in a copy of the caller's
	for i := range c.ToolCalls {
		if err := c.ToolCalls[i].check(); err != nil {
			errs = append(errs, fmt.Errorf("tool call %d: %w", i, err))
		}
	}
	if c.Policy == PolicyScripted && len(c.Script) == 0 && c.DefaultAnswer == "" {
		errs = append(errs, errors.New("policy scripted: no script rules and no default answer"))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	c.fillDefaults()
	return nil
}

func (e ErrorRates) validate() []error {
	var errs []error
	for _, r := range []struct {
		name string
		p    float64
	}{{"rate limit", e.RateLimit}, {"overload", e.Overload}, {"server", e.Server}, {"timeout", e.Timeout}, {"truncate", e.Truncate}} {
		if !(r.p >= 0 && r.p <= 1) {
			errs = append(errs, fmt.Errorf("error rate %s: must be in [0,1], got %v", r.name, r.p))
		}
	}
	if s := e.sum(); len(errs) == 0 && s > 1+1e-9 {
		errs = append(errs, fmt.Errorf("error rates: sum to %v, must be at most 1", s))
	}
	return errs
}

func (c *Config) fillDefaults() {
	if c.TruncateMode == "" {
		c.TruncateMode = TruncateCut
	}
	if c.Policy == "" {
		c.Policy = PolicyEcho
	}
	if c.RetryAfter == 0 {
		c.RetryAfter = DefaultRetryAfter
	}
	if c.TimeoutHang == 0 {
		c.TimeoutHang = DefaultTimeoutHang
	}
	if c.DefaultAnswer == "" {
		c.DefaultAnswer = DefaultAnswer
	}
	if c.Model == "" {
		c.Model = DefaultModel
	}
	if c.Seed == 0 {
		c.Seed = time.Now().UnixNano()
	}
	answers := make(map[string]string, len(c.Answers))
	for k, v := range c.Answers {
		answers[strings.TrimSpace(k)] = v
	}
	c.Answers = answers
}
