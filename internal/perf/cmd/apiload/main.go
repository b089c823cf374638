// Command apiload is the API server's load benchmark (issue 9): GET
// /api/v1/results pages over 1,000,000 results in SQLite at a fixed 200
// requests/s, open loop, on loopback (see package apiload). It prints the
// latency of each kind of page and exits 1 when the page mix's p99 is
// above -p99 or any request failed, 2 on a setup failure.
//
// `make bench` runs it; APILOAD_FLAGS passes flags through make:
//
//	make bench APILOAD_FLAGS='-duration 60s -rate 300'
//	go run ./internal/perf/cmd/apiload -duration 5s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/llm-test-bench/llm-test-bench/internal/perf/apiload"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := apiload.DefaultOptions()
	fs := flag.NewFlagSet("apiload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Size.Runs, "runs", o.Size.Runs, "runs in the seeded store")
	fs.IntVar(&o.Size.PerRun, "per-run", o.Size.PerRun, "results per run")
	fs.StringVar(&o.CacheDir, "cache-dir", "", "directory of the cached seeded store (default: the temporary directory)")
	fs.Float64Var(&o.Rate, "rate", o.Rate, "requests a second, open loop")
	fs.DurationVar(&o.Duration, "duration", o.Duration, "how long to send for")
	fs.IntVar(&o.Depth, "depth", o.Depth, "pages the deep cases follow next_cursor for")
	fs.Float64Var(&o.TextShare, "text-share", o.TextShare, "fraction of requests that are full-text queries (reported apart)")
	fs.IntVar(&o.MaxInFlight, "max-in-flight", o.MaxInFlight, "requests outstanding at most; more count as failed")
	fs.DurationVar(&o.P99, "p99", o.P99, "the page mix's p99 must be under this")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "seed of the request mix")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured run (server and load generator: one process) to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "apiload:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "apiload:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	o.Progress = stderr
	rep, err := apiload.Run(ctx, o)
	if rep != nil && rep.Rec != nil && len(rep.Rec.Cases()) > 0 {
		if werr := rep.Write(stdout); werr != nil {
			fmt.Fprintln(stderr, "apiload:", werr)
			return 2
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "apiload:", err)
		return 2
	}
	if err := rep.Check(); err != nil {
		return 1
	}
	return 0
}
