package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func seedFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The original design's own sample configuration and snippets must load and
// validate clean, alone and layered.
func TestSeedConfigurationValidates(t *testing.T) {
	t.Parallel()
	sample, snippets := seedFile(t, "seed-sample.toml"), seedFile(t, "seed-snippets.toml")
	tests := []struct{ name, project, explicit string }{
		{"sample", sample, ""},
		{"snippets", snippets, ""},
		{"snippets over sample", sample, snippets},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Load(layers(t, "", tc.project, tc.explicit, nil, nil))
			if err != nil {
				t.Fatal(err)
			}
			if ps := cfg.Validate(); len(ps) != 0 {
				t.Errorf("Validate after Load: %v", ps)
			}
		})
	}
	cfg, err := Load(layers(t, "", sample, snippets, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	got := []any{
		cfg.Storage.Backend, cfg.Storage.MaxConnections, cfg.Storage.ConnectionTimeoutSeconds,
		cfg.Server.RateLimitRequestsPerMinute, cfg.Server.RateLimit.RequestsPerMinute, len(cfg.Server.RateLimit.Endpoints),
		cfg.Server.Websocket, cfg.Evaluation.ParallelEvaluations, cfg.Evaluation.CacheSize, cfg.Evaluation.CacheTTLHours,
		cfg.Distributed.CoordinatorURL, cfg.Distributed.WorkerCapabilities, len(cfg.Monitoring.AlertRules),
		cfg.Security.Roles[1].Permissions[0], cfg.Integrations["mlflow"]["tracking_uri"],
	}
	want := []any{
		"postgresql", 50, 10,
		100, 100, 2,
		Websocket{
			PingIntervalSeconds: 30, PongTimeoutSeconds: 5, MaxMessageSizeMB: 10,
			InitTimeoutSeconds: 5, RevalidateIntervalSeconds: 5, MaxSubscriptions: 32, MaxConnectionsPerUser: 16,
		}, 10, 1000, 24,
		"http://localhost:50051", WorkerCapabilities{MaxConcurrentTasks: 10}, 2,
		"benchmark.create", "http://localhost:5000",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("seed settings (-want +got):\n%s", diff)
	}
}

func TestRateLimitShorthand(t *testing.T) {
	t.Parallel()
	cfg, err := Load(layers(t, "", "[server]\nrate_limit_requests_per_minute = 40\n", "", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.RateLimit.RequestsPerMinute != 40 {
		t.Errorf("shorthand not applied: %+v", cfg.Server.RateLimit)
	}
	out, err := cfg.ShowTOML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "rate_limit_requests_per_minute = 40") || !strings.Contains(string(out), "requests_per_minute = 40\n") {
		t.Errorf("show does not give the limit in both places:\n%s", out)
	}
	def, err := Load(layers(t, "", "", "", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := def.ShowTOML(); strings.Contains(string(out), "rate_limit_requests_per_minute") {
		t.Errorf("show lists the unset shorthand:\n%s", out)
	}
	_, err = Load(layers(t, "", "[server]\nrate_limit_requests_per_minute = 40\n[server.rate_limit]\nrequests_per_minute = 50\n", "", nil, nil))
	probs, _ := problemsOf(t, err)
	if len(probs) != 1 || probs[0].Key != "server.rate_limit_requests_per_minute" {
		t.Errorf("two different limits: want one problem on the shorthand, got\n%s", probs)
	}
}

func TestReservedSet(t *testing.T) {
	t.Parallel()
	body := seedFile(t, "seed-sample.toml") + "\n[benchmarks]\noutput_dir = \"out\"\n[providers.openai]\nmax_retries = 2\nmodels = [\"gpt-4o\"]\nconcurrency = 3\n"
	env := []string{"JWT_SECRET=abcdefgh", "LTB_SERVER__PORT=9000"}
	cfg, err := Load(layers(t, "", body, "", env, nil))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Reserved{}
	for _, r := range cfg.ReservedSet() {
		got[r.Key] = r
	}
	for key, capability := range map[string]string{
		"server.host":                               "",
		"server.port":                               "",
		"security.jwt_secret":                       "",
		"server.rate_limit_requests_per_minute":     "",
		"server.cors_allowed_origins":               "",
		"monitoring.alert_rules":                    "",
		"monitoring.metrics_port":                   "",
		"monitoring.enable_prometheus":              "",
		"plugins.auto_reload":                       "",
		"plugins.enable_plugins":                    "",
		"plugins.max_plugin_memory_mb":              "",
		"distributed.coordinator_url":               "",
		"distributed.worker_capabilities.has_gpu":   "",
		"integrations.wandb.entity":                 capExporters,
		"providers.openai.max_retries":              "",
		"providers.openai.models":                   capServer,
		"multimodal.enable_vision":                  "",
		"storage.max_connections":                   "",
		"storage.connection_timeout_seconds":        "",
		"storage.enable_migrations":                 "",
		"storage.database_url":                      "",
		"benchmarks.output_dir":                     "",
		"providers.openai.concurrency":              "",
		"monitoring.alert_rules[0].name":            "",
		"distributed.worker_capabilities":           "",
		"evaluation.default_threshold":              "",
		"server.rate_limit.requests_per_minute":     "",
		"server.websocket.ping_interval_seconds":    "",
		"evaluation.cache_ttl_hours":                "",
		"distributed.worker_capabilities.max_tasks": "",
	} {
		r, ok := got[key]
		if ok != (capability != "") || r.Capability != capability {
			t.Errorf("%s: reserved=%v for %q, want %q", key, ok, r.Capability, capability)
		}
	}
	if !strings.HasSuffix(got["monitoring.websocket_port"].Source, ProjectFile+":19") {
		t.Errorf("sources: %+v", got["monitoring.websocket_port"])
	}
	if len(got) != 12 { // max_retries and judge_provider are read by the call policy and the judges seam; security.* by internal/auth; enable_prometheus and metrics_port by the metrics; enable_tracing by tracing; alert_rules by the alerts; distributed.* by bench --distributed, serve and worker; plugins.* by the plugin host
		t.Errorf("%d reserved keys set, want 12: %v", len(got), cfg.ReservedSet())
	}
}

// Every line of the reserved table must name a key of the schema, so that
// a renamed or wired key cannot leave a dead line behind.
func TestReservedKeysExist(t *testing.T) {
	t.Parallel()
	for _, r := range reservedKeys {
		typ := configType
		for seg := range strings.SplitSeq(r.key, ".") {
			switch {
			case typ.Kind() == reflect.Map && seg == "*":
				typ = typ.Elem()
			case typ.Kind() == reflect.Struct:
				ft, ok := fieldsOf(typ)[seg]
				if !ok {
					t.Errorf("reserved key %s: no %q in the schema", r.key, seg)
					break
				}
				typ = ft
			default:
				t.Errorf("reserved key %s: cannot descend into %s at %q", r.key, typ, seg)
			}
		}
	}
}
