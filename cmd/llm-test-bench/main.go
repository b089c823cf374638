// Command llm-test-bench benchmarks, tests and evaluates large language
// models across providers. See the README for usage.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"golang.org/x/term"

	_ "github.com/llm-test-bench/llm-test-bench/eval/all"
	"github.com/llm-test-bench/llm-test-bench/internal/cli"
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

func main() {
	os.Exit(run())
}

func run() int {
	// LTB_CPUPROFILE=FILE writes a CPU profile of the whole command, for
	// performance work on the tool itself.
	if path := os.Getenv("LTB_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		} else {
			fmt.Fprintln(os.Stderr, "cpu profile:", err)
		}
	}
	// The heap is bounded by concurrency, not by the work, so a lazier
	// collector trades a few megabytes for CPU the measurements need.
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Run(ctx, os.Args[1:], cli.IO{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		IsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	})
}
