// Package config loads LLM Test Bench's configuration and is the only reader
// of the process environment.
//
// Precedence, lowest first: Default() < the user file
// ($XDG_CONFIG_HOME/llm-test-bench/config.toml, else
// ~/.config/llm-test-bench/config.toml) < ./llm-test-bench.toml < --config
// FILE < environment (LTB_SECTION__KEY, "__" separating levels, plus the
// vendors' usual key variables such as OPENAI_API_KEY, and JWT_SECRET) <
// command-line flags.
//
// The schema is the one of the project's original design (every section and
// key of its sample configuration is accepted), each key typed and checked.
// Keys that this version accepts but no code reads yet are listed, with the
// capability that will read them, in reserved.go; `config validate` warns
// when one is set.
package config

import (
	"slices"
	"time"
)

// Config is the whole configuration.
type Config struct {
	Providers    map[string]ProviderConfig `koanf:"providers"`
	Benchmarks   Benchmarks                `koanf:"benchmarks"`
	Evaluation   Evaluation                `koanf:"evaluation"`
	Multimodal   Multimodal                `koanf:"multimodal"`
	Monitoring   Monitoring                `koanf:"monitoring"`
	Plugins      Plugins                   `koanf:"plugins"`
	Storage      Storage                   `koanf:"storage"`
	Cache        Cache                     `koanf:"cache"`
	Server       Server                    `koanf:"server"`
	Security     Security                  `koanf:"security"`
	Distributed  Distributed               `koanf:"distributed"`
	Integrations map[string]map[string]any `koanf:"integrations"`

	// env is the environment captured at load time, for API keys.
	env map[string]string
	// raw is the merged key/value view, for show and redaction.
	raw map[string]any
	// set records, for every key a file, the environment or a flag set,
	// where the value came from.
	set map[string]origin
}

// ProviderConfig configures a vendor ([providers.openai]) or a named
// endpoint of a vendor's type ([providers.local] type = "openai").
type ProviderConfig struct {
	Type              string            `koanf:"type"`
	BaseURL           string            `koanf:"base_url"`
	APIKey            string            `koanf:"api_key"`
	APIKeyEnv         string            `koanf:"api_key_env"`
	DefaultModel      string            `koanf:"default_model"`
	Models            []string          `koanf:"models"`
	Headers           map[string]string `koanf:"headers"`
	Timeout           time.Duration     `koanf:"timeout"`
	Concurrency       int               `koanf:"concurrency"`
	RequestsPerMinute float64           `koanf:"requests_per_minute"`
	TokensPerMinute   float64           `koanf:"tokens_per_minute"`
	MaxRetries        *int              `koanf:"max_retries"`
	Options           map[string]any    `koanf:"options"`
	Pricing           map[string]Price  `koanf:"pricing"`
}

// Price overrides the pricing table for one model, in USD per 1M tokens. A
// zero cache price bills those tokens at the input price, except that an
// Anthropic model's cache writes cost 1.25x (5-minute) and 2x (one-hour)
// its input price unless set here.
type Price struct {
	InputPerMTok       float64 `koanf:"input_per_mtok"`
	OutputPerMTok      float64 `koanf:"output_per_mtok"`
	CachedInputPerMTok float64 `koanf:"cached_input_per_mtok"`
	// CacheWritePerMTok prices prompt tokens written to the vendor's prompt
	// cache (Anthropic's default 5-minute lifetime); CacheWrite1hPerMTok
	// those written with a one-hour lifetime.
	CacheWritePerMTok   float64 `koanf:"cache_write_per_mtok"`
	CacheWrite1hPerMTok float64 `koanf:"cache_write_1h_per_mtok"`
	// TierAbovePromptTokens, when above 0, starts a long-context tier: a
	// request whose prompt has more tokens is billed whole at the Tier*
	// prices, a zero one keeping the base price of its kind.
	TierAbovePromptTokens   int     `koanf:"tier_above_prompt_tokens"`
	TierInputPerMTok        float64 `koanf:"tier_input_per_mtok"`
	TierOutputPerMTok       float64 `koanf:"tier_output_per_mtok"`
	TierCachedInputPerMTok  float64 `koanf:"tier_cached_input_per_mtok"`
	TierCacheWritePerMTok   float64 `koanf:"tier_cache_write_per_mtok"`
	TierCacheWrite1hPerMTok float64 `koanf:"tier_cache_write_1h_per_mtok"`
}

