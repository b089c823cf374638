package auth

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// Case 10: after logout the access token and its refresh token are dead.
func TestCase10Logout(t *testing.T) { forEachStore(t, testCase10Logout) }

func testCase10Logout(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk})
	f.user(t, "alice", "user")
	p := f.login(t, "alice", testPassword)
	other := f.login(t, "alice", testPassword) // another session stays up
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, p.AccessToken, nil), http.StatusOK)
	wantStatus(t, f.do(t, http.MethodPost, "/api/v1/auth/logout", p.AccessToken, map[string]string{"refresh_token": p.RefreshToken}), http.StatusNoContent)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, p.AccessToken, nil), http.StatusUnauthorized)
	wantStatus(t, f.refresh(t, p.RefreshToken), http.StatusUnauthorized)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, other.AccessToken, nil), http.StatusOK)
	// Logout without a body ends the access token's own family.
	wantStatus(t, f.do(t, http.MethodPost, "/api/v1/auth/logout", other.AccessToken, nil), http.StatusNoContent)
	wantStatus(t, f.refresh(t, other.RefreshToken), http.StatusUnauthorized)
	wantStatus(t, f.do(t, http.MethodPost, "/api/v1/auth/logout", "", nil), http.StatusUnauthorized)
	// So does an empty body sent as JSON, as clients that always set the
	// content type do.
	third := f.login(t, "alice", testPassword)
	wantStatus(t, f.do(t, http.MethodPost, "/api/v1/auth/logout", third.AccessToken, ""), http.StatusNoContent)
	wantStatus(t, f.refresh(t, third.RefreshToken), http.StatusUnauthorized)
}

// Case 11: refresh reuse revokes the family: RT1 -> RT2, RT1 again is
// refused and RT2 dies with it, as does RT2's access token.
func TestCase11RefreshReuse(t *testing.T) { forEachStore(t, testCase11RefreshReuse) }

func testCase11RefreshReuse(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk})
	f.user(t, "alice", "user")
	p1 := f.login(t, "alice", testPassword)
	r := f.refresh(t, p1.RefreshToken)
	wantStatus(t, r, http.StatusOK)
	rt2, at2 := r.json(t)["refresh_token"].(string), r.json(t)["access_token"].(string)
	if rt2 == p1.RefreshToken || rt2 == "" {
		t.Fatalf("refresh did not rotate: %q", rt2)
	}
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, at2, nil), http.StatusOK)
	wantStatus(t, f.refresh(t, p1.RefreshToken), http.StatusUnauthorized)
	wantStatus(t, f.refresh(t, rt2), http.StatusUnauthorized)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, at2, nil), http.StatusUnauthorized)
	if got := f.auditOf(t, "token.reuse_detected"); len(got) != 1 {
		t.Errorf("reuse audited %d times", len(got))
	}
}

// Case 12: two concurrent refreshes with one token: exactly one succeeds.
func TestCase12ConcurrentRefresh(t *testing.T) { forEachStore(t, testCase12ConcurrentRefresh) }

func testCase12ConcurrentRefresh(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk})
	f.user(t, "alice", "user")
	for range 5 {
		p := f.login(t, "alice", testPassword)
		var wg sync.WaitGroup
		statuses := make([]int, 4)
		for i := range statuses {
			wg.Go(func() { statuses[i] = f.refresh(t, p.RefreshToken).status })
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch s {
			case http.StatusOK:
				ok++
			case http.StatusUnauthorized:
			default:
				t.Fatalf("status %d", s)
			}
		}
		if ok != 1 {
			t.Fatalf("%d of %d concurrent refreshes succeeded: %v", ok, len(statuses), statuses)
		}
	}
}

// Case 13: a password change, disabling and a lowered role end existing
// tokens on the next request, and Revalidate reports it for live
// connections.
func TestCase13CredentialChanges(t *testing.T) { forEachStore(t, testCase13CredentialChanges) }

