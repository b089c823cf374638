// Command perfbench measures LLM Test Bench's own overhead (the README's "Performance"), in one
// run on one machine:
//
//  1. the request rate a bare Go HTTP client reaches against the simulator
//     (zero latency, loopback), the baseline;
//  2. the rate of `llm-test-bench bench` (assertions, SQLite store, cache
//     off) against the same simulator at the same concurrency, and the ratio;
//  3. the peak resident memory of `bench` over 100,000 cases.
//
// It is run by `make bench`; the simulator and bench run as separate
// processes, as users run them.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/llm-test-bench", "llm-test-bench binary")
	cases := flag.Int("cases", 20000, "cases for the throughput comparison")
	memCases := flag.Int("mem-cases", 100000, "cases for the memory measurement")
	conc := flag.Int("concurrency", 32, "calls in flight")
	events := flag.Bool("events", true, "also measure the cost of --events (binaries older than the event stream lack it)")
	flag.Parse()
	if err := run(context.Background(), *bin, *cases, *memCases, *conc, *events); err != nil {
		fmt.Fprintln(os.Stderr, "perfbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bin string, cases, memCases, conc int, withEvents bool) error {
	dir, err := os.MkdirTemp("", "ltb-perf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	addr, err := freeAddr(ctx)
	if err != nil {
		return err
	}
	sim := exec.CommandContext(ctx, bin, "simulate", "--addr", addr, "--policy", "echo")
	sim.Stdout, sim.Stderr = io.Discard, os.Stderr
	if err := sim.Start(); err != nil {
		return fmt.Errorf("start simulator: %w", err)
	}
	defer func() { _ = sim.Process.Kill(); _ = sim.Wait() }()
	base := "http://" + addr + "/v1"
	if err := waitUp(ctx, base+"/models"); err != nil {
		return err
	}
	fmt.Printf("machine: %d CPUs; simulator at %s (echo, zero latency); concurrency %d\n\n", cpus(), base, conc)

	bare, err := bareRate(base, cases, conc)
	if err != nil {
		return err
	}
	fmt.Printf("bare Go HTTP client:   %8.0f req/s  (%d streamed requests)\n", bare, cases)

	ds := filepath.Join(dir, "cases.jsonl")
	if err := writeCases(ds, cases); err != nil {
		return err
	}
	rate, rss, err := benchRun(ctx, bin, dir, base, ds, cases, conc)
	if err != nil {
		return err
	}
	fmt.Printf("llm-test-bench bench:  %8.0f cases/s (%d cases, assertions + SQLite store, peak RSS %.0f MB)\n", rate, cases, rss)
	fmt.Printf("ratio bench/bare:      %8.2f   (target >= 0.5)\n\n", rate/bare)

	// The event stream's cost: runs with and without --events, alternated
	// so the machine's drift hits both alike; the best of each is compared.
	var plain, events float64
	for i := range 4 {
		if !withEvents {
			break
		}
		var extra []string
		if i%2 == 1 {
			extra = []string{"--events", filepath.Join(dir, fmt.Sprintf("events-%d.jsonl", i))}
		}
		r, _, err := benchRun(ctx, bin, dir, base, ds, cases, conc, extra...)
		if err != nil {
			return err
		}
		if i%2 == 1 {
			events = max(events, r)
		} else {
			plain = max(plain, r)
		}
	}
	if withEvents {
		fmt.Printf("bench --events FILE:   %8.0f cases/s vs %.0f without: the event stream costs %.1f%% (target < 5%%)\n\n", events, plain, 100*(1-events/plain))
	}

	mds := filepath.Join(dir, "mem.jsonl")
	if err := writeCases(mds, memCases); err != nil {
		return err
	}
	mrate, mrss, err := benchRun(ctx, bin, dir, base, mds, memCases, conc)
	if err != nil {
		return err
	}
	fmt.Printf("memory: %d cases at %.0f cases/s, peak RSS %.0f MB (target < 150 MB)\n", memCases, mrate, mrss)
	return nil
}

func cpus() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

func freeAddr(ctx context.Context) (string, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

func waitUp(ctx context.Context, url string) error {
	for range 100 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("simulator did not come up at %s", url)
}

// bareRate sends n streamed chat requests with conc workers and reads each
// stream to the end: the least any client must do.
func bareRate(base string, n, conc int) (float64, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: conc * 2}
	client := &http.Client{Transport: tr}
	var next atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				body := fmt.Sprintf(`{"model":"sim","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"What is %d plus %d? Answer with the number."}]}`, i, i)
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, base+"/chat/completions", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer sim")
				resp, err := client.Do(req)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

func writeCases(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(w, `{"id":"c%d","prompt":"What is %d plus %d? Answer with the number.","assert":[{"type":"contains","value":"plus"},{"type":"latency","threshold":5000}]}`+"\n", i, i, i)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// benchRun runs the CLI and returns its rate and peak RSS in MB.
// It fails unless every case was called successfully: a fast run of
// errors measures nothing.
func benchRun(ctx context.Context, bin, dir, base, dataset string, n, conc int, extra ...string) (float64, float64, error) {
	db := filepath.Join(dir, fmt.Sprintf("perf-%d.db", time.Now().UnixNano()))
	args := append([]string{"bench", "--dataset", dataset, "--providers", "openai:sim",
		"--concurrency", fmt.Sprint(conc), "--db", "sqlite:" + db, "--no-cache", "-q"}, extra...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "OPENAI_API_KEY=sim", "LTB_PROVIDERS__OPENAI__BASE_URL="+base, "HOME="+dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil && cmd.ProcessState.ExitCode() != 100 {
		return 0, 0, fmt.Errorf("bench: %w\n%s", err, out.String())
	}
	if err := allSucceeded(out.String(), n); err != nil {
		return 0, 0, err
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	rss := 0.0
	if ru != nil {
		rss = float64(ru.Maxrss) / 1024
	}
	return float64(n) / elapsed.Seconds(), rss, nil
}

// summaryLine is the CLI's closing line: "Run ID STATUS: N results, P
// passed, F failed, E errors, $C".
var summaryLine = regexp.MustCompile(`Run \S+ (\w+): (\d+) results, \d+ passed, \d+ failed, (\d+) errors`)

// allSucceeded checks the run completed with n results and no call error.
func allSucceeded(out string, n int) error {
	m := summaryLine.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("bench printed no summary:\n%s", out)
	}
	if m[1] != "completed" || m[2] != fmt.Sprint(n) || m[3] != "0" {
		return fmt.Errorf("bench run not clean (status %s, %s of %d results, %s errors): the measurement would be meaningless", m[1], m[2], n, m[3])
	}
	return nil
}
