package exec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"strings"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// errTooMuchOutput stops copying stdout past the limit.
var errTooMuchOutput = errors.New("too much output")

// Generate runs the command once (the caller retries) with the request on
// stdin and reads its answer from stdout.
func (c *Client) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	if req.Model == "" {
		req.Model = c.line
	}
	stdin, err := json.Marshal(req)
	if err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: encode request: %w", Vendor, err)}
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()

	out := &stdoutWriter{max: c.maxOutput, raw: c.raw, stream: c.raw && req.Stream, emit: emit, cancel: cancel}
	errTail := &tailBuffer{max: stderrKeep}
	cmd := osexec.CommandContext(ctx, c.path, c.args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), c.env...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout = out
	cmd.Stderr = errTail
	cmd.WaitDelay = waitDelay
	killGroup(cmd)

	runErr := cmd.Run()
	if out.emitErr != nil {
		return provider.Response{}, fmt.Errorf("%s: emit: %w", Vendor, out.emitErr)
	}
	if pe := c.runError(ctx, runErr, out, errTail); pe != nil {
		return provider.Response{}, pe
	}
	var resp provider.Response
	if c.raw {
		resp = provider.Response{Text: out.text()}
	} else if resp, err = c.parse(out.buf.Bytes()); err != nil {
		return provider.Response{}, err
	}
	if resp.Model == "" {
		resp.Model = req.Model
	}
	if !out.stream {
		if err := emit(provider.Chunk{Text: resp.Text}); err != nil {
			return resp, fmt.Errorf("%s: emit: %w", Vendor, err)
		}
	}
	return resp, nil
}

// runError classifies how the command ended; nil means it succeeded.
func (c *Client) runError(ctx context.Context, runErr error, out *stdoutWriter, errTail *tailBuffer) *provider.Error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &provider.Error{Kind: provider.KindTimeout, Err: fmt.Errorf("%s: %s killed after the timeout: %w%s", Vendor, c.line, context.DeadlineExceeded, c.stderr(errTail))}
	case ctx.Err() != nil && !out.tooMuch:
		return &provider.Error{Kind: provider.KindTransient, Err: fmt.Errorf("%s: %s: %w", Vendor, c.line, ctx.Err())}
	case out.tooMuch:
		return &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: %s printed more than %d bytes on stdout", Vendor, c.line, c.maxOutput)}
	case runErr == nil, errors.Is(runErr, osexec.ErrWaitDelay):
		// ErrWaitDelay: the command exited 0 but something it started
		// kept stdout open; what it printed is complete.
		return nil
	}
	var ee *osexec.ExitError
	if !errors.As(runErr, &ee) {
		// It could not be started (deleted since New, not executable).
		return &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: run %s: %s", Vendor, c.line, httpcall.Redact(runErr.Error(), c.secrets...))}
	}
	code := ee.ExitCode()
	kind := provider.KindTransient
	what := fmt.Sprintf("exited with status %d", code)
	switch code {
	case 2, 64, 65:
		kind = provider.KindBadRequest
	case -1:
		what = "was killed by " + signalName(ee)
	}
	return &provider.Error{Kind: kind, Err: fmt.Errorf("%s: %s %s%s", Vendor, c.line, what, c.stderr(errTail))}
}

// stderr is the redacted tail of the command's stderr for an error, "" when empty.
func (c *Client) stderr(t *tailBuffer) string {
	s := httpcall.Redact(t.String(), c.secrets...)
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if len(s) > stderrShown {
		cut := len(s) - stderrShown
		for cut < len(s) && s[cut]&0xC0 == 0x80 { // do not start inside a UTF-8 sequence
			cut++
		}
		s = "…" + s[cut:]
	}
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return "; stderr: " + strings.Join(lines, " | ")
}

// output is the JSON object a command prints.
type output struct {
	Text         *string   `json:"text"`
	Model        string    `json:"model"`
	FinishReason string    `json:"finish_reason"`
	Usage        *usage    `json:"usage"`
	Logprobs     []float64 `json:"logprobs"`
}

// usage takes bench.Usage's names and OpenAI's.
type usage struct {
	Prompt           float64 `json:"prompt"`
	Completion       float64 `json:"completion"`
	Cached           float64 `json:"cached"`
	Reasoning        float64 `json:"reasoning"`
	Total            float64 `json:"total"`
	PromptTokens     float64 `json:"prompt_tokens"`
	CompletionTokens float64 `json:"completion_tokens"`
	TotalTokens      float64 `json:"total_tokens"`
}

