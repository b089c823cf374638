// Package exec is the "exec" provider: each call runs a local command that
// reads the request on stdin and writes the answer on stdout. It registers
// the vendor "exec"; ids look like "exec:./my-model.sh" or
// "exec:python3 model.py --temperature 0", the model part being the
// command line.
//
// # Command line
//
// The command line is split into words as a POSIX shell splits a simple
// command (see Split), but no shell runs: quotes group words ('my model.py'
// or "my model.py"), a backslash escapes one character, and $VAR, ~, globs,
// pipes and redirections are not interpreted. To use shell features, run a
// shell explicitly: exec:sh -c 'python3 model.py 2>/dev/null'. A first
// word without a slash is looked up in PATH; one with a slash is a path,
// relative to the "dir" option (or the working directory). The command must
// exist and be executable when the provider is built.
//
// # Protocol
//
// The command receives the provider.Request as JSON on stdin:
//
//	{"model": "...", "messages": [{"role": "user", "content": "...", "parts": [...]}],
//	 "sampling": {"temperature": 0.2, "max_tokens": 100, ...}, "stream": false, "extra": {...}}
//
// (parts carry images and audio with base64 "data", which this provider
// passes through whatever their type). It answers on stdout with one JSON
// object:
//
//	{"text": "the answer", "finish_reason": "stop", "model": "my-model",
//	 "usage": {"prompt": 12, "completion": 3, "cached": 0, "reasoning": 0, "total": 15},
//	 "logprobs": [-0.1, -0.02]}
//
// where only "text" is required; usage also takes OpenAI's names
// (prompt_tokens, completion_tokens, total_tokens), and finish_reason is
// mapped to the common vocabulary when it is one of the usual words. With
// the option raw = true, stdout is the answer itself, as plain text, with
// trailing newlines removed; a streamed request then emits the output as
// the command writes it, so time-to-first-token is measured.
//
// # Exit status
//
// Exit status 0 is success. Any other status fails the call with the tail
// of stderr (the last 1000 bytes, keys and secret-looking env values
// redacted) in the error. Status 2 (the usual "bad usage"), 64 (EX_USAGE)
// and 65 (EX_DATAERR) mean the request itself is wrong: the error kind is
// bad_request and the runner does not retry. Every other status, and a
// death by a signal the provider did not send, is transient and may be
// retried. Output that is not the JSON object above (in JSON mode) is a
// bad_request too: the command, not the moment, needs fixing.
//
// # Options
//
//   - dir: the working directory of the command.
//   - env: a table of extra environment variables; the command otherwise
//     inherits the environment of llm-test-bench.
//   - timeout: a duration ("30s") or a number of seconds; it overrides the
//     provider's timeout. When it expires, or the run is cancelled, the
//     command's whole process group is killed.
//   - raw: true to read stdout as plain text (see above).
package exec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
)

// Vendor is the registered vendor name.
const Vendor = "exec"

// Limits on what a command may print.
const (
	defaultMaxOutput = 32 << 20
	stderrKeep       = 8 << 10 // stderr bytes kept, redacted before the tail is cut
	stderrShown      = 1000    // stderr bytes shown in an error
)

// waitDelay bounds how long a finished command's descendants may hold its
// stdout or stderr open before the pipes are closed.
const waitDelay = 2 * time.Second

func init() {
	provider.Register(provider.Vendor{
		Name: Vendor,
		New: func(cfg provider.Config) (provider.Provider, error) {
			return New(cfg)
		},
	})
}

var (
	_ provider.Provider     = (*Client)(nil)
	_ provider.InputChecker = (*Client)(nil)
)

// Client runs one command per call. It is safe for concurrent use.
type Client struct {
	line    string   // the command line as given
	path    string   // the resolved program
	args    []string // the arguments after the program
	dir     string
	env     []string
	timeout time.Duration
	raw     bool
	secrets []string
	// maxOutput bounds stdout; tests lower it.
	maxOutput int
}

// optionNames are the names New understands in cfg.Options.
var optionNames = []string{"dir", "env", "raw", "timeout"}

// New builds a client for the command line cfg.Model (see the package
// documentation for the options).
func New(cfg provider.Config) (*Client, error) {
	if err := options.Check(Vendor, cfg.Options, optionNames); err != nil {
		return nil, err
	}
	c := &Client{line: strings.TrimSpace(cfg.Model), timeout: cfg.Timeout, maxOutput: defaultMaxOutput}
	if cfg.APIKey != "" {
		c.secrets = append(c.secrets, cfg.APIKey)
	}
	if err := c.readOptions(cfg.Options); err != nil {
		return nil, err
	}
	words, err := Split(c.line)
	if err != nil {
		return nil, fmt.Errorf("command %q: %w", c.line, err)
	}
	if len(words) == 0 || words[0] == "" {
		return nil, errors.New("no command: write the command line after the vendor, as in exec:./my-model.sh or exec:python3 model.py")
	}
	if c.path, err = c.resolve(words[0]); err != nil {
		return nil, err
	}
	c.args = words[1:]
	return c, nil
}

