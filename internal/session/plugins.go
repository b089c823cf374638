package session

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/plugin"
)

// pluginState is the plugin host a service starts the first time it
// loads suites with [plugins] enable_plugins on.
type pluginState struct {
	once sync.Once
	host *plugin.Host
	err  error
}

// LoadPlugins loads every plugin of [plugins] plugin_directory, once per
// service, makes its evaluators the assertion types plugin:NAME and the
// others reachable by name (transforms, outputs, providers, notifiers). The
// assertion types are process-wide, like the eval registry: a later
// service with another directory replaces the plugins they reach. The host
// lives as long as the process, so verdicts of plugins activated by
// another service keep working. A plugin that fails to load is a config
// error: the operator installed it.
func (s *Service) LoadPlugins(ctx context.Context) error {
	pc := s.cfg.Plugins
	if !pc.EnablePlugins {
		return nil
	}
	s.plugins.once.Do(func() {
		h, err := plugin.NewHost(context.WithoutCancel(ctx), PluginOptions(s.cfg, s.log))
		if err != nil {
			s.plugins.err = configErr("[plugins]: %v", err)
			return
		}
		ps, err := h.LoadDir(ctx, pc.PluginDirectory)
		if err != nil {
			s.plugins.err = configErr("[plugins] plugin_directory %s: %v", pc.PluginDirectory, err)
			return
		}
		replaced, err := plugin.Activate(ps)
		if err != nil {
			s.plugins.err = configErr("[plugins]: %v", err)
			return
		}
		for _, old := range replaced {
			old.Close(ctx) // its calls in flight finish on their own instances
		}
		s.plugins.host = h
	})
	return s.plugins.err
}

// PluginOptions are the plugin host's options from [plugins]: its memory
// limit and timeout, and compiled modules cached in the user's cache
// directory (in memory when there is none).
func PluginOptions(cfg *config.Config, log *slog.Logger) plugin.Options {
	limits := plugin.DefaultLimits()
	limits.MemoryMB = cfg.Plugins.MaxPluginMemoryMB
	limits.Timeout = time.Duration(cfg.Plugins.PluginTimeoutSeconds) * time.Second
	o := plugin.Options{Limits: limits, Logger: log.With("component", "plugin"), AllowNetwork: cfg.Plugins.AllowNetwork}
	if d, ok := cfg.Env("XDG_CACHE_HOME"); ok && filepath.IsAbs(d) {
		o.CacheDir = filepath.Join(d, "llm-test-bench", "wasm")
	} else if h, ok := cfg.Env("HOME"); ok && h != "" {
		o.CacheDir = filepath.Join(h, ".cache", "llm-test-bench", "wasm")
	}
	return o
}
