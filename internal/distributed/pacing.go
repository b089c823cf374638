package distributed

import (
	"context"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// pacer holds a run's provider limits at the coordinator, so that they
// hold for the run as a whole however many workers take its jobs: a job
// is published only once its target's requests_per_minute (and the
// tokens_per_minute its earlier results spent) allow another call. Each
// worker also applies the limits to its own calls, retries included.
type pacer map[string]*policy.Local

// newPacer returns the limits of the manifest's targets, by target id.
func newPacer(m session.Manifest) pacer {
	p := pacer{}
	for _, t := range m.Targets {
		if l := policy.NewLocal(t.RequestsPerMinute, t.TokensPerMinute); l != nil {
			p[t.ID] = l
		}
	}
	return p
}

// wait blocks until a call of k's target may be published.
func (p pacer) wait(ctx context.Context, k bench.Key) error {
	l := p[k.Provider]
	if l == nil {
		return nil
	}
	_, err := l.Wait(ctx, 0)
	return err
}

// spent charges the tokens a result used to its target.
func (p pacer) spent(res *bench.Result) {
	if l := p[res.Provider]; l != nil {
		l.Charge(max(res.Tokens.Total, res.Tokens.Prompt+res.Tokens.Completion))
	}
}
