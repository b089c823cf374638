package session

import (
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

func TestJudgeAnswersLiveCacheTTLHoursUnlessKindTTLSaysOtherwise(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.Evaluation.CacheTTLHours = 3
	cfg.Cache.KindTTL = map[string]time.Duration{"embedding": time.Minute, "response": time.Hour}
	s := &Service{cfg: cfg}
	got := s.cacheConfig().KindTTL
	want := map[string]time.Duration{"judge": 3 * time.Hour, "embedding": time.Minute, "response": time.Hour}
	for k, d := range want {
		if got[k] != d {
			t.Errorf("kind %s lives %v, want %v", k, got[k], d)
		}
	}
	if len(cfg.Cache.KindTTL) != 2 {
		t.Error("cacheConfig changed the configuration it read")
	}
}