// parse reads the JSON object of a command's stdout.
func (c *Client) parse(data []byte) (provider.Response, error) {
	bad := func(format string, args ...any) error {
		shown := strings.Join(strings.Fields(httpcall.Redact(string(data), c.secrets...)), " ")
		if len(shown) > 200 {
			shown = shown[:200] + "…"
		}
		return &provider.Error{Kind: provider.KindBadRequest,
			Err: fmt.Errorf("%s: %s: %s (stdout starts %q); print {\"text\": \"...\"}, or set the option raw = true for plain text", Vendor, c.line, fmt.Sprintf(format, args...), shown)}
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return provider.Response{}, bad("printed nothing on stdout")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	var o output
	if err := dec.Decode(&o); err != nil {
		return provider.Response{}, bad("stdout is not a JSON object: %v", err)
	}
	if dec.More() {
		return provider.Response{}, bad("stdout has more after the JSON object")
	}
	if o.Text == nil {
		return provider.Response{}, bad("the JSON object has no \"text\"")
	}
	r := provider.Response{Text: *o.Text, Model: o.Model, RawFinishReason: o.FinishReason,
		FinishReason: mapFinish(o.FinishReason), Logprobs: o.Logprobs}
	if u := o.Usage; u != nil {
		r.Usage.Prompt = count(u.Prompt, u.PromptTokens)
		r.Usage.Completion = count(u.Completion, u.CompletionTokens)
		r.Usage.Cached = min(count(u.Cached, 0), r.Usage.Prompt)
		r.Usage.Reasoning = min(count(u.Reasoning, 0), r.Usage.Completion)
		r.Usage.Total = count(u.Total, u.TotalTokens)
		if r.Usage.Total == 0 {
			r.Usage.Total = r.Usage.Prompt + r.Usage.Completion
		}
	}
	return r, nil
}

// count is the first positive of a and b as a whole number, 0 when neither.
func count(a, b float64) int {
	for _, f := range []float64{a, b} {
		if f > 0 && f < 1<<31 {
			return int(f + 0.5)
		}
	}
	return 0
}

// mapFinish maps the usual finish words to the common vocabulary; others map to "".
func mapFinish(raw string) string {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "stop", "end_turn", "stop_sequence", "complete", "eos":
		return provider.FinishStop
	case "length", "max_tokens":
		return provider.FinishLength
	case "tool_calls", "tool_use":
		return provider.FinishToolCalls
	case "content_filter":
		return provider.FinishContentFilter
	case "error":
		return provider.FinishError
	}
	return ""
}

// stdoutWriter receives the command's stdout (from os/exec's copying
// goroutine). In raw streamed mode it emits text as it arrives, holding
// back trailing newlines until more text follows them; otherwise it keeps
// the output, up to max bytes.
type stdoutWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	max     int
	raw     bool
	stream  bool
	emit    func(provider.Chunk) error
	cancel  context.CancelFunc
	pending []byte // trailing newlines not emitted yet
	emitted strings.Builder
	tooMuch bool
	emitErr error
}

func (w *stdoutWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len()+len(p) > w.max {
		w.tooMuch = true
		w.cancel()
		return 0, errTooMuchOutput
	}
	w.buf.Write(p)
	if !w.stream {
		return len(p), nil
	}
	body := bytes.TrimRight(p, "\r\n")
	if len(body) == 0 {
		w.pending = append(w.pending, p...)
		return len(p), nil
	}
	chunk := string(w.pending) + string(body)
	w.pending = append(w.pending[:0], p[len(body):]...)
	w.emitted.WriteString(chunk)
	if err := w.emit(provider.Chunk{Text: chunk}); err != nil {
		w.emitErr = err
		w.cancel()
		return 0, err
	}
	return len(p), nil
}

// text is the raw answer: what was emitted, or the output without its
// trailing newlines.
func (w *stdoutWriter) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stream {
		return w.emitted.String()
	}
	return string(bytes.TrimRight(w.buf.Bytes(), "\r\n"))
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if len(p) >= t.max {
		t.b = append(t.b[:0], p[len(p)-t.max:]...)
		return n, nil
	}
	if over := len(t.b) + len(p) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	t.b = append(t.b, p...)
	return n, nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
