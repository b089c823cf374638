package plugin

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
)

// Plugin is a loaded plugin: its manifest, its compiled module and a pool
// of instances. It is safe for concurrent use.
type Plugin struct {
	Manifest *Manifest
	// Hash is the hex SHA-256 of the module.
	Hash string
	// Dir is the directory it was loaded from ("" when made with New).
	Dir string

	host     *Host
	compiled wazero.CompiledModule
	pool     *pool
	calls    atomic.Int64
}

// Calls is how many calls the plugin was sent (ltb_abi_version's check
// not counted), successful or not.
func (p *Plugin) Calls() int64 { return p.calls.Load() }

// Name is the plugin's package name.
func (p *Plugin) Name() string { return p.Manifest.Package.Name }

// Close closes the plugin's idle instances. Calls in flight finish first
// on their own instances, which are then discarded.
func (p *Plugin) Close(ctx context.Context) { p.pool.drain(ctx) }

// instantiate makes a fresh instance, running _initialize when present.
func (p *Plugin) instantiate(ctx context.Context) (*instance, error) {
	ctx, cancel := context.WithTimeout(ctx, p.host.limits.Timeout)
	defer cancel()
	out := &capBuffer{max: p.host.limits.StderrBytes}
	// No WithFS, WithEnv, WithArgs or sockets: the guest sees no files,
	// no environment and no network. Clocks stay wazero's fake ones and
	// the random source its deterministic one.
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithStdout(out).
		WithStderr(out)
	mod, err := p.host.rt.InstantiateModule(ctx, p.compiled, cfg)
	if err != nil {
		return nil, p.fail(ctx, KindTrap, fmt.Errorf("instantiate: %w", err), out.take())
	}
	return &instance{
		mod:    mod,
		alloc:  mod.ExportedFunction("ltb_alloc"),
		free:   mod.ExportedFunction("ltb_free"),
		handle: mod.ExportedFunction("ltb_handle"),
		out:    out,
	}, nil
}

// checkVersion runs ltb_abi_version on one instance, which then joins the pool.
func (p *Plugin) checkVersion(ctx context.Context) error {
	in, err := p.get(ctx)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, p.host.limits.Timeout)
	defer cancel()
	res, err := in.mod.ExportedFunction("ltb_abi_version").Call(cctx)
	if err != nil {
		p.pool.discard(ctx, in)
		return p.fail(ctx, KindTrap, fmt.Errorf("ltb_abi_version: %w", err), in.out.take())
	}
	if v := int32(res[0]); v != ABIVersion {
		p.pool.discard(ctx, in)
		return p.fail(ctx, KindABI, fmt.Errorf("ltb_abi_version returned %d, this host speaks %d (ltb-plugin/%d)", v, ABIVersion, ABIVersion), "")
	}
	p.pool.release(ctx, in)
	return nil
}

// get takes an idle instance or makes one.
func (p *Plugin) get(ctx context.Context) (*instance, error) {
	in, err := p.pool.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("plugin %q: wait for an instance: %w", p.Name(), err)
	}
	if in != nil {
		return in, nil
	}
	in, err = p.instantiate(ctx)
	if err != nil {
		p.pool.discard(ctx, nil)
		return nil, err
	}
	return in, nil
}

// Call sends one JSON envelope to the plugin and returns the output it
// set. services are the host services the caller offers; only those the
// manifest's capabilities allow reach the guest. Any failure discards the
// instance that served the call.
func (p *Plugin) Call(ctx context.Context, envelope []byte, services map[string]Service) ([]byte, error) {
	p.calls.Add(1)
	lim := &p.host.limits
	if len(envelope) > lim.InputBytes {
		return nil, p.fail(ctx, KindLimit, fmt.Errorf("input of %d bytes is over the cap of %d", len(envelope), lim.InputBytes), "")
	}
	in, err := p.get(ctx)
	if err != nil {
		return nil, err
	}
	st := &callState{plugin: p.Name(), limits: lim, log: p.host.log, files: p.host.logs, services: p.allowed(services)}
	out, kind, err := p.run(ctx, in, st, envelope)
	stderr := in.out.take()
	if err != nil {
		if kind != KindPlugin && kind != KindBadInput && kind != KindOutput {
			p.pool.discard(ctx, in) // a trap, a timeout or a broken ABI: never reuse
			return nil, p.fail(ctx, kind, err, stderr)
		}
		p.recycle(ctx, in)
		return nil, p.fail(ctx, kind, err, "")
	}
	p.recycle(ctx, in)
	return out, nil
}

