package main

import (
	"os"
	"syscall"
)

// child is a command 'token exec' started: signal sends it a signal,
// wait waits for it to end and returns its exit status.
type child struct {
	signal func(os.Signal) error
	wait   func() (int, error)
}

// waitPassingSignals waits for the child, passing on each signal of sigs
// (those that would end Twofold: see env.childSignals) as a wrapper that
// stays in between must: Twofold neither ends before the command nor
// leaves it running, orphaned, with the token in its environment (under
// timeout, or a cancelled CI job). A signal the terminal sent to the
// whole foreground process group, which the child is in too (Ctrl-C,
// Ctrl-\, a hang-up), is not sent a second time: a second Ctrl-C cuts
// short many programs' clean-up (Python's, for one).
func waitPassingSignals(ch *child, sigs <-chan os.Signal) (int, error) {
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		status, err := ch.wait()
		done <- result{status, err}
	}()
	for {
		select {
		case sig := <-sigs:
			if !(fromTerminal(sig) && inForeground()) {
				_ = ch.signal(sig) // fails only once the child is gone
			}
		case r := <-done:
			return r.status, r.err
		}
	}
}

// fromTerminal reports the signals a terminal sends to its foreground
// process group.
func fromTerminal(sig os.Signal) bool {
	return sig == os.Interrupt || sig == syscall.SIGQUIT || sig == syscall.SIGHUP
}

// exitStatus is a shell's status for an ended process: its exit code, or
// 128 and the number of the signal that ended it.
func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
