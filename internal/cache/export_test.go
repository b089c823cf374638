package cache

import "context"

// SetRaw stores raw bytes under key, behind the cache's back, for the
// corrupt-entry test.
func SetRaw(ctx context.Context, r *Redis, key string, raw []byte) error {
	return r.client.Set(ctx, r.prefix+key, raw, 0).Err()
}
