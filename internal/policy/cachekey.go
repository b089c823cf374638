package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// scopeHash condenses a target's identity and the settings outside the
// request that change its answers (vendor options, headers) into a short
// hash. JSON encoding sorts map keys, so equal settings hash equally.
func scopeHash(id string, scope any) (string, error) {
	b, err := json.Marshal(scope)
	if err != nil {
		return "", fmt.Errorf("policy %s: hash settings for the cache: %w", id, err)
	}
	sum := sha256.Sum256(append([]byte(id+"\x00"), b...))
	return id + "\x00" + hex.EncodeToString(sum[:12]), nil
}

// cacheKey is the key of req's answer, "" when there is no cache.
func (p *Provider) cacheKey(req *provider.Request, rep int) string {
	if p.o.Cache == nil {
		return ""
	}
	k, err := cache.Key(p.scope, p.o.BaseURL, req, rep)
	if err != nil {
		return ""
	}
	return k
}
