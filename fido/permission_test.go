//go:build cgo && linux

package fido_test

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/twofold-app/twofold/fido"
)

const permissionChildEnv = "TWOFOLD_TEST_PERMISSION_DIR"

// TestPermissionDenied makes a real EACCES: root creates a hidraw-like
// character device only root may open, and the test binary runs again as
// nobody. Root itself is never refused, so there is no other honest way.
func TestPermissionDenied(t *testing.T) {
	if dir := os.Getenv(permissionChildEnv); dir != "" {
		checkPermissionDenied(t, dir)
		return
	}
	if os.Getuid() != 0 {
		t.Skip("needs root to create a device node and run as nobody")
	}
	dir, err := os.MkdirTemp("", "tfperm")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	// 1,3 is the null device: harmless if anything did open it.
	if err := syscall.Mknod(filepath.Join(dir, "hidraw0"), syscall.S_IFCHR|0o600, 1<<8|3); err != nil {
		t.Skipf("cannot create a device node here: %v", err)
	}
	bin := filepath.Join(dir, "fido.test")
	copyFile(t, os.Args[0], bin)
	cmd := exec.Command(bin, "-test.run=^TestPermissionDenied$", "-test.count=1", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), permissionChildEnv+"="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestPermissionDenied") {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}

func checkPermissionDenied(t *testing.T, dir string) {
	node := filepath.Join(dir, "hidraw0")
	_, err := fido.Open(node)
	var perm *fido.PermissionError
	if !errors.As(err, &perm) || !errors.Is(err, fido.ErrPermission) || perm.Paths[0] != node {
		t.Fatalf("Open: %v", err)
	}
	keys, err := fido.List(context.Background(), fido.ListOptions{HIDRawGlob: filepath.Join(dir, "hidraw*")})
	if !errors.Is(err, fido.ErrPermission) || len(keys) != 0 {
		t.Fatalf("List: %v, %v", keys, err)
	}
	_, hint, ok := fido.Explain(err)
	if !ok || !strings.Contains(hint, `TAG+="uaccess"`) || !strings.Contains(hint, "plugdev") {
		t.Fatalf("hint: %s", hint)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
}
