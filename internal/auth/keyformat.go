package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"math/big"
	"strings"
)

// API key format: "ltb_" + 32 random bytes in base62 (43 characters) + a
// 6-character base62 CRC32 of what precedes it. The checksum lets a
// scanner, and the server, tell a real key from a typo or a forgery
// without a database lookup.
const (
	APIKeyPrefix    = "ltb_"
	apiKeyRandChars = 43
	apiKeySumChars  = 6
	APIKeyLen       = len(APIKeyPrefix) + apiKeyRandChars + apiKeySumChars
	// APIKeyShownPrefix is how many leading characters listings show.
	APIKeyShownPrefix = 12
)

const base62Digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// base62 writes b as a big-endian number in exactly width base62 digits.
func base62(b []byte, width int) string {
	s := new(big.Int).SetBytes(b).Text(62)
	return strings.Repeat("0", width-len(s)) + s
}

func checksum(body string) string {
	var b [4]byte
	sum := crc32.ChecksumIEEE([]byte(body))
	b[0], b[1], b[2], b[3] = byte(sum>>24), byte(sum>>16), byte(sum>>8), byte(sum)
	return base62(b[:], apiKeySumChars)
}

// GenerateAPIKey returns a new random API key.
func GenerateAPIKey() (string, error) {
	var r [32]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fmt.Errorf("generate API key: %w", err)
	}
	body := APIKeyPrefix + base62(r[:], apiKeyRandChars)
	return body + checksum(body), nil
}

// WellFormedAPIKey reports whether key has the format of an API key and a
// correct checksum. It reads nothing but key.
func WellFormedAPIKey(key string) bool {
	if len(key) != APIKeyLen || !strings.HasPrefix(key, APIKeyPrefix) {
		return false
	}
	for i := len(APIKeyPrefix); i < len(key); i++ {
		if strings.IndexByte(base62Digits, key[i]) < 0 {
			return false
		}
	}
	cut := len(key) - apiKeySumChars
	return checksum(key[:cut]) == key[cut:]
}

// HashAPIKey is what the store keeps of a key: SHA-256, hex. A fast hash
// is enough for 256 random bits (ASVS 6.5.2) and allows an indexed lookup.
func HashAPIKey(key string) string { return hashSecret(key) }

// hashSecret is SHA-256, hex: what the store keeps of a random secret
// (an API key, a refresh token).
func hashSecret(secret string) string {
	s := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(s[:])
}

// ShownPrefix is the part of a key listings show.
func ShownPrefix(key string) string { return key[:min(len(key), APIKeyShownPrefix)] }

// newRefreshToken returns an opaque 256-bit refresh token (64 hex
// characters) and its stored hash (SHA-256, hex).
func newRefreshToken() (token, hash string, err error) {
	var r [32]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", "", fmt.Errorf("generate refresh token: %w", err)
	}
	token = hex.EncodeToString(r[:])
	return token, hashSecret(token), nil
}
