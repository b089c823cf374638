package exec

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// helperEnv selects what the test binary does when a test runs it as the
// command (TestMain): the tests exercise real processes.
const helperEnv = "LLMTB_EXEC_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helper(mode))
	}
	os.Exit(m.Run())
}

// helper is the fake model program.
func helper(mode string) int {
	switch mode {
	case "echo":
		var req provider.Request
		if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
			fmt.Fprintln(os.Stderr, "bad request:", err)
			return 2
		}
		last := ""
		if n := len(req.Messages); n > 0 {
			last = req.Messages[n-1].Content
		}
		out, _ := json.Marshal(map[string]any{
			"text": "echo: " + last, "finish_reason": "stop",
			"usage": map[string]any{"prompt_tokens": 3, "completion_tokens": 2},
		})
		os.Stdout.Write(out)
	case "dump":
		in, _ := io.ReadAll(os.Stdin)
		out, _ := json.Marshal(map[string]any{"text": string(in)})
		os.Stdout.Write(out)
	case "raw":
		for _, s := range []string{"Ol", "á!\n", "second line\n", "\n"} {
			os.Stdout.WriteString(s)
			time.Sleep(20 * time.Millisecond)
		}
	case "env":
		wd, _ := os.Getwd()
		out, _ := json.Marshal(map[string]any{"text": os.Getenv("HELPER_GREETING") + "|" + wd})
		os.Stdout.Write(out)
	case "fail":
		fmt.Fprint(os.Stderr, os.Getenv("HELPER_STDERR"))
		code, _ := strconv.Atoi(os.Getenv("HELPER_CODE"))
		return code
	case "stdout":
		fmt.Print(os.Getenv("HELPER_STDOUT"))
	case "selfkill":
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		time.Sleep(time.Second)
	case "sleep":
		time.Sleep(30 * time.Second)
	case "sleep-tree":
		// A grandchild that inherits stdout, as a script's interpreter would.
		child := exec.Command(os.Args[0])
		child.Env = append(os.Environ(), helperEnv+"=sleep")
		child.Stdout = os.Stdout
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if f := os.Getenv("HELPER_PIDFILE"); f != "" {
			os.WriteFile(f+".tmp", []byte(strconv.Itoa(child.Process.Pid)), 0o600)
			os.Rename(f+".tmp", f)
		}
		time.Sleep(30 * time.Second)
	default:
		fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
		return 1
	}
	return 0
}

// quote single-quotes s for a command line.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// helperClient runs this test binary in mode, with extra options.
func helperClient(t testing.TB, mode string, env map[string]any, opts map[string]any) *Client {
	t.Helper()
	e := map[string]any{helperEnv: mode}
	for k, v := range env {
		e[k] = v
	}
	o := map[string]any{"env": e}
	for k, v := range opts {
		o[k] = v
	}
	c, err := New(provider.Config{Vendor: Vendor, Model: quote(os.Args[0]), Options: o})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}
