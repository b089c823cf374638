// Package promexp is the engine's Prometheus exposition: the metric
// families of benchmarks, results, provider calls and evaluations, fed by
// subscribing to each run's event stream (internal/event), never by
// instrumenting the pipeline. It keeps a registry of its own, never the
// global one, so two engines in one process (tests) never share counters.
//
// The names follow the seed's list with the corrections Prometheus'
// naming conventions require; docs/MONITORING.md has the table and the
// mapping from the seed's names.
package promexp

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Buckets of the histograms, in their units.
var (
	// latencyBuckets cover a fast cached call to a slow reasoning model.
	latencyBuckets = []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60, 120}
	// ttftBuckets are finer: a first token usually comes within a second.
	ttftBuckets = []float64{.025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
	// benchmarkBuckets go up to hours: benchmarks are long.
	benchmarkBuckets = []float64{1, 5, 15, 60, 300, 900, 3600, 14400, 43200}
	// scoreBuckets split the 0-1 score range in tenths.
	scoreBuckets = []float64{.1, .2, .3, .4, .5, .6, .7, .8, .9, 1}
)

// Engine holds the engine's metric families. Create it with New, feed it
// with Watch (or Observe), and register it with Register.
type Engine struct {
	benchmarks        *prometheus.CounterVec
	benchmarkDuration prometheus.Histogram
	activeBenchmarks  prometheus.Gauge
	tests             *prometheus.CounterVec
	testDuration      *prometheus.HistogramVec
	score             *prometheus.HistogramVec
	evalCacheHits     prometheus.Counter
	evalCacheMisses   prometheus.Counter
	requests          *prometheus.CounterVec
	errors            *prometheus.CounterVec
	latency           *prometheus.HistogramVec
	ttft              *prometheus.HistogramVec
	tokens            *prometheus.CounterVec
	cost              *prometheus.CounterVec
	cacheHits         *prometheus.CounterVec
	retries           *prometheus.CounterVec
	budgetReached     prometheus.Counter
	dropped           prometheus.Counter
	build             prometheus.Collector

	// targets, models and evaluators bound the label values.
	targets, models, evaluators *boundedSet
	series                      seriesCache
}

// New returns an engine with every family at zero. version is the
// binary's version for llm_build_info.
func New(version string) *Engine {
	e := &Engine{
		benchmarks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llm_benchmark_total", Help: "Benchmark runs finished, by final status (completed, failed, cancelled, cost_limit, running when interrupted).",
		}, []string{"status"}),
		benchmarkDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "llm_benchmark_duration_seconds", Help: "Wall-clock duration of a benchmark run in this process, from start to finish.",
			Buckets: benchmarkBuckets,
		}),
		activeBenchmarks: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "llm_active_benchmarks", Help: "Benchmark runs executing in this process.",
		}),
		tests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llm_test_total", Help: "Results by provider and status: success (passed), failure (answered but failed its assertions), error, timeout, skipped, cancelled.",
		}, []string{"provider", "status"}),
		testDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "llm_test_duration_seconds", Help: "Time of a case's provider call, retries and waits included, for results that were not served from the cache.",
			Buckets: latencyBuckets,
		}, []string{"provider"}),
		score: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "llm_evaluation_score", Help: "Evaluation scores (unitless, 0-1) by evaluator type; unscored verdicts are left out.",
			Buckets: scoreBuckets,
		}, []string{"evaluator"}),
		evalCacheHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "llm_evaluation_cache_hits_total", Help: "Judge calls answered from the cache.",
		}),
		evalCacheMisses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "llm_evaluation_cache_misses_total", Help: "Judge calls sent to the judge model.",
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llm_provider_requests_total", Help: "Calls sent to providers (cases and judges; cache hits excluded), by provider and model.",
		}, []string{"provider", "model"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llm_provider_errors_total", Help: "Failed case calls (after retries) and content-filtered answers, by provider and error_type (a closed set).",
		}, []string{"provider", "error_type"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "llm_provider_latency_seconds", Help: "Latency of successful provider calls, by provider and model.",
			Buckets: latencyBuckets,
		}, []string{"provider", "model"}),
		ttft: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "llm_provider_time_to_first_token_seconds", Help: "Time to the first streamed token of successful provider calls, by provider and model.",
			Buckets: ttftBuckets,
		}, []string{"provider", "model"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llm_provider_tokens_total", Help: "Tokens billed by providers (cases and judges), by provider, model and type (prompt, completion).",
		}, []string{"provider", "model", "type"}),
		cost: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llm_provider_cost_usd_total", Help: "Spend in US dollars on provider calls (cases and judges), by provider and model.",
		}, []string{"provider", "model"}),
		cacheHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llm_provider_cache_hits_total", Help: "Case calls answered from the response cache, by provider and model.",
		}, []string{"provider", "model"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llm_provider_attempt_errors_total", Help: "Failed call attempts, retried ones included, by provider and error_type.",
		}, []string{"provider", "error_type"}),
		budgetReached: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "llm_benchmark_budget_reached_total", Help: "Runs stopped by their cost limit (--max-cost).",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "llm_metrics_events_dropped_total", Help: "Run events this exporter missed because its buffer was full: the other families undercount by what they carried.",
		}),
		build:      buildInfo(version),
		targets:    newBoundedSet(maxTargets),
		models:     newBoundedSet(maxModels),
		evaluators: newBoundedSet(maxEvaluators),
	}
	return e
}

// collectors are the engine's families.
func (e *Engine) collectors() []prometheus.Collector {
	return []prometheus.Collector{
		e.benchmarks, e.benchmarkDuration, e.activeBenchmarks, e.tests, e.testDuration,
		e.score, e.evalCacheHits, e.evalCacheMisses, e.requests, e.errors, e.latency, e.ttft,
		e.tokens, e.cost, e.cacheHits, e.retries, e.budgetReached, e.dropped, e.build,
	}
}

// Describe sends the descriptions of the engine's families, so an Engine
// is a prometheus.Collector: register it in a registry that has the Go and
// process collectors already (the server's), or use NewRegistry.
func (e *Engine) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range e.collectors() {
		c.Describe(ch)
	}
}

// Collect sends the engine's series.
func (e *Engine) Collect(ch chan<- prometheus.Metric) {
	for _, c := range e.collectors() {
		c.Collect(ch)
	}
}

// NewRegistry returns a registry of the engine's families plus the Go and
// process collectors: what a CLI run exposes.
func NewRegistry(e *Engine) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, err
	}
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, err
	}
	if err := reg.Register(e); err != nil {
		return nil, err
	}
	return reg, nil
}

// Handler serves g in the Prometheus text format; a family that cannot be
// gathered is reported in the response, the others are still served.
func Handler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}