// Benchmarks holds the defaults of `bench`.
type Benchmarks struct {
	Concurrency int           `koanf:"concurrency"`
	Repeat      int           `koanf:"repeat"`
	Timeout     time.Duration `koanf:"timeout"`
	MaxRetries  int           `koanf:"max_retries"`
	Stream      bool          `koanf:"stream"`
	OutputDir   string        `koanf:"output_dir"`
}

// Evaluation holds scoring defaults and the settings of the evaluation
// stage (LLM judges).
type Evaluation struct {
	// DefaultThreshold is the pass mark of a score without its own, in [0, 1].
	DefaultThreshold float64 `koanf:"default_threshold"`
	// JudgeProvider is the default judge, "vendor:model".
	JudgeProvider string `koanf:"judge_provider"`
	// EmbeddingProvider is the default embedding provider, "vendor:model".
	EmbeddingProvider string `koanf:"embedding_provider"`
	// ParallelEvaluations is the evaluation stage's pool: how many answers
	// are scored by judges at once.
	ParallelEvaluations int `koanf:"parallel_evaluations"`
	// EnableCaching caches judge and embedding answers: in the response
	// cache when [cache] is enabled (CacheTTLHours unless [cache.kind_ttl]
	// sets judge or embedding), else CacheSize of them in memory for the
	// process's life, CacheTTLHours each.
	EnableCaching bool `koanf:"enable_caching"`
	CacheSize     int  `koanf:"cache_size"`
	CacheTTLHours int  `koanf:"cache_ttl_hours"`
}

// Multimodal limits image and audio inputs.
type Multimodal struct {
	EnableVision            bool     `koanf:"enable_vision"`
	EnableAudio             bool     `koanf:"enable_audio"`
	MaxImageSizeMB          int      `koanf:"max_image_size_mb"`
	MaxAudioDurationSeconds int      `koanf:"max_audio_duration_seconds"`
	SupportedImageFormats   []string `koanf:"supported_image_formats"`
	SupportedAudioFormats   []string `koanf:"supported_audio_formats"`
}

// Monitoring configures metrics and alerts of the server.
type Monitoring struct {
	EnableRealtime   bool        `koanf:"enable_realtime"`
	EnablePrometheus bool        `koanf:"enable_prometheus"`
	EnableTracing    bool        `koanf:"enable_tracing"`
	WebsocketPort    int         `koanf:"websocket_port"`
	MetricsPort      int         `koanf:"metrics_port"`
	AlertRules       []AlertRule `koanf:"alert_rules"`
	// AlertInterval is how often the rules are evaluated (default 10s).
	AlertInterval time.Duration `koanf:"alert_interval"`
	// Notifiers receive every alert that fires or resolves.
	Notifiers []Notifier `koanf:"notifiers"`

	// The OTLP/HTTP exporter of traces when EnableTracing is on
	// (internal/tracing). OTLPEndpoint is the collector's URL; one without
	// a path sends to /v1/traces. OTLPHeaders go with every export (a
	// collector's credentials): secrets, hidden by `config show` and never
	// logged. SampleRatio is the share of runs traced, 0 to 1.
	OTLPEndpoint       string            `koanf:"otlp_endpoint"`
	OTLPHeaders        map[string]string `koanf:"otlp_headers"`
	OTLPTimeoutSeconds int               `koanf:"otlp_timeout_seconds"`
	SampleRatio        float64           `koanf:"sample_ratio"`
	ServiceName        string            `koanf:"service_name"`
}

// tracingDefaults sets the defaults of the tracing keys of [monitoring].
func tracingDefaults(m *Monitoring) {
	m.OTLPEndpoint = "http://127.0.0.1:4318"
	m.OTLPTimeoutSeconds = 5
	m.SampleRatio = 1
	m.ServiceName = "llm-test-bench"
}

