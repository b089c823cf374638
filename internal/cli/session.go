package cli

import (
	"errors"

	"github.com/llm-test-bench/llm-test-bench/internal/media"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// session returns the run service over st (nil for planning only).
func (a *app) session(st store.Store) *session.Service {
	return session.New(a.cfg, st, a.log)
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
