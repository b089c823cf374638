//go:build wasip1

package ltbplugin

import (
	"errors"
	"fmt"
	"unsafe"
)

// pinned keeps every block handed to the host reachable until ltb_free,
// so the garbage collector cannot reuse it while the host writes there.
var pinned = map[uint32][]byte{}

// spare is the last freed input block, reused by the next ltb_alloc that
// fits in it: the host allocates one envelope per call, so a call
// usually allocates nothing for its input (less garbage, fewer GCs).
// Blocks over spareMax are left to the collector.
var spare []byte

const spareMax = 64 << 10

// outBuf is the output buffer the next call encodes into.
var outBuf []byte

//go:wasmexport ltb_abi_version
func abiVersion() int32 { return ABIVersion }

//go:wasmexport ltb_alloc
func alloc(size uint32) uint32 {
	var b []byte
	if n := int(max(size, 1)); cap(spare) >= n {
		b, spare = spare[:n], nil
	} else {
		b = make([]byte, n)
	}
	ptr := uint32(uintptr(unsafe.Pointer(&b[0])))
	pinned[ptr] = b
	return ptr
}

//go:wasmexport ltb_free
func free(ptr, _ uint32) {
	if b, ok := pinned[ptr]; ok {
		delete(pinned, ptr)
		if cap(b) <= spareMax && cap(b) > cap(spare) {
			spare = b
		}
	}
}

//go:wasmexport ltb_handle
func handle(ptr, n uint32) int32 {
	b, ok := pinned[ptr]
	if !ok || uint32(len(b)) < n {
		msg := "ltb_handle: input was not allocated with ltb_alloc"
		hostSetError(unsafe.Pointer(unsafe.StringData(msg)), uint32(len(msg)))
		return StatusBadInput
	}
	out, status, errMsg := dispatch(b[:n], outBuf)
	if status != StatusOK {
		if errMsg != "" {
			hostSetError(unsafe.Pointer(unsafe.StringData(errMsg)), uint32(len(errMsg)))
		}
		return status
	}
	hostSetOutput(bytesPtr(out), uint32(len(out)))
	if cap(out) <= spareMax {
		outBuf = out[:0] // the host has copied it
	}
	return StatusOK
}

//go:wasmimport ltb set_output
func hostSetOutput(ptr unsafe.Pointer, n uint32)

//go:wasmimport ltb set_error
func hostSetError(ptr unsafe.Pointer, n uint32)

//go:wasmimport ltb log
func hostLog(level uint32, ptr unsafe.Pointer, n uint32)

//go:wasmimport ltb call
func hostCall(name unsafe.Pointer, nameLen uint32, req unsafe.Pointer, reqLen uint32) int64

//go:wasmimport ltb read_result
func hostReadResult(handle uint32, ptr unsafe.Pointer, n uint32) int32

// bytesPtr is b's address, nil for an empty slice.
func bytesPtr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

// Log levels of Log.
const (
	LevelDebug uint32 = iota
	LevelInfo
	LevelWarn
	LevelError
)

// Log sends a line to the host's log, tagged with the plugin's name. The
// host caps the length and the number of lines per call.
func Log(level uint32, msg string) {
	hostLog(level, unsafe.Pointer(unsafe.StringData(msg)), uint32(len(msg)))
}

// Errors of Call, from the host's negative results.
var (
	ErrNotPermitted   = errors.New("host service not permitted by the plugin's capabilities")
	ErrUnknownService = errors.New("unknown host service")
	ErrServiceFailed  = errors.New("host service failed")
)

// Call asks the host for a service (llm.complete) with a JSON request
// and returns its JSON response.
func Call(service string, req []byte) ([]byte, error) {
	r := hostCall(unsafe.Pointer(unsafe.StringData(service)), uint32(len(service)), bytesPtr(req), uint32(len(req)))
	switch {
	case r == -1:
		return nil, ErrNotPermitted
	case r == -2:
		return nil, ErrUnknownService
	case r < 0:
		return nil, ErrServiceFailed
	}
	handle, n := uint32(r>>32), uint32(r)
	buf := make([]byte, max(n, 1))
	if rc := hostReadResult(handle, unsafe.Pointer(&buf[0]), n); rc != 0 {
		return nil, fmt.Errorf("read_result: status %d", rc)
	}
	return buf[:n], nil
}
