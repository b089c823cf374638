package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigValidateChecksPriceOverrides: a price override a run would
// refuse (tier prices without the prompt size they start at) is reported
// by config validate, under its key.
func TestConfigValidateChecksPriceOverrides(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := "[providers.openai.pricing.\"gpt-4o-mini\"]\ninput_per_mtok = 0.15\noutput_per_mtok = 0.6\ntier_input_per_mtok = 0.3\n"
	if err := os.WriteFile(filepath.Join(e.dir, "llm-test-bench.toml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errb := e.run(context.Background(), "config", "validate")
	if code != 3 || !strings.Contains(errb, `providers.openai.pricing."gpt-4o-mini"`) || !strings.Contains(errb, "tier_above_prompt_tokens") {
		t.Fatalf("exit %d, want 3 naming the price key\n%s%s", code, out, errb)
	}
}
