package session

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"time"
)

// Options are the settings of one run. They are saved with the run so
// --resume and --retry-errors can repeat it exactly.
type Options struct {
	Datasets  []string `json:"datasets"`
	Providers []string `json:"providers"`
	// Concurrency is the calls in flight per provider; 0 means the
	// configuration's. When set it wins over a provider's own setting.
	Concurrency int     `json:"concurrency"`
	Repeat      int     `json:"repeat"`
	Timeout     string  `json:"timeout"`
	MaxCost     float64 `json:"max_cost"`
	Filter      string  `json:"filter"`
	Sample      int     `json:"sample"`
	Seed        uint64  `json:"seed"`
	// Shuffle runs each suite's selected cases in a random order drawn
	// from Seed, holding them in memory (see Plan.shuffled).
	Shuffle bool `json:"shuffle,omitempty"`
	NoCache bool `json:"no_cache"`
	Stream  bool `json:"stream"`
	// Simulate sends every provider's calls to one built-in simulator.
	Simulate bool `json:"simulate,omitempty"`
	// AllowExec lets a suite's own provider list run local commands.
	AllowExec bool `json:"allow_exec,omitempty"`
	// Distributed asks for the run's calls to go to worker processes; the
	// front end that executes the run gives its plan a Distributor. It is
	// saved with the run, so a resumed run goes to workers again.
	Distributed bool `json:"distributed,omitempty"`
	// Origin says which front end submitted the run: "" for the CLI,
	// "server" for the API server's queue, which resumes its own runs.
	Origin string            `json:"origin,omitempty"`
	Name   string            `json:"name"`
	Tags   map[string]string `json:"tags"`
}

// Plan is a run's validated work before anything is called: its suites,
// how cases are selected, and its targets.
type Plan struct {
	svc    *Service
	opts   Options
	suites []*dataset.Suite
	filter *regexp.Regexp
	sample int
	seed   uint64
	multi  bool // several suites: case ids are prefixed with the suite name
	// threshold is [evaluation] default_threshold for cases without their own.
	threshold *float64
	targets   *targetSet
	timeout   time.Duration
	// planned is how many results the run plans; selected is cases x prompts.
	planned, selected int
	caseCount         int
	// prev is the run a resume continues, with the statuses it skips.
	prev *bench.Run
	skip []bench.Status
	// dist, when set, executes the run's jobs on workers.
	dist Distributor
}

// loadSuites reads and validates every suite before any call is made.
func (s *Service) loadSuites(ctx context.Context, o *Options) (*Plan, error) {
	if len(o.Datasets) == 0 {
		return nil, configErr("no dataset: pass --dataset FILE (or a built-in name; see `llm-test-bench datasets list`)")
	}
	if err := s.LoadPlugins(ctx); err != nil {
		return nil, err
	}
	p := &Plan{svc: s, opts: *o, sample: o.Sample, seed: o.Seed, multi: len(o.Datasets) > 1}
	if o.Filter != "" {
		re, err := regexp.Compile(o.Filter)
		if err != nil {
			return nil, configErr("--filter %q: %v", o.Filter, err)
		}
		p.filter = re
	}
	if o.Sample < 0 {
		return nil, configErr("--sample must be positive, got %d", o.Sample)
	}
	if t := s.cfg.Evaluation.DefaultThreshold; t > 0 {
		p.threshold = &t
	}
	var problems []string
	for _, path := range o.Datasets {
		su, err := dataset.Load(path)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		su.SetMediaLimits(s.mediaLimits())
		if err := su.Validate(ctx); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if err := checkTransform(su); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		p.suites = append(p.suites, su)
	}
	if len(problems) > 0 {
		return nil, inputErr(errors.New(strings.Join(problems, "\n")))
	}
	return p, nil
}

// suiteKey names a suite in case ids when a run has several.
func suiteKey(s *dataset.Suite) string {
	if s.Name != "" {
		return s.Name
	}
	return strings.TrimSuffix(filepath.Base(s.Path), filepath.Ext(s.Path))
}

// cases streams one suite's selected cases: filtered by id, category or tag,
// then sampled. Sampling keeps N cases (reservoir, seeded), in file order.
func (p *Plan) cases(s *dataset.Suite) iter.Seq2[bench.Case, error] {
	selected := func(yield func(bench.Case, error) bool) {
		prefix := ""
		if p.multi {
			prefix = suiteKey(s) + "/"
		}
		for c, err := range s.Cases() {
			if err != nil {
				yield(c, err)
				return
			}
			if p.filter != nil && !p.matches(&c) {
				continue
			}
			c.ID = prefix + c.ID
			if c.Threshold == nil && p.threshold != nil {
				c.Threshold = p.threshold
			}
			if !yield(c, nil) {
				return
			}
		}
	}
	if p.sample > 0 {
		selected = p.sampled(selected)
	}
	if p.opts.Shuffle {
		return p.shuffled(selected)
	}
	return selected
}

func (p *Plan) matches(c *bench.Case) bool {
	if p.filter.MatchString(c.ID) || (c.Category != "" && p.filter.MatchString(c.Category)) {
		return true
	}
	return slices.ContainsFunc(c.Tags, p.filter.MatchString)
}

// sampled draws p.sample cases uniformly (Algorithm R), holding only the
// sample in memory, and yields them in their original order.
func (p *Plan) sampled(all iter.Seq2[bench.Case, error]) iter.Seq2[bench.Case, error] {
	return func(yield func(bench.Case, error) bool) {
		type slot struct {
			idx int
			c   bench.Case
		}
		rng := rand.New(rand.NewPCG(p.seed, 0x5eed))
		res := make([]slot, 0, p.sample)
		i := 0
		for c, err := range all {
			if err != nil {
				yield(c, err)
				return
			}
			if len(res) < p.sample {
				res = append(res, slot{i, c})
			} else if j := rng.IntN(i + 1); j < p.sample {
				res[j] = slot{i, c}
			}
			i++
		}
		slices.SortFunc(res, func(a, b slot) int { return a.idx - b.idx })
		for _, s := range res {
			if !yield(s.c, nil) {
				return
			}
		}
	}
}

// count returns how many cases the plan selects from a suite.
func (p *Plan) count(s *dataset.Suite) (int, error) {
	if n, ok := s.ValidatedCases(); ok && p.filter == nil && p.sample == 0 {
		return n, nil
	}
	n := 0
	for _, err := range p.cases(s) {
		if err != nil {
			return 0, fmt.Errorf("count cases: %w", err)
		}
		n++
	}
	return n, nil
}

// promptIDs lists the ids of a suite's prompts.
func promptIDs(s *dataset.Suite) []string {
	ps := s.PromptList()
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

// renderer renders a suite's prompts by id.
func renderer(s *dataset.Suite) func(string, *bench.Case) ([]bench.Message, string, error) {
	byID := map[string]dataset.Prompt{}
	for _, p := range s.PromptList() {
		byID[p.ID] = p
	}
	return func(id string, c *bench.Case) ([]bench.Message, string, error) {
		p, ok := byID[id]
		if !ok {
			return nil, "", fmt.Errorf("unknown prompt %q", id)
		}
		if len(s.Prompts) == 0 {
			p = dataset.Prompt{}
		}
		return s.Render(p, c)
	}
}
