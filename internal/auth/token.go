package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Access token constants. Tokens for other audiences (workers) or other
// uses (refresh, ID tokens) are refused even when signed with our key.
const (
	Issuer         = "llm-test-bench"
	Audience       = "llm-test-bench-api"
	AccessTokenTyp = "at+jwt"
	tokenUseAccess = "access"
	// Leeway is the clock skew tolerated on exp, nbf and iat.
	Leeway = 30 * time.Second
	// MaxTokenBytes bounds what is parsed at all.
	MaxTokenBytes = 4096
)

// accessClaims are an access token's claims: sub is the user id, jti the
// token id, sid its refresh family (what logout revokes).
type accessClaims struct {
	jwt.RegisteredClaims
	SID      string `json:"sid"`
	TokenUse string `json:"token_use"`
}

var errClaims = errors.New("missing or wrong claims")

// Validate adds our rules to the library's: the token is an access token
// and names its user, id, family and issue time.
func (c *accessClaims) Validate() error {
	if c.TokenUse != tokenUseAccess || c.Subject == "" || c.ID == "" || c.SID == "" || c.IssuedAt == nil {
		return errClaims
	}
	return nil
}

// issuedToken is a minted access token.
type issuedToken struct {
	Token     string
	ID        string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// mintAccess signs an access token for user in family sid. iat is at
// least notBefore (the user's tokens_valid_after), so a token issued right
// after a password change is not refused for sharing its second.
func mintAccess(k *Keyring, userID, sid string, now, notBefore time.Time, ttl time.Duration) (issuedToken, error) {
	iat := now.Truncate(time.Second)
	if notBefore.After(iat) {
		iat = notBefore.Truncate(time.Second)
		if notBefore.After(iat) {
			iat = iat.Add(time.Second)
		}
	}
	exp := now.Add(ttl)
	jti := uuid.NewString()
	claims := &accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Subject: userID, Audience: jwt.ClaimStrings{Audience},
			ExpiresAt: jwt.NewNumericDate(exp), NotBefore: jwt.NewNumericDate(now), IssuedAt: jwt.NewNumericDate(iat), ID: jti,
		},
		SID: sid, TokenUse: tokenUseAccess,
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	kid, secret := k.signingKey()
	t.Header["kid"] = kid
	t.Header["typ"] = AccessTokenTyp
	s, err := t.SignedString(secret)
	if err != nil {
		return issuedToken{}, fmt.Errorf("sign access token: %w", err)
	}
	return issuedToken{Token: s, ID: jti, IssuedAt: iat, ExpiresAt: claims.ExpiresAt.Time}, nil
}

// forbiddenHeaders would point a verifier at keys chosen by the sender;
// a token carrying any of them is refused outright.
var forbiddenHeaders = []string{"jku", "x5u", "jwk", "x5c", "crit"}

// parseAccess verifies an access token: HS256 only, a kid of the keyring
// in force at now, typ at+jwt, our issuer and audience, exp required, nbf
// and iat checked with Leeway, then accessClaims.Validate.
func parseAccess(k *Keyring, token string, now func() time.Time) (*accessClaims, error) {
	if len(token) > MaxTokenBytes {
		return nil, errors.New("token too long")
	}
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer), jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
		jwt.WithLeeway(Leeway), jwt.WithTimeFunc(now), jwt.WithStrictDecoding(),
	)
	claims := &accessClaims{}
	_, err := p.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		if typ, _ := t.Header["typ"].(string); typ != AccessTokenTyp {
			return nil, errors.New("not an access token")
		}
		for _, h := range forbiddenHeaders {
			if _, ok := t.Header[h]; ok {
				return nil, fmt.Errorf("header %s is not accepted", h)
			}
		}
		kid, _ := t.Header["kid"].(string)
		return k.verifyingKey(kid, now())
	})
	if err != nil {
		return nil, err
	}
	return claims, nil
}
