package auth

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func writeFile(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func loginAs(t *testing.T, f *fixture, name, pw string, hdr ...string) response {
	t.Helper()
	return f.do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"username": name, "password": pw}, hdr...)
}

// Case 22: the 6th failure within a minute answers 429 with Retry-After,
// the right password included; it passes with time.
func TestCase22LoginThrottle(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	f.user(t, "alice", "user")
	// Each attempt from another address: the username's own counter acts.
	f.svc.ClientIP = func(r *http.Request) string { return r.Header.Get("X-Test-Client") }
	ip := 0
	loginAs := func(t *testing.T, f *fixture, name, pw string) response {
		ip++
		return f.do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"username": name, "password": pw}, "X-Test-Client", "192.0.2."+strconv.Itoa(ip))
	}
	for i := range 5 {
		wantStatus(t, loginAs(t, f, "alice", "wrong password "+strconv.Itoa(i)), http.StatusUnauthorized)
	}
	for _, pw := range []string{"wrong again", testPassword} {
		r := loginAs(t, f, "alice", pw)
		wantStatus(t, r, http.StatusTooManyRequests)
		if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	// Case-insensitive: ALICE is the same account's counter.
	wantStatus(t, loginAs(t, f, "ALICE", testPassword), http.StatusTooManyRequests)
	f.clock.Advance(time.Minute + time.Second)
	wantStatus(t, loginAs(t, f, "alice", testPassword), http.StatusOK)
}

// The client address has its own counter: spraying usernames from one
// address is throttled too, and another address is not.
func TestCase22LoginThrottlePerAddress(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	f.user(t, "alice", "user")
	f.svc.ClientIP = func(r *http.Request) string { return r.Header.Get("X-Test-Client") }
	for i := range 5 {
		wantStatus(t, loginAs(t, f, "user"+strconv.Itoa(i), "pw", "X-Test-Client", "10.9.9.9"), http.StatusUnauthorized)
	}
	wantStatus(t, loginAs(t, f, "alice", testPassword, "X-Test-Client", "10.9.9.9"), http.StatusTooManyRequests)
	wantStatus(t, loginAs(t, f, "alice", testPassword, "X-Test-Client", "10.8.8.8"), http.StatusOK)
}

// Case 23: an unknown user and a wrong password answer alike, in similar
// time (the unknown user's password is checked against a dummy hash).
// It runs alone (not parallel), so other tests do not skew the timing.
func TestCase23NoUserEnumeration(t *testing.T) {
	f := newFixture(t, fixtureOpts{toml: "[security]\nlogin_max_failures = 1000\n"})
	h, err := newHasher(Argon2Params{MemoryKiB: 8192, Time: 2, Threads: 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	f.svc.hash = h
	f.user(t, "alice", "user")
	unknown := loginAs(t, f, "mallory", "some password")
	wrong := loginAs(t, f, "alice", "some password")
	wantStatus(t, unknown, http.StatusUnauthorized)
	wantStatus(t, wrong, http.StatusUnauthorized)
	if string(unknown.body) != string(wrong.body) {
		t.Errorf("bodies differ:\n%s\n%s", unknown.body, wrong.body)
	}
	// Interleaved, so drift in the machine's load hits both alike.
	var us, ws []time.Duration
	timed := func(name string) time.Duration {
		start := time.Now()
		loginAs(t, f, name, "some password")
		return time.Since(start)
	}
	for range 9 {
		us = append(us, timed("mallory"))
		ws = append(ws, timed("alice"))
	}
	slices.Sort(us)
	slices.Sort(ws)
	u, w := us[len(us)/2], ws[len(ws)/2]
	if u < w/2 || u > w*2 {
		t.Errorf("unknown user %v vs wrong password %v", u, w)
	}
}

// Case 24: long and Unicode passwords work; a 1 MB password is refused
// before hashing; stored hashes are OWASP argon2id PHC strings, and older
// parameters are rehashed on login.
func TestCase24Passwords(t *testing.T) { forEachStore(t, testCase24Passwords) }

func testCase24Passwords(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk})
	for name, pw := range map[string]string{
		"long":    strings.Repeat("0123456789abcdef", 5), // 80 characters
		"unicode": "Grüße, 世界! パスワード 🔐 ÅÉÎ",
		"spaces":  "  leading and trailing  ",
	} {
		if _, err := f.svc.CreateUser(t.Context(), name, pw, "user"); err != nil {
			t.Fatal(err)
		}
		f.login(t, name, pw)
		wantStatus(t, loginAs(t, f, name, strings.TrimSpace(pw)+"x"), http.StatusUnauthorized)
	}
	before := f.svc.hash.runs.Load()
	r := loginAs(t, f, "long", strings.Repeat("x", 1<<20))
	wantStatus(t, r, http.StatusBadRequest)
	r = loginAs(t, f, "long", strings.Repeat("y", MaxPasswordBytes+1))
	wantStatus(t, r, http.StatusBadRequest)
	if n := f.svc.hash.runs.Load() - before; n != 0 {
		t.Errorf("%d hashes for refused passwords", n)
	}
	if _, err := f.svc.CreateUser(t.Context(), "shorty", "1234567", "user"); StatusOf(err) != http.StatusBadRequest {
		t.Errorf("7-character password: %v", err)
	}

	// Rehash: the fixture hashes with cheap parameters; a service with
	// the defaults replaces them at the next login.
	u, err := f.st.GetUserByName(t.Context(), "unicode")
	if err != nil {
		t.Fatal(err)
	}
	if !NeedsRehash(u.PasswordHash) {
		t.Fatalf("cheap hash %q does not need a rehash", u.PasswordHash)
	}
	strong := newFixture(t, fixtureOpts{store: f.st})
	if strong.svc.hash, err = newHasher(DefaultArgon2, 2); err != nil {
		t.Fatal(err)
	}
	strong.login(t, "unicode", "Grüße, 世界! パスワード 🔐 ÅÉÎ")
	u, err = f.st.GetUserByName(t.Context(), "unicode")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") || NeedsRehash(u.PasswordHash) {
		t.Errorf("after login: %q", u.PasswordHash)
	}
	strong.login(t, "unicode", "Grüße, 世界! パスワード 🔐 ÅÉÎ")
}

