package auth

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

func TestAPIKeyFormat(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		k, err := GenerateAPIKey()
		if err != nil {
			t.Fatal(err)
		}
		if len(k) != APIKeyLen || !strings.HasPrefix(k, "ltb_") || !WellFormedAPIKey(k) || seen[k] {
			t.Fatalf("key %q", k)
		}
		seen[k] = true
		// Any one changed character breaks the checksum.
		b := []byte(k)
		i := 4 + len(seen)%(len(k)-4)
		b[i] = map[bool]byte{true: 'A', false: 'B'}[b[i] != 'A']
		if WellFormedAPIKey(string(b)) {
			t.Fatalf("%q passes with %q changed", b, k[i])
		}
	}
	for _, bad := range []string{"", "ltb_", "xyz_" + strings.Repeat("0", 49), "ltb_" + strings.Repeat("!", 49)} {
		if WellFormedAPIKey(bad) {
			t.Errorf("%q is well formed", bad)
		}
	}
}

func createKey(t *testing.T, f *fixture, bearer string, body map[string]any) map[string]any {
	t.Helper()
	r := f.do(t, http.MethodPost, "/api/v1/auth/apikey", bearer, body)
	wantStatus(t, r, http.StatusCreated)
	return r.json(t)
}

// Case 15: revoked and expired keys are refused; a key with a bad
// checksum is refused without a store lookup.
func TestCase15APIKeyRefusals(t *testing.T) { forEachStore(t, testCase15APIKeyRefusals) }

func testCase15APIKeyRefusals(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk})
	u := f.user(t, "alice", "user")
	p := f.login(t, "alice", testPassword)
	k := createKey(t, f, p.AccessToken, map[string]any{"name": "ci"})
	key := k["key"].(string)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, key, nil), http.StatusOK)

	// A bad checksum: the store must not be asked.
	bad := key[:len(key)-1] + map[bool]string{true: "1", false: "0"}[key[len(key)-1] == '0']
	f.hook.setKeyLookup(func() { t.Error("key lookup for a key with a bad checksum") })
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, bad, nil), http.StatusUnauthorized)
	f.hook.setKeyLookup(nil)

	// Expired.
	expKey, err := GenerateAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	past := f.clock.Now().Add(-time.Minute)
	if err := f.st.CreateAPIKey(t.Context(), &store.APIKey{ID: "k-expired", UserID: u.ID, Name: "old", Prefix: ShownPrefix(expKey), Hash: HashAPIKey(expKey), CreatedAt: past.Add(-time.Hour), ExpiresAt: &past}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, expKey, nil), http.StatusUnauthorized)

	// Revoked, both ways of asking.
	wantStatus(t, f.do(t, http.MethodDelete, "/api/v1/auth/apikey/"+k["id"].(string), p.AccessToken, nil), http.StatusNoContent)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, key, nil), http.StatusUnauthorized)
	k2 := createKey(t, f, p.AccessToken, map[string]any{"name": "second"})
	wantStatus(t, f.do(t, http.MethodDelete, "/api/v1/auth/apikey", p.AccessToken, map[string]string{"id": k2["id"].(string)}), http.StatusNoContent)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, k2["key"].(string), nil), http.StatusUnauthorized)

	// Another user's key is not found, for them; an admin may revoke it.
	f.user(t, "bob", "user")
	k3 := createKey(t, f, p.AccessToken, map[string]any{"name": "third"})
	bob := f.login(t, "bob", testPassword)
	wantStatus(t, f.do(t, http.MethodDelete, "/api/v1/auth/apikey/"+k3["id"].(string), bob.AccessToken, nil), http.StatusNotFound)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, k3["key"].(string), nil), http.StatusOK)
	f.user(t, "root", "admin")
	root := f.login(t, "root", testPassword)
	wantStatus(t, f.do(t, http.MethodDelete, "/api/v1/auth/apikey/"+k3["id"].(string), root.AccessToken, nil), http.StatusNoContent)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, k3["key"].(string), nil), http.StatusUnauthorized)
}

// Case 16: a key's permissions are its scopes within the owner's current
// role: a demotion takes them away at once.
func TestCase16DemotedOwnerKey(t *testing.T) { forEachStore(t, testCase16DemotedOwnerKey) }

