// Package apiload is the load benchmark of the API server's result
// browsing (issue 9): `GET /api/v1/results` pages over a store of
// 1,000,000 results in SQLite, served by the server serve.Build
// assembles, on loopback, at a fixed request rate for a bounded time.
//
// The generator is open loop: the i-th request is due at start + i/rate
// whatever the earlier ones are doing, and its latency counts from that
// due time. A closed loop (N clients, each waiting for its answer before
// sending the next) sends less while the server is slow and so records a
// stall as one slow request instead of every request it delayed
// (coordinated omission).
//
// The mix is what a user browsing results asks for: the first page, pages
// a few hundred deep found by following next_cursor, pages far back (a
// cursor into the oldest 90%), and pages filtered by provider, by
// benchmark_id, by status and by passed, each as an admin (who sees
// everything) and as an owner (who sees a tenth). A small share of
// full-text queries (q) runs beside them and is reported apart: the target
// (p99 under 100 ms at 200 requests/s) is about browsing pages.
//
// `make bench` runs it through internal/perf/cmd/apiload; TestRunSmall
// runs a tiny form (10,000 rows, 2 s at 50 requests/s) in the normal test
// suite so that it cannot rot.
package apiload
