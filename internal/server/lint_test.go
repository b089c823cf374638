package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// redoclyVersion is the pinned linter (Node 20 still runs it).
const redoclyVersion = "@redocly/cli@2.77.0"

// TestRedoclyLint lints the document with Redocly's recommended rules:
// with `redocly` on PATH, else through npx. Without either it skips,
// except under CI=true, where it fails.
func TestRedoclyLint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(spec, OpenAPI(), 0o600); err != nil {
		t.Fatal(err)
	}
	var argv []string
	if p, err := exec.LookPath("redocly"); err == nil {
		argv = []string{p, "lint", spec}
	} else if p, err := exec.LookPath("npx"); err == nil {
		argv = []string{p, "--yes", redoclyVersion, "lint", spec}
	} else {
		if os.Getenv("CI") == "true" {
			t.Fatal("neither redocly nor npx is on PATH; install it: npm install -g " + redoclyVersion)
		}
		t.Skip("neither redocly nor npx on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redocly lint: %v\n%s", err, out)
	}
	// Warnings exit 0; the document is kept free of them too.
	if regexp.MustCompile(`You have \d+ warnings?`).Match(out) {
		t.Fatalf("redocly lint warns:\n%s", out)
	}
}
