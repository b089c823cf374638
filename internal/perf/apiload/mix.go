package apiload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite/seed"
)

// principal is one of the benchmark's two users and what it browses.
type principal struct {
	name, auth string
	runs       []int // the runs it may see
	// deep and providerDeep are cursors found by following next_cursor
	// from the first page, unfiltered and with provider=deepProvider.
	deep, providerDeep []string
}

// deepProvider is the provider whose pages the provider/deep case follows.
const deepProvider = "anthropic"

// Text queries: a word in 2% of the results, and one in a seventh.
const (
	rareWord   = "zephyr"
	commonWord = "weather"
)

// caseSpec is one kind of page in the mix.
type caseSpec struct {
	name   string
	weight int
	query  func(p *principal, r *rand.Rand) url.Values
}

// pageCases are the browsing pages, weighted by how often a user asks for
// them. Every one of them must answer a full page or the last one.
func pageCases(size seed.Size) []caseSpec {
	total := size.Results()
	return []caseSpec{
		{"first", 4, func(*principal, *rand.Rand) url.Values { return url.Values{} }},
		{"deep", 4, func(p *principal, r *rand.Rand) url.Values {
			return url.Values{"cursor": {p.deep[r.IntN(len(p.deep))]}}
		}},
		// A cursor into the oldest 90% of the results: a page as far back
		// as the store goes, which an index seek must find as fast.
		{"far", 2, func(_ *principal, r *rand.Rand) url.Values {
			i := r.IntN(total * 9 / 10)
			c := store.Cursor{At: seed.At(i), ID: seed.ID(i)}.Encode(store.ResultCursor)
			return url.Values{"cursor": {c}}
		}},
		{"provider", 3, func(_ *principal, r *rand.Rand) url.Values {
			return url.Values{"provider": {seed.Providers[r.IntN(len(seed.Providers))]}}
		}},
		{"provider/deep", 2, func(p *principal, r *rand.Rand) url.Values {
			return url.Values{"provider": {deepProvider}, "cursor": {p.providerDeep[r.IntN(len(p.providerDeep))]}}
		}},
		{"benchmark", 3, func(p *principal, r *rand.Rand) url.Values {
			return url.Values{"benchmark_id": {seed.RunID(p.runs[r.IntN(len(p.runs))])}}
		}},
		{"status", 1, func(*principal, *rand.Rand) url.Values { return url.Values{"status": {"error"}} }},
		{"failed", 1, func(*principal, *rand.Rand) url.Values { return url.Values{"passed": {"false"}} }},
	}
}

// textCases are the full-text queries, reported apart from the pages.
var textCases = []caseSpec{
	{"text/rare", 1, func(*principal, *rand.Rand) url.Values { return url.Values{"q": {rareWord}} }},
	{"text/common", 1, func(*principal, *rand.Rand) url.Values { return url.Values{"q": {commonWord}} }},
}

// isText tells the text cases (named principal/text/...) from the pages.
func isText(c string) bool { return strings.Contains(c, "/text/") }

// isPage is the gate's selection: every case but the text queries.
func isPage(c string) bool { return !isText(c) }

// mix picks the requests of the schedule: principals in turn, a text
// query with probability textShare, else a page case by weight. It is
// deterministic for a seed.
type mix struct {
	t          *target
	principals []*principal
	pages      []caseSpec
	weights    int
	textShare  float64
	r          *rand.Rand
}

func newMix(t *target, ps []*principal, size seed.Size, textShare float64, seedValue uint64) *mix {
	m := &mix{t: t, principals: ps, pages: pageCases(size), textShare: textShare, r: rand.New(rand.NewPCG(seedValue, 0x9e3779b97f4a7c15))}
	for _, c := range m.pages {
		m.weights += c.weight
	}
	return m
}

// pick is the i-th request; Drive calls it on one goroutine.
func (m *mix) pick(i int) Op {
	p := m.principals[i%len(m.principals)]
	var c caseSpec
	if m.r.Float64() < m.textShare {
		c = textCases[m.r.IntN(len(textCases))]
	} else {
		n := m.r.IntN(m.weights)
		for _, c = range m.pages {
			if n -= c.weight; n < 0 {
				break
			}
		}
	}
	q := c.query(p, m.r)
	return Op{Case: p.name + "/" + c.name, Do: func(ctx context.Context) error {
		_, err := m.t.page(ctx, p.auth, q, false)
		return err
	}}
}

