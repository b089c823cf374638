// Package sdktest drives the vendors' official SDKs (npm packages pinned in
// package.json and package-lock.json) against the simulator, to prove that
// `llm-test-bench simulate` stands in for each vendor with the SDK's
// default settings: chat, streams with usage, embeddings, tool calls
// (streamed and not, parsed by the SDK, and the text answer to their
// results), 429s retried as the SDK retries them, and cut answers
// surfacing as connection failures.
//
// The test installs the SDKs once per lockfile into
// $HOME/.cache/llm-test-bench/sdktest/ and runs harness.mjs with Node.js
// (20 or later). It is skipped when node or npm is missing or too old,
// except under CI=true, where that fails it.
package sdktest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
)

// prompt is what the harness asks; the echo policy answers it back.
const prompt = "one two three four five six seven eight"

// retryAfter is the simulated rate limit's retry hint.
const retryAfter = time.Second

// outcome is one scenario's result as harness.mjs reports it.
type outcome struct {
	OK      bool   `json:"ok"`
	Ms      int64  `json:"ms"`
	Text    string `json:"text"`
	Count   int    `json:"count"`
	Dim     int    `json:"dim"`
	Class   string `json:"class"`
	Status  int    `json:"status"`
	Message string `json:"message"`
	Cause   string `json:"cause"`
	Finish  string `json:"finish"`
	Calls   []call `json:"calls"`
	Usage   *struct {
		Input  int `json:"input"`
		Output int `json:"output"`
	} `json:"usage"`
}

// call is a tool call as the SDK parsed it, its arguments as compact JSON
// with sorted keys.
type call struct {
	Name string `json:"name"`
	Args string `json:"args"`
}

// wantCalls are the calls the tools simulator is scripted to make.
var wantCalls = []call{{"add", `{"a":2,"b":3}`}, {"multiply", `{"a":2,"b":3}`}}

// sdkCase is what one SDK must do, as it does against the real service.
type sdkCase struct {
	name string
	// rateLimitClass is the SDK's error class for a 429.
	rateLimitClass string
	// attempts is how many calls the SDK makes by default before it gives
	// up on a 429: 3 for those that retry twice, 1 for those that do not
	// retry (Gemini's and Ollama's).
	attempts uint64
	// hinted is set when the SDK waits the Retry-After the simulator sends.
	hinted bool
	// embeds is set when the SDK's wire has embeddings.
	embeds bool
	// extra checks the SDK's other calls (Responses API, token counts).
	extra func(t *testing.T, r map[string]outcome)
	// callsFinish and textFinish are the finish reasons of an answer with
	// tool calls and of the text answer to their results, as the SDK
	// reports them.
	callsFinish, textFinish string
}

var sdkCases = []sdkCase{
	{name: "openai", rateLimitClass: "RateLimitError", attempts: 3, hinted: true, embeds: true, callsFinish: "tool_calls", textFinish: "stop",
		extra: func(t *testing.T, r map[string]outcome) {
			for _, k := range []string{"responses", "responsesStream"} {
				checkAnswer(t, k, r[k])
			}
			for _, k := range []string{"responsesTool", "responsesToolStream"} {
				checkCalls(t, k, r[k], "")
			}
		}},
	{name: "anthropic", rateLimitClass: "RateLimitError", attempts: 3, hinted: true, callsFinish: "tool_use", textFinish: "end_turn", extra: func(t *testing.T, r map[string]outcome) {
		if c := r["countTokens"]; !c.OK || c.Count != r["chat"].Usage.Input {
			t.Errorf("countTokens %+v, want the chat's %d input tokens", c, r["chat"].Usage.Input)
		}
	}},
	{name: "gemini", rateLimitClass: "ApiError", attempts: 1, embeds: true, callsFinish: "STOP", textFinish: "STOP", extra: func(t *testing.T, r map[string]outcome) {
		if c := r["countTokens"]; !c.OK || c.Count != r["chat"].Usage.Input {
			t.Errorf("countTokens %+v, want the chat's %d input tokens", c, r["chat"].Usage.Input)
		}
	}},
	{name: "ollama", rateLimitClass: "ResponseError", attempts: 1, embeds: true, callsFinish: "stop", textFinish: "stop", extra: func(t *testing.T, r map[string]outcome) {
		checkAnswer(t, "generate", r["generate"])
		if i := r["info"]; !i.OK || !strings.Contains(i.Text, "simulator") || i.Count != 1 || i.Dim != simulator.EmbedDimensions {
			t.Errorf("version, ps, show and legacy embeddings %+v", i)
		}
	}},
	{name: "cohere", rateLimitClass: "TooManyRequestsError", attempts: 3, hinted: true, embeds: true, callsFinish: "TOOL_CALL", textFinish: "COMPLETE", extra: func(t *testing.T, r map[string]outcome) {
		if c := r["rerank"]; !c.OK || c.Count != 2 || c.Text != "1" {
			t.Errorf("rerank %+v, want the second document first", c)
		}
	}},
	// The AWS SDK retries throttling with its own backoff: Bedrock sends
	// no retry hint.
	{name: "bedrock", rateLimitClass: "ThrottlingException", attempts: 3, callsFinish: "tool_use", textFinish: "end_turn",
		extra: func(t *testing.T, r map[string]outcome) {
			checkAnswer(t, "invoke", r["invoke"])
			checkCalls(t, "invokeTool", r["invokeTool"], "tool_use")
		}},
}