func testCase16DemotedOwnerKey(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk})
	u := f.user(t, "alice", "user")
	p := f.login(t, "alice", testPassword)
	scoped := createKey(t, f, p.AccessToken, map[string]any{"name": "read", "scopes": []string{"benchmark.read", "results.read"}})
	full := createKey(t, f, p.AccessToken, map[string]any{"name": "all"})
	// Scopes beyond the role are refused at creation.
	r := f.do(t, http.MethodPost, "/api/v1/auth/apikey", p.AccessToken, map[string]any{"name": "x", "scopes": []string{"plugin.install"}})
	wantStatus(t, r, http.StatusBadRequest)
	wantStatus(t, f.do(t, http.MethodPost, "/api/v1/auth/apikey", p.AccessToken, map[string]any{"name": "x", "scopes": []string{"benchmarks.read"}}), http.StatusBadRequest)
	// A scoped key cannot mint a broader key.
	wantStatus(t, f.do(t, http.MethodPost, "/api/v1/auth/apikey", scoped["key"].(string), map[string]any{"name": "x"}), http.StatusForbidden)

	for _, k := range []map[string]any{scoped, full} {
		wantStatus(t, f.do(t, http.MethodGet, protectedPath, k["key"].(string), nil), http.StatusOK)
	}
	pr, err := f.svc.AuthenticateToken(t.Context(), scoped["key"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetRole(t.Context(), u.ID, "viewer"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []map[string]any{scoped, full} {
		wantStatus(t, f.do(t, http.MethodGet, protectedPath, k["key"].(string), nil), http.StatusForbidden)
	}
	if err := f.svc.Revalidate(t.Context(), pr); StatusOf(err) != http.StatusForbidden {
		t.Errorf("Revalidate of a demoted owner's key: %v", err)
	}
	// What the key still has: results.read, within viewer.
	pr, err = f.svc.AuthenticateToken(t.Context(), scoped["key"].(string))
	if err != nil || !pr.Can("results.read") || pr.Can("benchmark.read") {
		t.Fatalf("after demotion: %+v %v", pr, err)
	}
}

// Case 17: the key is shown once; listings show the prefix; the key never
// reaches a log line; credentials in the URL are refused.
func TestCase17KeyNeverShownAgain(t *testing.T) { forEachStore(t, testCase17KeyNeverShownAgain) }

func testCase17KeyNeverShownAgain(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk})
	f.user(t, "alice", "user")
	p := f.login(t, "alice", testPassword)
	k := createKey(t, f, p.AccessToken, map[string]any{"name": "ci", "scopes": []string{"benchmark.read"}})
	key := k["key"].(string)
	if k["prefix"] != key[:12] || k["name"] != "ci" || k["id"] == "" || k["created_at"] == "" {
		t.Fatalf("created: %v", k)
	}
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, key, nil), http.StatusOK)
	// Failures with the key, and a revoked use, are logged: without it.
	wantStatus(t, f.do(t, http.MethodPost, pluginPath, key, nil), http.StatusForbidden)
	list := f.do(t, http.MethodGet, "/api/v1/auth/apikey", p.AccessToken, nil)
	wantStatus(t, list, http.StatusOK)
	if strings.Contains(string(list.body), key) || strings.Contains(string(list.body), key[12:]) || !strings.Contains(string(list.body), key[:12]) {
		t.Errorf("listing: %s", list.body)
	}
	var l struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(list.body, &l); err != nil || len(l.Items) != 1 || l.Items[0]["last_used_at"] == nil {
		t.Errorf("listing %s: %v", list.body, err)
	}
	for _, q := range []string{"?api_key=" + key, "?access_token=" + p.AccessToken} {
		r := f.do(t, http.MethodGet, protectedPath+q, "", nil)
		wantStatus(t, r, http.StatusBadRequest)
		r = f.do(t, http.MethodPost, "/api/v1/auth/login"+q, "", map[string]string{"username": "alice", "password": testPassword})
		wantStatus(t, r, http.StatusBadRequest)
	}
	wantStatus(t, f.do(t, http.MethodDelete, "/api/v1/auth/apikey/"+k["id"].(string), p.AccessToken, nil), http.StatusNoContent)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, key, nil), http.StatusUnauthorized)
	logs := f.logs.String()
	for _, secret := range []string{key, key[12:], HashAPIKey(key), p.AccessToken, p.RefreshToken, testPassword} {
		if strings.Contains(logs, secret) {
			t.Errorf("a secret reached the log:\n%s", logs)
		}
	}
	events, err := f.st.ListAudit(t.Context(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		b, _ := json.Marshal(e)
		if strings.Contains(string(b), key) {
			t.Errorf("the key reached the audit log: %s", b)
		}
	}
}

// last_used_at is written at most once a minute per key.
func TestAPIKeyTouchThrottled(t *testing.T) { forEachStore(t, testAPIKeyTouchThrottled) }

func testAPIKeyTouchThrottled(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk})
	f.user(t, "alice", "user")
	p := f.login(t, "alice", testPassword)
	key := createKey(t, f, p.AccessToken, map[string]any{"name": "ci"})["key"].(string)
	for range 5 {
		wantStatus(t, f.do(t, http.MethodGet, protectedPath, key, nil), http.StatusOK)
	}
	f.clock.Advance(time.Minute)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, key, nil), http.StatusOK)
	if n := f.hook.touches.Load(); n != 2 {
		t.Errorf("%d touches, want 2", n)
	}
}
