package plugin

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// maxWasmBytes bounds the module read from a plugin directory.
const maxWasmBytes = 64 << 20

// Host compiles and runs plugins. One runtime serves every plugin of a
// host, so all share its memory limit. A Host is safe for concurrent use.
type Host struct {
	rt     wazero.Runtime
	cache  wazero.CompilationCache
	limits Limits
	log    *slog.Logger
	grant  Grant
	logs   *logFiles
	// transport carries http.request's requests.
	transport http.RoundTripper

	mu       sync.Mutex
	compiled map[[sha256.Size]byte]wazero.CompiledModule
}

// Options configure a Host.
type Options struct {
	Limits Limits
	// CacheDir keeps compiled code on disk, keyed by the module's content
	// hash and wazero's version; "" keeps it in memory only.
	CacheDir string
	// Logger receives plugin log lines, tagged with the plugin's name.
	Logger *slog.Logger
	// Grant is what the operator allows each plugin ([plugins.grants]);
	// a plugin asking for a capability not granted does not load. Nil
	// grants nothing.
	Grant Grant
	// LogDir, when set, keeps each plugin's log lines and failures in a
	// bounded file LogDir/NAME.log (see PluginLog).
	LogDir string
	// Transport carries http.request's requests; nil means a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
}

// NewHost starts a runtime with the limits of o. Close it when done.
func NewHost(ctx context.Context, o Options) (*Host, error) {
	if err := o.Limits.check(); err != nil {
		return nil, fmt.Errorf("plugin host: %w", err)
	}
	cache := wazero.NewCompilationCache()
	if o.CacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(o.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("plugin host: compilation cache %s: %w", o.CacheDir, err)
		}
		cache = c
	}
	cfg := wazero.NewRuntimeConfig().
		WithMemoryLimitPages(uint32(o.Limits.MemoryMB) * 16). // 64 KiB pages
		WithCloseOnContextDone(true).
		WithCompilationCache(cache)
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	h := &Host{rt: rt, cache: cache, limits: o.Limits, log: o.Logger, grant: o.Grant, compiled: map[[sha256.Size]byte]wazero.CompiledModule{},
		transport: o.Transport}
	if h.transport == nil {
		h.transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if o.LogDir != "" {
		h.logs = newLogFiles(o.LogDir)
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return nil, errors.Join(fmt.Errorf("plugin host: wasi: %w", err), rt.Close(ctx))
	}
	if err := instantiateHostModule(ctx, rt); err != nil {
		return nil, errors.Join(fmt.Errorf("plugin host: module ltb: %w", err), rt.Close(ctx))
	}
	return h, nil
}

// Close closes every instance and the runtime.
func (h *Host) Close(ctx context.Context) error {
	return errors.Join(h.rt.Close(ctx), h.cache.Close(ctx), h.logs.close())
}

// Limits returns the host's limits.
func (h *Host) Limits() Limits { return h.limits }

// Load reads a plugin directory (plugin.toml and its entry point),
// compiles the module, checks it against the ABI and runs one instance to
// check its ABI version.
func (h *Host) Load(ctx context.Context, dir string) (*Plugin, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	wasm, err := readWasm(filepath.Join(dir, m.Plugin.EntryPoint))
	if err != nil {
		return nil, fmt.Errorf("plugin %q: %w", m.Package.Name, err)
	}
	p, err := h.New(ctx, m, wasm)
	if err != nil {
		return nil, err
	}
	p.Dir = dir
	return p, nil
}

// New makes a plugin from a manifest and its module.
func (h *Host) New(ctx context.Context, m *Manifest, wasm []byte) (*Plugin, error) {
	name := m.Package.Name
	if err := CheckGrants(m, h.grant); err != nil {
		return nil, err
	}
	cm, err := h.compile(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("plugin %q: compile %s: %w", name, m.Plugin.EntryPoint, err)
	}
	if err := checkModule(cm); err != nil {
		return nil, fmt.Errorf("plugin %q: %s: %w", name, m.Plugin.EntryPoint, err)
	}
	p := &Plugin{Manifest: m, Hash: fmt.Sprintf("%x", sha256.Sum256(wasm)), host: h, compiled: cm}
	p.pool = newPool(h.limits.MaxInstances)
	if err := p.checkVersion(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// compile returns the compiled module for wasm, compiling it once per
// content hash (and finding it in the disk cache when it has one).
func (h *Host) compile(ctx context.Context, wasm []byte) (wazero.CompiledModule, error) {
	key := sha256.Sum256(wasm)
	h.mu.Lock()
	defer h.mu.Unlock()
	if cm, ok := h.compiled[key]; ok {
		return cm, nil
	}
	cm, err := h.rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, err
	}
	h.compiled[key] = cm
	return cm, nil
}

// readWasm reads a module, refusing files over maxWasmBytes.
func readWasm(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read module: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxWasmBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read module %s: %w", path, err)
	}
	if len(b) > maxWasmBytes {
		return nil, fmt.Errorf("module %s: larger than %d MiB", path, maxWasmBytes>>20)
	}
	return b, nil
}

// Module names a plugin may import from.
const (
	wasiModule = wasi_snapshot_preview1.ModuleName
	hostModule = "ltb"
)

// requiredExports are the guest's exports with their signatures.
var requiredExports = map[string]struct{ params, results []api.ValueType }{
	"ltb_abi_version": {nil, []api.ValueType{api.ValueTypeI32}},
	"ltb_alloc":       {[]api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
	"ltb_free":        {[]api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, nil},
	"ltb_handle":      {[]api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
}

// checkModule rejects a module that imports from anywhere but WASI and
// ltb, or lacks an export of the ABI or its memory.
func checkModule(cm wazero.CompiledModule) error {
	for _, f := range cm.ImportedFunctions() {
		mod, name, _ := f.Import()
		if mod != wasiModule && mod != hostModule {
			return fmt.Errorf("imports %s.%s: a plugin may import only from %s and %s", mod, name, wasiModule, hostModule)
		}
	}
	if len(cm.ImportedMemories()) > 0 {
		return errors.New("imports a memory: a plugin must export its own")
	}
	if _, ok := cm.ExportedMemories()["memory"]; !ok {
		return errors.New(`exports no memory named "memory"`)
	}
	exports := cm.ExportedFunctions()
	for name, sig := range requiredExports {
		f, ok := exports[name]
		if !ok {
			return fmt.Errorf("missing export %s (ABI ltb-plugin/1)", name)
		}
		if !sameTypes(f.ParamTypes(), sig.params) || !sameTypes(f.ResultTypes(), sig.results) {
			return fmt.Errorf("export %s has the wrong signature (ABI ltb-plugin/1)", name)
		}
	}
	return nil
}

func sameTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
