package auth

import (
	"strings"
	"testing"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := newHasher(DefaultArgon2, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"short-ok", strings.Repeat("long password ", 10), "pässwörd 密码 🔑 пароль"} {
		enc, err := h.hash(t.Context(), pw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("PHC string %q", enc)
		}
		if ok, err := h.verify(t.Context(), pw, enc); !ok || err != nil {
			t.Errorf("verify %q: %v %v", pw, ok, err)
		}
		if ok, _ := h.verify(t.Context(), pw+"x", enc); ok {
			t.Errorf("a different password verified")
		}
		if h.needsRehash(enc) || NeedsRehash(enc) {
			t.Errorf("fresh hash needs rehash")
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	t.Parallel()
	cheap, err := newHasher(Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := cheap.hash(t.Context(), "password-1")
	if err != nil {
		t.Fatal(err)
	}
	if !NeedsRehash(enc) || cheap.needsRehash(enc) {
		t.Errorf("NeedsRehash(%q) = %v", enc, NeedsRehash(enc))
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "plain"} {
		if !NeedsRehash(bad) {
			t.Errorf("NeedsRehash(%q) = false", bad)
		}
		if ok, err := cheap.verify(t.Context(), "x", bad); ok || err == nil {
			t.Errorf("verify against %q: %v %v", bad, ok, err)
		}
	}
}
