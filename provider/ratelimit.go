package provider

import "time"

// RateLimits is a vendor's report of the caller's remaining quota, read from
// response headers such as x-ratelimit-remaining-requests. A field is -1 when
// the vendor did not send it.
type RateLimits struct {
	RemainingRequests int
	RemainingTokens   int
	// ResetRequests and ResetTokens are how long until each quota refills.
	ResetRequests time.Duration
	ResetTokens   time.Duration
}

// RateLimitReporter is implemented by providers that read rate-limit headers.
// RateLimits returns the values of the most recent response and whether any
// response carried them.
type RateLimitReporter interface {
	RateLimits() (RateLimits, bool)
}