// resultPage is the part of a GET /results answer the benchmark checks.
type resultPage struct {
	Items      []json.RawMessage `json:"items"`
	NextCursor *string           `json:"next_cursor"`
}

// page fetches one page and checks it is one: status 200, and a full
// page unless it is the last. With decode false (the measured requests)
// the answer is checked by scanQuick, not decoded: the load generator
// shares the machine with the server, and decoding every page costs it
// as much CPU as the server spends encoding it. The crawl decodes
// (decode true) and holds scanQuick to the decoded answer.
func (t *target) page(ctx context.Context, authz string, q url.Values, decode bool) (resultPage, error) {
	var pg resultPage
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.base+"/results?"+q.Encode(), nil)
	if err != nil {
		return pg, err
	}
	req.Header.Set("Authorization", authz)
	resp, err := t.client.Do(req)
	if err != nil {
		return pg, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return pg, fmt.Errorf("read answer: %w", err)
	}
	what := "GET /results?" + redactCursor(q)
	if resp.StatusCode != http.StatusOK {
		return pg, fmt.Errorf("%s: status %d: %s", what, resp.StatusCode, snippet(body))
	}
	items, more, qerr := scanQuick(body)
	if decode {
		if err := json.Unmarshal(body, &pg); err != nil {
			return pg, fmt.Errorf("%s: %w", what, err)
		}
		if qerr != nil {
			return pg, fmt.Errorf("%s: the quick check refused a page that decodes: fix scanQuick: %w", what, qerr)
		}
		if items != len(pg.Items) || more != (pg.NextCursor != nil) {
			return pg, fmt.Errorf("%s: the quick check read %d items, more %v where the answer has %d, more %v: fix scanQuick",
				what, items, more, len(pg.Items), pg.NextCursor != nil)
		}
	}
	if qerr != nil {
		return pg, fmt.Errorf("%s: %w", what, qerr)
	}
	if more && items != store.DefaultPage {
		return pg, fmt.Errorf("%s: %d items and a next cursor, want a full page of %d", what, items, store.DefaultPage)
	}
	return pg, nil
}

// scanQuick reads a page's item count and whether a next cursor follows
// without decoding it: the answer is {"items":[...],"next_cursor":...},
// each item an object whose first key is "id" (a string value cannot
// hold `{"id":"` unescaped, so the count is exact).
func scanQuick(body []byte) (items int, more bool, err error) {
	b := bytes.TrimSpace(body)
	if !bytes.HasPrefix(b, []byte(`{"items":[`)) || !bytes.HasSuffix(b, []byte(`}`)) {
		return 0, false, fmt.Errorf("not a page: %s", snippet(body))
	}
	i := bytes.LastIndex(b, []byte(`,"next_cursor":`))
	if i < 0 {
		return 0, false, fmt.Errorf("no next_cursor: %s", snippet(body))
	}
	switch tail := b[i+len(`,"next_cursor":`):]; {
	case bytes.Equal(tail, []byte(`null}`)):
	case len(tail) > 3 && tail[0] == '"' && bytes.HasSuffix(tail, []byte(`"}`)):
		more = true
	default:
		return 0, false, fmt.Errorf("next_cursor is neither null nor a string: %s", snippet(tail))
	}
	return bytes.Count(b[:i], []byte(`{"id":"`)), more, nil
}

// redactCursor shortens the cursor of a query for an error message.
func redactCursor(q url.Values) string {
	c := maps.Clone(q)
	if c.Has("cursor") {
		c.Set("cursor", "...")
	}
	return c.Encode()
}

// crawl follows next_cursor from the first page of q for up to depth
// pages and returns the cursors of the last two thirds of the way: the
// deep pages of the mix. It fails when the chain ends before any.
func (t *target) crawl(ctx context.Context, authz string, q url.Values, depth int) ([]string, error) {
	var cursors []string
	from := depth / 3
	for d := 0; d < depth; d++ {
		pg, err := t.page(ctx, authz, q, true)
		if err != nil {
			return nil, fmt.Errorf("crawl page %d: %w", d, err)
		}
		if pg.NextCursor == nil {
			break
		}
		if d+1 >= from {
			cursors = append(cursors, *pg.NextCursor)
		}
		q = maps.Clone(q)
		q.Set("cursor", *pg.NextCursor)
	}
	if len(cursors) == 0 {
		return nil, errors.New("crawl: the pages ended before the deep ones")
	}
	return cursors, nil
}