// AlertRule is one alert condition (docs/MONITORING.md, "Alerts").
type AlertRule struct {
	Name string `koanf:"name"`
	// Condition is in the language of internal/alerts/expr, such as
	// "p95_latency_ms > 5000 over 5m".
	Condition string `koanf:"condition"`
	Severity  string `koanf:"severity"`
	// Provider scopes the rule to one provider's results (a result's
	// provider, such as "openai:gpt-4o-mini"); "*" evaluates it for each
	// provider on its own; "" for all results together.
	Provider string `koanf:"provider"`
	// Model scopes the rule to one model's results; "" for any model.
	Model string `koanf:"model"`
	// For is how long the condition must hold before the alert fires, and
	// be false before it resolves; 0 fires and resolves at once.
	For time.Duration `koanf:"for"`
}

// Notifier is where alerts are sent: "webhook" POSTs the alert as JSON,
// "slack" POSTs {"text": ...} (any Slack-compatible incoming webhook).
type Notifier struct {
	// Name identifies the notifier in logs (its URL never appears there);
	// default the type and its position.
	Name string `koanf:"name"`
	Type string `koanf:"type"`
	// URL receives the POST; it often carries a secret (a Slack webhook's
	// path), so it is never logged or shown.
	URL     string            `koanf:"url"`
	Headers map[string]string `koanf:"headers"`
	// Timeout bounds each attempt (default 5s); MaxRetries is how many
	// times a failed delivery is tried again, with backoff (default 3).
	Timeout    time.Duration `koanf:"timeout"`
	MaxRetries int           `koanf:"max_retries"`
}

// Plugins configures the plugin host.
type Plugins struct {
	EnablePlugins        bool   `koanf:"enable_plugins"`
	PluginDirectory      string `koanf:"plugin_directory"`
	MaxPluginMemoryMB    int    `koanf:"max_plugin_memory_mb"`
	PluginTimeoutSeconds int    `koanf:"plugin_timeout_seconds"`
	// AutoReload watches plugin_directory in long-running processes
	// (serve, bench) and swaps in a plugin's new version once it compiles.
	AutoReload bool `koanf:"auto_reload"`
	// Grants are what the operator allows each plugin, by its name
	// ([plugins.grants.NAME]): a plugin whose manifest asks for a
	// capability not granted here does not load or install.
	Grants map[string]PluginGrant `koanf:"grants"`
}

// PluginGrant is what one plugin may use of what its manifest asks for.
type PluginGrant struct {
	// Allow lists the capabilities granted (PluginCapabilities), e.g.
	// ["llm.complete"].
	Allow []string `koanf:"allow"`
}

// PluginCapabilities are the capabilities a grant may name: the host
// services a plugin reaches only when its manifest asks and a grant allows.
var PluginCapabilities = []string{"llm.complete", "http.request"}

// Granted reports whether the operator allows plugin name the capability cap.
func (p Plugins) Granted(name, capability string) bool {
	return slices.Contains(p.Grants[name].Allow, capability)
}

// Storage chooses the result store.
type Storage struct {
	Backend                  string `koanf:"backend"`
	DatabaseURL              string `koanf:"database_url"`
	MaxConnections           int    `koanf:"max_connections"`
	ConnectionTimeoutSeconds int    `koanf:"connection_timeout_seconds"`
	EnableMigrations         bool   `koanf:"enable_migrations"`
}

// Cache configures the response cache.
type Cache struct {
	Enabled          bool          `koanf:"enabled"`
	Backend          string        `koanf:"backend"`
	Dir              string        `koanf:"dir"`
	TTL              time.Duration `koanf:"ttl"`
	MaxMemoryEntries int           `koanf:"max_memory_entries"`
	RedisURL         string        `koanf:"redis_url"`
	// KeyPrefix starts every Redis key, so that several tools or
	// environments can share one server; "" means "llm-test-bench:".
	KeyPrefix string `koanf:"key_prefix"`
	// KindTTL overrides TTL per kind of entry ([cache.kind_ttl] judge =
	// "720h"): response, embedding or judge; 0 keeps entries of that kind
	// for good.
	KindTTL map[string]time.Duration `koanf:"kind_ttl"`
}

