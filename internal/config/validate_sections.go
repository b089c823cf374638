package config

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// storeKind classifies a database URL as the store opens it: "sqlite" for
// sqlite:PATH, sqlite://PATH and paths ending in .db, .sqlite or .sqlite3;
// "postgresql" for postgres:// and postgresql:// URLs; "" for anything else.
func storeKind(u string) string {
	l := strings.ToLower(strings.TrimSpace(u))
	switch {
	case strings.HasPrefix(l, "postgres://"), strings.HasPrefix(l, "postgresql://"):
		return "postgresql"
	case strings.HasPrefix(l, "sqlite:"):
		return "sqlite"
	}
	switch filepath.Ext(l) {
	case ".db", ".sqlite", ".sqlite3":
		if !strings.Contains(l, "://") {
			return "sqlite"
		}
	}
	return ""
}

// backendKind maps a storage.backend name to storeKind's vocabulary.
func backendKind(b string) string {
	switch strings.ToLower(b) {
	case "sqlite":
		return "sqlite"
	case "postgres", "postgresql":
		return "postgresql"
	}
	return ""
}

func (v *validation) storage() {
	s := v.c.Storage
	backend, kind := backendKind(s.Backend), storeKind(s.DatabaseURL)
	if backend == "" {
		v.add("storage.backend", "must be sqlite or postgresql, got %q", s.Backend)
	}
	switch {
	case s.DatabaseURL != "" && kind == "":
		v.add("storage.database_url", "want sqlite:PATH, a path ending in .db, .sqlite or .sqlite3, or postgres://USER@HOST/DB, got %q", RedactURL(s.DatabaseURL))
	case s.DatabaseURL == "" && backend == "postgresql":
		v.add("storage.backend", "%q needs storage.database_url = \"postgres://USER@HOST/DB\" (or --db postgres://...); without it nothing would reach PostgreSQL", s.Backend)
	case kind != "" && backend != "" && kind != backend:
		v.add("storage.database_url", "is a %s URL but storage.backend is %q; make them agree, or leave backend out to follow the URL", kind, s.Backend)
	}
	v.atLeast("storage.max_connections", s.MaxConnections, 1)
	v.atLeast("storage.connection_timeout_seconds", s.ConnectionTimeoutSeconds, 1)
}

func (v *validation) server() {
	s := v.c.Server
	if h := strings.TrimSpace(s.Host); h == "" || strings.ContainsAny(h, "/ ") {
		v.add("server.host", "want a host name or address to listen on, such as 127.0.0.1, got %q", s.Host)
	}
	v.port("server.port", s.Port)
	for i, o := range s.CORSAllowedOrigins {
		if o != "*" && !isOrigin(o) {
			v.add(fmt.Sprintf("server.cors_allowed_origins[%d]", i), "want \"*\" or an origin such as https://app.example.com (scheme and host, no path), got %q", o)
		}
	}
	for i, p := range s.TrustedProxies {
		if !isAddrOrPrefix(p) {
			v.add(fmt.Sprintf("server.trusted_proxies[%d]", i), "want an IP address or a CIDR such as 10.0.0.0/8, got %q", p)
		}
	}
	v.atLeast("server.max_body_bytes", s.MaxBodyBytes, 1)
	if s.RequestTimeout <= 0 {
		v.add("server.request_timeout", "must be positive, such as \"30s\", got %s", s.RequestTimeout)
	}
	v.atLeast("server.rate_limit_requests_per_minute", s.RateLimitRequestsPerMinute, 0)
	short, full := "server.rate_limit_requests_per_minute", "server.rate_limit.requests_per_minute"
	if v.c.isSet(short) && v.c.isSet(full) && s.RateLimitRequestsPerMinute != s.RateLimit.RequestsPerMinute {
		v.add(short, "is the shorthand of %s, which is set to %d; set only one", full, s.RateLimit.RequestsPerMinute)
	}
	rl := s.RateLimit
	v.atLeast(full, rl.RequestsPerMinute, 0)
	v.atLeast("server.rate_limit.burst_size", rl.BurstSize, 0)
	if rl.RequestsPerMinute > 0 && rl.BurstSize < 1 {
		v.add("server.rate_limit.burst_size", "must be at least 1 when requests_per_minute limits requests, got %d", rl.BurstSize)
	}
	seen := map[string]bool{}
	for i, e := range rl.Endpoints {
		key := fmt.Sprintf("server.rate_limit.endpoints[%d]", i)
		switch {
		case !strings.HasPrefix(e.Path, "/"):
			v.add(key+".path", "want a route path such as /api/v1/benchmarks, got %q", e.Path)
		case seen[e.Path]:
			v.add(key+".path", "%s has two limits", e.Path)
		}
		seen[e.Path] = true
		v.atLeast(key+".requests_per_minute", e.RequestsPerMinute, 1)
		v.atLeast(key+".burst_size", e.BurstSize, 0)
	}
	v.url("server.rate_limit.redis_url", rl.RedisURL, "redis", "rediss")
	ws := s.Websocket
	v.atLeast("server.websocket.ping_interval_seconds", ws.PingIntervalSeconds, 1)
	v.atLeast("server.websocket.pong_timeout_seconds", ws.PongTimeoutSeconds, 1)
	v.atLeast("server.websocket.max_message_size_mb", ws.MaxMessageSizeMB, 1)
	v.atLeast("server.websocket.init_timeout_seconds", ws.InitTimeoutSeconds, 1)
	v.atLeast("server.websocket.revalidate_interval_seconds", ws.RevalidateIntervalSeconds, 1)
	v.atLeast("server.websocket.max_subscriptions", ws.MaxSubscriptions, 1)
	v.atLeast("server.websocket.max_connections_per_user", ws.MaxConnectionsPerUser, 1)
	v.atLeast("server.graphql_max_depth", s.GraphQLMaxDepth, 2)
	v.atLeast("server.graphql_max_complexity", s.GraphQLMaxComplexity, 100)
	v.atLeast("server.graphql_max_tokens", s.GraphQLMaxTokens, 100)
	v.serverQueue()
}

