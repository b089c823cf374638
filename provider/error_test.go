package provider

import "testing"

// TestKindRetryable pins which kinds a caller may retry: the vendor
// packages' error tables check only the kind.
func TestKindRetryable(t *testing.T) {
	t.Parallel()
	for kind, want := range map[Kind]bool{
		KindRateLimited: true, KindOverloaded: true, KindTransient: true, KindTimeout: true,
		KindAuth: false, KindBadRequest: false, KindContextLength: false, Kind("unknown"): false,
	} {
		if got := kind.Retryable(); got != want {
			t.Errorf("%s.Retryable() = %v, want %v", kind, got, want)
		}
	}
}
