package serve_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readmeBlocks returns the ```sh blocks of README.md's "## API server"
// section, in order.
func readmeBlocks(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "\n## API server\n")
	if start < 0 {
		t.Fatal(`README.md has no "## API server" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// readmeScript turns the README's blocks into one bash script: the
// README's own lines, with 127.0.0.1:8080 a free port and the serve line
// run in the background until the server answers. `llm-test-bench` is the
// built binary, found on PATH; it reads the test's configuration from
// ./llm-test-bench.toml and its database from LTB_STORAGE__DATABASE_URL.
func readmeScript(t *testing.T, addr string) string {
	t.Helper()
	blocks := readmeBlocks(t)
	if len(blocks) < 3 {
		t.Fatalf("README's API server section has %d sh blocks, want 3 (start, first admin and token, benchmark)", len(blocks))
	}
	var sb strings.Builder
	sb.WriteString(`set -euo pipefail
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null || true' EXIT
`)
	served := false
	for _, block := range blocks {
		block = strings.ReplaceAll(block, "127.0.0.1:8080", addr)
		for _, line := range strings.Split(strings.TrimRight(block, "\n"), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "llm-test-bench serve") {
				if i := strings.Index(line, " #"); i >= 0 {
					line = line[:i]
				}
				sb.WriteString(line + " &\nSERVER_PID=$!\n")
				sb.WriteString(`for i in $(seq 300); do curl -sf http://` + addr + `/api/v1/health/ready >/dev/null && break; sleep 0.1; done
`)
				served = true
				continue
			}
			sb.WriteString(line + "\n")
		}
	}
	if !served {
		t.Fatal("README's API server section has no `llm-test-bench serve` line")
	}
	sb.WriteString(`echo "TOKEN=$TOKEN"
echo "ID=$ID"
kill -TERM $SERVER_PID
wait $SERVER_PID
`)
	return sb.String()
}

// TestREADMEServerCommands runs the README's server section as written
// (start the server, create the first admin, log in with curl, start a
// benchmark, read and export its results), so the README cannot rot.
func TestREADMEServerCommands(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "jq", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed to run the README's commands: %v", tool, err)
			}
			t.Skipf("%s is not installed: %v", tool, err)
		}
	}
	in := newInstance(t, storeKinds[0], "5ms")
	script := readmeScript(t, in.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	binDir := filepath.Join(in.dir, "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(in.bin, filepath.Join(binDir, "llm-test-bench")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(in.dir, "config.toml"), filepath.Join(in.dir, "llm-test-bench.toml")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = in.dir
	// The README's export sets JWT_SECRET itself.
	var env []string
	for _, e := range in.env {
		switch {
		case strings.HasPrefix(e, "JWT_SECRET="):
		case strings.HasPrefix(e, "PATH="):
			env = append(env, "PATH="+binDir+string(os.PathListSeparator)+strings.TrimPrefix(e, "PATH="))
		default:
			env = append(env, e)
		}
	}
	cmd.Env = append(env, "LTB_STORAGE__DATABASE_URL="+in.dbURL, "ADMIN_PASSWORD="+password)
	// The script's server is its child: on a timeout the whole group goes,
	// and the output pipe is not waited for beyond WaitDelay.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's commands failed: %v\n%s\nscript:\n%s", err, out, script)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && (k == "TOKEN" || k == "ID") {
			vars[k] = v
		}
	}
	if len(vars["TOKEN"]) < 20 || vars["TOKEN"] == "null" {
		t.Fatalf("the README's login gave no token:\n%s", out)
	}
	if !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(vars["ID"]) {
		t.Fatalf("the README's POST /benchmarks gave no id:\n%s", out)
	}
	if !strings.Contains(string(out), `"id":"`+vars["ID"]+`"`) {
		t.Errorf("the README's GET /benchmarks/$ID did not show the benchmark:\n%s", out)
	}
	csvOut, err := os.ReadFile(filepath.Join(in.dir, "results.csv"))
	if err != nil || !strings.HasPrefix(string(csvOut), "id,run_id,") {
		t.Fatalf("the README's export wrote %q (%v)", csvOut, err)
	}

	// The benchmark the README started completes on the server it started.
	if err := os.Rename(filepath.Join(in.dir, "llm-test-bench.toml"), filepath.Join(in.dir, "config.toml")); err != nil {
		t.Fatal(err)
	}
	in.serve()
	c := in.login()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b := c.benchmark(vars["ID"])
		if b.Status == "completed" && b.Progress.Done == b.Progress.Total && b.Progress.Total > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the README's benchmark did not complete: %+v", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.call("POST", "/api/v1/auth/logout", nil, http.StatusNoContent, nil)
}