// serverQueue checks the keys of the API server's benchmark queue.
func (v *validation) serverQueue() {
	s := v.c.Server
	v.atLeast("server.max_running", s.MaxRunning, 1)
	v.atLeast("server.queue_size", s.QueueSize, 1)
	if s.RecoverAfter != 0 && s.RecoverAfter < time.Second {
		v.add("server.recover_after", "want at least \"1s\", or leave it out for 30s, got %s", s.RecoverAfter)
	}
	if s.OnRestart != "resume" && s.OnRestart != "fail" {
		v.add("server.on_restart", "want \"resume\" (runs a stopped server left queued or running go on) or \"fail\" (they are marked failed), got %q", s.OnRestart)
	}
	for key, dir := range map[string]string{"server.datasets_dir": s.DatasetsDir, "server.data_dir": s.DataDir} {
		if dir != "" && strings.TrimSpace(dir) == "" {
			v.add(key, "want a directory path, or leave it out, got %q", dir)
		}
	}
}

// isAddrOrPrefix reports whether s is an IP address or a CIDR prefix.
func isAddrOrPrefix(s string) bool {
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	_, err := netip.ParsePrefix(s)
	return err == nil
}

// isOrigin reports whether o is a web origin: http(s)://host[:port].
func isOrigin(o string) bool {
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		(u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == "" && u.User == nil
}

// permission is the form of a permission string of a role: "*",
// "resource.*" or "resource.action", as in benchmark.create.
var permission = regexp.MustCompile(`^(\*|[a-z][a-z_]*\.(\*|[a-z][a-z_]*))$`)

func (v *validation) security() {
	s := v.c.Security
	names := make([]string, 0, len(s.Roles))
	for i, r := range s.Roles {
		key := fmt.Sprintf("security.roles[%d]", i)
		switch {
		case strings.TrimSpace(r.Name) == "":
			v.add(key+".name", "every role needs a name")
		case slices.Contains(names, r.Name):
			v.add(key+".name", "role %q is defined twice", r.Name)
		}
		names = append(names, r.Name)
		for j, p := range r.Permissions {
			pk := fmt.Sprintf("%s.permissions[%d]", key, j)
			switch {
			case !permission.MatchString(p):
				v.add(pk, "want \"*\", \"resource.*\" or \"resource.action\" such as \"benchmark.create\", got %q", p)
			case !KnownPermission(p):
				msg := fmt.Sprintf("unknown permission %q", p)
				if c := closest(p, KnownPermissions); c != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", c)
				}
				v.add(pk, "%s; known: %s, \"resource.*\" or \"*\"", msg, strings.Join(KnownPermissions, ", "))
			}
		}
	}
	inForce := make([]string, 0, 3)
	for _, r := range s.RolesInForce() {
		inForce = append(inForce, r.Name)
	}
	switch {
	case strings.TrimSpace(s.DefaultRole) == "":
		v.add("security.default_role", "must name the role new users get, such as \"viewer\"")
	case !slices.Contains(inForce, s.DefaultRole):
		v.add("security.default_role", "%q is not one of the roles in force (%s); set default_role to one of them", s.DefaultRole, strings.Join(inForce, ", "))
	}
	v.signing()
	v.positive("security.access_ttl", s.AccessTokenTTL)
	v.positive("security.refresh_lifetime", s.RefreshTokenLifetime)
	v.positive("security.refresh_idle_timeout", s.RefreshTokenIdleTimeout)
	if s.RefreshTokenLifetime > 0 && s.RefreshTokenIdleTimeout > s.RefreshTokenLifetime {
		v.add("security.refresh_idle_timeout", "%s is longer than refresh_lifetime (%s), so it would never apply", s.RefreshTokenIdleTimeout, s.RefreshTokenLifetime)
	}
	v.atLeast("security.login_max_failures", s.LoginMaxFailures, 1)
	v.positive("security.login_failure_window", s.LoginFailureWindow)
}

