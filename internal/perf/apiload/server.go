package apiload

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/serve"
	"github.com/llm-test-bench/llm-test-bench/internal/server"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite/seed"
)

// OwnerRun is the run number whose owner the benchmark's non-admin user
// is: it owns every seed.Owners-th run, a tenth of the results.
const OwnerRun = 3

// target is the server under load and the credentials of its two users.
type target struct {
	base string // http://127.0.0.1:PORT/api/v1
	// admin and owner are Authorization header values: the admin's access
	// token from POST /auth/login, the owner's API key.
	admin, owner string
	client       *http.Client
	stop         func() error
}

// serverConfig is the default configuration with a fresh signing secret
// and the rate limit raised so that each principal may send rpm a minute
// (the default 100 would refuse nearly every request of the benchmark).
func serverConfig(dataDir string, rpm, burst int) (*config.Config, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("signing secret: %w", err)
	}
	cfg := config.Default()
	cfg.Security.JWTSecret = hex.EncodeToString(secret)
	cfg.Server.DataDir = dataDir
	cfg.Server.RateLimit.RequestsPerMinute = rpm
	cfg.Server.RateLimit.BurstSize = burst
	return cfg, nil
}

// startServer copies the seeded store at dbPath into dir (the benchmark
// adds users and keys; the cached file stays as it was), opens it as
// `serve` does, creates the admin and the owner, and serves the API on a
// loopback port until stop is called.
func startServer(ctx context.Context, dir, dbPath string, cfg *config.Config) (_ *target, err error) {
	db := filepath.Join(dir, "store.db")
	if err := seed.CopyFile(dbPath, db); err != nil {
		return nil, err
	}
	st, err := backend.Open(ctx, "sqlite:"+db, backend.OptionsFrom(cfg.Storage))
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	cleanup := []func() error{st.Close}
	undo := func() error {
		var errs []error
		for i := len(cleanup) - 1; i >= 0; i-- {
			errs = append(errs, cleanup[i]())
		}
		return errors.Join(errs...)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, undo())
		}
	}()
	adminPassword, ownerKey, err := createUsers(ctx, st, cfg)
	if err != nil {
		return nil, err
	}
	srv, err := serve.Build(ctx, serve.Options{Config: cfg, Store: st})
	if err != nil {
		return nil, fmt.Errorf("build server: %w", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx, ln) }()
	// Serve closes the listener, the server's parts and then returns;
	// the store closes last.
	cleanup = append(cleanup, func() error { cancel(); return <-served })

	t := &target{
		base:   "http://" + ln.Addr().String() + server.Prefix,
		owner:  "Bearer " + ownerKey,
		client: &http.Client{Transport: newTransport(), Timeout: 30 * time.Second},
	}
	cleanup = append(cleanup, func() error { t.client.CloseIdleConnections(); return nil })
	token, err := t.login(ctx, "bench-admin", adminPassword)
	if err != nil {
		return nil, err
	}
	t.admin = "Bearer " + token
	t.stop = undo
	return t, nil
}

// newTransport keeps enough idle connections for the requests in flight
// (the default keeps 2 per host, and an open-loop load would then open
// and close a connection for most requests).
func newTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 1024
	tr.MaxIdleConnsPerHost = 1024
	return tr
}

// createUsers adds the admin (with a random password, through the auth
// service as an operator would) and the owner of the seeded runs of
// OwnerRun's user. The seeded runs name their owner by a fixed id, which
// CreateUser would not choose, so the owner is written to the store
// directly, without a password, and gets an API key.
func createUsers(ctx context.Context, st store.Store, cfg *config.Config) (adminPassword, ownerKey string, err error) {
	accounts, err := auth.NewAccounts(st, cfg, nil, nil)
	if err != nil {
		return "", "", fmt.Errorf("auth: %w", err)
	}
	pw := make([]byte, 18)
	if _, err := rand.Read(pw); err != nil {
		return "", "", fmt.Errorf("admin password: %w", err)
	}
	adminPassword = hex.EncodeToString(pw)
	if _, err := accounts.CreateUser(ctx, "bench-admin", adminPassword, "admin"); err != nil {
		return "", "", fmt.Errorf("create admin: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	owner := &store.User{
		ID: seed.Owner(OwnerRun), Username: "bench-owner", Role: "user",
		CreatedAt: now, UpdatedAt: now, TokensValidAfter: now,
	}
	if err := st.CreateUser(ctx, owner); err != nil {
		return "", "", fmt.Errorf("create owner: %w", err)
	}
	key, err := accounts.IssueAPIKey(ctx, owner.ID, "apiload", nil)
	if err != nil {
		return "", "", fmt.Errorf("owner API key: %w", err)
	}
	return adminPassword, key.Key, nil
}

// login posts the admin's credentials to /auth/login and returns the
// access token.
func (t *target) login(ctx context.Context, username, password string) (string, error) {
	body, err := json.Marshal(map[string]string{"username": username, "password": password})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+"/auth/login", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("login: status %d: %s", resp.StatusCode, snippet(data))
	}
	var pair auth.TokenPair
	if err := json.Unmarshal(data, &pair); err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	if pair.AccessToken == "" {
		return "", errors.New("login: no access token in the answer")
	}
	return pair.AccessToken, nil
}

// snippet is the start of an answer's body for an error message.
func snippet(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// tempDir makes the directory the run's copy of the store lives in.
func tempDir(parent string) (string, error) {
	dir, err := os.MkdirTemp(parent, "ltb-apiload-")
	if err != nil {
		return "", fmt.Errorf("apiload: %w", err)
	}
	return dir, nil
}
