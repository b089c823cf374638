//go:build !unix

package exec

import osexec "os/exec"

// killGroup keeps os/exec's default cancellation (killing the process)
// where process groups are not available.
func killGroup(*osexec.Cmd) {}

// signalName names the signal that killed the command.
func signalName(*osexec.ExitError) string { return "a signal" }
