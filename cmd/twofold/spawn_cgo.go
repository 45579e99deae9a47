//go:build cgo && linux

package main

/*
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>

// spawn starts path (searched in PATH) with argv and envp, with every
// signal at its default action and none blocked, and stores its pid.
static int spawn(const char *path, char *const argv[], char *const envp[], pid_t *pid) {
	posix_spawnattr_t attr;
	sigset_t none, all;
	int rc;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(pid, path, NULL, &attr, argv, envp);
	posix_spawnattr_destroy(&attr);
	return rc;
}
*/
import "C"

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"github.com/awnumar/memguard"
)

// spawnWithSecret starts argv with env plus one secret variable
// assignment ("NAME=value", in locked memory), inheriting this process's
// standard streams. The child's environment array points at the locked
// buffer itself, so the secret is never copied into ordinary memory of
// this process (os/exec copies every variable); posix_spawn returns once
// the child has exec'd, so the arrays may go then. ok is false when the
// streams are not this process's own files (tests running the CLI
// in-process): the caller then falls back to os/exec.
func spawnWithSecret(c *ctx, argv, env []string, assignment *memguard.LockedBuffer) (_ *child, ok bool, err error) {
	if c.stdin != os.Stdin || c.stdout != os.Stdout || c.stderr != os.Stderr {
		return nil, false, nil
	}
	cstr := func(s string) *C.char { return C.CString(s) }
	cargv := cArray(len(argv))
	defer freeArray(cargv, len(argv))
	for i, a := range argv {
		setAt(cargv, i, cstr(a))
	}
	cenv := cArray(len(env) + 1)
	defer freeArray(cenv, len(env)) // not the last one: it is the locked buffer
	for i, v := range env {
		setAt(cenv, i, cstr(v))
	}
	// The assignment buffer ends with a NUL byte (see tokenExec).
	setAt(cenv, len(env), (*C.char)(unsafe.Pointer(&assignment.Bytes()[0])))
	path := C.CString(argv[0])
	defer C.free(unsafe.Pointer(path))
	var pid C.pid_t
	if rc := C.spawn(path, (**C.char)(cargv), (**C.char)(cenv), &pid); rc != 0 {
		return nil, true, fmt.Errorf("run %s: %w", argv[0], syscall.Errno(rc))
	}
	// A pidfd on Linux: signals never reach another process that got
	// the pid after the child was waited for.
	p, err := os.FindProcess(int(pid))
	if err != nil {
		return nil, true, fmt.Errorf("run %s: %w", argv[0], err)
	}
	return &child{signal: p.Signal, wait: func() (int, error) {
		ps, err := p.Wait()
		if err != nil {
			return 0, fmt.Errorf("run %s: %w", argv[0], err)
		}
		return exitStatus(ps), nil
	}}, true, nil
}

// cArray allocates a NULL-terminated array of n C string pointers.
func cArray(n int) unsafe.Pointer {
	p := C.calloc(C.size_t(n+1), C.size_t(unsafe.Sizeof((*C.char)(nil))))
	return p
}

func setAt(arr unsafe.Pointer, i int, s *C.char) {
	*(**C.char)(unsafe.Add(arr, i*int(unsafe.Sizeof(s)))) = s
}

// freeArray frees the first n strings of arr and arr itself.
func freeArray(arr unsafe.Pointer, n int) {
	for i := range n {
		C.free(unsafe.Pointer(*(**C.char)(unsafe.Add(arr, i*int(unsafe.Sizeof((*C.char)(nil)))))))
	}
	C.free(arr)
}
