package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

var b64 = base64.RawURLEncoding

// session logs a fresh user in and returns the pair and the access
// token's header and claims, to forge variants from.
func session(t *testing.T, f *fixture, name string) (TokenPair, map[string]any, map[string]any) {
	t.Helper()
	f.user(t, name, "user")
	p := f.login(t, name, testPassword)
	parts := strings.Split(p.AccessToken, ".")
	var h, c map[string]any
	for i, dst := range []*map[string]any{&h, &c} {
		b, err := b64.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	return p, h, c
}

func enc(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b64.EncodeToString(b)
}

// forge signs header.claims with HS256 under secret, whatever alg says.
func forge(t *testing.T, header, claims map[string]any, secret string) string {
	t.Helper()
	signing := enc(t, header) + "." + enc(t, claims)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signing))
	return signing + "." + b64.EncodeToString(m.Sum(nil))
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func expectRefused(t *testing.T, f *fixture, token string) {
	t.Helper()
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, token, nil), http.StatusUnauthorized)
}

// The forger's own control: a token forged with our secret and unchanged
// claims passes, so each refusal below is the change's doing.
func TestForgedControlPasses(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	_, h, c := session(t, f, "alice")
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, forge(t, h, c, testSecret), nil), http.StatusOK)
}

// Case 1: alg none, with and without a signature segment.
func TestCase01AlgNone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	_, h, c := session(t, f, "alice")
	unsigned := enc(t, with(h, "alg", "none")) + "." + enc(t, c)
	for _, tok := range []string{unsigned + ".", unsigned, unsigned + "." + b64.EncodeToString([]byte("sig")),
		enc(t, with(h, "alg", "None")) + "." + enc(t, c) + "."} {
		expectRefused(t, f, tok)
	}
}

