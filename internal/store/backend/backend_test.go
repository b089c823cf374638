package backend_test

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		want    backend.Target
		wantErr bool
	}{
		{raw: "sqlite:ltb.db", want: backend.Target{Kind: backend.SQLite, Location: "ltb.db"}},
		{raw: "sqlite:/var/lib/ltb/x", want: backend.Target{Kind: backend.SQLite, Location: "/var/lib/ltb/x"}},
		{raw: "sqlite://rel/ltb.db", want: backend.Target{Kind: backend.SQLite, Location: "rel/ltb.db"}},
		{raw: "sqlite:///abs/ltb.db", want: backend.Target{Kind: backend.SQLite, Location: "/abs/ltb.db"}},
		{raw: "SQLite:x.db", want: backend.Target{Kind: backend.SQLite, Location: "x.db"}},
		{raw: "./data/ltb.db", want: backend.Target{Kind: backend.SQLite, Location: "./data/ltb.db"}},
		{raw: "/tmp/a.sqlite", want: backend.Target{Kind: backend.SQLite, Location: "/tmp/a.sqlite"}},
		{raw: "b.SQLITE3", want: backend.Target{Kind: backend.SQLite, Location: "b.SQLITE3"}},
		{raw: "postgres://u:p@h:5432/db", want: backend.Target{Kind: backend.Postgres, Location: "postgres://u:p@h:5432/db"}},
		{raw: "postgresql://h/db?sslmode=disable", want: backend.Target{Kind: backend.Postgres, Location: "postgresql://h/db?sslmode=disable"}},
		{raw: "", wantErr: true},
		{raw: "sqlite:", wantErr: true},
		{raw: "sqlite://", wantErr: true},
		{raw: "sqlite:x.db?mode=ro", wantErr: true},
		{raw: "mysql://u:p@h/db", wantErr: true},
		{raw: "http://h/x.db", wantErr: true},
		{raw: "ltb.txt", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			got, err := backend.Parse(tc.raw)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Parse(%q) = %+v, want error", tc.raw, got)
				}
				if !strings.Contains(err.Error(), "sqlite:PATH") || !strings.Contains(err.Error(), "postgres://") {
					t.Errorf("error does not list the accepted forms: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.raw, err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.raw, d)
			}
		})
	}
}

func TestBadURLRedactsPassword(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"mysql://admin:Sup3rSecret@db:3306/x",
		"mongodb://admin:Sup3rSecret@db/x?y=1",
		"redis://h/x?password=Sup3rSecret",
		"weird://admin:Sup3rSecret@h:port/%zz",
	} {
		_, err := backend.Open(t.Context(), raw, store.Options{})
		if err == nil {
			t.Fatalf("Open(%q) succeeded", raw)
		}
		if strings.Contains(err.Error(), "Sup3rSecret") {
			t.Errorf("Open(%q) error leaks the password: %v", raw, err)
		}
		if !strings.Contains(err.Error(), "xxxxx") {
			t.Errorf("Open(%q) error does not name the (redacted) URL: %v", raw, err)
		}
	}
}

func TestOpenSQLite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "ltb.db")
	for _, raw := range []string{"sqlite:" + path, "sqlite://" + path, path} {
		s, err := backend.Open(t.Context(), raw, store.Options{})
		if err != nil {
			t.Fatalf("Open(%q): %v", raw, err)
		}
		if err := s.Ping(t.Context()); err != nil {
			t.Errorf("Ping: %v", err)
		}
		s.Close()
	}
}

func TestOpenPostgres(t *testing.T) {
	t.Parallel()
	s, err := backend.Open(t.Context(), storetest.PostgresURL(t), store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	run := &bench.Run{ID: "backend-pg", Status: bench.RunRunning, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	if err := s.CreateRun(t.Context(), run); err != nil {
		t.Fatalf("CreateRun: %v", err)
	}
	if _, err := s.GetRun(t.Context(), "nope-nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRun(missing) = %v", err)
	}
}

func TestOpenPostgresUnreachable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err := backend.Open(ctx, "postgresql://ltb:Pa55word99@127.0.0.1:1/ltb?sslmode=disable&connect_timeout=2", store.Options{})
	if err == nil {
		t.Fatal("Open succeeded")
	}
	if msg := err.Error(); strings.Contains(msg, "Pa55word99") || !strings.Contains(msg, "cannot reach PostgreSQL at 127.0.0.1:1") {
		t.Errorf("unhelpful or leaking error: %s", msg)
	}
}

func TestDefaultSQLitePath(t *testing.T) {
	// Not parallel: it sets environment variables.
	tests := []struct {
		xdg, home, want string
	}{
		{xdg: "/data", home: "/home/u", want: "/data/llm-test-bench/ltb.db"},
		{xdg: "", home: "/home/u", want: "/home/u/.local/share/llm-test-bench/ltb.db"},
		{xdg: "relative", home: "/home/u", want: "/home/u/.local/share/llm-test-bench/ltb.db"},
	}
	for _, tc := range tests {
		t.Run(tc.xdg, func(t *testing.T) {
			t.Setenv("XDG_DATA_HOME", tc.xdg)
			t.Setenv("HOME", tc.home)
			got, err := backend.DefaultSQLitePath()
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("DefaultSQLitePath() = %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"sqlite:a.db", "sqlite://a.db", "x.sqlite", "postgres://u:pw@h/db",
		"postgresql://h", "mysql://u:secretpw@h", "", "sqlite:", ":", "a.db://x", "http://u:p@h/x?password=q"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := backend.Parse(raw)
		if err != nil {
			if u, perr := url.Parse(raw); perr == nil {
				if pw, ok := u.User.Password(); ok && len(pw) >= 6 && strings.Count(raw, pw) == 1 && strings.Contains(err.Error(), pw) {
					t.Fatalf("Parse(%q) error leaks the password: %v", raw, err)
				}
			}
			return
		}
		switch got.Kind {
		case backend.SQLite:
			if got.Location == "" {
				t.Fatalf("Parse(%q): empty SQLite path", raw)
			}
			again, err := backend.Parse("sqlite://" + got.Location)
			if err != nil || again != got {
				t.Fatalf("Parse(sqlite://%q) = %+v, %v; want %+v", got.Location, again, err, got)
			}
		case backend.Postgres:
			if got.Location != strings.TrimSpace(raw) {
				t.Fatalf("Parse(%q) changed the PostgreSQL URL to %q", raw, got.Location)
			}
		default:
			t.Fatalf("Parse(%q): unknown kind %q", raw, got.Kind)
		}
	})
}

func TestOptionsFrom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   config.Storage
		want store.Options
	}{
		{"defaults", config.Default().Storage, store.Options{MaxConnections: 20, ConnectTimeout: 5 * time.Second}},
		{"migrations off", config.Storage{MaxConnections: 3, ConnectionTimeoutSeconds: 1, EnableMigrations: false},
			store.Options{MaxConnections: 3, ConnectTimeout: time.Second, NoMigrate: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d := cmp.Diff(tc.want, backend.OptionsFrom(tc.in)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestOpenWithoutMigrations checks that backend.Open passes the options
// through: with migrations off, a new database is refused with the command
// that fixes it.
func TestOpenWithoutMigrations(t *testing.T) {
	t.Parallel()
	_, err := backend.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "x.db"), store.Options{NoMigrate: true})
	if !errors.Is(err, migrations.ErrPending) || !strings.Contains(err.Error(), "llm-test-bench migrate") {
		t.Errorf("Open = %v; want ErrPending naming `llm-test-bench migrate`", err)
	}
}
