package exec

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

var hello = []bench.Message{{Role: bench.RoleSystem, Content: "Be brief."}, {Role: bench.RoleUser, Content: "Say hi in Portuguese"}}

func discard(provider.Chunk) error { return nil }

func ptr[T any](v T) *T { return &v }

func TestGenerateJSON(t *testing.T) {
	t.Parallel()
	c := helperClient(t, "echo", nil, nil)
	for _, stream := range []bool{false, true} {
		var chunks []string
		resp, err := c.Generate(t.Context(), provider.Request{Messages: hello, Stream: stream}, func(ch provider.Chunk) error {
			chunks = append(chunks, ch.Text)
			return nil
		})
		if err != nil {
			t.Fatalf("Generate: %v", err)
		}
		want := provider.Response{Text: "echo: Say hi in Portuguese", Model: c.line, FinishReason: provider.FinishStop, RawFinishReason: "stop",
			Usage: bench.Usage{Prompt: 3, Completion: 2, Total: 5}}
		if diff := cmp.Diff(want, resp); diff != "" {
			t.Errorf("stream=%v response (-want +got):\n%s", stream, diff)
		}
		if diff := cmp.Diff([]string{want.Text}, chunks); diff != "" {
			t.Errorf("stream=%v chunks (-want +got):\n%s", stream, diff)
		}
	}
}

// TestGenerateStdin checks the request JSON the command receives.
func TestGenerateStdin(t *testing.T) {
	t.Parallel()
	c := helperClient(t, "dump", nil, nil)
	req := provider.Request{
		Model:    "my-model",
		Messages: []bench.Message{{Role: "user", Content: "look", Parts: []bench.Part{{Type: bench.PartImage, MediaType: "image/png", Data: []byte{0x89, 'P'}}}}},
		Sampling: provider.Sampling{Temperature: ptr(0.2), MaxTokens: ptr(10), Stop: []string{"END"}, Seed: ptr(1), Logprobs: true},
		Extra:    map[string]any{"k": "v"},
	}
	resp, err := c.Generate(t.Context(), req, discard)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(resp.Text), &got); err != nil {
		t.Fatalf("stdin is not JSON: %v\n%s", err, resp.Text)
	}
	want := map[string]any{
		"model": "my-model",
		"messages": []any{map[string]any{"role": "user", "content": "look", "parts": []any{
			map[string]any{"type": "image", "media_type": "image/png", "data": "iVA="},
		}}},
		"sampling": map[string]any{"temperature": 0.2, "max_tokens": 10.0, "stop": []any{"END"}, "seed": 1.0, "logprobs": true},
		"stream":   false,
		"extra":    map[string]any{"k": "v"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stdin (-want +got):\n%s", diff)
	}
	if resp.Model != "my-model" {
		t.Errorf("model %q, want the request's", resp.Model)
	}
}

func TestGenerateRaw(t *testing.T) {
	t.Parallel()
	c := helperClient(t, "raw", nil, map[string]any{"raw": true})
	tests := []struct {
		stream bool
		chunks []string
	}{
		{false, []string{"Olá!\nsecond line"}},
		{true, []string{"Ol", "á!", "\nsecond line"}},
	}
	for _, tt := range tests {
		var chunks []string
		var at []time.Time
		resp, err := c.Generate(t.Context(), provider.Request{Messages: hello, Stream: tt.stream}, func(ch provider.Chunk) error {
			chunks = append(chunks, ch.Text)
			at = append(at, time.Now())
			return nil
		})
		if err != nil {
			t.Fatalf("stream=%v Generate: %v", tt.stream, err)
		}
		if resp.Text != "Olá!\nsecond line" {
			t.Errorf("stream=%v text %q", tt.stream, resp.Text)
		}
		// Writes may coalesce on a loaded machine: what must hold is that
		// the chunks spell the text, split only between runes, and are the
		// writes themselves when the reader keeps up.
		if strings.Join(chunks, "") != resp.Text || len(chunks) > len(tt.chunks) {
			t.Errorf("stream=%v chunks %q do not spell %q", tt.stream, chunks, resp.Text)
		}
		for _, ch := range chunks {
			if !utf8.ValidString(ch) {
				t.Errorf("stream=%v chunk %q splits a rune", tt.stream, ch)
			}
		}
		if len(chunks) == len(tt.chunks) {
			if diff := cmp.Diff(tt.chunks, chunks); diff != "" {
				t.Errorf("stream=%v chunks (-want +got):\n%s", tt.stream, diff)
			}
		}
		if tt.stream && len(at) == 3 && at[2].Sub(at[0]) < 20*time.Millisecond {
			t.Errorf("streamed chunks arrived together (%v apart), not as written", at[2].Sub(at[0]))
		}
	}
}

func TestGenerateEnvAndDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := helperClient(t, "env", map[string]any{"HELPER_GREETING": "olá"}, map[string]any{"dir": dir})
	resp, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	wantDir, _ := filepath.EvalSymlinks(dir)
	greeting, gotDir, _ := strings.Cut(resp.Text, "|")
	gotDir, _ = filepath.EvalSymlinks(gotDir)
	if greeting != "olá" || gotDir != wantDir {
		t.Errorf("text %q, want greeting olá and dir %s", resp.Text, wantDir)
	}
}

func TestGenerateScript(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := "#!/bin/sh\ncat >/dev/null\nprintf '%s|' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "my model.sh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := New(provider.Config{Vendor: Vendor, Model: `'./my model.sh' --flag "a b" c\ d $HOME`,
		Options: map[string]any{"dir": dir, "raw": true}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	resp, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if want := "--flag|a b|c d|$HOME|"; resp.Text != want {
		t.Errorf("text %q, want %q", resp.Text, want)
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-value-0123456789"
	long := strings.Repeat("x", 3000) + "\nlast words"
	tests := []struct {
		name     string
		mode     string
		env      map[string]any
		opts     map[string]any
		max      int
		wantKind provider.Kind
		wantIn   []string
		notIn    []string
	}{
		{"exit 2 is bad_request", "fail", map[string]any{"HELPER_CODE": "2", "HELPER_STDERR": "usage: model.py PROMPT\n"}, nil, 0, provider.KindBadRequest,
			[]string{"exited with status 2", "stderr: usage: model.py PROMPT"}, nil},
		{"exit 65 is bad_request", "fail", map[string]any{"HELPER_CODE": "65"}, nil, 0, provider.KindBadRequest, []string{"status 65"}, []string{"stderr"}},
		{"exit 1 is transient", "fail", map[string]any{"HELPER_CODE": "1", "HELPER_STDERR": "Traceback:\n  boom\nRuntimeError: CUDA out of memory\n"}, nil, 0, provider.KindTransient,
			[]string{"exited with status 1", "Traceback: | boom | RuntimeError: CUDA out of memory"}, nil},
		{"stderr tail is bounded", "fail", map[string]any{"HELPER_CODE": "1", "HELPER_STDERR": long}, nil, 0, provider.KindTransient,
			[]string{"…x", "| last words"}, []string{strings.Repeat("x", 1001)}},
		{"secrets redacted", "fail", map[string]any{"HELPER_CODE": "3", "MODEL_API_KEY": secret, "HELPER_STDERR": "auth failed for key " + secret + "\nAuthorization: Bearer abc.def\n"}, nil, 0, provider.KindTransient,
			[]string{"[redacted]"}, []string{secret, "abc.def"}},
		{"killed by a signal", "selfkill", nil, nil, 0, provider.KindTransient, []string{"killed by signal terminated"}, nil},
		{"not JSON", "stdout", map[string]any{"HELPER_STDOUT": "Olá!"}, nil, 0, provider.KindBadRequest, []string{"stdout is not a JSON object", `"Olá!"`, "raw = true"}, nil},
		{"no text", "stdout", map[string]any{"HELPER_STDOUT": `{"answer":"x"}`}, nil, 0, provider.KindBadRequest, []string{`has no "text"`}, nil},
		{"nothing printed", "stdout", map[string]any{"HELPER_STDOUT": "\n"}, nil, 0, provider.KindBadRequest, []string{"printed nothing"}, nil},
		{"trailing output", "stdout", map[string]any{"HELPER_STDOUT": `{"text":"a"} {"text":"b"}`}, nil, 0, provider.KindBadRequest, []string{"more after the JSON object"}, nil},
		{"too much output", "stdout", map[string]any{"HELPER_STDOUT": strings.Repeat("y", 5000)}, nil, 100, provider.KindBadRequest, []string{"more than 100 bytes"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := helperClient(t, tt.mode, tt.env, tt.opts)
			if tt.max > 0 {
				c.maxOutput = tt.max
			}
			_, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
			pe := provider.AsError(err)
			if pe == nil {
				t.Fatalf("Generate error = %v, want a *provider.Error", err)
			}
			if pe.Kind != tt.wantKind {
				t.Errorf("kind %s, want %s (%v)", pe.Kind, tt.wantKind, err)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			for _, s := range tt.notIn {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q contains %q", err, s)
				}
			}
		})
	}
}

// TestTimeoutKillsProcessGroup runs a command whose child keeps stdout
// open: the timeout must kill both at once, not wait for the pipe.
func TestTimeoutKillsProcessGroup(t *testing.T) {
	t.Parallel()
	pidFile := filepath.Join(t.TempDir(), "grandchild.pid")
	c := helperClient(t, "sleep-tree", map[string]any{"HELPER_PIDFILE": pidFile}, map[string]any{"timeout": "1500ms"})
	start := time.Now()
	_, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	elapsed := time.Since(start)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTimeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Generate error = %v, want timeout", err)
	}
	if elapsed > 1500*time.Millisecond+waitDelay/2 {
		t.Errorf("Generate took %v: the grandchild was not killed with the group", elapsed)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("grandchild pid: %v", err)
	}
	pid, _ := strconv.Atoi(string(data))
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("grandchild %d still alive after the timeout", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	c := helperClient(t, "sleep", nil, nil)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := c.Generate(ctx, provider.Request{Messages: hello}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTransient || !errors.Is(err, context.Canceled) {
		t.Fatalf("Generate error = %v, want transient wrapping context.Canceled", err)
	}
}

func TestEmitError(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	for _, raw := range []bool{false, true} {
		mode := map[bool]string{false: "echo", true: "raw"}[raw]
		c := helperClient(t, mode, nil, map[string]any{"raw": raw})
		_, err := c.Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, func(provider.Chunk) error { return stop })
		if !errors.Is(err, stop) {
			t.Errorf("raw=%v: Generate error = %v, want the emit error", raw, err)
		}
	}
}

func TestParseOutput(t *testing.T) {
	t.Parallel()
	c := &Client{line: "m"}
	tests := []struct {
		out  string
		want provider.Response
	}{
		{`{"text":"a"}`, provider.Response{Text: "a"}},
		{`{"text":"","finish_reason":"length"}`, provider.Response{FinishReason: provider.FinishLength, RawFinishReason: "length"}},
		{`  {"text":"a","model":"tiny","usage":{"prompt":10,"completion":5,"cached":20,"reasoning":2},"logprobs":[-0.5]}` + "\n",
			provider.Response{Text: "a", Model: "tiny", Usage: bench.Usage{Prompt: 10, Completion: 5, Cached: 10, Reasoning: 2, Total: 15}, Logprobs: []float64{-0.5}}},
		{`{"text":"a","usage":{"prompt_tokens":4,"completion_tokens":1,"total_tokens":6},"finish_reason":"custom"}`,
			provider.Response{Text: "a", RawFinishReason: "custom", Usage: bench.Usage{Prompt: 4, Completion: 1, Total: 6}}},
	}
	for _, tt := range tests {
		got, err := c.parse([]byte(tt.out))
		if err != nil {
			t.Fatalf("parse(%s): %v", tt.out, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parse(%s) (-want +got):\n%s", tt.out, diff)
		}
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notexec.sh"), []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		model  string
		opts   map[string]any
		wantIn string
	}{
		{"no command", "  ", nil, "no command"},
		{"unterminated quote", `python3 'model.py`, nil, "unterminated ' quote"},
		{"not in PATH", "no-such-model-program-xyz", nil, "not found in PATH"},
		{"missing file", "./missing.sh", map[string]any{"dir": dir}, "is not an executable file"},
		{"not executable", "./notexec.sh", map[string]any{"dir": dir}, "is not an executable file"},
		{"unknown option", "sh", map[string]any{"cwd": "/"}, "option cwd: unknown to the exec provider (known: dir, env, raw, timeout)"},
		{"dir missing", "sh", map[string]any{"dir": filepath.Join(dir, "nope")}, "is not a directory"},
		{"env not a table", "sh", map[string]any{"env": "A=b"}, "option env: want a table"},
		{"env bad name", "sh", map[string]any{"env": map[string]any{"A=B": "c"}}, "not a variable name"},
		{"env bad value", "sh", map[string]any{"env": map[string]any{"A": []any{1}}}, "want a string, number or boolean"},
		{"bad timeout", "sh", map[string]any{"timeout": "soon"}, "option timeout"},
		{"negative timeout", "sh", map[string]any{"timeout": -1.0}, "positive"},
		{"raw not a bool", "sh", map[string]any{"raw": "yes"}, "option raw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(provider.Config{Vendor: Vendor, Model: tt.model, Options: tt.opts})
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("New error = %v, want %q", err, tt.wantIn)
			}
		})
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	c, err := New(provider.Config{Vendor: Vendor, Model: "sh -c 'cat'", Timeout: time.Minute,
		Options: map[string]any{"timeout": int64(5), "env": map[string]any{"N": int64(3), "B": true, "F": 0.5}, "raw": true}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if c.timeout != 5*time.Second || !c.raw || !cmp.Equal(c.env, []string{"B=true", "F=0.5", "N=3"}) || !cmp.Equal(c.args, []string{"-c", "cat"}) {
		t.Errorf("client %+v", c)
	}
	if err := c.CheckInput(bench.Part{Type: bench.PartAudio, MediaType: "audio/wav"}); err != nil {
		t.Errorf("CheckInput(audio) = %v", err)
	}
}
