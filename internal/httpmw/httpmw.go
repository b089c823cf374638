// Package httpmw holds the API server's HTTP middleware, one concern per
// file: request ids, client addresses behind trusted proxies, rate limits,
// CORS, body size and content type checks, timeouts, panic recovery,
// access logs, compression and security headers. Each is a
// func(http.Handler) http.Handler (or returns one), so the server can
// order them with chi. Errors are answered as problem+json (internal/problem).
package httpmw
