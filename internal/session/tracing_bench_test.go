//go:build unix

package session_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// BenchmarkTracingOverhead runs 20,000 cases through the simulator (no
// latency: the run is bound by the pipeline, the HTTP calls and the
// store, the worst case for a relative overhead) with tracing off, then
// on with every span sampled and sent through the batch processor to an
// exporter that discards them. Besides the wall time it reports the
// process's CPU time per case (the simulator included): on a shared
// machine the wall time follows the other load, while the CPU a case
// costs is what bounds throughput on a dedicated one. Compare the two
// with benchstat:
//
//	go test -run '^$' -bench TracingOverhead -count 6 ./internal/session/ | benchstat -col /tracing -
func BenchmarkTracingOverhead(b *testing.B) {
	const cases = 20000
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("tracing=%v", on), func(b *testing.B) {
			cfg := loadConfig(b, "[providers.simulator.options]\npolicy = \"echo\"\nlatency = \"0s\"\n")
			data := writeCases(b, "ov", cases, `{"type":"contains","value":"ov"}`)
			var cpu time.Duration
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				st := openStore(b)
				svc := session.New(cfg, st, nil)
				if on {
					svc.Tracing = tracing.NewWithExporter(tracetest.NewNoopExporter(), tracing.Options{SampleRatio: 1})
				}
				p, err := svc.Plan(context.Background(), session.Options{Datasets: []string{data}, Providers: []string{"simulator:fast"}, Concurrency: 8, NoCache: true}, session.ModeRun)
				if err != nil {
					b.Fatal(err)
				}
				r := p.NewRun()
				b.StartTimer()
				before := cpuTime(b)
				if err := r.Start(context.Background()); err != nil {
					b.Fatal(err)
				}
				res := r.Wait()
				cpu += cpuTime(b) - before
				b.StopTimer()
				if res.Err != nil || res.Run.Totals.Results != cases {
					b.Fatalf("run: %v, %d results", res.Err, res.Run.Totals.Results)
				}
				_ = p.Close()
				_ = svc.Close()
				if on {
					_ = svc.Tracing.Shutdown(context.Background())
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*cases), "ns/case")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*cases), "cpu-ns/case")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