// Case 2: algorithm confusion: other algorithms, another secret, and an
// RSA public key used as the HMAC secret.
func TestCase02AlgorithmConfusion(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	_, h, c := session(t, f, "alice")
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	sign := func(m jwt.SigningMethod, key any) string {
		tok := jwt.NewWithClaims(m, jwt.MapClaims(c))
		tok.Header["kid"], tok.Header["typ"] = h["kid"], h["typ"]
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tokens := map[string]string{
		"RS256":                sign(jwt.SigningMethodRS256, rsaKey),
		"ES256":                sign(jwt.SigningMethodES256, ecKey),
		"EdDSA":                sign(jwt.SigningMethodEdDSA, edKey),
		"HS512 right secret":   sign(jwt.SigningMethodHS512, []byte(testSecret)),
		"HS256 other secret":   forge(t, h, c, otherSecret),
		"HS256 public key PEM": forge(t, h, c, pubPEM),
		"RS256 header, HMAC":   forge(t, with(h, "alg", "RS256"), c, testSecret),
	}
	for name, tok := range tokens {
		t.Run(name, func(t *testing.T) { expectRefused(t, f, tok) })
	}
}

// Case 3: a flipped signature bit, a changed payload under the old
// signature, a stripped signature.
func TestCase03Tampering(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	p, h, c := session(t, f, "alice")
	parts := strings.Split(p.AccessToken, ".")
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	sig[5] ^= 0x01
	flipped := parts[0] + "." + parts[1] + "." + b64.EncodeToString(sig)
	changed := enc(t, h) + "." + enc(t, with(c, "role", "admin", "sub", "someone-else")) + "." + parts[2]
	for name, tok := range map[string]string{"bit flipped": flipped, "payload changed": changed, "stripped": parts[0] + "." + parts[1] + ".", "two segments": parts[0] + "." + parts[1]} {
		t.Run(name, func(t *testing.T) { expectRefused(t, f, tok) })
	}
}

// Case 4: exp in the past or missing, nbf in the future, iat in the future
// beyond the leeway.
func TestCase04TimeClaims(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	_, h, c := session(t, f, "alice")
	now := f.clock.Now().Unix()
	ahead := now + int64(Leeway/time.Second) + 60
	for name, claims := range map[string]map[string]any{
		"exp past":    with(c, "exp", now-int64(Leeway/time.Second)-1),
		"exp missing": with(c, "exp", nil),
		"nbf future":  with(c, "nbf", ahead),
		"iat future":  with(c, "iat", ahead),
		"iat missing": with(c, "iat", nil),
	} {
		t.Run(name, func(t *testing.T) { expectRefused(t, f, forge(t, h, claims, testSecret)) })
	}
	// And the real token expires by itself.
	p := f.login(t, "alice", testPassword)
	f.clock.Advance(15*time.Minute + Leeway + time.Second)
	expectRefused(t, f, p.AccessToken)
}

// Case 5: wrong issuer, wrong or missing audience, a worker's token.
func TestCase05IssuerAudience(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	_, h, c := session(t, f, "alice")
	for name, claims := range map[string]map[string]any{
		"wrong iss":      with(c, "iss", "someone-else"),
		"missing iss":    with(c, "iss", nil),
		"wrong aud":      with(c, "aud", []string{"other-api"}),
		"missing aud":    with(c, "aud", nil),
		"worker aud":     with(c, "aud", "llm-test-bench-worker"),
		"missing sub":    with(c, "sub", nil),
		"missing sid":    with(c, "sid", nil),
		"missing jti":    with(c, "jti", nil),
		"unknown family": with(c, "sid", "not-a-family"),
		"unknown user":   with(c, "sub", "not-a-user"),
	} {
		t.Run(name, func(t *testing.T) { expectRefused(t, f, forge(t, h, claims, testSecret)) })
	}
}

// Case 6: kid naming no key or holding path or SQL text; jku, x5u, jwk
// headers pointing elsewhere: refused, and nothing is fetched.
func TestCase06KeyHeaders(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	defer attacker.Close()
	f := newFixture(t, fixtureOpts{})
	_, h, c := session(t, f, "alice")
	jwk := map[string]any{"kty": "oct", "k": b64.EncodeToString([]byte(otherSecret))}
	for name, tok := range map[string]string{
		"unknown kid":   forge(t, with(h, "kid", "no-such-key"), c, testSecret),
		"missing kid":   forge(t, with(h, "kid", nil), c, testSecret),
		"path kid":      forge(t, with(h, "kid", "../../../../dev/null"), c, ""),
		"sql kid":       forge(t, with(h, "kid", "' OR 1=1 --"), c, testSecret),
		"jku":           forge(t, with(h, "jku", attacker.URL+"/jwks.json"), c, testSecret),
		"x5u":           forge(t, with(h, "x5u", attacker.URL+"/cert.pem"), c, testSecret),
		"jwk":           forge(t, with(h, "jwk", jwk), c, otherSecret),
		"jwk right key": forge(t, with(h, "jwk", jwk), c, testSecret),
	} {
		t.Run(name, func(t *testing.T) { expectRefused(t, f, tok) })
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the URL in a token header", n)
	}
}

// Case 7: a refresh token as an access token, an access token at
// /auth/refresh, and tokens of another type signed with our key.
func TestCase07TokenType(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	p, h, c := session(t, f, "alice")
	expectRefused(t, f, p.RefreshToken)
	wantStatus(t, f.refresh(t, p.AccessToken), http.StatusUnauthorized)
	for name, tok := range map[string]string{
		"typ JWT":           forge(t, with(h, "typ", "JWT"), c, testSecret),
		"no typ":            forge(t, with(h, "typ", nil), c, testSecret),
		"token_use refresh": forge(t, h, with(c, "token_use", "refresh"), testSecret),
		"token_use missing": forge(t, h, with(c, "token_use", nil), testSecret),
	} {
		t.Run(name, func(t *testing.T) { expectRefused(t, f, tok) })
	}
	// The pair still works: nothing above spent or revoked it.
	wantStatus(t, f.refresh(t, p.RefreshToken), http.StatusOK)
}

// Case 8: after rotation, the previous key verifies until its retire_at
// and not after.
func TestCase08KeyRotation(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)}
	var st store.AuthStore = newMemStore()
	before := newFixture(t, fixtureOpts{store: st, clock: clk, env: []string{"JWT_SECRET=" + otherSecret}})
	before.user(t, "alice", "user")
	old := before.login(t, "alice", testPassword)
	retire := clk.Now().Add(5 * time.Minute).Format(time.RFC3339)
	after := newFixture(t, fixtureOpts{
		store: st, clock: clk,
		toml: "[[security.jwt_rotation]]\nsecret_env = \"OLD_JWT_SECRET\"\nretire_at = \"" + retire + "\"\n",
		env:  []string{"JWT_SECRET=" + testSecret, "OLD_JWT_SECRET=" + otherSecret},
	})
	wantStatus(t, after.do(t, http.MethodGet, protectedPath, old.AccessToken, nil), http.StatusOK)
	fresh := after.login(t, "alice", testPassword)
	wantStatus(t, before.do(t, http.MethodGet, protectedPath, fresh.AccessToken, nil), http.StatusUnauthorized)
	clk.Advance(6 * time.Minute) // the old token is not expired yet; its key is retired
	wantStatus(t, after.do(t, http.MethodGet, protectedPath, old.AccessToken, nil), http.StatusUnauthorized)
	wantStatus(t, after.do(t, http.MethodGet, protectedPath, fresh.AccessToken, nil), http.StatusOK)
}