func testCase13CredentialChanges(t *testing.T, mk storeMaker) {
	changes := map[string]func(f *fixture, id string) error{
		"password changed": func(f *fixture, id string) error { return f.svc.SetPassword(t.Context(), id, "a brand new password") },
		"disabled":         func(f *fixture, id string) error { return f.svc.SetDisabled(t.Context(), id, true) },
		"role lowered":     func(f *fixture, id string) error { return f.svc.SetRole(t.Context(), id, "viewer") },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOpts{mk: mk})
			u := f.user(t, "alice", "admin")
			p := f.login(t, "alice", testPassword)
			wantStatus(t, f.do(t, http.MethodGet, protectedPath, p.AccessToken, nil), http.StatusOK)
			key := createKey(t, f, p.AccessToken, map[string]any{"name": "k"})["key"].(string)
			pr, err := f.svc.AuthenticateToken(t.Context(), p.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.svc.Revalidate(t.Context(), pr); err != nil {
				t.Fatalf("Revalidate before the change: %v", err)
			}
			f.clock.Advance(10 * time.Millisecond)
			if err := change(f, u.ID); err != nil {
				t.Fatal(err)
			}
			wantStatus(t, f.do(t, http.MethodGet, protectedPath, p.AccessToken, nil), http.StatusUnauthorized)
			wantStatus(t, f.refresh(t, p.RefreshToken), http.StatusUnauthorized)
			if err := f.svc.Revalidate(t.Context(), pr); err == nil || StatusOf(err) != http.StatusUnauthorized && StatusOf(err) != http.StatusForbidden {
				t.Fatalf("Revalidate after the change: %v", err)
			}
			if name == "disabled" {
				wantStatus(t, f.do(t, http.MethodGet, protectedPath, key, nil), http.StatusUnauthorized)
				wantStatus(t, loginAs(t, f, "alice", testPassword), http.StatusUnauthorized)
				return
			}
			// A login right after the change works, in the same second.
			pw := testPassword
			if name == "password changed" {
				pw = "a brand new password"
			}
			fresh := f.login(t, "alice", pw)
			want := http.StatusOK
			if name == "role lowered" {
				want = http.StatusForbidden // viewer lacks benchmark.read
			}
			wantStatus(t, f.do(t, http.MethodGet, protectedPath, fresh.AccessToken, nil), want)
		})
	}
}

// Case 14: refresh tokens past the absolute lifetime or the idle timeout.
func TestCase14RefreshLifetimes(t *testing.T) { forEachStore(t, testCase14RefreshLifetimes) }

func testCase14RefreshLifetimes(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk, toml: "[security]\nrefresh_lifetime = \"10h\"\nrefresh_idle_timeout = \"4h\"\n"})
	f.user(t, "alice", "user")

	idle := f.login(t, "alice", testPassword)
	f.clock.Advance(4*time.Hour + time.Second)
	wantStatus(t, f.refresh(t, idle.RefreshToken), http.StatusUnauthorized)

	p := f.login(t, "alice", testPassword)
	rt := p.RefreshToken
	for range 3 { // 3h steps keep it active: 9h in all
		f.clock.Advance(3 * time.Hour)
		r := f.refresh(t, rt)
		wantStatus(t, r, http.StatusOK)
		rt = r.json(t)["refresh_token"].(string)
	}
	f.clock.Advance(time.Hour + time.Second) // 10h after the login
	wantStatus(t, f.refresh(t, rt), http.StatusUnauthorized)
}

// tokens_valid_after alone (set by another replica or tool, the session
// left alone) refuses older tokens.
func TestTokensValidAfterAlone(t *testing.T) { forEachStore(t, testTokensValidAfterAlone) }

func testTokensValidAfterAlone(t *testing.T, mk storeMaker) {
	f := newFixture(t, fixtureOpts{mk: mk})
	u := f.user(t, "alice", "user")
	p := f.login(t, "alice", testPassword)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, p.AccessToken, nil), http.StatusOK)
	f.clock.Advance(2 * time.Second)
	u.TokensValidAfter = f.clock.Now()
	if err := f.st.UpdateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, p.AccessToken, nil), http.StatusUnauthorized)
}
