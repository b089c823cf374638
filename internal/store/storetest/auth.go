package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// authTests is the AuthStore section (and UserDeleter).
var authTests = []test{
	{"Users", testUsers},
	{"UserUpdate", testUserUpdate},
	{"APIKeys", testAPIKeys},
	{"APIKeyRevokeTouch", testAPIKeyRevokeTouch},
	{"RefreshTokens", testRefreshTokens},
	{"SpendOnce", testSpendOnce},
	{"SpendConcurrent", testSpendConcurrent},
	{"Families", testFamilies},
	{"RevokeUserTokens", testRevokeUserTokens},
	{"Audit", testAudit},
	{"AuditFilters", testAuditFilters},
	{"DeleteUserCascades", testDeleteUserCascades},
}

// zone is a non-UTC zone: the store must hand every time back in UTC.
var zone = time.FixedZone("X", 5*3600+30*60)

// at returns epoch+i seconds and 123456 microseconds, in zone.
func at(i int) time.Time {
	return epoch.Add(time.Duration(i)*time.Second + 123456*time.Microsecond).In(zone)
}

func ptr(t time.Time) *time.Time { return &t }

func newUser(id string, i int) *store.User {
	return &store.User{
		ID: id, Username: "user-" + id, PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA",
		Role: "user", CreatedAt: at(i), UpdatedAt: at(i),
	}
}

func mustUser(t *testing.T, s store.Store, users ...*store.User) {
	t.Helper()
	for _, u := range users {
		if err := s.CreateUser(ctxT(t), u); err != nil {
			t.Fatalf("CreateUser(%s): %v", u.ID, err)
		}
	}
}

// utcUser is u as the store returns it.
func utcUser(u store.User) *store.User {
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	if !u.TokensValidAfter.IsZero() {
		u.TokensValidAfter = u.TokensValidAfter.UTC()
	}
	return &u
}

func testUsers(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	alice := &store.User{
		ID: "u-alice", Username: "alice", Email: "alice@example.com", PasswordHash: "$argon2id$v=19$x",
		Role: "admin", Disabled: true, TokensValidAfter: at(5), CreatedAt: at(1), UpdatedAt: at(2),
	}
	bob, carol := newUser("u-bob", 2), newUser("u-carol", 0) // no email: two of them do not collide
	mustUser(t, s, alice, bob, carol)

	for _, get := range []struct {
		name string
		fn   func() (*store.User, error)
	}{
		{"GetUser", func() (*store.User, error) { return s.GetUser(ctx, "u-alice") }},
		{"GetUserByName", func() (*store.User, error) { return s.GetUserByName(ctx, "alice") }},
	} {
		got, err := get.fn()
		if err != nil {
			t.Fatalf("%s: %v", get.name, err)
		}
		if d := cmp.Diff(utcUser(*alice), got); d != "" {
			t.Errorf("%s (-want +got):\n%s", get.name, d)
		}
	}

	dups := []struct {
		name string
		u    *store.User
	}{
		{"username", &store.User{ID: "u-other", Username: "alice", Role: "user"}},
		{"id", &store.User{ID: "u-alice", Username: "alice2", Role: "user"}},
		{"email", &store.User{ID: "u-other", Username: "other", Email: "alice@example.com", Role: "user"}},
	}
	for _, tc := range dups {
		if err := s.CreateUser(ctx, tc.u); !errors.Is(err, store.ErrExists) {
			t.Errorf("CreateUser with a taken %s = %v, want ErrExists", tc.name, err)
		}
	}
	for _, missing := range []func() (*store.User, error){
		func() (*store.User, error) { return s.GetUser(ctx, "u-nobody") },
		func() (*store.User, error) { return s.GetUserByName(ctx, "nobody") },
		func() (*store.User, error) { return s.GetUserByName(ctx, "ALICE") }, // exact match
	} {
		if u, err := missing(); !errors.Is(err, store.ErrNotFound) || u != nil {
			t.Errorf("lookup of a missing user = %v, %v; want nil, ErrNotFound", u, err)
		}
	}

	list, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	want := []store.User{*utcUser(*carol), *utcUser(*alice), *utcUser(*bob)}
	if d := cmp.Diff(want, list); d != "" {
		t.Errorf("ListUsers, oldest first (-want +got):\n%s", d)
	}

	stamped := &store.User{ID: "u-new", Username: "new", Role: "user"}
	before := store.Now()
	mustUser(t, s, stamped)
	if stamped.CreatedAt.Before(before) || !stamped.UpdatedAt.Equal(stamped.CreatedAt) {
		t.Errorf("zero times stamped as %v / %v, want now (after %v) for both", stamped.CreatedAt, stamped.UpdatedAt, before)
	}
	got, err := s.GetUser(ctx, "u-new")
	if err != nil || !got.CreatedAt.Equal(stamped.CreatedAt) || !got.TokensValidAfter.IsZero() {
		t.Errorf("GetUser(u-new) = %+v, %v; want the stamped time and a zero TokensValidAfter", got, err)
	}
}

