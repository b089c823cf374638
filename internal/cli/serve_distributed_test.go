package cli_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/llm-test-bench/llm-test-bench/internal/distributed"
)

// freePort returns a loopback port nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// serve --distributed --workers 2 embeds NATS on the port asked for and
// starts two worker processes; a third worker given only the server's
// address and an API key (worker --coordinator-url) finds the same NATS
// server; stopping the server stops its workers and the NATS server.
func TestServeDistributedLocalWorkers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "LTB_TEST_MAIN=1", "JWT_SECRET=cli-serve-test-secret-0123456789abcdef")
	cfg := e.write("ltb.toml", "[server]\ndata_dir = \""+filepath.Join(e.dir, "data")+"\"\n")
	if code, out, stderr := e.runStdin(t, "a long pass phrase\n", "--config", cfg, "auth", "create-user", "--username", "ops", "--role", "admin", "--password-stdin"); code != 0 {
		t.Fatalf("create-user: %d %s %s", code, out, stderr)
	}
	code, out, stderr := e.runStdin(t, "", "--config", cfg, "auth", "generate-key", "--user", "ops", "--name", "worker")
	key := strings.TrimSpace(out)
	if code != 0 || key == "" {
		t.Fatalf("generate-key: %d %s", code, stderr)
	}
	natsPort, httpPort := freePort(t), freePort(t)
	natsURL := "nats://127.0.0.1:" + strconv.Itoa(natsPort)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := make(chan int, 1)
	go func() {
		code, _, stderr := e.run(ctx, "--config", cfg, "serve", "--simulate", "--addr", "127.0.0.1:"+strconv.Itoa(httpPort),
			"--distributed", "--nats-port", strconv.Itoa(natsPort), "--workers", "2", "--worker-concurrency", "2")
		if code != 0 {
			t.Errorf("serve: exit %d\n%s", code, stderr)
		}
		served <- code
	}()

	var nc *nats.Conn
	waitUntil(t, "the embedded NATS server", func() bool {
		var err error
		nc, err = nats.Connect(natsURL)
		return err == nil
	})
	defer nc.Close()
	workers := func(n int) []distributed.WorkerInfo {
		var ws []distributed.WorkerInfo
		waitUntil(t, strconv.Itoa(n)+" workers", func() bool {
			ws, _ = distributed.ListWorkers(context.Background(), nc)
			return len(ws) == n
		})
		return ws
	}
	local := workers(2)

	// A worker that knows only the server's address.
	we := *e
	we.environ = append(append([]string(nil), e.environ...), "LTB_API_KEY="+key)
	wctx, wstop := context.WithCancel(context.Background())
	wdone := make(chan int, 1)
	go func() {
		code, _, stderr := we.run(wctx, "worker", "--coordinator-url", "http://127.0.0.1:"+strconv.Itoa(httpPort), "--id", "remote")
		if code != 0 {
			t.Errorf("worker --coordinator-url: exit %d\n%s", code, stderr)
		}
		wdone <- code
	}()
	workers(3)
	wstop()
	<-wdone
	workers(2)

	stop()
	select {
	case <-served:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s")
	}
	for _, w := range local {
		if err := syscall.Kill(w.PID, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("local worker %s (pid %d) outlived the server: %v", w.ID, w.PID, err)
		}
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(natsPort), time.Second); err == nil {
		_ = c.Close()
		t.Error("the embedded NATS server outlived the server")
	}
}

// waitUntil polls cond for up to 30s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 30s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A worker given a coordinator that runs no distributed benchmarks, or no
// key, stops with a configuration error naming the problem.
func TestWorkerCoordinatorURLErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code, _, stderr := e.run(context.Background(), "worker", "--coordinator-url", "http://127.0.0.1:1")
	if code != 3 || !strings.Contains(stderr, "LTB_API_KEY") {
		t.Errorf("no key: exit %d %s", code, stderr)
	}
	code, _, stderr = e.run(context.Background(), "worker")
	if code != 3 || !strings.Contains(stderr, "--coordinator-url") {
		t.Errorf("nothing: exit %d %s", code, stderr)
	}
}
