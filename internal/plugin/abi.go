package plugin

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

// ABIVersion is what a guest's ltb_abi_version must return: the version
// the guest SDK implements.
const ABIVersion = ltbplugin.ABIVersion

// Status codes ltb_handle returns.
const (
	statusOK       = 0
	statusError    = 1
	statusBadInput = 2
)

// Results of the host's call import (negative errno) and read_result.
const (
	callNotPermitted   = -1
	callUnknownService = -2
	callFailed         = -3
	readBadHandle      = -1
	readTooSmall       = -2
)

// Service is a host service a plugin may call with a JSON request, once
// its manifest's capabilities allow it.
type Service func(ctx context.Context, req []byte) ([]byte, error)

// ServiceLLMComplete is the service evaluators with requires_llm may call.
const ServiceLLMComplete = "llm.complete"

// callState is what the host functions of one call read and write. It
// travels in the context of the guest call, so one runtime serves every
// instance without shared mutable state.
type callState struct {
	plugin   string
	limits   *Limits
	log      *slog.Logger
	files    *logFiles          // the plugin's log file, nil when off
	services map[string]Service // the services this call may use

	output    []byte
	outputSet bool
	errMsg    string
	logs      int
	calls     int
	pending   map[uint32][]byte
	next      uint32
	// fault is the first limit the guest broke; the call fails with it.
	fault error
}

type stateKey struct{}

func withState(ctx context.Context, st *callState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	return st
}

// limitExceeded aborts the guest: a host function that panics makes the
// guest call return an error, and the state keeps the reason.
func (st *callState) limitExceeded(format string, args ...any) {
	if st.fault == nil {
		st.fault = fmt.Errorf(format, args...)
	}
	panic(st.fault)
}

// read copies n bytes at ptr out of the guest's memory.
func read(m api.Module, ptr, n uint32) ([]byte, bool) {
	b, ok := m.Memory().Read(ptr, n)
	if !ok {
		return nil, false
	}
	return append([]byte(nil), b...), true
}

// instantiateHostModule defines module "ltb" in rt.
func instantiateHostModule(ctx context.Context, rt wazero.Runtime) error {
	_, err := rt.NewHostModuleBuilder(hostModule).
		NewFunctionBuilder().WithFunc(setOutput).Export("set_output").
		NewFunctionBuilder().WithFunc(setError).Export("set_error").
		NewFunctionBuilder().WithFunc(logLine).Export("log").
		NewFunctionBuilder().WithFunc(callService).Export("call").
		NewFunctionBuilder().WithFunc(readResult).Export("read_result").
		Instantiate(ctx)
	return err
}

func setOutput(ctx context.Context, m api.Module, ptr, n uint32) {
	st := stateOf(ctx)
	if st == nil {
		return // called from _initialize: there is no call to set the output of
	}
	if int64(n) > int64(st.limits.OutputBytes) {
		st.limitExceeded("output of %d bytes is over the cap of %d", n, st.limits.OutputBytes)
	}
	b, ok := read(m, ptr, n)
	if !ok {
		st.limitExceeded("set_output: [%d, %d+%d) is outside the guest's memory", ptr, ptr, n)
	}
	st.output, st.outputSet = b, true
}

func setError(ctx context.Context, m api.Module, ptr, n uint32) {
	st := stateOf(ctx)
	if st == nil {
		return
	}
	if int64(n) > int64(st.limits.ErrorBytes) {
		n = uint32(st.limits.ErrorBytes) // an error message is cut, not refused
	}
	b, ok := read(m, ptr, n)
	if !ok {
		st.limitExceeded("set_error: [%d, %d+%d) is outside the guest's memory", ptr, ptr, n)
	}
	st.errMsg = validUTF8(b)
}

// logLevels maps the ABI's levels 0..3 to slog's.
var logLevels = [...]slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}

func logLine(ctx context.Context, m api.Module, level, ptr, n uint32) {
	st := stateOf(ctx)
	if st == nil {
		return
	}
	st.logs++
	if st.logs > st.limits.LogLines {
		return // lines past the cap are dropped; one note says so
	}
	if int64(n) > int64(st.limits.LogLineBytes) {
		n = uint32(st.limits.LogLineBytes)
	}
	b, ok := read(m, ptr, n)
	if !ok {
		st.limitExceeded("log: [%d, %d+%d) is outside the guest's memory", ptr, ptr, n)
	}
	lvl := slog.LevelInfo
	if int(level) < len(logLevels) {
		lvl = logLevels[level]
	}
	msg := validUTF8(b)
	st.log.Log(ctx, lvl, msg, "plugin", st.plugin)
	st.files.write(st.log, st.plugin, lvl, msg)
	if st.logs == st.limits.LogLines {
		const capped = "plugin log cap reached; further lines of this call are dropped"
		st.log.Warn(capped, "plugin", st.plugin, "lines", st.limits.LogLines)
		st.files.write(st.log, st.plugin, slog.LevelWarn, capped)
	}
}

func callService(ctx context.Context, m api.Module, namePtr, nameLen, reqPtr, reqLen uint32) int64 {
	st := stateOf(ctx)
	if st == nil {
		return callNotPermitted
	}
	if nameLen > 64 || int64(reqLen) > int64(st.limits.InputBytes) {
		st.limitExceeded("call: service name of %d bytes or request of %d bytes over the cap", nameLen, reqLen)
	}
	name, ok1 := read(m, namePtr, nameLen)
	req, ok2 := read(m, reqPtr, reqLen)
	if !ok1 || !ok2 {
		st.limitExceeded("call: arguments outside the guest's memory")
	}
	svc, ok := st.services[string(name)]
	if !ok {
		if knownServices[string(name)] {
			st.log.Warn("plugin called a service it has no capability for", "plugin", st.plugin, "service", string(name))
			return callNotPermitted
		}
		st.log.Warn("plugin called an unknown service", "plugin", st.plugin, "service", validUTF8(name))
		return callUnknownService
	}
	st.calls++
	if st.calls > st.limits.ServiceCalls {
		st.limitExceeded("more than %d service calls in one call", st.limits.ServiceCalls)
	}
	resp, err := svc(ctx, req)
	if err != nil {
		st.log.Warn("plugin service call failed", "plugin", st.plugin, "service", string(name), "err", err)
		return callFailed
	}
	if len(resp) > st.limits.ServiceBytes {
		st.log.Warn("plugin service response over the cap", "plugin", st.plugin, "service", string(name), "bytes", len(resp))
		return callFailed
	}
	if st.pending == nil {
		st.pending = map[uint32][]byte{}
	}
	st.next++
	st.pending[st.next] = resp
	return int64(st.next)<<32 | int64(len(resp))
}

func readResult(ctx context.Context, m api.Module, handle, ptr, n uint32) int32 {
	st := stateOf(ctx)
	if st == nil {
		return readBadHandle
	}
	resp, ok := st.pending[handle]
	if !ok {
		return readBadHandle
	}
	if int64(n) < int64(len(resp)) {
		return readTooSmall
	}
	if !m.Memory().Write(ptr, resp) {
		st.limitExceeded("read_result: [%d, %d+%d) is outside the guest's memory", ptr, ptr, len(resp))
	}
	delete(st.pending, handle)
	return 0
}

// validUTF8 turns guest bytes into a string with bad sequences replaced.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