func testUserUpdate(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	u, other := newUser("u-1", 1), newUser("u-2", 2)
	other.Email = "taken@example.com"
	mustUser(t, s, u, other)

	u.Email, u.PasswordHash, u.Role, u.Disabled = "new@example.com", "$argon2id$new", "admin", true
	u.TokensValidAfter, u.UpdatedAt = at(10), at(10)
	u.Username, u.CreatedAt = "renamed", at(99) // not saved by UpdateUser
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	want := *u
	want.Username, want.CreatedAt = "user-u-1", at(1)
	got, err := s.GetUser(ctx, u.ID)
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if d := cmp.Diff(utcUser(want), got); d != "" {
		t.Errorf("after UpdateUser (-want +got):\n%s", d)
	}

	// Back to no email, enabled, no cut-off.
	u.Email, u.Disabled, u.TokensValidAfter = "", false, time.Time{}
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatalf("UpdateUser clearing fields: %v", err)
	}
	if got, err := s.GetUser(ctx, u.ID); err != nil || got.Email != "" || got.Disabled || !got.TokensValidAfter.IsZero() {
		t.Errorf("after clearing = %+v, %v", got, err)
	}

	u.Email = "taken@example.com"
	if err := s.UpdateUser(ctx, u); !errors.Is(err, store.ErrExists) {
		t.Errorf("UpdateUser to another user's email = %v, want ErrExists", err)
	}
	if err := s.UpdateUser(ctx, newUser("u-missing", 0)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateUser(missing) = %v, want ErrNotFound", err)
	}
}

func newKey(id, userID string, i int) *store.APIKey {
	return &store.APIKey{
		ID: id, UserID: userID, Name: "key " + id, Prefix: "ltb_" + id[:min(len(id), 4)],
		Hash: "sha256:" + strings.Repeat(id, 3), Scopes: []string{"benchmark.read"}, CreatedAt: at(i),
	}
}

func mustKey(t *testing.T, s store.Store, keys ...*store.APIKey) {
	t.Helper()
	for _, k := range keys {
		if err := s.CreateAPIKey(ctxT(t), k); err != nil {
			t.Fatalf("CreateAPIKey(%s): %v", k.ID, err)
		}
	}
}

func utcKey(k store.APIKey) *store.APIKey {
	k.CreatedAt = k.CreatedAt.UTC()
	for _, p := range []**time.Time{&k.LastUsedAt, &k.ExpiresAt, &k.RevokedAt} {
		if *p != nil {
			*p = ptr((*p).UTC())
		}
	}
	if k.Scopes == nil {
		k.Scopes = []string{}
	}
	return &k
}

