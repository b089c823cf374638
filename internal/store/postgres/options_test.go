package postgres_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
	"github.com/llm-test-bench/llm-test-bench/internal/store/postgres"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
)

func TestMaxConnections(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	tests := []struct {
		name string
		url  string
		max  int
		want int32
	}{
		{"from options", url, 7, 7},
		{"the URL's pool_max_conns wins", url + "&pool_max_conns=3", 7, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := postgres.Open(t.Context(), tc.url, store.Options{MaxConnections: tc.max})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := postgres.MaxConns(s); got != tc.want {
				t.Errorf("pool of %d, want %d", got, tc.want)
			}
		})
	}
}

func TestNoMigrate(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	_, err := postgres.Open(t.Context(), url, store.Options{NoMigrate: true})
	if !errors.Is(err, migrations.ErrPending) || !strings.Contains(err.Error(), "run `llm-test-bench migrate`") {
		t.Fatalf("Open(new schema, no migrations) = %v; want ErrPending naming the command", err)
	}
	s, err := postgres.Open(t.Context(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = postgres.Open(t.Context(), url, store.Options{NoMigrate: true})
	if err != nil {
		t.Fatalf("Open(migrated schema, no migrations): %v", err)
	}
	s.Close()
}

// TestConnectTimeout points the store at a server that accepts TCP
// connections and never answers: Open must give up after the connect
// timeout rather than wait for the caller's deadline.
func TestConnectTimeout(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	start := time.Now()
	_, err = postgres.Open(ctx, "postgres://u:pw@"+ln.Addr().String()+"/db?sslmode=disable", store.Options{ConnectTimeout: 300 * time.Millisecond})
	if err == nil {
		t.Fatal("Open succeeded against a silent server")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open gave up after %v, want about the 300ms connect timeout", d)
	}
}
