package cli

import (
	"errors"
	"path/filepath"

	"github.com/llm-test-bench/llm-test-bench/internal/media"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
)

// session returns the run service over st (nil for planning only).
func (a *app) session(st store.Store) *session.Service {
	svc := session.New(a.cfg, st, a.log)
	svc.JournalDir = a.journalDir()
	return svc
}

// journalDir is where runs keep their journals: beside a SQLite database,
// else in the user's data directory (a server database's runs journal on
// the machine that runs them). "" when there is nowhere to put them.
func (a *app) journalDir() string {
	url := a.cfg.Storage.DatabaseURL
	if url == "" {
		p, err := backend.DefaultSQLitePath()
		if err != nil {
			return ""
		}
		url = "sqlite:" + p
	}
	if t, err := backend.Parse(url); err == nil && t.Kind == backend.SQLite {
		return filepath.Join(filepath.Dir(t.Location), "journal")
	}
	if d, ok := a.cfg.Env("XDG_DATA_HOME"); ok && filepath.IsAbs(d) {
		return filepath.Join(d, "llm-test-bench", "journal")
	}
	if h, ok := a.cfg.Env("HOME"); ok && h != "" {
		return filepath.Join(h, ".local", "share", "llm-test-bench", "journal")
	}
	return ""
}

// sessionErr gives a session error its exit code.
func (a *app) sessionErr(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	switch session.KindOf(err) {
	case session.KindConfig:
		return withCode(ExitConfig, err)
	case session.KindInput, session.KindNotFound:
		return withCode(ExitInput, err)
	}
	return err
}

// mediaLimits are the [multimodal] bounds on cases' images and audio.
func (a *app) mediaLimits() media.Limits { return session.MediaLimits(a.cfg) }