// Server configures `serve`.
type Server struct {
	Host            string `koanf:"host"`
	Port            int    `koanf:"port"`
	EnableREST      bool   `koanf:"enable_rest"`
	EnableGraphQL   bool   `koanf:"enable_graphql"`
	EnableWebsocket bool   `koanf:"enable_websocket"`
	// CORSAllowedOrigins is the exact allowlist of browser origins
	// (https://app.example.com) that may read answers; empty (the default)
	// allows none, "*" any origin but never with credentials.
	CORSAllowedOrigins []string `koanf:"cors_allowed_origins"`
	// TrustedProxies lists the addresses or CIDRs (10.0.0.0/8) of reverse
	// proxies whose X-Forwarded-For and X-Real-IP headers are believed;
	// empty (the default) believes none and keys clients by their address.
	TrustedProxies []string `koanf:"trusted_proxies"`
	// MaxBodyBytes caps a request body; larger ones get 413.
	MaxBodyBytes int `koanf:"max_body_bytes"`
	// RequestTimeout bounds a request's handling, streams excepted.
	RequestTimeout time.Duration `koanf:"request_timeout"`
	// RateLimitRequestsPerMinute is the shorthand of
	// rate_limit.requests_per_minute; Load copies it there when only it is set.
	RateLimitRequestsPerMinute int       `koanf:"rate_limit_requests_per_minute"`
	RateLimit                  RateLimit `koanf:"rate_limit"`
	Websocket                  Websocket `koanf:"websocket"`
	// MaxRunning is how many benchmarks submitted through the API execute
	// at once; QueueSize is how many more may wait for a slot.
	MaxRunning int `koanf:"max_running"`
	QueueSize  int `koanf:"queue_size"`
	// DatasetsDir is the only directory whose files an API request may
	// name as datasets (relative paths inside it); "" allows built-ins and
	// inline suites only.
	DatasetsDir string `koanf:"datasets_dir"`
	// DataDir keeps the server's own files: the inline suites of queued
	// runs, so that they can be resumed, and run journals. "" lets the
	// server choose (the user's data directory).
	DataDir string `koanf:"data_dir"`
	// OnRestart says what a starting server does with the runs a previous
	// one left queued or running: "resume" them or mark them "fail"ed.
	OnRestart string `koanf:"on_restart"`
	// RecoverAfter is how long a queued or running server benchmark may go
	// without a sign of life before another server process takes it over
	// as abandoned (its process died); 0 means the store's 30 s. A shorter
	// one makes the server beat more often, so its own runs stay alive.
	RecoverAfter time.Duration `koanf:"recover_after"`
	// AllowMediaURLs and AllowMediaFiles let a suite submitted through the
	// API carry inputs by http(s) URL or by file:// path; data: URLs are
	// always accepted.
	AllowMediaURLs  bool `koanf:"allow_media_urls"`
	AllowMediaFiles bool `koanf:"allow_media_files"`
	// GraphQL* configure /graphql (internal/graphqlapi). Introspection
	// and the playground are off unless turned on; the limits refuse a
	// query before it runs.
	GraphQLIntrospection bool `koanf:"graphql_introspection"`
	GraphQLPlayground    bool `koanf:"graphql_playground"`
	GraphQLMaxDepth      int  `koanf:"graphql_max_depth"`
	GraphQLMaxComplexity int  `koanf:"graphql_max_complexity"`
	GraphQLMaxTokens     int  `koanf:"graphql_max_tokens"`
}

// Websocket configures the server's WebSocket connections (/ws).
type Websocket struct {
	// PingIntervalSeconds is how often the server pings each connection;
	// PongTimeoutSeconds how long it waits for the pong before it drops
	// the connection.
	PingIntervalSeconds int `koanf:"ping_interval_seconds"`
	PongTimeoutSeconds  int `koanf:"pong_timeout_seconds"`
	// MaxMessageSizeMB caps one message from a client; a bigger one
	// closes the connection (1009).
	MaxMessageSizeMB int `koanf:"max_message_size_mb"`
	// InitTimeoutSeconds is how long a connection may stay open without
	// authenticating (Authorization header or an Auth message).
	InitTimeoutSeconds int `koanf:"init_timeout_seconds"`
	// RevalidateIntervalSeconds is how often an open connection's
	// credential is checked again (revoked token, disabled user, lowered
	// role), so a revoked credential loses its stream within it.
	RevalidateIntervalSeconds int `koanf:"revalidate_interval_seconds"`
	// MaxSubscriptions caps the topic patterns one connection holds;
	// MaxConnectionsPerUser the connections one user holds open.
	MaxSubscriptions      int `koanf:"max_subscriptions"`
	MaxConnectionsPerUser int `koanf:"max_connections_per_user"`
}

