package promexp_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/promexp"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// BenchmarkOverhead runs 20,000 simulated cases (instant answers, one
// contains assertion, a SQLite store) with and without the metrics
// watcher; the ratio of the two is what the metrics cost a run:
//
//	go test -run '^$' -bench Overhead -benchtime 1x -count 6 ./internal/promexp | benchstat -col /metrics -
func BenchmarkOverhead(b *testing.B) {
	const cases = 20000
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("metrics=%v", on), func(b *testing.B) {
			ctx := context.Background()
			cfg := simConfig(b, "0s", 0)
			data := writeCases(b, cases)
			engine := promexp.New("bench")
			if _, err := promexp.NewRegistry(engine); err != nil {
				b.Fatal(err)
			}
			cpu0 := cpuTime()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				svc := session.New(cfg, openStore(b), nil)
				var watched <-chan struct{}
				if on {
					svc.Watchers = []func(*session.Run){func(r *session.Run) { watched = engine.Watch(r) }}
				}
				p, err := svc.Plan(ctx, session.Options{Datasets: []string{data}, Providers: []string{"simulator:fast"},
					Concurrency: 8, NoCache: true, Stream: true}, session.ModeRun)
				if err != nil {
					b.Fatal(err)
				}
				run := p.NewRun()
				b.StartTimer()
				if err := run.Start(ctx); err != nil {
					b.Fatal(err)
				}
				res := run.Wait()
				if watched != nil {
					<-watched
				}
				b.StopTimer()
				if res.Err != nil || res.Run.Totals.Results != cases {
					b.Fatalf("run: %v, %d results", res.Err, res.Run.Totals.Results)
				}
				_ = p.Close()
				_ = svc.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(cases*b.N)/b.Elapsed().Seconds(), "results/s")
			// CPU time is steadier than wall time on a shared machine; it
			// includes the set-up between runs, the same for both.
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
