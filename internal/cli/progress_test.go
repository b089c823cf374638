package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
)

func TestProgressLine(t *testing.T) {
	t.Parallel()
	got := progressLine(runner.Snapshot{Total: 200, Done: 50, Errors: 2, Failed: 3, CostUSD: 0.0123, Rate: 12.5, ETA: 12 * time.Second})
	want := "50/200 (25%)  12.5/s  ETA 12s  errors 2  failed 3  $0.0123"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := progressLine(runner.Snapshot{ETA: -1}); !strings.Contains(got, "ETA --") {
		t.Errorf("unknown ETA shown as %q", got)
	}
}

func TestProgressDrawnOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		terminal bool
		quiet    bool
		env      []string
		want     bool
	}{
		{"terminal", true, false, []string{}, true},
		{"pipe", false, false, []string{}, false},
		{"quiet", true, true, []string{}, false},
		{"CI log", true, false, []string{"CI=true"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			cfg, err := config.Load(config.LoadOptions{Environ: tc.env, WorkDir: t.TempDir(), HomeConfigDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			a := &app{io: IO{Stderr: &buf, IsTerminal: tc.terminal}, quiet: tc.quiet, cfg: cfg}
			bus := event.NewBus()
			stop := a.showProgress(bus)
			bus.Publish(event.Event{Type: event.TypeRunStarted, Time: time.Now(), Started: &event.Started{Total: 10}})
			time.Sleep(300 * time.Millisecond)
			bus.Close()
			stop()
			if drawn := strings.Contains(buf.String(), "0/10"); drawn != tc.want {
				t.Errorf("drawn = %v, want %v (%q)", drawn, tc.want, buf.String())
			}
		})
	}
}

// TestProgressFollowsBatchTotals: the line shows the running totals the
// last batch_saved event carried, so a missed event costs nothing.
func TestProgressFollowsBatchTotals(t *testing.T) {
	t.Parallel()
	s := snapshot(event.Progress{Total: 100, Done: 40, Errors: 1, Failed: 2, CostUSD: 0.5}, 4*time.Second)
	if s.Rate != 10 || s.ETA != 6*time.Second || s.Done != 40 || s.Errors != 1 || s.Failed != 2 {
		t.Errorf("snapshot %+v: want 10/s, ETA 6s", s)
	}
}