// RateLimit limits API requests globally and per endpoint.
type RateLimit struct {
	RequestsPerMinute int             `koanf:"requests_per_minute"`
	BurstSize         int             `koanf:"burst_size"`
	Endpoints         []EndpointLimit `koanf:"endpoints"`
	// RedisURL keeps the buckets in Redis, shared by every replica of the
	// server; "" keeps them in the process's memory.
	RedisURL string `koanf:"redis_url"`
}

// EndpointLimit limits one API path.
type EndpointLimit struct {
	// Path is matched as a prefix of whole segments: /api/v1/benchmarks
	// covers /api/v1/benchmarks/ID but not /api/v1/benchmarksX.
	Path              string `koanf:"path"`
	RequestsPerMinute int    `koanf:"requests_per_minute"`
	// BurstSize is how many requests may arrive at once; 0 means the
	// smaller of requests_per_minute and the global burst_size.
	BurstSize int `koanf:"burst_size"`
}

// Security configures the API server's authentication (see internal/auth).
//
// Signing keys: access tokens are HS256 JWTs signed with the current
// secret, which comes from jwt_secret_env (the name of a variable) when
// set, else jwt_secret (which the JWT_SECRET variable fills). It must be at
// least 32 bytes; the server refuses to start without one.
//
// Rotation: put the new secret in place and move the old one to
// [[security.jwt_rotation]] with a retire_at time at least
// access_ttl ahead:
//
//	[[security.jwt_rotation]]
//	secret_env = "OLD_JWT_SECRET"        # or secret = "..."
//	retire_at  = "2026-08-01T12:00:00Z"  # RFC 3339
//
// Tokens signed with a previous secret are accepted until its retire_at
// and refused after it; nothing new is signed with it. Each token names its
// key in the kid header, derived from the secret, so every replica that
// shares the secrets agrees without naming keys.
type Security struct {
	EnableRBAC   bool   `koanf:"enable_rbac"`
	DefaultRole  string `koanf:"default_role"`
	JWTSecret    string `koanf:"jwt_secret"`
	JWTSecretEnv string `koanf:"jwt_secret_env"`
	// JWTPreviousSecrets verify tokens (never sign) until their retire_at.
	JWTPreviousSecrets []PreviousSecret `koanf:"jwt_rotation"`
	// AccessTokenTTL is how long an access token works (15m).
	AccessTokenTTL time.Duration `koanf:"access_ttl"`
	// RefreshTokenLifetime is the absolute lifetime of a login's refresh
	// tokens, from the login (720h = 30 days); then the user logs in again.
	RefreshTokenLifetime time.Duration `koanf:"refresh_lifetime"`
	// RefreshTokenIdleTimeout ends a refresh token not used for that long
	// (168h = 7 days).
	RefreshTokenIdleTimeout time.Duration `koanf:"refresh_idle_timeout"`
	// LoginMaxFailures failed logins per username, and per client address,
	// within LoginFailureWindow are allowed; the next attempt answers 429
	// until the oldest failure leaves the window (5 in 1m).
	LoginMaxFailures   int           `koanf:"login_max_failures"`
	LoginFailureWindow time.Duration `koanf:"login_failure_window"`
	// Roles are the roles and their permissions; none configured means
	// DefaultRoles (admin, user, viewer).
	Roles []Role `koanf:"roles"`
}

// PreviousSecret is a retired signing secret that still verifies tokens
// until RetireAt.
type PreviousSecret struct {
	Secret    string `koanf:"secret"`
	SecretEnv string `koanf:"secret_env"`
	// RetireAt is an RFC 3339 time.
	RetireAt string `koanf:"retire_at"`
}

