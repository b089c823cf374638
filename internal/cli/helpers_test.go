package cli_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/cli"
)

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMain lets a test run this binary as the CLI itself (LTB_TEST_MAIN=1),
// so a real process can be killed mid-run.
func TestMain(m *testing.M) {
	if os.Getenv("LTB_TEST_MAIN") == "1" {
		os.Exit(cli.Run(context.Background(), os.Args[1:], cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
	}
	os.Exit(m.Run())
}

// tinyPNG is a valid 2x2 PNG image.
func tinyPNG(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
