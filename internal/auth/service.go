package auth

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// touchInterval is how often an API key's last_used_at is written at most.
const touchInterval = time.Minute

// Service authenticates and authorizes callers, and manages users, API
// keys and sessions. It is safe for concurrent use.
type Service struct {
	st    store.AuthStore
	sec   config.Security
	roles *Roles
	keys  *Keyring // nil for NewAccounts
	hash  *hasher
	log   *slog.Logger
	now   func() time.Time

	userFails, ipFails *failureLimiter
	touch              *touchLimiter

	// ClientIP returns the client address of a request for login
	// throttling and the audit log; the default is RemoteAddr's host. A
	// server behind trusted proxies replaces it before serving.
	ClientIP func(r *http.Request) string
}

// New returns the service the API server mounts. It fails when the
// signing secrets are missing or short (config.CheckSigningSecrets) or a
// role grants an unknown permission. now is the clock (nil: time.Now).
func New(st store.AuthStore, cfg *config.Config, log *slog.Logger, now func() time.Time) (*Service, error) {
	keys, err := KeyringFromConfig(cfg)
	if err != nil {
		return nil, err
	}
	s, err := NewAccounts(st, cfg, log, now)
	if err != nil {
		return nil, err
	}
	s.keys = keys
	return s, nil
}

// NewAccounts returns a service that manages users and API keys and
// authenticates API keys, without signing secrets: what the CLI's auth
// commands need. Its Login, Refresh and token checks return ErrNoSigningKey.
func NewAccounts(st store.AuthStore, cfg *config.Config, log *slog.Logger, now func() time.Time) (*Service, error) {
	roles, err := NewRoles(cfg.Security)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h, err := newHasher(DefaultArgon2, runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, err
	}
	sec := cfg.Security
	return &Service{
		st: st, sec: sec, roles: roles, hash: h, log: log.With("component", "auth"),
		now:       func() time.Time { return now().UTC() },
		userFails: newFailureLimiter(sec.LoginMaxFailures, sec.LoginFailureWindow),
		ipFails:   newFailureLimiter(sec.LoginMaxFailures, sec.LoginFailureWindow),
		touch:     &touchLimiter{interval: touchInterval, last: map[string]time.Time{}},
		ClientIP:  remoteHost,
	}, nil
}

// Roles returns the role table in force, for route x role tests.
func (s *Service) Roles() *Roles { return s.roles }

// storeTime rounds t as both stores keep it.
func storeTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// requestInfo travels in the context so audit entries and log lines name
// the request.
type requestInfo struct{ id, ip string }

type requestInfoKey struct{}

// WithRequest returns ctx carrying the request id and client address that
// the service writes into audit entries and log lines.
func WithRequest(ctx context.Context, requestID, clientIP string) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, requestInfo{id: requestID, ip: clientIP})
}

func infoOf(ctx context.Context) requestInfo {
	ri, _ := ctx.Value(requestInfoKey{}).(requestInfo)
	return ri
}

// audit appends an audit event; a failure to write it is logged, not
// returned, so the audit trail never turns a login into an outage.
func (s *Service) audit(ctx context.Context, action, userID, resource string, details map[string]any) {
	ri := infoOf(ctx)
	e := &store.AuditEvent{
		UserID: userID, Action: action, Resource: resource, Details: details,
		IP: ri.ip, RequestID: ri.id, CreatedAt: storeTime(s.now()),
	}
	if err := s.st.Audit(ctx, e); err != nil {
		s.log.Error("audit entry lost", "action", action, "user_id", userID, "err", err)
	}
}

// warn logs a security event with the request's id and address.
func (s *Service) warn(ctx context.Context, msg string, args ...any) {
	ri := infoOf(ctx)
	s.log.Warn(msg, append(args, "request_id", ri.id, "ip", ri.ip)...)
}

func (s *Service) principalFor(u *store.User) *Principal {
	perms, _ := s.roles.Permissions(u.Role)
	return &Principal{UserID: u.ID, Username: u.Username, Role: u.Role, Perms: perms}
}

// loadActiveUser returns the user of a credential, or ErrUnauthenticated
// when it is gone or disabled.
func (s *Service) loadActiveUser(ctx context.Context, id string) (*store.User, error) {
	u, err := s.st.GetUser(ctx, id)
	switch {
	case errIsNotFound(err):
		return nil, unauthenticated("user gone")
	case err != nil:
		return nil, fmt.Errorf("load user: %w", err)
	case u.Disabled:
		return nil, unauthenticated("user disabled")
	}
	return u, nil
}