// Role is a named set of permissions.
type Role struct {
	Name        string   `koanf:"name"`
	Permissions []string `koanf:"permissions"`
}

// Distributed configures distributed execution.
type Distributed struct {
	EnableDistributed bool   `koanf:"enable_distributed"`
	NATSURL           string `koanf:"nats_url"`
	// RedisURL, when set, keeps the provider limits (requests_per_minute,
	// tokens_per_minute) in Redis, shared by every process that uses it:
	// local runs, workers and coordinators alike.
	RedisURL           string             `koanf:"redis_url"`
	CoordinatorURL     string             `koanf:"coordinator_url"`
	WorkerCount        int                `koanf:"worker_count"`
	WorkerCapabilities WorkerCapabilities `koanf:"worker_capabilities"`
}

// WorkerCapabilities is what a worker announces to the coordinator.
type WorkerCapabilities struct {
	MaxConcurrentTasks int  `koanf:"max_concurrent_tasks"`
	HasGPU             bool `koanf:"has_gpu"`
}

// Default returns the built-in configuration.
func Default() *Config {
	c := &Config{
		Providers: map[string]ProviderConfig{},
		Benchmarks: Benchmarks{
			Concurrency: 8, Repeat: 1, Timeout: 60 * time.Second, MaxRetries: 3, Stream: true,
		},
		// No default threshold: without one a case passes when every gating
		// assertion passes; with one, when its weighted score reaches it.
		Evaluation: Evaluation{
			ParallelEvaluations: 5, EnableCaching: true, CacheSize: 10000, CacheTTLHours: 24,
		},
		Multimodal: Multimodal{
			EnableVision: true, EnableAudio: true, MaxImageSizeMB: 10, MaxAudioDurationSeconds: 300,
			SupportedImageFormats: []string{"jpeg", "png", "webp", "gif"},
			SupportedAudioFormats: []string{"wav", "mp3", "flac"},
		},
		Monitoring: Monitoring{EnablePrometheus: true, AlertInterval: 10 * time.Second},
		Plugins:    Plugins{PluginDirectory: "./plugins", MaxPluginMemoryMB: 100, PluginTimeoutSeconds: 30},
		Storage:    Storage{Backend: "sqlite", MaxConnections: 20, ConnectionTimeoutSeconds: 5, EnableMigrations: true},
		Cache:      Cache{Enabled: true, Backend: "disk", TTL: 7 * 24 * time.Hour, MaxMemoryEntries: 4096},
		Server: Server{
			Host: "127.0.0.1", Port: 8080, EnableREST: true, EnableGraphQL: true, EnableWebsocket: true,
			MaxBodyBytes: 1 << 20, RequestTimeout: 30 * time.Second,
			RateLimit: RateLimit{RequestsPerMinute: 100, BurstSize: 20, Endpoints: []EndpointLimit{
				{Path: "/api/v1/benchmarks", RequestsPerMinute: 10},
				{Path: "/api/v1/evaluate", RequestsPerMinute: 50},
			}},
			Websocket: Websocket{
				PingIntervalSeconds: 30, PongTimeoutSeconds: 10, MaxMessageSizeMB: 10,
				InitTimeoutSeconds: 5, RevalidateIntervalSeconds: 5, MaxSubscriptions: 32, MaxConnectionsPerUser: 16,
			},
			QueueSize: 100, MaxRunning: 2, OnRestart: "resume",

			GraphQLMaxDepth: 10, GraphQLMaxComplexity: 5000, GraphQLMaxTokens: 15000,
		},
		Security: Security{
			DefaultRole: "viewer", AccessTokenTTL: 15 * time.Minute,
			RefreshTokenLifetime: 30 * 24 * time.Hour, RefreshTokenIdleTimeout: 7 * 24 * time.Hour,
			LoginMaxFailures: 5, LoginFailureWindow: time.Minute,
		},
		Distributed: Distributed{
			WorkerCount: 4, WorkerCapabilities: WorkerCapabilities{MaxConcurrentTasks: 10},
		},
		Integrations: map[string]map[string]any{},
	}
	tracingDefaults(&c.Monitoring)
	return c
}
