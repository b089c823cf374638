package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// chromium returns the browser, failing under CI=true when it is missing
// and skipping otherwise.
func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v; CI needs chromium (apt-get install chromium) to check that reports render", chromiumPath, err)
		}
		t.Skipf("%s not installed: %v", chromiumPath, err)
	}
	return chromiumPath
}

// runChromium runs headless chromium on a page with extra flags and
// returns its standard output. No network, no profile outside dir.
func runChromium(t *testing.T, dir, page string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + filepath.Join(dir, "profile")},
		extra...)
	cmd := exec.CommandContext(ctx, chromium(t), append(args, "file://"+page)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(extra, " "), err, stderr.String())
	}
	return string(out)
}

// The check: a real report of two stored runs, strong simulator
// against echo, renders in headless Chromium with its matrix and charts.
func TestReportRendersInChromium(t *testing.T) {
	t.Parallel()
	chromium(t) // before the runs: skip or fail early
	e := newEnv(t)
	strong, _ := benchRun(t, e, "simulator:sim-large")
	echo, _ := benchRun(t, e, "simulator:echo")
	page := filepath.Join(e.dir, "report.html")
	if code, stdout, stderr := e.run(t.Context(), "report", strong, echo, "--output", page); code != 0 {
		t.Fatalf("report: exit %d\n%s\n%s", code, stdout, stderr)
	}

	dom := runChromium(t, e.dir, page, "--dump-dom")
	for _, want := range []string{`<table id="matrix">`, "simulator:sim-large (#1)", "simulator:echo (#2)",
		`<svg class="chart" id="intervals"`, `<svg class="chart" id="scatter"`, `<svg class="chart" id="trend"`, "<polyline", "<circle"} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	// The matrix survived parsing as a table: one body row per column.
	start := strings.Index(dom, `<table id="matrix">`)
	if start < 0 {
		t.Fatalf("no matrix in the rendered DOM:\n%s", dom)
	}
	matrix, _, _ := strings.Cut(dom[start:], "</table>")
	if rows := strings.Count(matrix, "<tr>"); rows != 3 {
		t.Errorf("matrix has %d rows, want a header and 2 columns", rows)
	}

	shot := filepath.Join(os.TempDir(), "llm-test-bench-report.png")
	runChromium(t, e.dir, page, "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars")
	info, err := os.Stat(shot)
	if err != nil || info.Size() < 10_000 {
		t.Fatalf("screenshot %s: %v", shot, err)
	}
	t.Logf("screenshot of the report: %s (%d bytes)", shot, info.Size())
}
