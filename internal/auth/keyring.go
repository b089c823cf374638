package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// Keyring holds the HS256 signing secrets: the current one, which signs
// and verifies, and previous ones, which only verify until they retire.
// Keys are found by the token's kid header and nowhere else: never from
// jku, x5u or jwk headers.
type Keyring struct {
	current  ringKey
	previous []ringKey
}

type ringKey struct {
	id       string
	secret   []byte
	retireAt time.Time
}

// RetiredKey is a previous signing secret and when it stops verifying.
type RetiredKey struct {
	Secret   []byte
	RetireAt time.Time
}

// NewKeyring returns a keyring signing with current. Every secret must be
// at least config.MinJWTSecretBytes long; previous ones need a RetireAt.
func NewKeyring(current []byte, previous ...RetiredKey) (*Keyring, error) {
	if len(current) < config.MinJWTSecretBytes {
		return nil, fmt.Errorf("signing secret is %d bytes; it must be at least %d", len(current), config.MinJWTSecretBytes)
	}
	k := &Keyring{current: ringKey{id: KeyID(current), secret: current}}
	for i, p := range previous {
		switch {
		case len(p.Secret) < config.MinJWTSecretBytes:
			return nil, fmt.Errorf("previous signing secret %d is %d bytes; it must be at least %d", i, len(p.Secret), config.MinJWTSecretBytes)
		case p.RetireAt.IsZero():
			return nil, fmt.Errorf("previous signing secret %d has no retirement time", i)
		case hmac.Equal(p.Secret, current):
			return nil, fmt.Errorf("previous signing secret %d is the current one", i)
		}
		k.previous = append(k.previous, ringKey{id: KeyID(p.Secret), secret: p.Secret, retireAt: p.RetireAt})
	}
	return k, nil
}

// KeyringFromConfig builds the keyring of cfg's signing secrets.
func KeyringFromConfig(cfg *config.Config) (*Keyring, error) {
	if err := cfg.CheckSigningSecrets(); err != nil {
		return nil, err
	}
	cur, prev := cfg.SigningSecrets()
	retired := make([]RetiredKey, 0, len(prev))
	for _, p := range prev {
		retired = append(retired, RetiredKey{Secret: p.Secret, RetireAt: p.RetireAt})
	}
	return NewKeyring(cur.Secret, retired...)
}

// KeyID names a secret in the kid header: 16 characters of an HMAC of a
// fixed label under the secret, so replicas sharing a secret agree and the
// id reveals nothing of it.
func KeyID(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("llm-test-bench signing key id"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:16]
}

// signingKey returns the current key's id and secret.
func (k *Keyring) signingKey() (string, []byte) { return k.current.id, k.current.secret }

var errUnknownKey = errors.New("unknown or retired signing key")

// verifyingKey returns the secret named kid if it verifies at now.
func (k *Keyring) verifyingKey(kid string, now time.Time) ([]byte, error) {
	if kid == k.current.id {
		return k.current.secret, nil
	}
	for _, p := range k.previous {
		if kid == p.id && now.Before(p.retireAt) {
			return p.secret, nil
		}
	}
	return nil, errUnknownKey
}