func testAPIKeys(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	mustUser(t, s, newUser("u-1", 0), newUser("u-2", 0))
	full := &store.APIKey{
		ID: "k-full", UserID: "u-1", Name: "ci", Prefix: "ltb_abcd", Hash: "hash-full",
		Scopes: []string{"benchmark.create", "benchmark.read"}, CreatedAt: at(3),
		LastUsedAt: ptr(at(4)), ExpiresAt: ptr(at(100)), RevokedAt: ptr(at(5)),
	}
	bare := newKey("k-bare", "u-1", 1)
	bare.Scopes = nil
	other := newKey("k-other", "u-2", 2)
	mustKey(t, s, full, bare, other)

	for _, k := range []*store.APIKey{full, bare} {
		byHash, err := s.APIKeyByHash(ctx, k.Hash)
		if err != nil {
			t.Fatalf("APIKeyByHash(%s): %v", k.ID, err)
		}
		if d := cmp.Diff(utcKey(*k), byHash); d != "" {
			t.Errorf("APIKeyByHash(%s), revoked keys too (-want +got):\n%s", k.ID, d)
		}
		byID, err := s.GetAPIKey(ctx, k.ID)
		if err != nil {
			t.Fatalf("GetAPIKey(%s): %v", k.ID, err)
		}
		if d := cmp.Diff(utcKey(*k), byID); d != "" {
			t.Errorf("GetAPIKey(%s) (-want +got):\n%s", k.ID, d)
		}
	}

	list, err := s.ListAPIKeys(ctx, "u-1")
	if err != nil {
		t.Fatalf("ListAPIKeys: %v", err)
	}
	if d := cmp.Diff([]store.APIKey{*utcKey(*bare), *utcKey(*full)}, list); d != "" {
		t.Errorf("ListAPIKeys(u-1), oldest first (-want +got):\n%s", d)
	}
	if list, err := s.ListAPIKeys(ctx, "u-nobody"); err != nil || list == nil || len(list) != 0 {
		t.Errorf("ListAPIKeys(no keys) = %#v, %v; want an empty list", list, err)
	}

	dup := newKey("k-dup", "u-2", 9)
	dup.Hash = full.Hash
	err = s.CreateAPIKey(ctx, dup)
	if !errors.Is(err, store.ErrExists) {
		t.Errorf("CreateAPIKey with a taken hash = %v, want ErrExists", err)
	} else if strings.Contains(err.Error(), full.Hash) {
		t.Errorf("CreateAPIKey error quotes the hash: %v", err)
	}
	if err := s.CreateAPIKey(ctx, newKey("k-orphan", "u-nobody", 0)); err == nil || errors.Is(err, store.ErrExists) {
		t.Errorf("CreateAPIKey for a missing user = %v, want a foreign key error", err)
	}
	if k, err := s.APIKeyByHash(ctx, "hash-unknown"); !errors.Is(err, store.ErrNotFound) || k != nil {
		t.Errorf("APIKeyByHash(unknown) = %v, %v; want nil, ErrNotFound", k, err)
	} else if strings.Contains(err.Error(), "hash-unknown") {
		t.Errorf("APIKeyByHash error quotes the hash: %v", err)
	}
	if _, err := s.GetAPIKey(ctx, "k-unknown"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetAPIKey(unknown) = %v, want ErrNotFound", err)
	}
}