// readOptions reads dir, env, timeout and raw.
func (c *Client) readOptions(opts map[string]any) error {
	if v, ok := opts["dir"]; ok && v != nil {
		s, isString := v.(string)
		if !isString || s == "" {
			return fmt.Errorf("option dir: want a directory path, got %v", v)
		}
		if fi, err := os.Stat(s); err != nil || !fi.IsDir() {
			return fmt.Errorf("option dir: %q is not a directory", s)
		}
		c.dir = s
	}
	if v, ok := opts["env"]; ok && v != nil {
		m, isMap := v.(map[string]any)
		if !isMap {
			return fmt.Errorf("option env: want a table of variable names and values, got %T", v)
		}
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if k == "" || strings.ContainsAny(k, "=\x00") {
				return fmt.Errorf("option env: %q is not a variable name", k)
			}
			val, err := envValue(m[k])
			if err != nil {
				return fmt.Errorf("option env: %s: %w", k, err)
			}
			c.env = append(c.env, k+"="+val)
			if looksSecret(k) && len(val) >= 4 {
				c.secrets = append(c.secrets, val)
			}
		}
	}
	if v, ok := opts["timeout"]; ok && v != nil {
		d, err := durationOption(v)
		if err != nil {
			return fmt.Errorf("option timeout: %w", err)
		}
		c.timeout = d
	}
	raw, err := options.Bool(opts, "raw")
	if err != nil {
		return err
	}
	c.raw = raw != nil && *raw
	return nil
}

// envValue renders an env option value: a string, number or boolean.
func envValue(v any) (string, error) {
	switch x := v.(type) {
	case string:
		if strings.ContainsRune(x, 0) {
			return "", errors.New("value contains a NUL byte")
		}
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("want a string, number or boolean, got %T", v)
}

// looksSecret reports whether an env variable name suggests a secret value.
func looksSecret(name string) bool {
	n := strings.ToUpper(name)
	for _, s := range []string{"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// durationOption reads a duration: text such as "30s", or seconds as a number.
func durationOption(v any) (time.Duration, error) {
	var d time.Duration
	switch x := v.(type) {
	case string:
		var err error
		if d, err = time.ParseDuration(strings.TrimSpace(x)); err != nil {
			return 0, fmt.Errorf("want a duration such as \"30s\", got %q", x)
		}
	case int:
		d = time.Duration(x) * time.Second
	case int64:
		d = time.Duration(x) * time.Second
	case float64:
		if math.IsNaN(x) || x > 1e9 {
			return 0, fmt.Errorf("want a number of seconds, got %v", x)
		}
		d = time.Duration(x * float64(time.Second))
	default:
		return 0, fmt.Errorf("want a duration such as \"30s\" or a number of seconds, got %T", v)
	}
	if d <= 0 {
		return 0, fmt.Errorf("want a positive duration, got %v", v)
	}
	return d, nil
}

// resolve finds the program: a bare name in PATH, a path relative to dir.
func (c *Client) resolve(name string) (string, error) {
	if !strings.ContainsRune(name, filepath.Separator) && !strings.ContainsRune(name, '/') {
		p, err := osexec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("command %q: %q not found in PATH (give a path such as ./%s for a file)", c.line, name, name)
		}
		return p, nil
	}
	p := name
	if !filepath.IsAbs(p) && c.dir != "" {
		p = filepath.Join(c.dir, p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("command %q: %w", c.line, err)
	}
	if _, err := osexec.LookPath(abs); err != nil {
		return "", fmt.Errorf("command %q: %s is not an executable file (check the path, relative to the dir option or the working directory, and its x permission)", c.line, abs)
	}
	return abs, nil
}

// CheckInput accepts every image and audio input: they are passed to the
// command in the request JSON, and what it does with them is its business.
func (c *Client) CheckInput(p bench.Part) error {
	if p.Type == bench.PartImage || p.Type == bench.PartAudio {
		return nil
	}
	return provider.Unsupported(Vendor, p)
}

func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout > 0 {
		return context.WithTimeout(ctx, c.timeout)
	}
	return context.WithCancel(ctx)
}
