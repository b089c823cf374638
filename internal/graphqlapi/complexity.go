package graphqlapi

// Page sizes of the list fields: a page holds DefaultPage items unless the
// pagination argument asks for another size, at most MaxPage.
const (
	DefaultPage = 20
	MaxPage     = 100
	// fixedListCost is what a list without a page argument counts as
	// (providers, metrics): as many items as a full page.
	fixedListCost = MaxPage
	// costCap keeps a huge limit argument from overflowing the sum; such a
	// limit is refused anyway.
	costCap = 1 << 20
)

// pageSize is the page a pagination argument asks for, before checking.
func pageSize(p *Pagination) int {
	if p == nil || p.Limit == nil {
		return DefaultPage
	}
	return min(max(*p.Limit, 1), costCap)
}

// complexity gives list fields their cost: the page size times the cost of
// what each item selects, so aliases of big pages add up quickly.
func complexity() ComplexityRoot {
	var c ComplexityRoot
	c.Query.Benchmarks = func(child int, _ *BenchmarkFilters, p *Pagination) int { return 1 + pageSize(p)*child }
	c.Query.Results = func(child int, _ *ResultFilters, p *Pagination) int { return 1 + pageSize(p)*child }
	c.Query.Providers = func(child int) int { return 1 + fixedListCost*child }
	c.Query.Metrics = func(child int, _ []LabelInput) int { return 1 + fixedListCost*child }
	return c
}

// checkPage refuses a page size out of 1..MaxPage and returns the limit
// and cursor to pass on.
func checkPage(p *Pagination) (limit int, cursor string, err error) {
	limit = DefaultPage
	if p == nil {
		return limit, "", nil
	}
	if p.Limit != nil {
		if *p.Limit < 1 || *p.Limit > MaxPage {
			return 0, "", badInput("pagination.limit", "pagination.limit must be between 1 and 100")
		}
		limit = *p.Limit
	}
	if p.Cursor != nil {
		cursor = *p.Cursor
	}
	return limit, cursor, nil
}