// run makes the ABI calls of one plugin call on in.
func (p *Plugin) run(ctx context.Context, in *instance, st *callState, envelope []byte) ([]byte, Kind, error) {
	cctx, cancel := context.WithTimeout(withState(ctx, st), p.host.limits.Timeout)
	defer cancel()
	classify := func(what string, err error) (Kind, error) {
		switch {
		case st.fault != nil:
			return KindLimit, st.fault
		case ctx.Err() != nil:
			return KindTimeout, fmt.Errorf("%s: call cancelled: %w", what, ctx.Err())
		case errors.Is(cctx.Err(), context.DeadlineExceeded):
			return KindTimeout, fmt.Errorf("%s: no answer within %s; the instance was closed", what, p.host.limits.Timeout)
		}
		return KindTrap, fmt.Errorf("%s: %w", what, err)
	}
	n := uint64(len(envelope))
	res, err := in.alloc.Call(cctx, n)
	if err != nil {
		k, e := classify("ltb_alloc", err)
		return nil, k, e
	}
	ptr := res[0]
	if ptr == 0 {
		return nil, KindABI, fmt.Errorf("ltb_alloc(%d) returned 0", n)
	}
	if !in.mod.Memory().Write(uint32(ptr), envelope) {
		return nil, KindABI, fmt.Errorf("ltb_alloc(%d) returned %d, outside the guest's memory", n, ptr)
	}
	res, err = in.handle.Call(cctx, ptr, n)
	if err != nil {
		k, e := classify("ltb_handle", err)
		return nil, k, e
	}
	status := int32(res[0])
	if _, err := in.free.Call(cctx, ptr, n); err != nil {
		k, e := classify("ltb_free", err)
		return nil, k, e
	}
	in.calls++
	switch status {
	case statusOK:
		if !st.outputSet {
			return nil, KindABI, errors.New("ltb_handle returned 0 without calling set_output")
		}
		return st.output, "", nil
	case statusError:
		msg := st.errMsg
		if msg == "" {
			msg = "failed without a message"
		}
		return nil, KindPlugin, errors.New(msg)
	case statusBadInput:
		return nil, KindBadInput, fmt.Errorf("the plugin rejected its input: %s", st.errMsg)
	}
	return nil, KindABI, fmt.Errorf("ltb_handle returned status %d (want 0, 1 or 2)", status)
}

// recycle returns a healthy instance to the pool, or retires it after
// RecycleCalls calls or once its memory (which never shrinks) is large.
func (p *Plugin) recycle(ctx context.Context, in *instance) {
	lim := &p.host.limits
	if in.calls >= lim.RecycleCalls || int64(in.mod.Memory().Size()) > int64(lim.RecycleMemoryMB)<<20 {
		p.pool.discard(ctx, in)
		return
	}
	p.pool.release(ctx, in)
}

// allowed keeps the services the manifest's capabilities grant, and adds
// http.request when the manifest lists allowed_hosts and the operator
// granted the plugin the network.
func (p *Plugin) allowed(services map[string]Service) map[string]Service {
	out := map[string]Service{}
	for _, c := range p.Manifest.Requested() {
		if svc, ok := services[c]; ok && p.host.grant != nil && p.host.grant(p.Name(), c) {
			out[c] = svc
		}
	}
	if len(p.Manifest.Capabilities.AllowedHosts) > 0 && p.host.networkGranted(p.Name()) {
		out[ServiceHTTPRequest] = p.httpService
	}
	return out
}

// NetworkGranted reports whether the plugin may use http.request: its
// manifest lists allowed_hosts and the operator allows it the network.
func (p *Plugin) NetworkGranted() bool {
	return len(p.Manifest.Capabilities.AllowedHosts) > 0 && p.host.networkGranted(p.Name())
}

// fail makes a plugin error and logs it.
func (p *Plugin) fail(ctx context.Context, kind Kind, err error, stderr string) error {
	e := &Error{Plugin: p.Name(), Kind: kind, Err: err, Stderr: stderr}
	p.host.log.LogAttrs(ctx, levelOf(kind), "plugin call failed", logAttrs(e)...)
	p.host.logs.write(p.host.log, p.Name(), levelOf(kind), "call failed: "+e.Error())
	return e
}