// connectionFailure matches how each SDK words a dropped connection: Node's
// fetch ("terminated", "other side closed"), the Anthropic SDK's
// APIConnectionError, and HTTP/2's reset stream for the AWS SDK.
var connectionFailure = regexp.MustCompile(`terminated|other side closed|Connection error|NGHTTP2_INTERNAL_ERROR|ECONNRESET|socket hang up`)

func TestOfficialSDKs(t *testing.T) {
	dir := installSDKs(t)
	for _, sc := range sdkCases {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			ok := startSim(t, simulator.Config{Seed: 1})
			limited := startSim(t, simulator.Config{Seed: 2, Errors: simulator.ErrorRates{RateLimit: 1}, RetryAfter: retryAfter})
			cut := startSim(t, simulator.Config{Seed: 3, Errors: simulator.ErrorRates{Truncate: 1}})
			var script []simulator.ToolCall
			for _, c := range wantCalls {
				script = append(script, simulator.ToolCall{Name: c.Name, Arguments: c.Args})
			}
			tools := startSim(t, simulator.Config{Seed: 4, ToolCalls: script})
			r := runHarness(t, dir, sc.name, ok.url, limited.url, cut.url, tools.url)

			checkCalls(t, "toolCall", r["toolCall"], sc.callsFinish)
			checkCalls(t, "toolStream", r["toolStream"], sc.callsFinish)
			if o := r["toolResult"]; !o.OK || o.Text != "5\n6" || o.Finish != sc.textFinish {
				t.Errorf("toolResult %+v, want the text %q finished %q", o, "5\n6", sc.textFinish)
			}

			checkAnswer(t, "chat", r["chat"])
			checkAnswer(t, "stream", r["stream"])
			if sc.embeds {
				if e := r["embed"]; !e.OK || e.Count != 2 || e.Dim != simulator.EmbedDimensions {
					t.Errorf("embed %+v, want 2 vectors of %d", e, simulator.EmbedDimensions)
				}
			}
			if sc.extra != nil {
				sc.extra(t, r)
			}

			rl := r["rateLimit"]
			if rl.OK || rl.Class != sc.rateLimitClass || rl.Status != 429 {
				t.Errorf("rate limit %+v, want a %s with status 429", rl, sc.rateLimitClass)
			}
			if got := limited.sim.Stats().Errors.RateLimit; got != sc.attempts {
				t.Errorf("%d calls answered 429, want %d", got, sc.attempts)
			}
			if min := time.Duration(sc.attempts-1) * retryAfter; sc.hinted && time.Duration(rl.Ms)*time.Millisecond < min {
				t.Errorf("gave up after %dms, want at least %v of waits for Retry-After", rl.Ms, min)
			}

			for _, k := range []string{"cutStream", "cutAnswer"} {
				c := r[k]
				if c.OK || !connectionFailure.MatchString(c.Message+" "+c.Cause) {
					t.Errorf("%s %+v, want a connection failure", k, c)
				}
			}
			if c := r["cutStream"]; c.Text == "" || !strings.HasPrefix(prompt, c.Text) || c.Text == prompt {
				t.Errorf("cut stream delivered %q, want a first part of %q", c.Text, prompt)
			}
			if st := cut.sim.Stats(); st.Errors.Truncate < 2 || st.Answered != 0 {
				t.Errorf("cut simulator stats %+v", st)
			}
		})
	}
}

