package apiload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite/seed"
)

// Options are a run's settings; DefaultOptions are `make bench`'s.
type Options struct {
	Size seed.Size
	// CacheDir keeps the seeded store between runs ("" is the temporary
	// directory); each run works on a copy of it there.
	CacheDir string
	Rate     float64
	Duration time.Duration
	// Depth is how many pages the deep cases follow next_cursor for.
	Depth int
	// TextShare is the fraction of requests that are full-text queries.
	TextShare   float64
	MaxInFlight int
	// P99 is the gate on the page mix.
	P99 time.Duration
	// Seed makes the mix repeatable.
	Seed uint64
	// Progress receives a line per setup step (nil: none).
	Progress io.Writer
}

// DefaultOptions: 1,000,000 results, 200 requests/s for 20 s, pages 300
// deep, 1% text queries, p99 under 100 ms.
func DefaultOptions() Options {
	return Options{
		Size: seed.Million, Rate: 200, Duration: 20 * time.Second, Depth: 300,
		TextShare: 0.01, MaxInFlight: 1000, P99: 100 * time.Millisecond, Seed: 1,
	}
}

// Report is what a run measured and under which conditions.
type Report struct {
	Options Options
	Rec     *Recorder
	// Seeded says the store was seeded by this run (not found cached),
	// which took SeedTime; CopyTime is the copy of it the run used.
	Seeded             bool
	SeedTime, CopyTime time.Duration
	// RateLimit is the per-principal limit the server ran with, a minute.
	RateLimit, Burst int
	// LoadBefore and LoadAfter are /proc/loadavg's three averages ("" when
	// unreadable), around the measured phase.
	LoadBefore, LoadAfter string
	CPUs                  int
	Elapsed               time.Duration
	// CPU is the process's CPU time over the measured phase, server and
	// load generator together (0 where unknown): on a shared machine,
	// CPU per request says more about the server than latency does.
	CPU time.Duration
}

// Run seeds (or finds) the store, starts the server on loopback, finds
// the deep cursors, then drives the mix at the fixed rate and returns
// what it measured. It fails when the setup fails; the gate is
// Report.Check's.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Depth < 3 || o.TextShare < 0 || o.TextShare > 1 {
		return nil, fmt.Errorf("apiload: depth %d (want at least 3), text share %g (want 0 to 1)", o.Depth, o.TextShare)
	}
	progress := o.Progress
	if progress == nil {
		progress = io.Discard
	}
	dir := o.CacheDir
	if dir == "" {
		dir = os.TempDir()
	}
	rep := &Report{Options: o, Rec: NewRecorder(), CPUs: runtime.NumCPU()}
	fmt.Fprintf(progress, "seeding or finding %d results in %s...\n", o.Size.Results(), dir)
	start := time.Now()
	path, seeded, err := seed.Cached(ctx, dir, o.Size)
	if err != nil {
		return nil, err
	}
	rep.Seeded, rep.SeedTime = seeded, time.Since(start)

	work, err := tempDir(dir)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	// Each principal may send the whole rate twice over (and the crawl,
	// which sends as fast as pages come, at least 1,000 a second), and a
	// second's worth at once.
	perSecond := max(2*o.Rate, 1000)
	rep.RateLimit, rep.Burst = int(perSecond*60), int(perSecond)
	cfg, err := serverConfig(work, rep.RateLimit, rep.Burst)
	if err != nil {
		return nil, err
	}
	start = time.Now()
	t, err := startServer(ctx, work, path, cfg)
	if err != nil {
		return nil, err
	}
	rep.CopyTime = time.Since(start)
	runErr := rep.drive(ctx, t, progress)
	return rep, errors.Join(runErr, t.stop())
}

// drive crawls the deep cursors and runs the schedule.
func (rep *Report) drive(ctx context.Context, t *target, progress io.Writer) error {
	o := rep.Options
	admin := &principal{name: "admin", auth: t.admin}
	owner := &principal{name: "owner", auth: t.owner}
	for r := range o.Size.Runs {
		admin.runs = append(admin.runs, r)
		if seed.Owner(r) == seed.Owner(OwnerRun) {
			owner.runs = append(owner.runs, r)
		}
	}
	if len(owner.runs) == 0 {
		return fmt.Errorf("apiload: %d runs leave the owner none (want at least %d)", o.Size.Runs, OwnerRun+1)
	}
	fmt.Fprintf(progress, "following next_cursor %d pages deep for each user...\n", o.Depth)
	for _, p := range []*principal{admin, owner} {
		var err error
		if p.deep, err = t.crawl(ctx, p.auth, url.Values{}, o.Depth); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if p.providerDeep, err = t.crawl(ctx, p.auth, url.Values{"provider": {deepProvider}}, o.Depth); err != nil {
			return fmt.Errorf("%s provider=%s: %w", p.name, deepProvider, err)
		}
	}
	m := newMix(t, []*principal{admin, owner}, o.Size, o.TextShare, o.Seed)
	s := Schedule{Rate: o.Rate, Duration: o.Duration, MaxInFlight: o.MaxInFlight}
	fmt.Fprintf(progress, "sending %d requests at %g/s for %s...\n", s.Count(), o.Rate, o.Duration)
	rep.LoadBefore = loadAverage()
	start, cpu := time.Now(), processCPU()
	err := Drive(ctx, s, m.pick, rep.Rec)
	rep.Elapsed, rep.CPU = time.Since(start), processCPU()-cpu
	rep.LoadAfter = loadAverage()
	return err
}

// Check applies the gate: the page mix's p99 under Options.P99, and no
// request failed.
func (rep *Report) Check() error {
	return rep.Rec.Check(Gate{P99: rep.Options.P99, Gated: isPage})
}

// loadAverage is the 1, 5 and 15 minute load averages, "" off Linux.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
