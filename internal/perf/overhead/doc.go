// Package overhead measures the per-call latency every provider client adds
// over a bare net/http round trip to the simulator (issue 4: under 1 ms at
// the 99th percentile). It holds only tests: BenchmarkOverhead, and a test
// that runs each vendor's client once so the benchmark's setup cannot rot.
//
//	go test -run '^$' -bench Overhead -benchtime 2000x ./internal/perf/overhead
package overhead