// checkAnswer checks an answer (streamed or not) echoes the prompt with usage.
func checkAnswer(t *testing.T, name string, o outcome) {
	t.Helper()
	if !o.OK || o.Text != prompt || o.Usage == nil || o.Usage.Input == 0 || o.Usage.Output != 8 {
		t.Errorf("%s %+v, want %q with usage of 8 output tokens", name, o, prompt)
	}
}

// checkCalls checks the SDK parsed the scripted calls (and, unless want
// is empty, the finish reason).
func checkCalls(t *testing.T, name string, o outcome, finish string) {
	t.Helper()
	if !o.OK || !slices.Equal(o.Calls, wantCalls) || (finish != "" && o.Finish != finish) {
		t.Errorf("%s %+v, want the calls %v finished %q", name, o, wantCalls, finish)
	}
}

type sim struct {
	sim *simulator.Server
	url string // the root URL every SDK takes
}

func startSim(t *testing.T, cfg simulator.Config) sim {
	t.Helper()
	s, err := simulator.New(cfg)
	if err != nil {
		t.Fatalf("new simulator: %v", err)
	}
	url, err := s.Start(t.Context(), "127.0.0.1:0")
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return sim{sim: s, url: strings.TrimSuffix(url, "/v1")}
}

// runHarness runs harness.mjs for one SDK and decodes its report.
func runHarness(t *testing.T, dir, sdk, ok, limited, cut, tools string) map[string]outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "harness.mjs"), sdk)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SIM_OK="+ok, "SIM_LIMITED="+limited, "SIM_CUT="+cut, "SIM_TOOLS="+tools, "NODE_NO_WARNINGS=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node harness.mjs %s: %v\n%s", sdk, err, stderr.String())
	}
	var r map[string]outcome
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("harness report %q: %v\n%s", stdout.String(), err, stderr.String())
	}
	return r
}

// installSDKs installs the pinned SDKs into a cache directory named after
// the lockfile, once, and puts the harness beside them. It skips the test
// when node or npm is missing, or fails it under CI=true.
func installSDKs(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required under CI=true: %v", tool, err)
			}
			t.Skipf("%s not found: %v", tool, err)
		}
	}
	if out, err := exec.CommandContext(t.Context(), "node", "--version").Output(); err != nil || nodeMajor(string(out)) < minNode {
		msg := fmt.Sprintf("node %s (%v): the pinned SDKs need Node.js %d or later", strings.TrimSpace(string(out)), err, minNode)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	lock, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := os.ReadFile("package.json")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(append(pkg, lock...))
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatalf("home directory for the SDK cache: %v", err)
	}
	dir := filepath.Join(home, ".cache", "llm-test-bench", "sdktest", hex.EncodeToString(sum[:6]))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err != nil {
		if err := npmInstall(t, dir, pkg, lock); err != nil {
			t.Fatalf("install the official SDKs into %s: %v", dir, err)
		}
	}
	harness, err := os.ReadFile("harness.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(filepath.Join(dir, "harness.mjs"), harness); err != nil {
		t.Fatal(err)
	}
	return dir
}

// minNode is the oldest Node.js major version every pinned SDK supports
// (@google/genai and the AWS SDK need 20).
const minNode = 20

// nodeMajor reads the major version of `node --version` ("v20.20.2"), or 0.
func nodeMajor(v string) int {
	major, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(v), "v"), ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return 0
	}
	return n
}

// npmInstall runs npm ci in a fresh directory beside dir and renames it to
// dir, so a run that stops half-way leaves no broken install behind.
func npmInstall(t *testing.T, dir string, pkg, lock []byte) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for name, b := range map[string][]byte{"package.json": pkg, "package-lock.json": lock} {
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci: %w\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, os.ErrExist) {
		if _, statErr := os.Stat(dir); statErr == nil {
			return nil // another run installed it first
		}
		return err
	}
	return nil
}

func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".harness-")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}
