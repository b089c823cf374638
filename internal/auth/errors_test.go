package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Live connections tell an expired credential (4401: log in again) from a
// refused one (4403) by an Expired method in the error chain.
func TestExpiredErrorsSayExpired(t *testing.T) {
	type expirer interface{ Expired() bool }
	f := newFixture(t, fixtureOpts{})
	f.user(t, "alice", "user")
	tok := f.login(t, "alice", testPassword)
	f.clock.Advance(time.Hour)
	_, err := f.svc.AuthenticateToken(context.Background(), tok.AccessToken)
	var e expirer
	if !errors.Is(err, ErrUnauthenticated) || !errors.As(err, &e) || !e.Expired() {
		t.Fatalf("expired access token: %v, want an ErrUnauthenticated with Expired() true", err)
	}
	_, err = f.svc.AuthenticateToken(context.Background(), "not-a-token")
	if errors.As(err, &e) {
		t.Fatalf("malformed token reported expired: %v", err)
	}
}
