package benchmarks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Request is a benchmark to run: datasets by name or one inline suite,
// the providers to run it on, and the run's settings.
type Request struct {
	Name string
	// Datasets are built-ins ("builtin:NAME" or NAME) or paths relative
	// to the server's datasets directory.
	Datasets []string
	// Suite is an inline suite in the file format (JSON); untrusted.
	Suite json.RawMessage
	// Providers are "vendor:model" ids of providers the server configures;
	// with an inline suite they may be left out for the suite's own.
	Providers           []string
	Concurrency, Repeat int
	MaxCost             float64
	Tags                map[string]string
	// Distributed runs the benchmark's calls on worker processes; the
	// manager needs Options.Distributor for it.
	Distributed bool
}

// Limits on a request's size, so that one request cannot hold the server.
const (
	maxDatasets  = 32
	maxProviders = 32
	maxTags      = 64
	maxRepeat    = 1000
	maxNameLen   = 200
)

// Submit checks req, stores it as a queued run owned by owner and queues
// it. The run's saved options (Config["bench"]) carry origin "server", so
// a restarted server resumes it. Errors are *problem.Details: 400 naming
// the member at fault, 503 when the queue is full or shutting down.
func (m *Manager) Submit(ctx context.Context, owner string, req Request) (*bench.Run, error) {
	id := uuid.Must(uuid.NewV7()).String()
	opts, suiteFile, pd := m.options(id, &req)
	if pd != nil {
		return nil, pd
	}
	cleanup := func() {
		if suiteFile != "" {
			_ = os.Remove(suiteFile)
		}
	}
	if err := m.reserve(); err != nil {
		cleanup()
		return nil, err
	}
	queued := false
	defer func() {
		if !queued {
			m.unreserve()
			cleanup()
		}
	}()
	p, err := m.svc.Plan(ctx, opts, session.ModeRun)
	if err != nil {
		return nil, planProblem(&req, err, suiteFile, m.o.DatasetsDir)
	}
	opts, total := p.Options(), p.Planned()
	if err := p.Close(); err != nil {
		m.log.Warn("close benchmark plan", "error", err)
	}
	now := store.Now()
	run := &bench.Run{
		ID: id, Name: runName(&req), UserID: owner, Status: bench.RunQueued,
		Config: map[string]any{"bench": opts}, Tags: req.Tags, Total: total, CreatedAt: now, UpdatedAt: now,
	}
	if err := m.st.CreateRun(ctx, run); err != nil {
		return nil, fmt.Errorf("store benchmark: %w", err)
	}
	j := newJob(run)
	j.parent = trace.SpanContextFromContext(ctx)
	m.publish(run, j.snapshot()) // before the dispatcher can see it: queued comes first
	m.mu.Lock()
	m.reserved--
	queued = true
	if m.closing {
		m.mu.Unlock()
		m.release(context.WithoutCancel(ctx), id) // the next start runs it
		return run, nil
	}
	m.jobs[id] = j
	m.queue = append(m.queue, j)
	m.mu.Unlock()
	m.signal()
	return run, nil
}

// reserve takes a place in the queue for a submission being checked.
func (m *Manager) reserve() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closing {
		return unavailable("the server is shutting down and takes no new benchmarks; submit it again once it is back")
	}
	if len(m.queue)+m.reserved >= m.queueSize {
		return unavailable("the benchmark queue is full (%d waiting, %d running); submit it again when one has finished", len(m.queue)+m.reserved, m.running)
	}
	m.reserved++
	return nil
}

func (m *Manager) unreserve() {
	m.mu.Lock()
	m.reserved--
	m.mu.Unlock()
}

