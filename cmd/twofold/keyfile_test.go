package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/vault"
)

// TestKeyFileWithEmptyPassword: KeePass 2 can protect a vault with a key
// file and an empty password (not the same key as the key file alone).
// Typing nothing at the prompt opens it, as it opens a key-file-only
// vault (keyfile.txtar).
func TestKeyFileWithEmptyPassword(t *testing.T) {
	twofold, _ := binaries(t)
	dir := t.TempDir()
	path, key := filepath.Join(dir, "v.kdbx"), filepath.Join(dir, "key.bin")
	if err := os.WriteFile(key, []byte("any file at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := vault.Create(path, vault.Credentials{Password: []byte{}, KeyFile: key}, vault.CreateOptions{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	s.Lock()
	for _, stdin := range []string{"\n", ""} {
		if out := runCLI(t, twofold, stdin, "--vault", path, "--keyfile", key, "list"); !strings.Contains(out, "Accounts (0)") {
			t.Errorf("stdin %q: %s", stdin, out)
		}
	}
}
