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

// pluginState is the plugin host and manager a service starts the first
// time it needs them, and the plugins it loaded for runs.
type pluginState struct {
	mgrOnce sync.Once
	mgr     *plugin.Manager
	mgrErr  error

	loadOnce sync.Once
	loadErr  error
	// stopWatch ends the auto_reload watcher.
	stopWatch context.CancelFunc
	watchDone chan struct{}
}

// PluginManager returns the service's plugin manager: one host with the
// [plugins] limits and grants, over plugin_directory, recording installs
// in the store's plugins table. Evaluators become assertion types only
// with enable_plugins. The host lives as long as the process, so
// verdicts of plugins activated by another service keep working.
func (s *Service) PluginManager(ctx context.Context) (*plugin.Manager, error) {
	s.plugins.mgrOnce.Do(func() {
		h, err := plugin.NewHost(context.WithoutCancel(ctx), PluginOptions(s.cfg, s.log))
		if err != nil {
			s.plugins.mgrErr = configErr("[plugins]: %v", err)
			return
		}
		o := plugin.ManagerOptions{Dir: s.cfg.Plugins.PluginDirectory, Activate: s.cfg.Plugins.EnablePlugins, Logger: s.log.With("component", "plugin")}
		if s.store != nil {
			o.Recorder = s.store
		}
		s.plugins.mgr = plugin.NewManager(h, o)
	})
	return s.plugins.mgr, s.plugins.mgrErr
}

// LoadPlugins loads every plugin of [plugins] plugin_directory, once per
// service, makes its evaluators the assertion types plugin:NAME and the
// others reachable by name (transforms, outputs, providers, notifiers). The
// assertion types are process-wide, like the eval registry: a later
// service with another directory replaces the plugins they reach. A
// plugin that fails to load is a config error: the operator installed
// it. With auto_reload, a watcher then reloads plugins whose files
// change until the service is closed.
func (s *Service) LoadPlugins(ctx context.Context) error {
	pc := s.cfg.Plugins
	if !pc.EnablePlugins {
		return nil
	}
	s.plugins.loadOnce.Do(func() {
		m, err := s.PluginManager(ctx)
		if err != nil {
			s.plugins.loadErr = err
			return
		}
		if err := m.LoadAll(ctx); err != nil {
			s.plugins.loadErr = configErr("[plugins] plugin_directory %s: %v", pc.PluginDirectory, err)
			return
		}
		if pc.AutoReload {
			s.watchPlugins(m)
		}
	})
	return s.plugins.loadErr
}

// watchPlugins runs the auto_reload watcher until stopPlugins.
func (s *Service) watchPlugins(m *plugin.Manager) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.plugins.stopWatch, s.plugins.watchDone = cancel, done
	go func() {
		defer close(done)
		if err := m.Watch(ctx); err != nil {
			s.log.Error("plugin auto_reload stopped", "err", err)
		}
	}()
}

// stopPlugins ends the auto_reload watcher.
func (s *Service) stopPlugins() {
	if s.plugins.stopWatch != nil {
		s.plugins.stopWatch()
		<-s.plugins.watchDone
		s.plugins.stopWatch = nil
	}
}

// PluginOptions are the plugin host's options from [plugins]: its memory
// limit, timeout and grants, each plugin's log file under
// plugin_directory/.logs, and compiled modules cached in the user's cache
// directory (in memory when there is none).
func PluginOptions(cfg *config.Config, log *slog.Logger) plugin.Options {
	limits := plugin.DefaultLimits()
	limits.MemoryMB = cfg.Plugins.MaxPluginMemoryMB
	limits.Timeout = time.Duration(cfg.Plugins.PluginTimeoutSeconds) * time.Second
	o := plugin.Options{Limits: limits, Logger: log.With("component", "plugin"), Grant: cfg.Plugins.Granted}
	if d := cfg.Plugins.PluginDirectory; d != "" {
		o.LogDir = filepath.Join(d, plugin.LogDirName)
	}
	if d, ok := cfg.Env("XDG_CACHE_HOME"); ok && filepath.IsAbs(d) {
		o.CacheDir = filepath.Join(d, "llm-test-bench", "wasm")
	} else if h, ok := cfg.Env("HOME"); ok && h != "" {
		o.CacheDir = filepath.Join(h, ".cache", "llm-test-bench", "wasm")
	}
	return o
}
