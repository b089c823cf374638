package graphqlapi

import (
	"context"
	"encoding/json"
	"maps"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// resolver answers the schema's fields through api.Service (which checks
// permissions and ownership) and the live feed.
type resolver struct {
	svc     api.Service
	feed    Feed
	metrics *metricsBoard
	buffer  int
}

var _ ResolverRoot = (*resolver)(nil)

func (r *resolver) Benchmark() BenchmarkResolver       { return benchmarkResolver{} }
func (r *resolver) Result() ResultResolver             { return resultResolver{} }
func (r *resolver) Query() QueryResolver               { return queryResolver{r} }
func (r *resolver) Mutation() MutationResolver         { return mutationResolver{r} }
func (r *resolver) Subscription() SubscriptionResolver { return subscriptionResolver{r} }

type queryResolver struct{ *resolver }

func (q queryResolver) Benchmark(ctx context.Context, id string) (*api.Benchmark, error) {
	return q.svc.GetBenchmark(ctx, id)
}

func (q queryResolver) Benchmarks(ctx context.Context, f *BenchmarkFilters, p *Pagination) (*BenchmarkPage, error) {
	limit, cursor, err := checkPage(p)
	if err != nil {
		return nil, err
	}
	filter := api.BenchmarkFilter{Limit: limit, Cursor: cursor}
	if f != nil {
		filter.Status, filter.Tag, filter.Name = deref(f.Status), deref(f.Tag), deref(f.Name)
	}
	page, err := q.svc.ListBenchmarks(ctx, filter)
	if err != nil {
		return nil, err
	}
	return &BenchmarkPage{Items: nonNil(page.Items), NextCursor: page.NextCursor}, nil
}

func (q queryResolver) Results(ctx context.Context, f *ResultFilters, p *Pagination) (*ResultPage, error) {
	limit, cursor, err := checkPage(p)
	if err != nil {
		return nil, err
	}
	query := store.ResultQuery{Limit: limit, After: cursor}
	if f != nil {
		query.RunID, query.Provider, query.Model = deref(f.BenchmarkID), deref(f.Provider), deref(f.Model)
		query.CaseID, query.Tag, query.Text = deref(f.CaseID), deref(f.Tag), deref(f.Q)
		query.Status = bench.Status(deref(f.Status))
		query.Passed, query.MinScore, query.MaxScore = f.Passed, f.MinScore, f.MaxScore
	}
	page, err := q.svc.QueryResults(ctx, query)
	if err != nil {
		return nil, err
	}
	return &ResultPage{Items: nonNil(page.Items), NextCursor: page.NextCursor}, nil
}

func (q queryResolver) Provider(ctx context.Context, name string) (*api.ProviderInfo, error) {
	return q.svc.Provider(ctx, name)
}

func (q queryResolver) Providers(ctx context.Context) ([]api.ProviderInfo, error) {
	ps, err := q.svc.Providers(ctx)
	return nonNil(ps), err
}

func (q queryResolver) Metrics(ctx context.Context, labels []LabelInput) ([]Metric, error) {
	want := make(map[string]string, len(labels))
	for _, l := range labels {
		want[l.Name] = l.Value
	}
	return q.metrics.snapshot(auth.FromContext(ctx), want), nil
}

type mutationResolver struct{ *resolver }

func (m mutationResolver) CreateBenchmark(ctx context.Context, in CreateBenchmarkInput) (*api.Benchmark, error) {
	req := api.CreateBenchmark{
		Name:        deref(in.Name),
		Datasets:    in.Datasets,
		Suite:       json.RawMessage(in.Suite),
		Providers:   in.Providers,
		Concurrency: deref(in.Concurrency),
		Repeat:      deref(in.Repeat),
		MaxCost:     deref(in.MaxCost),
	}
	if len(in.Tags) > 0 {
		req.Tags = make(map[string]string, len(in.Tags))
		for _, t := range in.Tags {
			if _, dup := req.Tags[t.Key]; dup {
				return nil, badInput("input.tags", "tag "+t.Key+" is given twice")
			}
			req.Tags[t.Key] = t.Value
		}
	}
	return m.svc.CreateBenchmark(ctx, req)
}

func (m mutationResolver) CancelBenchmark(ctx context.Context, id string) (*api.Benchmark, error) {
	return m.svc.CancelBenchmark(ctx, id)
}

func (m mutationResolver) UpdateSettings(ctx context.Context, in api.SettingsInput) (*api.Settings, error) {
	return m.svc.UpdateSettings(ctx, in)
}

type benchmarkResolver struct{}

func (benchmarkResolver) Tags(_ context.Context, b *api.Benchmark) ([]Tag, error) {
	tags := make([]Tag, 0, len(b.Tags))
	for _, k := range slices.Sorted(maps.Keys(b.Tags)) {
		tags = append(tags, Tag{Key: k, Value: b.Tags[k]})
	}
	return tags, nil
}

type resultResolver struct{}

func (resultResolver) Status(_ context.Context, r *bench.Result) (string, error) {
	return string(r.Status), nil
}

func (resultResolver) Scores(_ context.Context, r *bench.Result) ([]Score, error) {
	scores := make([]Score, 0, len(r.Scores))
	for _, k := range slices.Sorted(maps.Keys(r.Scores)) {
		s := r.Scores[k]
		g := Score{Name: k, Pass: s.Pass, Reason: s.Reason, Unscored: s.Unscored, Judge: s.Judge}
		if !s.Unscored {
			g.Score = &s.Score
		}
		if s.Raw != "" {
			g.Raw = &s.Raw
		}
		scores = append(scores, g)
	}
	return scores, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// nonNil turns a nil slice into an empty one (the schema's lists are
// non-null).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
