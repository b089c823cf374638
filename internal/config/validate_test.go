package config

import (
	"strings"
	"testing"
)

// Each row sets one bad value; Load must report exactly one problem, on
// the row's key, and the message must say what is wanted.
func TestValidateRanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, key, msg string
	}{
		{"concurrency", "[benchmarks]\nconcurrency = 0", "benchmarks.concurrency", "at least 1"},
		{"repeat", "[benchmarks]\nrepeat = -1", "benchmarks.repeat", "at least 1"},
		{"timeout", "[benchmarks]\ntimeout = \"0s\"", "benchmarks.timeout", "positive"},
		{"max retries", "[benchmarks]\nmax_retries = -1", "benchmarks.max_retries", "negative"},
		{"output dir", "[benchmarks]\noutput_dir = \"  \"", "benchmarks.output_dir", "directory"},
		{"threshold high", "[evaluation]\ndefault_threshold = 1.5", "evaluation.default_threshold", "between 0 and 1"},
		{"threshold low", "[evaluation]\ndefault_threshold = -0.1", "evaluation.default_threshold", "between 0 and 1"},
		{"judge", "[evaluation]\njudge_provider = \"gpt-4o\"", "evaluation.judge_provider", "vendor:model"},
		{"parallel evaluations", "[evaluation]\nparallel_evaluations = 0", "evaluation.parallel_evaluations", "at least 1"},
		{"cache size", "[evaluation]\ncache_size = -5", "evaluation.cache_size", "negative"},
		{"cache ttl hours", "[evaluation]\ncache_ttl_hours = -1", "evaluation.cache_ttl_hours", "negative"},
		{"image size", "[multimodal]\nmax_image_size_mb = 0", "multimodal.max_image_size_mb", "at least 1"},
		{"audio duration", "[multimodal]\nmax_audio_duration_seconds = 0", "multimodal.max_audio_duration_seconds", "at least 1"},
		{"image format", "[multimodal]\nsupported_image_formats = [\"webm\"]", "multimodal.supported_image_formats", `did you mean "webp"`},
		{"audio format", "[multimodal]\nsupported_audio_formats = [\"midi\"]", "multimodal.supported_audio_formats", "unknown"},
		{"websocket port", "[monitoring]\nwebsocket_port = 70000", "monitoring.websocket_port", "0-65535"},
		{"metrics port", "[monitoring]\nmetrics_port = -1", "monitoring.metrics_port", "0-65535"},
		{"otlp endpoint scheme", "[monitoring]\notlp_endpoint = \"grpc://collector:4317\"", "monitoring.otlp_endpoint", "http, https"},
		{"otlp endpoint empty", "[monitoring]\nenable_tracing = true\notlp_endpoint = \"\"", "monitoring.otlp_endpoint", "name the collector"},
		{"sample ratio", "[monitoring]\nsample_ratio = 1.5", "monitoring.sample_ratio", "between 0 and 1"},
		{"otlp timeout", "[monitoring]\notlp_timeout_seconds = 0", "monitoring.otlp_timeout_seconds", "at least 1"},
		{"service name", "[monitoring]\nenable_tracing = true\nservice_name = \" \"", "monitoring.service_name", "name the service"},
		{"otlp header name", "[monitoring.otlp_headers]\n\"a b\" = \"x\"", "monitoring.otlp_headers", "not a header name"},
		{"alert severity", "[[monitoring.alert_rules]]\nname = \"a\"\ncondition = \"error_rate > 0.5\"\nseverity = \"loud\"", "monitoring.alert_rules[0].severity", "warning"},
		{"alert condition", "[[monitoring.alert_rules]]\nname = \"a\"\nseverity = \"error\"", "monitoring.alert_rules[0].condition", "condition"},
		{"alert condition syntax", "[[monitoring.alert_rules]]\nname = \"slow\"\ncondition = \"p95_latency_ms >> 5\"\nseverity = \"error\"", "monitoring.alert_rules[0].condition", `alert rule "slow": column 17: unexpected ">"`},
		{"alert condition metric", "[[monitoring.alert_rules]]\nname = \"slow\"\ncondition = \"p95 > 5\"\nseverity = \"error\"", "monitoring.alert_rules[0].condition", `column 1: unknown metric "p95"`},
		{"alert for", "[[monitoring.alert_rules]]\nname = \"a\"\ncondition = \"error_rate > 0.5\"\nseverity = \"error\"\nfor = \"-1s\"", "monitoring.alert_rules[0].for", "negative"},
		{"alert interval", "[monitoring]\nalert_interval = \"-1s\"", "monitoring.alert_interval", "positive"},
		{"notifier type", "[[monitoring.notifiers]]\ntype = \"email\"\nurl = \"https://h.example/x\"", "monitoring.notifiers[0].type", "webhook, slack"},
		{"notifier url", "[[monitoring.notifiers]]\ntype = \"slack\"\nurl = \"hooks.slack.example/T0/B0/sekrit\"", "monitoring.notifiers[0].url", "not shown"},
		{"notifier retries", "[[monitoring.notifiers]]\ntype = \"webhook\"\nurl = \"https://h.example/x\"\nmax_retries = 11", "monitoring.notifiers[0].max_retries", "0 to 10"},
		{"notifier header", "[[monitoring.notifiers]]\ntype = \"webhook\"\nurl = \"https://h.example/x\"\nheaders = { \"Bad Name\" = \"v\" }", "monitoring.notifiers[0].headers", "header name"},
		{"alert name", "[[monitoring.alert_rules]]\ncondition = \"error_rate > 0.5\"\nseverity = \"error\"", "monitoring.alert_rules[0].name", "name"},
		{"plugin dir", "[plugins]\nenable_plugins = true\nplugin_directory = \"\"", "plugins.plugin_directory", "directory"},
		{"plugin memory", "[plugins]\nmax_plugin_memory_mb = 0", "plugins.max_plugin_memory_mb", "at least 4"},
		{"plugin timeout", "[plugins]\nplugin_timeout_seconds = 0", "plugins.plugin_timeout_seconds", "at least 1"},
		{"plugin notifier name", "[[monitoring.notifiers]]\ntype = \"plugin:../x\"", "monitoring.notifiers[0].type", "not a plugin name"},
		{"plugin notifier headers", "[[monitoring.notifiers]]\ntype = \"plugin:chat\"\nheaders = { \"X-A\" = \"v\" }", "monitoring.notifiers[0].headers", "no headers"},
		{"plugin network grant", "[plugins.grants.x]\nallow = [\"network\"]", "plugins.grants.x.allow", "unknown capability"},
		{"max connections", "[storage]\nmax_connections = 0", "storage.max_connections", "at least 1"},
		{"connection timeout", "[storage]\nconnection_timeout_seconds = 0", "storage.connection_timeout_seconds", "at least 1"},
		{"cache backend", "[cache]\nbackend = \"memcached\"", "cache.backend", "disk or redis"},
		{"cache ttl", "[cache]\nttl = \"-1h\"", "cache.ttl", "negative"},
		{"cache entries", "[cache]\nmax_memory_entries = -1", "cache.max_memory_entries", "negative"},
		{"redis url", "[cache]\nredis_url = \"http://r:6379\"", "cache.redis_url", "redis"},
		{"host", "[server]\nhost = \"http://0.0.0.0\"", "server.host", "host name"},
		{"port", "[server]\nport = 65536", "server.port", "0-65535"},
		{"cors", "[server]\ncors_allowed_origins = [\"example.com\"]", "server.cors_allowed_origins[0]", "origin"},
		{"cors path", "[server]\ncors_allowed_origins = [\"https://a.example/app\"]", "server.cors_allowed_origins[0]", "no path"},
		{"rate shorthand", "[server]\nrate_limit_requests_per_minute = -1", "server.rate_limit_requests_per_minute", "negative"},
		{"rate", "[server.rate_limit]\nrequests_per_minute = -1", "server.rate_limit.requests_per_minute", "negative"},
		{"burst", "[server.rate_limit]\nburst_size = 0", "server.rate_limit.burst_size", "at least 1"},
		{"endpoint path", "[[server.rate_limit.endpoints]]\npath = \"api\"\nrequests_per_minute = 5", "server.rate_limit.endpoints[0].path", "route path"},
		{"endpoint rate", "[[server.rate_limit.endpoints]]\npath = \"/api\"\nrequests_per_minute = 0", "server.rate_limit.endpoints[0].requests_per_minute", "at least 1"},
		{"endpoint burst", "[[server.rate_limit.endpoints]]\npath = \"/api\"\nrequests_per_minute = 5\nburst_size = -1", "server.rate_limit.endpoints[0].burst_size", "negative"},
		{"rate redis url", "[server.rate_limit]\nredis_url = \"http://r:6379\"", "server.rate_limit.redis_url", "redis"},
		{"trusted proxy", "[server]\ntrusted_proxies = [\"10.0.0.0/33\"]", "server.trusted_proxies[0]", "CIDR"},
		{"trusted proxy name", "[server]\ntrusted_proxies = [\"proxy.local\"]", "server.trusted_proxies[0]", "CIDR"},
		{"body limit", "[server]\nmax_body_bytes = 0", "server.max_body_bytes", "at least 1"},
		{"request timeout", "[server]\nrequest_timeout = \"0s\"", "server.request_timeout", "positive"},
		{"ping", "[server.websocket]\nping_interval_seconds = 0", "server.websocket.ping_interval_seconds", "at least 1"},
		{"pong", "[server.websocket]\npong_timeout_seconds = 0", "server.websocket.pong_timeout_seconds", "at least 1"},
		{"message size", "[server.websocket]\nmax_message_size_mb = 0", "server.websocket.max_message_size_mb", "at least 1"},
		{"init timeout", "[server.websocket]\ninit_timeout_seconds = 0", "server.websocket.init_timeout_seconds", "at least 1"},
		{"revalidate", "[server.websocket]\nrevalidate_interval_seconds = 0", "server.websocket.revalidate_interval_seconds", "at least 1"},
		{"subscriptions", "[server.websocket]\nmax_subscriptions = 0", "server.websocket.max_subscriptions", "at least 1"},
		{"connections", "[server.websocket]\nmax_connections_per_user = 0", "server.websocket.max_connections_per_user", "at least 1"},
		{"max running", "[server]\nmax_running = 0", "server.max_running", "at least 1"},
		{"queue size", "[server]\nqueue_size = 0", "server.queue_size", "at least 1"},
		{"on restart", "[server]\non_restart = \"retry\"", "server.on_restart", "resume"},
		{"recover after", "[server]\nrecover_after = \"100ms\"", "server.recover_after", "at least"},
		{"datasets dir", "[server]\ndatasets_dir = \"  \"", "server.datasets_dir", "directory"},
		{"data dir", "[server]\ndata_dir = \" \"", "server.data_dir", "directory"},
		{"graphql depth", "[server]\ngraphql_max_depth = 1", "server.graphql_max_depth", "at least 2"},
		{"graphql complexity", "[server]\ngraphql_max_complexity = 0", "server.graphql_max_complexity", "at least 100"},
		{"graphql tokens", "[server]\ngraphql_max_tokens = 10", "server.graphql_max_tokens", "at least 100"},
		{"default role", "[security]\ndefault_role = \"\"", "security.default_role", "role"},
		{"unknown default role", "[security]\ndefault_role = \"guest\"\n[[security.roles]]\nname = \"guest2\"\npermissions = [\"*\"]", "security.default_role", "guest2"},
		{"permission", "[security]\ndefault_role = \"r\"\n[[security.roles]]\nname = \"r\"\npermissions = [\"everything\"]", "security.roles[0].permissions[0]", "resource.action"},
		{"duplicate role", "[security]\ndefault_role = \"r\"\n[[security.roles]]\nname = \"r\"\n[[security.roles]]\nname = \"r\"", "security.roles[1].name", "twice"},
		{"nats", "[distributed]\nnats_url = \"localhost:4222\"", "distributed.nats_url", "nats"},
		{"coordinator", "[distributed]\ncoordinator_url = \"localhost\"", "distributed.coordinator_url", "http"},
		{"shared limits", "[distributed]\nredis_url = \"http://r:6379\"", "distributed.redis_url", "redis"},
		{"workers", "[distributed]\nworker_count = 0", "distributed.worker_count", "at least 1"},
		{"worker tasks", "[distributed.worker_capabilities]\nmax_concurrent_tasks = 0", "distributed.worker_capabilities.max_concurrent_tasks", "at least 1"},
		{"integration switch", "[integrations.wandb]\nenable = \"yes\"", "integrations.wandb.enable", "true or false"},
		{"integration url", "[integrations.mlflow]\ntracking_uri = \"localhost:5000\"", "integrations.mlflow.tracking_uri", "http"},
		{"base url", "[providers.openai]\nbase_url = \"ftp://x\"", "providers.openai.base_url", "http"},
		{"api key env", "[providers.local]\ntype = \"openai\"\napi_key_env = \"sk-pasted-key-by-mistake\"", "providers.local.api_key_env", "name of an environment variable"},
		{"provider timeout", "[providers.openai]\ntimeout = \"-1s\"", "providers.openai.timeout", "negative"},
		{"provider concurrency", "[providers.openai]\nconcurrency = -1", "providers.openai.concurrency", "negative"},
		{"provider rpm", "[providers.openai]\nrequests_per_minute = -1", "providers.openai.requests_per_minute", "negative"},
		{"provider tpm", "[providers.openai]\ntokens_per_minute = -1", "providers.openai.tokens_per_minute", "negative"},
		{"provider retries", "[providers.openai]\nmax_retries = -1", "providers.openai.max_retries", "negative"},
		{"header name", "[providers.openai.headers]\n\"Bad Header\" = \"x\"", `providers.openai.headers."Bad Header"`, "header name"},
		{"header value", "[providers.openai.headers]\nX-Trace = \"a\\r\\nX-Injected: 1\"", "providers.openai.headers.X-Trace", "line break"},
		{"header host", "[providers.openai.headers]\nHost = \"evil\"", "providers.openai.headers.Host", "HTTP client"},
		{"price", "[providers.openai.pricing.\"gpt-4.1\"]\ninput_per_mtok = -1", `providers.openai.pricing."gpt-4.1"`, "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(layers(t, "", tc.body+"\n", "", nil, nil))
			probs, _ := problemsOf(t, err)
			if len(probs) != 1 || probs[0].Key != tc.key || !strings.Contains(probs[0].Msg, tc.msg) {
				t.Errorf("want one problem on %s saying %q, got:\n%s", tc.key, tc.msg, probs)
			}
			if strings.Contains(probs.Error(), "sk-pasted-key") {
				t.Errorf("a value that may be a key was echoed:\n%s", probs)
			}
			if !strings.Contains(probs[0].Source, ProjectFile) {
				t.Errorf("problem does not name the file that set it: %v", probs[0])
			}
		})
	}
}
