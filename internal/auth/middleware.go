package auth

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// RequestIDHeader carries the request id that log lines and problem
// answers name.
const RequestIDHeader = "X-Request-Id"

// credentialParams are query parameters that would put a credential in a
// URL (and so in proxy logs and browser history).
var credentialParams = []string{"api_key", "access_token", "apikey", "token", "refresh_token"}

func requestID(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); id != "" && len(id) <= 128 {
		return id
	}
	return ""
}

// RefuseCredentialsInURL answers 400 to a request whose query carries a
// credential parameter (api_key, access_token, ...), whatever the route.
func (s *Service) RefuseCredentialsInURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		for _, name := range credentialParams {
			if q.Has(name) {
				s.warn(WithRequest(r.Context(), requestID(r), s.ClientIP(r)), "credential in URL refused", "param", name, "path", r.URL.Path)
				problem.BadField(w, name, "credentials are accepted only in the Authorization header, never in the URL")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Middleware authenticates the request's Authorization header (a Bearer
// access token or API key) and passes the principal on in the context
// (FromContext). Without a valid credential it answers 401 with
// WWW-Authenticate: Bearer; a header over MaxAuthorizationBytes or not of
// the Bearer form answers 400. Credentials in the URL query answer 400.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return s.RefuseCredentialsInURL(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := WithRequest(r.Context(), requestID(r), s.ClientIP(r))
		hs := r.Header.Values("Authorization")
		if len(hs) > 1 {
			s.fail(w, r.WithContext(ctx), ErrMalformedHeader)
			return
		}
		p, err := s.Authenticate(ctx, r.Header.Get("Authorization"))
		if err != nil {
			s.fail(w, r.WithContext(ctx), err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(ctx, p)))
	}))
}

// Require answers 403 unless the context's principal holds perm (401
// without one: mount it after Middleware).
func (s *Service) Require(perm string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := FromContext(r.Context())
			if p == nil {
				s.fail(w, r, unauthenticated("no principal"))
				return
			}
			if !p.Can(perm) {
				s.Denied(r, p, perm)
				s.writeError(w, r, ErrForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Denied logs a failed authorization: the principal, the permission and
// the request. Handlers that refuse on their own (object-level checks)
// call it too.
func (s *Service) Denied(r *http.Request, p *Principal, perm string) {
	args := []any{"perm", perm, "method", r.Method, "path", r.URL.Path}
	if p != nil {
		args = append(args, "user_id", p.UserID, "role", p.Role, "key_id", p.KeyID)
	}
	s.warn(WithRequest(r.Context(), requestID(r), s.ClientIP(r)), "authorization failed", args...)
}

// fail logs a refused authentication and answers it.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isUnauthenticated(err) {
		s.warn(r.Context(), "authentication failed", "reason", err.Error(), "method", r.Method, "path", r.URL.Path)
	}
	s.writeError(w, r, err)
}

// writeError answers err as problem+json. Refusals say only what the
// caller may know: no reason a credential failed.
func (s *Service) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	d := problem.New(status, "")
	d.RequestID = requestID(r)
	var in *InputError
	var th *ThrottledError
	switch {
	case errors.Is(err, ErrMalformedHeader):
		d = problem.New(http.StatusBadRequest, "the Authorization header must be \"Bearer <token>\"")
		w.Header().Set("WWW-Authenticate", "Bearer")
	case status == http.StatusUnauthorized:
		d.Detail = "missing, invalid or expired credentials"
		w.Header().Set("WWW-Authenticate", "Bearer")
	case status == http.StatusForbidden:
		d.Detail = "you do not have the permission this needs"
	case errors.As(err, &in):
		d.Detail, d.Field = in.Msg, in.Field
	case errors.As(err, &th):
		w.Header().Set("Retry-After", strconv.FormatInt(retrySeconds(th.RetryAfter), 10))
		d.Detail = "too many failed attempts; try again later"
	case status == http.StatusNotFound, status == http.StatusConflict:
		d.Detail = err.Error()
	default:
		s.log.Error("auth request failed", "err", err, "request_id", requestID(r), "path", r.URL.Path)
		d.Detail = "internal error"
	}
	if d.RequestID == "" {
		d.RequestID = requestID(r)
	}
	w.Header().Set("Cache-Control", "no-store")
	problem.Write(w, d)
}