// Case 9: malformed tokens and headers: 400 or 401, never a panic.
func TestCase09Malformed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	p, _, _ := session(t, f, "alice")
	parts := strings.Split(p.AccessToken, ".")
	bigHeader := b64.EncodeToString([]byte(`{"alg":"HS256","x":"` + strings.Repeat("A", 1<<20) + `"}`))
	tests := []struct {
		name, header string
		want         []int
	}{
		{"two segments", "Bearer " + parts[0] + "." + parts[1], []int{401}},
		{"four segments", "Bearer " + p.AccessToken + ".x", []int{401}},
		{"bad base64", "Bearer " + parts[0] + ".!!!." + parts[2], []int{401}},
		{"padded base64", "Bearer " + parts[0] + "=." + parts[1] + "." + parts[2], []int{401}},
		{"not json", "Bearer " + b64.EncodeToString([]byte("{{{")) + "." + parts[1] + "." + parts[2], []int{401}},
		{"empty bearer", "Bearer ", []int{400}},
		{"basic scheme", "Basic YWxpY2U6cHc=", []int{400}},
		{"no scheme", p.AccessToken, []int{400}},
		{"two tokens", "Bearer a b", []int{400}},
		{"over 8 KB", "Bearer " + strings.Repeat("a", 9<<10), []int{400}},
		{"1 MB header segment", "Bearer " + bigHeader + "." + parts[1] + "." + parts[2], []int{400, 431}},
		{"ltb key too short", "Bearer ltb_abc", []int{401}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, http.MethodGet, protectedPath, "", nil, "Authorization", tc.header)
			ok := false
			for _, w := range tc.want {
				ok = ok || r.status == w
			}
			if !ok {
				t.Fatalf("status %d, want %v: %s", r.status, tc.want, r.body)
			}
			if r.status == http.StatusUnauthorized {
				wantStatus(t, r, http.StatusUnauthorized)
			}
		})
	}
}

// FuzzAuthenticate feeds arbitrary Authorization values to the parser:
// never a panic, never a principal without a valid credential.
func FuzzAuthenticate(f *testing.F) {
	fx := newFixture(f, fixtureOpts{})
	for _, s := range []string{"", "Bearer ", "Bearer a.b.c", "Bearer ltb_" + strings.Repeat("0", 49), "bearer eyJhbGciOiJub25lIn0.e30.", "Bearer eyJhbGciOiJIUzI1NiIsImtpZCI6IngifQ.e30.AAAA", "Basic x"} {
		f.Add(s)
	}
	k, err := GenerateAPIKey()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("Bearer " + k)
	f.Fuzz(func(t *testing.T, header string) {
		p, err := fx.svc.Authenticate(t.Context(), header)
		if err == nil || p != nil {
			t.Fatalf("Authenticate(%q) = %+v, %v", header, p, err)
		}
		if !isUnauthenticated(err) {
			t.Fatalf("Authenticate(%q): %v is not a refusal", header, err)
		}
	})
}

// FuzzParseAccess mutates a valid token: any change must be refused.
func FuzzParseAccess(f *testing.F) {
	keys, err := NewKeyring([]byte(testSecret))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	tok, err := mintAccess(keys, "u1", "fam1", now, time.Time{}, 15*time.Minute)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok.Token)
	f.Add(strings.Replace(tok.Token, ".", "..", 1))
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseAccess(keys, s, func() time.Time { return now })
		if s == tok.Token {
			if err != nil {
				t.Fatalf("the valid token was refused: %v", err)
			}
			return
		}
		if err == nil && (c.Subject != "u1" || c.SID != "fam1") {
			t.Fatalf("a different token %q was accepted with claims %+v", s, c)
		}
	})
}