// signing checks the signing secrets as far as configuration can: a
// missing secret is the server's start-up error (other commands need none),
// and a short JWT_SECRET meant for another program does not stop them.
func (v *validation) signing() {
	s := v.c.Security
	if s.JWTSecretEnv != "" && !envName.MatchString(s.JWTSecretEnv) {
		v.add("security.jwt_secret_env", "want the name of an environment variable, such as LTB_JWT_SECRET (the secret itself belongs in that variable)")
	}
	if n := len(s.JWTSecret); n > 0 && n < MinJWTSecretBytes && v.c.SourceOf("security.jwt_secret") != JWTSecretEnv {
		v.add("security.jwt_secret", "is %d bytes; a signing secret must be at least %d random bytes", n, MinJWTSecretBytes)
	}
	for i, p := range s.JWTPreviousSecrets {
		key := fmt.Sprintf("security.jwt_rotation[%d]", i)
		switch {
		case (p.Secret == "") == (p.SecretEnv == ""):
			v.add(key, "set exactly one of secret and secret_env")
		case p.SecretEnv != "" && !envName.MatchString(p.SecretEnv):
			v.add(key+".secret_env", "want the name of an environment variable, such as OLD_JWT_SECRET")
		case p.Secret != "" && len(p.Secret) < MinJWTSecretBytes:
			v.add(key+".secret", "is %d bytes; a signing secret must be at least %d", len(p.Secret), MinJWTSecretBytes)
		}
		if _, err := time.Parse(time.RFC3339, p.RetireAt); err != nil {
			v.add(key+".retire_at", "want an RFC 3339 time after which tokens signed with this secret are refused, such as \"2026-08-01T12:00:00Z\", got %q", p.RetireAt)
		}
	}
}

func (v *validation) positive(key string, d time.Duration) {
	if d <= 0 {
		v.add(key, "must be a positive duration such as \"15m\", got %s", d)
	}
}

// envName is the form of an environment variable's name.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (v *validation) provider(n string) {
	p := v.c.Provider(n)
	key := join("providers", n)
	v.url(key+".base_url", p.BaseURL, "http", "https")
	if p.APIKeyEnv != "" && !envName.MatchString(p.APIKeyEnv) {
		// The value is not shown: a key pasted here by mistake must not be echoed.
		v.add(key+".api_key_env", "want the name of an environment variable, such as MY_API_KEY (the key itself belongs in that variable)")
	}
	if p.Timeout < 0 {
		v.add(key+".timeout", "must not be negative, got %s", p.Timeout)
	}
	v.atLeast(key+".concurrency", p.Concurrency, 0)
	if p.RequestsPerMinute < 0 {
		v.add(key+".requests_per_minute", "must not be negative, got %g", p.RequestsPerMinute)
	}
	if p.TokensPerMinute < 0 {
		v.add(key+".tokens_per_minute", "must not be negative, got %g", p.TokensPerMinute)
	}
	if p.MaxRetries != nil && *p.MaxRetries < 0 {
		v.add(key+".max_retries", "must not be negative, got %d", *p.MaxRetries)
	}
	for _, name := range sortedNames(p.Headers) {
		hk := join(key+".headers", name)
		switch {
		case !isHeaderName(name):
			v.add(hk, "%q is not a valid HTTP header name", name)
		case !isHeaderValue(p.Headers[name]):
			v.add(hk, "the value holds a line break or a control character")
		case http.CanonicalHeaderKey(name) == "Content-Length" || http.CanonicalHeaderKey(name) == "Host":
			v.add(hk, "is set by the HTTP client and cannot be configured")
		}
	}
	for _, model := range sortedNames(p.Pricing) {
		if pr := p.Pricing[model]; pr.InputPerMTok < 0 || pr.OutputPerMTok < 0 || pr.CachedInputPerMTok < 0 {
			v.add(join(key+".pricing", model), "prices must not be negative")
		}
	}
}

// isHeaderName reports whether s is an HTTP field name (an RFC 9110 token).
func isHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		ok := r < 0x7f && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r))
		if !ok {
			return false
		}
	}
	return true
}

// isHeaderValue reports whether s can be sent as a field value: no control
// characters but the tab, so no header can be smuggled in with a line break.
func isHeaderValue(s string) bool {
	for _, r := range s {
		if r == 0x7f || (r < 0x20 && r != '\t') {
			return false
		}
	}
	return true
}
