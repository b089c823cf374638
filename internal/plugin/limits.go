package plugin

import (
	"fmt"
	"time"
)

// Limits bound what one plugin call may cost the host.
type Limits struct {
	// MemoryMB caps every instance's linear memory ([plugins]
	// max_plugin_memory_mb). Go guests need at least 4.
	MemoryMB int
	// Timeout bounds one call ([plugins] plugin_timeout_seconds); the
	// instance is closed when it passes.
	Timeout time.Duration
	// MaxInstances is how many instances of one plugin may exist at once;
	// callers beyond it wait.
	MaxInstances int
	// InputBytes, OutputBytes, ErrorBytes cap the envelope sent in, the
	// output and the error message the plugin sets.
	InputBytes, OutputBytes, ErrorBytes int
	// LogLineBytes and LogLines cap each log line and the lines per call.
	LogLineBytes, LogLines int
	// StderrBytes is how much of the guest's stdout and stderr is kept per
	// call, to explain a crash.
	StderrBytes int
	// ServiceCalls caps host service calls per plugin call, and
	// ServiceBytes each service response.
	ServiceCalls, ServiceBytes int
	// HTTPTimeout bounds one http.request (the call's own timeout
	// applies too), HTTPBodyBytes its request and its response body.
	HTTPTimeout   time.Duration
	HTTPBodyBytes int
	// RecycleCalls and RecycleMemoryMB retire an instance after that many
	// calls or once its memory (which never shrinks) passes that size.
	RecycleCalls, RecycleMemoryMB int
}

// MinMemoryMB is the least memory a Go guest starts with (42 pages) plus a heap.
const MinMemoryMB = 4

// DefaultLimits returns the limits with the seed's defaults (100 MB, 30 s).
func DefaultLimits() Limits {
	return Limits{
		MemoryMB:        100,
		Timeout:         30 * time.Second,
		MaxInstances:    4,
		InputBytes:      8 << 20,
		OutputBytes:     4 << 20,
		ErrorBytes:      64 << 10,
		LogLineBytes:    4 << 10,
		LogLines:        100,
		StderrBytes:     64 << 10,
		ServiceCalls:    16,
		ServiceBytes:    4 << 20,
		HTTPTimeout:     10 * time.Second,
		HTTPBodyBytes:   1 << 20,
		RecycleCalls:    10000,
		RecycleMemoryMB: 64,
	}
}

// check rejects limits the host cannot run with.
func (l Limits) check() error {
	switch {
	case l.MemoryMB < MinMemoryMB || l.MemoryMB > 4096:
		return fmt.Errorf("memory limit %d MB: want %d to 4096 (a Go guest alone needs %d)", l.MemoryMB, MinMemoryMB, MinMemoryMB)
	case l.Timeout <= 0 || l.HTTPTimeout <= 0:
		return fmt.Errorf("timeouts %s and %s: must be positive", l.Timeout, l.HTTPTimeout)
	case l.MaxInstances < 1:
		return fmt.Errorf("max instances %d: want at least 1", l.MaxInstances)
	case l.InputBytes < 1 || l.OutputBytes < 1 || l.ErrorBytes < 1 || l.LogLineBytes < 1 || l.StderrBytes < 1 || l.ServiceBytes < 1 || l.HTTPBodyBytes < 1:
		return fmt.Errorf("byte caps must be positive")
	case l.LogLines < 0 || l.ServiceCalls < 0 || l.RecycleCalls < 1 || l.RecycleMemoryMB < 1:
		return fmt.Errorf("log lines and service calls must not be negative, recycle limits must be positive")
	}
	return nil
}
