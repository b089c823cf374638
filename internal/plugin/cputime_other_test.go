//go:build !unix

package plugin

import "time"

// cpuTime is not measured here; cpu-µs/op then reads 0.
func cpuTime() time.Duration { return 0 }