// Request bodies: JSON only, no unknown members, size-limited.
func TestAuthBodies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	f.user(t, "alice", "user")
	tests := []struct {
		name, ctype, body string
		want              int
	}{
		{"form", "application/x-www-form-urlencoded", "username=alice&password=x", http.StatusUnsupportedMediaType},
		{"no type", "", `{"username":"alice","password":"x"}`, http.StatusUnsupportedMediaType},
		{"unknown member", "application/json", `{"username":"alice","password":"x","role":"admin"}`, http.StatusBadRequest},
		{"two objects", "application/json", `{"username":"alice","password":"x"}{}`, http.StatusBadRequest},
		{"wrong type", "application/json", `{"username":1,"password":"x"}`, http.StatusBadRequest},
		{"missing", "application/json", `{"username":"alice"}`, http.StatusBadRequest},
		{"syntax", "application/json", `{"username":`, http.StatusBadRequest},
		{"huge", "application/json", `{"username":"` + strings.Repeat("a", 64<<10) + `"}`, http.StatusBadRequest},
		{"charset ok", "application/json; charset=utf-8", `{"username":"alice","password":"` + testPassword + `"}`, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, f.srv.URL+"/api/v1/auth/login", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			resp, err := f.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

// Failed logins, failed authorizations and refresh reuse are logged with
// the request id and the principal, and never a secret.
func TestSecurityEventsLogged(t *testing.T) { forEachStore(t, testSecurityEventsLogged) }

func testSecurityEventsLogged(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk})
	u := f.user(t, "alice", "viewer")
	wantStatus(t, loginAs(t, f, "alice", "n0t-the-passw0rd", "X-Request-Id", "req-login"), http.StatusUnauthorized)
	p := f.login(t, "alice", testPassword)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, p.AccessToken, nil, "X-Request-Id", "req-authz"), http.StatusForbidden)
	wantStatus(t, f.refresh(t, p.RefreshToken), http.StatusOK)
	wantStatus(t, f.do(t, http.MethodPost, "/api/v1/auth/refresh", "", map[string]string{"refresh_token": p.RefreshToken}, "X-Request-Id", "req-reuse"), http.StatusUnauthorized)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, "garbage.token.here", nil, "X-Request-Id", "req-authn"), http.StatusUnauthorized)
	logs := f.logs.String()
	for _, want := range []string{
		`"msg":"login failed".*"user_id":"` + u.ID + `".*"request_id":"req-login"`,
		`"msg":"authorization failed".*"perm":"benchmark.read".*"user_id":"` + u.ID + `".*"request_id":"req-authz"`,
		`"msg":"refresh token reuse detected; session revoked".*"user_id":"` + u.ID + `".*"request_id":"req-reuse"`,
		`"msg":"authentication failed".*"request_id":"req-authn"`,
	} {
		if !matchLine(logs, want) {
			t.Errorf("no log line matching %s in:\n%s", want, logs)
		}
	}
	for _, secret := range []string{p.AccessToken, p.RefreshToken, testPassword, "n0t-the-passw0rd", "garbage.token.here"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log holds a secret %q", secret[:8])
		}
	}
	if got := f.auditOf(t, "login.failed"); len(got) != 1 || got[0] != u.ID {
		t.Errorf("login.failed audit: %v", got)
	}
	for _, action := range []string{"user.created", "login.ok", "token.refreshed", "token.reuse_detected"} {
		if len(f.auditOf(t, action)) == 0 {
			t.Errorf("no %s audit entry", action)
		}
	}
}

// matchLine reports whether one line of logs matches the regexp re.
func matchLine(logs, re string) bool {
	rx := regexp.MustCompile(re)
	for line := range strings.Lines(logs) {
		if rx.MatchString(line) {
			return true
		}
	}
	return false
}

// Case 22 under concurrency: a burst of guesses sent at once is throttled
// like a sequence (the attempt is counted before the password is checked),
// so no more than the allowed failures reach the password check.
func TestCase22LoginThrottleConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	f.user(t, "alice", "user")
	f.svc.ClientIP = func(r *http.Request) string { return r.Header.Get("X-Test-Client") }
	var wg sync.WaitGroup
	codes := make([]int, 20)
	for i := range codes {
		wg.Go(func() {
			codes[i] = loginAs(t, f, "alice", "guess "+strconv.Itoa(i), "X-Test-Client", "192.0.2."+strconv.Itoa(i)).status
		})
	}
	wg.Wait()
	counts := map[int]int{}
	for _, c := range codes {
		counts[c]++
	}
	if counts[http.StatusUnauthorized] != 5 || counts[http.StatusTooManyRequests] != 15 {
		t.Fatalf("20 concurrent wrong passwords answered %v, want 5 × 401 and 15 × 429", counts)
	}
}