func testAPIKeyRevokeTouch(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	mustUser(t, s, newUser("u-1", 0))
	k := newKey("k-1", "u-1", 0)
	mustKey(t, s, k)
	get := func() *store.APIKey {
		t.Helper()
		got, err := s.APIKeyByHash(ctx, k.Hash)
		if err != nil {
			t.Fatalf("APIKeyByHash: %v", err)
		}
		return got
	}
	if got := get(); got.LastUsedAt != nil || got.RevokedAt != nil {
		t.Fatalf("new key: last used %v, revoked %v; want both nil", got.LastUsedAt, got.RevokedAt)
	}

	steps := []struct {
		name     string
		do       func() error
		lastUsed *time.Time
		revoked  *time.Time
	}{
		{"touch", func() error { return s.TouchAPIKey(ctx, k.ID, at(10)) }, ptr(at(10)), nil},
		{"touch later", func() error { return s.TouchAPIKey(ctx, k.ID, at(20)) }, ptr(at(20)), nil},
		{"touch earlier keeps the later use", func() error { return s.TouchAPIKey(ctx, k.ID, at(15)) }, ptr(at(20)), nil},
		{"revoke", func() error { return s.RevokeAPIKey(ctx, k.ID, at(30)) }, ptr(at(20)), ptr(at(30))},
		{"revoke again keeps the first time", func() error { return s.RevokeAPIKey(ctx, k.ID, at(40)) }, ptr(at(20)), ptr(at(30))},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := get()
		want := utcKey(store.APIKey{LastUsedAt: st.lastUsed, RevokedAt: st.revoked})
		if d := cmp.Diff([2]*time.Time{want.LastUsedAt, want.RevokedAt}, [2]*time.Time{got.LastUsedAt, got.RevokedAt}); d != "" {
			t.Errorf("%s: [last used, revoked] (-want +got):\n%s", st.name, d)
		}
	}
	if err := s.RevokeAPIKey(ctx, "k-unknown", at(0)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RevokeAPIKey(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.TouchAPIKey(ctx, "k-unknown", at(0)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TouchAPIKey(unknown) = %v, want ErrNotFound", err)
	}
}

// newToken returns a live token of family fam issued at at(i), expiring
// an hour later.
func newToken(id, fam, parent, userID string, i int) *store.RefreshToken {
	return &store.RefreshToken{
		ID: id, FamilyID: fam, ParentID: parent, UserID: userID, Hash: "rt-hash-" + id,
		IssuedAt: at(i), FamilyIssuedAt: at(0), ExpiresAt: at(i).Add(time.Hour),
	}
}

func mustToken(t *testing.T, s store.Store, tokens ...*store.RefreshToken) {
	t.Helper()
	for _, tok := range tokens {
		if err := s.CreateRefreshToken(ctxT(t), tok); err != nil {
			t.Fatalf("CreateRefreshToken(%s): %v", tok.ID, err)
		}
	}
}

func getToken(t *testing.T, s store.Store, tok *store.RefreshToken) *store.RefreshToken {
	t.Helper()
	got, err := s.RefreshTokenByHash(ctxT(t), tok.Hash)
	if err != nil {
		t.Fatalf("RefreshTokenByHash(%s): %v", tok.ID, err)
	}
	return got
}

func testRefreshTokens(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	mustUser(t, s, newUser("u-1", 0))
	first := &store.RefreshToken{ // a family's first token: FamilyIssuedAt from IssuedAt
		ID: "rt-1", FamilyID: "fam-1", UserID: "u-1", Hash: "rt-hash-1", IssuedAt: at(1), ExpiresAt: at(3600),
	}
	child := &store.RefreshToken{
		ID: "rt-2", FamilyID: "fam-1", ParentID: "rt-1", UserID: "u-1", Hash: "rt-hash-2",
		IssuedAt: at(5), FamilyIssuedAt: at(1), ExpiresAt: at(3605), UsedAt: ptr(at(6)), RevokedAt: ptr(at(7)),
	}
	mustToken(t, s, first, child)
	if !first.FamilyIssuedAt.Equal(first.IssuedAt) {
		t.Errorf("zero FamilyIssuedAt became %v, want IssuedAt %v", first.FamilyIssuedAt, first.IssuedAt)
	}
	for _, tok := range []*store.RefreshToken{first, child} {
		want := *tok
		want.IssuedAt, want.FamilyIssuedAt, want.ExpiresAt = tok.IssuedAt.UTC(), tok.FamilyIssuedAt.UTC(), tok.ExpiresAt.UTC()
		if tok.UsedAt != nil {
			want.UsedAt, want.RevokedAt = ptr(tok.UsedAt.UTC()), ptr(tok.RevokedAt.UTC())
		}
		if d := cmp.Diff(&want, getToken(t, s, tok)); d != "" {
			t.Errorf("RefreshTokenByHash(%s) (-want +got):\n%s", tok.ID, d)
		}
	}

	dup := newToken("rt-3", "fam-2", "", "u-1", 0)
	dup.Hash = first.Hash
	if err := s.CreateRefreshToken(ctx, dup); !errors.Is(err, store.ErrExists) {
		t.Errorf("CreateRefreshToken with a taken hash = %v, want ErrExists", err)
	} else if strings.Contains(err.Error(), first.Hash) {
		t.Errorf("CreateRefreshToken error quotes the hash: %v", err)
	}
	if err := s.CreateRefreshToken(ctx, newToken("rt-4", "fam-4", "", "u-nobody", 0)); err == nil || errors.Is(err, store.ErrExists) {
		t.Errorf("CreateRefreshToken for a missing user = %v, want a foreign key error", err)
	}
	if tok, err := s.RefreshTokenByHash(ctx, "rt-hash-unknown"); !errors.Is(err, store.ErrNotFound) || tok != nil {
		t.Errorf("RefreshTokenByHash(unknown) = %v, %v; want nil, ErrNotFound", tok, err)
	} else if strings.Contains(err.Error(), "rt-hash-unknown") {
		t.Errorf("RefreshTokenByHash error quotes the hash: %v", err)
	}
}

func testSpendOnce(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	mustUser(t, s, newUser("u-1", 0))
	live, revoked := newToken("rt-live", "fam-1", "", "u-1", 0), newToken("rt-revoked", "fam-2", "", "u-1", 0)
	mustToken(t, s, live, revoked)
	if err := s.RevokeFamily(ctx, "fam-2", at(1)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		id   string
		want bool
	}{
		{"live", "rt-live", true},
		{"spent", "rt-live", false},
		{"revoked", "rt-revoked", false},
		{"unknown", "rt-unknown", false},
	}
	for i, tc := range tests {
		got, err := s.SpendRefreshToken(ctx, tc.id, at(10+i))
		if err != nil || got != tc.want {
			t.Errorf("SpendRefreshToken(%s) = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	if got := getToken(t, s, live); got.UsedAt == nil || !got.UsedAt.Equal(at(10)) {
		t.Errorf("spent token's UsedAt = %v, want the first spend's %v", got.UsedAt, at(10))
	}
	if got := getToken(t, s, revoked); got.UsedAt != nil {
		t.Errorf("revoked token's UsedAt = %v, want nil: it was never spent", got.UsedAt)
	}
}

// testSpendConcurrent spends each of several tokens from many goroutines
// at once: exactly one may win, or a stolen refresh token could be
// rotated twice. Later rounds find the connection pool warm, so the
// goroutines really overlap in the database.
func testSpendConcurrent(t *testing.T, s store.Store) {
	mustUser(t, s, newUser("u-1", 0))
	const rounds, n = 30, 20
	for r := range rounds {
		tok := newToken(fmt.Sprintf("rt-race-%d", r), fmt.Sprintf("fam-%d", r), "", "u-1", 0)
		mustToken(t, s, tok)
		if got := spendRace(t, s, tok.ID, n); got != 1 {
			t.Errorf("round %d: %d of %d concurrent spends succeeded, want exactly 1", r, got, n)
		}
		if got := getToken(t, s, tok); got.UsedAt == nil {
			t.Errorf("round %d: the token is not marked used", r)
		}
	}
}

// spendRace spends token id from n goroutines released together and
// returns how many succeeded.
func spendRace(t *testing.T, s store.Store, id string, n int) int32 {
	t.Helper()
	ctx := ctxT(t)
	var (
		wins  atomic.Int32
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make(chan error, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := s.SpendRefreshToken(ctx, id, at(100+i))
			if err != nil {
				errs <- err
				return
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("SpendRefreshToken: %v", err)
	}
	return wins.Load()
}

func testFamilies(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	mustUser(t, s, newUser("u-1", 0))
	a1, a2, a3 := newToken("a1", "fam-a", "", "u-1", 0), newToken("a2", "fam-a", "a1", "u-1", 1), newToken("a3", "fam-a", "a2", "u-1", 2)
	b1 := newToken("b1", "fam-b", "", "u-1", 0)
	mustToken(t, s, a1, a2, b1)
	if ok, err := s.SpendRefreshToken(ctx, "a1", at(1)); !ok || err != nil {
		t.Fatalf("spend a1 = %v, %v", ok, err)
	}
	revoked := func(fam string, want bool) {
		t.Helper()
		got, err := s.FamilyRevoked(ctx, fam)
		if err != nil || got != want {
			t.Errorf("FamilyRevoked(%s) = %v, %v; want %v", fam, got, err, want)
		}
	}
	revoked("fam-a", false) // a spent token does not revoke its family
	revoked("fam-b", false)
	revoked("fam-unknown", true) // fail closed

	// A second revocation keeps the first time.
	if err := s.RevokeFamily(ctx, "fam-a", at(3)); err != nil {
		t.Fatalf("RevokeFamily: %v", err)
	}
	if err := s.RevokeFamily(ctx, "fam-a", at(9)); err != nil {
		t.Fatalf("RevokeFamily again: %v", err)
	}
	for _, tok := range []*store.RefreshToken{a1, a2} {
		if got := getToken(t, s, tok); got.RevokedAt == nil || !got.RevokedAt.Equal(at(3)) {
			t.Errorf("%s RevokedAt = %v, want %v", tok.ID, got.RevokedAt, at(3))
		}
	}
	if got := getToken(t, s, b1); got.RevokedAt != nil {
		t.Errorf("b1 of another family was revoked at %v", got.RevokedAt)
	}
	revoked("fam-a", true)
	revoked("fam-b", false)
	if ok, err := s.SpendRefreshToken(ctx, "a2", at(4)); ok || err != nil {
		t.Errorf("spend a2 of a revoked family = %v, %v; want false", ok, err)
	}
	// A child rotated in after the revocation does not revive the family.
	mustToken(t, s, a3)
	revoked("fam-a", true)
}

func testRevokeUserTokens(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	mustUser(t, s, newUser("u-1", 0), newUser("u-2", 0))
	mine := []*store.RefreshToken{newToken("m1", "fam-m1", "", "u-1", 0), newToken("m2", "fam-m2", "", "u-1", 1)}
	theirs := newToken("t1", "fam-t1", "", "u-2", 0)
	mustToken(t, s, append(mine, theirs)...)
	if err := s.RevokeUserTokens(ctx, "u-1", at(5)); err != nil {
		t.Fatalf("RevokeUserTokens: %v", err)
	}
	for _, tok := range mine {
		if got := getToken(t, s, tok); got.RevokedAt == nil || !got.RevokedAt.Equal(at(5)) {
			t.Errorf("%s RevokedAt = %v, want %v", tok.ID, got.RevokedAt, at(5))
		}
		if r, err := s.FamilyRevoked(ctx, tok.FamilyID); !r || err != nil {
			t.Errorf("FamilyRevoked(%s) = %v, %v; want true", tok.FamilyID, r, err)
		}
	}
	if got := getToken(t, s, theirs); got.RevokedAt != nil {
		t.Errorf("another user's token was revoked at %v", got.RevokedAt)
	}
	if err := s.RevokeUserTokens(ctx, "u-nobody", at(5)); err != nil {
		t.Errorf("RevokeUserTokens(no tokens) = %v, want nil", err)
	}
}

func testAudit(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	full := &store.AuditEvent{
		UserID: "u-1", Action: "auth.login", Resource: "user:u-1",
		Details: map[string]any{"method": "password", "attempt": 2.0, "nested": map[string]any{"ok": true}},
		IP:      "203.0.113.7", RequestID: "req-123", CreatedAt: at(1),
	}
	bare := &store.AuditEvent{Action: "auth.login_failed"} // no user, no details, no time
	before := store.Now()
	var lastID int64
	for _, e := range []*store.AuditEvent{full, bare} {
		if err := s.Audit(ctx, e); err != nil {
			t.Fatalf("Audit(%s): %v", e.Action, err)
		}
		if e.ID <= lastID {
			t.Errorf("Audit(%s) assigned id %d after %d, want increasing ids", e.Action, e.ID, lastID)
		}
		lastID = e.ID
	}
	if bare.CreatedAt.Before(before) {
		t.Errorf("zero CreatedAt stamped as %v, want now (after %v)", bare.CreatedAt, before)
	}
	got, err := s.ListAudit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	wantFull, wantBare := *full, *bare
	wantFull.CreatedAt, wantBare.Details = full.CreatedAt.UTC(), map[string]any{}
	if d := cmp.Diff([]store.AuditEvent{wantBare, wantFull}, got); d != "" {
		t.Errorf("ListAudit, newest first (-want +got):\n%s", d)
	}
}

func testAuditFilters(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	// 110 events, one a second: users u-0..u-2 in turn, every fifth a
	// failed login, the rest logins. Two more share the newest second,
	// ordered by id.
	for i := range 110 {
		e := &store.AuditEvent{UserID: fmt.Sprintf("u-%d", i%3), Action: "auth.login", RequestID: fmt.Sprint(i), CreatedAt: at(i)}
		if i%5 == 0 {
			e.Action = "auth.login_failed"
		}
		if err := s.Audit(ctx, e); err != nil {
			t.Fatalf("Audit(%d): %v", i, err)
		}
	}
	for _, rid := range []string{"tie-1", "tie-2"} {
		if err := s.Audit(ctx, &store.AuditEvent{UserID: "u-9", Action: "apikey.create", RequestID: rid, CreatedAt: at(200)}); err != nil {
			t.Fatal(err)
		}
	}
	seq := func(from, to, step int) []string {
		var out []string
		for i := from; i >= to; i -= step {
			out = append(out, fmt.Sprint(i))
		}
		return out
	}
	tests := []struct {
		name string
		f    store.AuditFilter
		want []string
	}{
		{"default limit 100, newest first, ties by id", store.AuditFilter{}, append([]string{"tie-2", "tie-1"}, seq(109, 12, 1)...)},
		{"limit", store.AuditFilter{Limit: 3}, []string{"tie-2", "tie-1", "109"}},
		{"negative limit is the default", store.AuditFilter{Limit: -1}, append([]string{"tie-2", "tie-1"}, seq(109, 12, 1)...)},
		{"user", store.AuditFilter{UserID: "u-1", Limit: 4}, []string{"109", "106", "103", "100"}},
		{"action", store.AuditFilter{Action: "auth.login_failed", Limit: 3}, []string{"105", "100", "95"}},
		{"user and action", store.AuditFilter{UserID: "u-0", Action: "auth.login_failed"}, seq(105, 0, 15)},
		{"no match", store.AuditFilter{UserID: "u-nobody"}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.ListAudit(ctxT(t), tc.f)
			if err != nil {
				t.Fatalf("ListAudit: %v", err)
			}
			ids := []string{}
			for _, e := range got {
				ids = append(ids, e.RequestID)
			}
			if d := cmp.Diff(tc.want, ids); d != "" {
				t.Errorf("ListAudit(%+v) request ids (-want +got):\n%s", tc.f, d)
			}
		})
	}
}

func testDeleteUserCascades(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	mustUser(t, s, newUser("u-gone", 0), newUser("u-kept", 1))
	gone, kept := newKey("k-gone", "u-gone", 0), newKey("k-kept", "u-kept", 0)
	mustKey(t, s, gone, kept)
	goneTok, keptTok := newToken("rt-gone", "fam-gone", "", "u-gone", 0), newToken("rt-kept", "fam-kept", "", "u-kept", 0)
	mustToken(t, s, goneTok, keptTok)
	if err := s.Audit(ctx, &store.AuditEvent{UserID: "u-gone", Action: "auth.login"}); err != nil {
		t.Fatal(err)
	}

	if err := s.DeleteUser(ctx, "u-gone"); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	if _, err := s.GetUser(ctx, "u-gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetUser after delete = %v, want ErrNotFound", err)
	}
	if _, err := s.APIKeyByHash(ctx, gone.Hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the deleted user's API key: %v, want ErrNotFound", err)
	}
	if _, err := s.RefreshTokenByHash(ctx, goneTok.Hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the deleted user's refresh token: %v, want ErrNotFound", err)
	}
	if r, err := s.FamilyRevoked(ctx, "fam-gone"); !r || err != nil {
		t.Errorf("FamilyRevoked(deleted user's family) = %v, %v; want true", r, err)
	}
	if _, err := s.APIKeyByHash(ctx, kept.Hash); err != nil {
		t.Errorf("another user's API key: %v", err)
	}
	if _, err := s.RefreshTokenByHash(ctx, keptTok.Hash); err != nil {
		t.Errorf("another user's refresh token: %v", err)
	}
	if ev, err := s.ListAudit(ctx, store.AuditFilter{UserID: "u-gone"}); err != nil || len(ev) != 1 {
		t.Errorf("the deleted user's audit events = %d, %v; want the 1 kept", len(ev), err)
	}
	if err := s.DeleteUser(ctx, "u-gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteUser twice = %v, want ErrNotFound", err)
	}
}