// options checks req and turns it into the session's options, writing an
// inline suite to DataDir/suites/<id>.json.
func (m *Manager) options(id string, req *Request) (session.Options, string, *problem.Details) {
	o := session.Options{
		Name: req.Name, Concurrency: req.Concurrency, Repeat: req.Repeat, MaxCost: req.MaxCost,
		Tags: req.Tags, Simulate: m.o.Simulate, Origin: Origin, NoCache: m.o.Simulate,
		Distributed: req.Distributed,
	}
	if pd := checkSettings(req); pd != nil {
		return o, "", pd
	}
	if req.Distributed && m.o.Distributor == nil {
		return o, "", badField("distributed", "this server runs benchmarks in its own process only; start it with `serve --distributed` (or [distributed] enable_distributed = true) to run them on workers")
	}
	hasSuite := len(strings.TrimSpace(string(req.Suite))) > 0 && strings.TrimSpace(string(req.Suite)) != "null"
	switch {
	case hasSuite && len(req.Datasets) > 0:
		return o, "", badField("suite", "send datasets or an inline suite, not both")
	case !hasSuite && len(req.Datasets) == 0:
		return o, "", badField("datasets", "name at least one dataset (such as \"builtin:reasoning\") or send an inline suite")
	case !hasSuite && len(req.Providers) == 0:
		return o, "", badField("providers", "name at least one provider (\"vendor:model\") this server configures")
	}
	for i, p := range req.Providers {
		if pd := checkProvider(m.cfg, fmt.Sprintf("providers[%d]", i), p); pd != nil {
			return o, "", pd
		}
		o.Providers = append(o.Providers, strings.TrimSpace(p))
	}
	for i, d := range req.Datasets {
		path, pd := resolveDataset(m.o.DatasetsDir, fmt.Sprintf("datasets[%d]", i), d)
		if pd != nil {
			return o, "", pd
		}
		o.Datasets = append(o.Datasets, path)
	}
	if !hasSuite {
		return o, "", nil
	}
	body, pd := m.check.check(req.Suite)
	if pd != nil {
		return o, "", pd
	}
	file, err := m.writeSuite(id, body)
	if err != nil {
		m.log.Error("keep inline suite", "error", err)
		return o, "", problem.New(http.StatusInternalServerError, "the server cannot keep the suite; see its log")
	}
	o.Datasets = []string{file}
	return o, file, nil
}

// checkSettings bounds the request's numbers and sizes.
func checkSettings(req *Request) *problem.Details {
	switch {
	case len(req.Name) > maxNameLen:
		return badField("name", "at most %d characters", maxNameLen)
	case len(req.Datasets) > maxDatasets:
		return badField("datasets", "at most %d datasets", maxDatasets)
	case len(req.Providers) > maxProviders:
		return badField("providers", "at most %d providers", maxProviders)
	case len(req.Tags) > maxTags:
		return badField("tags", "at most %d tags", maxTags)
	case req.Concurrency < 0:
		return badField("concurrency", "must not be negative, got %d", req.Concurrency)
	case req.Repeat < 0 || req.Repeat > maxRepeat:
		return badField("repeat", "must be between 1 and %d, got %d", maxRepeat, req.Repeat)
	case req.MaxCost < 0:
		return badField("max_cost", "must not be negative, got %g", req.MaxCost)
	}
	return nil
}

// writeSuite keeps an inline suite where a resume finds it.
func (m *Manager) writeSuite(id string, body []byte) (string, error) {
	if m.o.DataDir == "" {
		return "", errors.New("no data directory is set ([server] data_dir)")
	}
	dir := filepath.Join(m.o.DataDir, "suites")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	file := filepath.Join(dir, id+".json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", file, err)
	}
	return file, nil
}

// planProblem answers a plan's refusal: a 400 naming the member at fault
// (the session's message says what is wrong, with file and line).
// Server paths in its message are replaced by what the request named.
func planProblem(req *Request, err error, suiteFile, datasetsDir string) error {
	field := "datasets"
	if len(req.Suite) > 0 && len(req.Datasets) == 0 {
		field = "suite"
	}
	switch session.KindOf(err) {
	case session.KindConfig:
		if len(req.Providers) > 0 {
			field = "providers"
		}
	case session.KindInput:
	default:
		return fmt.Errorf("plan benchmark: %w", err)
	}
	msg := err.Error()
	if suiteFile != "" {
		msg = strings.ReplaceAll(msg, suiteFile, "suite")
	}
	if datasetsDir != "" {
		if root, err := filepath.EvalSymlinks(datasetsDir); err == nil {
			msg = strings.ReplaceAll(msg, root+string(filepath.Separator), "")
		}
	}
	return badField(field, "%s", msg)
}

// runName is the request's name, else its datasets' names.
func runName(req *Request) string {
	if req.Name != "" {
		return req.Name
	}
	if len(req.Suite) > 0 && len(req.Datasets) == 0 {
		var s struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(req.Suite, &s) == nil && s.Name != "" {
			return s.Name
		}
		return "inline suite"
	}
	names := make([]string, len(req.Datasets))
	for i, d := range req.Datasets {
		names[i] = strings.TrimPrefix(filepath.Base(d), builtinPrefix)
	}
	return strings.Join(names, " + ")
}
