package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password limits. MaxPasswordBytes is checked before any hashing, so a
// huge password costs nothing; MinPasswordChars applies to new passwords.
const (
	MaxPasswordBytes = 1024
	MinPasswordChars = 8
)

// Argon2Params are argon2id's cost parameters.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultArgon2 is one of OWASP's recommended settings: 19 MiB, 2 passes,
// 1 lane (about 17 ms on a 2-core machine).
var DefaultArgon2 = Argon2Params{MemoryKiB: 19456, Time: 2, Threads: 1}

const (
	saltBytes = 16
	hashBytes = 32
)

// ErrPasswordTooLong is returned for a password over MaxPasswordBytes.
var ErrPasswordTooLong = fmt.Errorf("password is longer than %d bytes", MaxPasswordBytes)

// hasher hashes and verifies passwords with argon2id, at most a few at a
// time: each takes MemoryKiB of memory and a core for a few milliseconds.
type hasher struct {
	params Argon2Params
	sem    chan struct{}
	// dummy is a hash of a random password, verified for unknown users so
	// they take as long as known ones.
	dummy string
	// runs counts argon2id computations.
	runs atomic.Int64
}

func newHasher(p Argon2Params, concurrency int) (*hasher, error) {
	h := &hasher{params: p, sem: make(chan struct{}, max(concurrency, 1))}
	var pw [32]byte
	if _, err := rand.Read(pw[:]); err != nil {
		return nil, fmt.Errorf("dummy password: %w", err)
	}
	d, err := h.hash(context.Background(), base64.RawStdEncoding.EncodeToString(pw[:]))
	if err != nil {
		return nil, err
	}
	h.dummy = d
	return h, nil
}

func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait to hash a password: %w", ctx.Err())
	}
}

func (h *hasher) release() { <-h.sem }

// hash returns the PHC string of password:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded base64).
func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	salt := make([]byte, saltBytes)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.params
	h.runs.Add(1)
	sum := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, hashBytes)
	return formatPHC(p, salt, sum), nil
}

// verify reports whether password matches the PHC string encoded, in
// constant time; an unparsable hash matches nothing.
func (h *hasher) verify(ctx context.Context, password, encoded string) (bool, error) {
	if len(password) > MaxPasswordBytes {
		return false, ErrPasswordTooLong
	}
	p, salt, want, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	h.runs.Add(1)
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// verifyDummy spends the time of a verification for an unknown user.
func (h *hasher) verifyDummy(ctx context.Context, password string) {
	_, _ = h.verify(ctx, password, h.dummy)
}

// needsRehash reports whether encoded was made with other parameters than
// the hasher's (or is not a hash it can read).
func (h *hasher) needsRehash(encoded string) bool {
	p, salt, sum, err := parsePHC(encoded)
	return err != nil || p != h.params || len(salt) != saltBytes || len(sum) != hashBytes
}

// NeedsRehash reports whether a stored PHC string was made with other
// parameters than DefaultArgon2; Login rehashes such passwords.
func NeedsRehash(encoded string) bool { return (&hasher{params: DefaultArgon2}).needsRehash(encoded) }

func formatPHC(p Argon2Params, salt, sum []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(sum))
}

var errBadHash = errors.New("stored password hash is not an argon2id PHC string")

// Bounds on parameters read from a stored hash, so a tampered row cannot
// make verification allocate gigabytes or run for minutes.
const (
	maxMemoryKiB = 1 << 20
	maxTime      = 16
)

func parsePHC(s string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &threads); err != nil || n != 3 ||
		fmt.Sprintf("m=%d,t=%d,p=%d", p.MemoryKiB, p.Time, threads) != parts[3] {
		return p, nil, nil, errBadHash
	}
	if p.MemoryKiB < 8 || p.MemoryKiB > maxMemoryKiB || p.Time < 1 || p.Time > maxTime || threads < 1 || threads > 255 {
		return p, nil, nil, errBadHash
	}
	p.Threads = uint8(threads)
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	sum, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(sum) < 16 || len(sum) > 64 {
		return p, nil, nil, errBadHash
	}
	return p, salt, sum, nil
}

// checkNewPassword says what is wrong with a password being set.
func checkNewPassword(pw string) error {
	switch {
	case len(pw) > MaxPasswordBytes:
		return ErrPasswordTooLong
	case !utf8.ValidString(pw):
		return errors.New("password is not valid UTF-8")
	case utf8.RuneCountInString(pw) < MinPasswordChars:
		return fmt.Errorf("password is shorter than %d characters", MinPasswordChars)
	}
	return nil
}
