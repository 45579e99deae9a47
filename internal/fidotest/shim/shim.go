//go:build cgo

// Package shim lets the real libfido2 talk to the software authenticator
// (internal/fidotest/softkey) on a SOCK_SEQPACKET socket: importing it for
// its side effect, from _test.go files only, links shim.c into the test
// binary, whose open/fstat/ioctl then take precedence over libc's for
// libfido2. For child processes (fido2-token, fido2-cred, fido2-assert)
// BuildPreload compiles the same file as an LD_PRELOAD library.
package shim

/*
#cgo LDFLAGS: -ldl
*/
import "C"

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

//go:embed shim.c
var source []byte

// Version identifies the shim's source, for caching built libraries.
func Version() string {
	h := sha256.Sum256(source)
	return hex.EncodeToString(h[:6])
}

// BuildPreload compiles the shim as a shared library in dir and returns its
// path, for LD_PRELOAD in a child process. A library already built there
// is reused; a new one is built beside it and renamed into place, so that
// concurrent test binaries never see half a library.
func BuildPreload(dir string) (string, error) {
	lib := filepath.Join(dir, "twofold-fido-shim.so")
	if _, err := os.Stat(lib); err == nil {
		return lib, nil
	}
	tmp, err := os.MkdirTemp(dir, "build")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "shim.c")
	if err := os.WriteFile(src, source, 0o600); err != nil {
		return "", err
	}
	out, err := exec.Command("gcc", "-shared", "-fPIC", "-O2", "-o", filepath.Join(tmp, "shim.so"), src, "-ldl").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build shim: %w: %s", err, out)
	}
	return lib, os.Rename(filepath.Join(tmp, "shim.so"), lib)
}
