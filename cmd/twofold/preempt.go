package main

import (
	"os"
	"strings"
	"syscall"
)

// Async preemption and secrets.
//
// Go's scheduler interrupts a goroutine that runs for long (and every
// running goroutine when the garbage collector stops the world) with a
// SIGURG. The kernel saves the interrupted thread's registers, vector
// registers included, in a frame on the thread's signal stack, which Go
// allocates in its ordinary (dumpable) heap, and nothing wipes it when
// the handler returns. A copy of more than 16 bytes moves through those
// registers (memmove uses up to sixteen 16-byte XMM registers at once),
// so a signal that lands while Twofold copies an export file or a URI
// leaves up to 256 bytes of it there, and a core dump test found whole
// base32 secrets in that frame. With async preemption off, goroutines are
// preempted only where they call functions, never by a signal in the
// middle of a copy.
//
// The setting is read once, when the runtime starts, and //go:debug does
// not take it, so the process starts itself again with it in GODEBUG. The
// caller's GODEBUG is given back to the new process (and so to commands
// it runs, such as `token exec`'s) as soon as it starts.

// preemptEnv marks the second start and carries the caller's GODEBUG:
// "set:" and its value, or "unset".
const preemptEnv = "TWOFOLD_ORIGINAL_GODEBUG"

// restartWithoutAsyncPreemption starts the process again with async
// preemption off, or, in the restarted process, restores GODEBUG. It
// returns only when the process goes on: in the restarted process, or
// when the restart is impossible (then Twofold runs as it is, with the
// leak described above).
func restartWithoutAsyncPreemption() {
	if orig, again := os.LookupEnv(preemptEnv); again {
		os.Unsetenv(preemptEnv)
		if v, set := strings.CutPrefix(orig, "set:"); set {
			os.Setenv("GODEBUG", v)
		} else {
			os.Unsetenv("GODEBUG")
		}
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	orig, set := os.LookupEnv("GODEBUG")
	godebug, mark := "asyncpreemptoff=1", "unset"
	if set {
		godebug, mark = orig+",asyncpreemptoff=1", "set:"+orig // the last setting wins
	}
	env := append(withoutVars(os.Environ(), "GODEBUG", preemptEnv), "GODEBUG="+godebug, preemptEnv+"="+mark)
	_ = syscall.Exec(exe, os.Args, env) // returns only on failure
}

// withoutVars drops the named variables from an environment list.
func withoutVars(env []string, names ...string) []string {
	out := env[:0:0]
	for _, kv := range env {
		keep := true
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}
