package vault_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/twofold-app/twofold/internal/peers"
	"github.com/twofold-app/twofold/vault"
)

// TestKeyFilesKeePassXCAccepts: every key file kind KeePass knows, made
// into a vault by keepassxc-cli, opens in Twofold (with and without a
// password), and the wrong key file is a wrong-credentials error.
func TestKeyFilesKeePassXCAccepts(t *testing.T) {
	peers.Require(t, "keepassxc-cli")
	dir := t.TempDir()
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	kinds := map[string][]byte{
		"xml-v1": []byte("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<KeyFile>\n\t<Meta>\n\t\t<Version>1.00</Version>\n\t</Meta>\n\t<Key>\n\t\t<Data>" + base64.StdEncoding.EncodeToString(raw) + "</Data>\n\t</Key>\n</KeyFile>\n"),
		"raw-32": raw,
		"hex-64": []byte(hex.EncodeToString(raw)),
		"any":    []byte("a photo, a song, any file at all\n"),
		"xml-v2": nil, // keepassxc-cli generates it
	}
	for name, content := range kinds {
		for _, withPassword := range []bool{true, false} {
			label := name + "/password"
			if !withPassword {
				label = name + "/keyfile-only"
			}
			t.Run(label, func(t *testing.T) {
				keyPath := filepath.Join(dir, label+".key")
				_ = os.MkdirAll(filepath.Dir(keyPath), 0o700)
				if content != nil {
					if err := os.WriteFile(keyPath, content, 0o600); err != nil {
						t.Fatal(err)
					}
				}
				dbPath := filepath.Join(dir, label+".kdbx")
				args := []string{"db-create", "-q", "--set-key-file", keyPath}
				stdin := ""
				if withPassword {
					args = append(args, "-p")
					stdin = "pw\npw\n"
				}
				peers.Run(t, stdin, "keepassxc-cli", append(args, dbPath)...)
				cr := vault.Credentials{KeyFile: keyPath}
				if withPassword {
					cr.Password = []byte("pw")
				}
				s, err := vault.Open(dbPath, cr, nil)
				if err != nil {
					t.Fatalf("open with %s key file: %v", name, err)
				}
				s.Lock()
				other := filepath.Join(dir, label+".other")
				_ = os.WriteFile(other, []byte("not the key"), 0o600)
				cr.KeyFile = other
				if _, err := vault.Open(dbPath, cr, nil); !errors.Is(err, vault.ErrWrongPassword) {
					t.Errorf("wrong key file: %v, want ErrWrongPassword", err)
				}
			})
		}
	}
}

func TestDamagedXMLKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.kdbx")
	key := filepath.Join(t.TempDir(), "k.keyx")
	_ = os.WriteFile(key, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<KeyFile><Meta><Version>2.0</Version></Meta><Key><Data Hash="DEADBEEF">
0123456789ABCDEF 0123456789ABCDEF 0123456789ABCDEF 0123456789ABCDEF
</Data></Key></KeyFile>`), 0o600)
	_, err := vault.Create(path, vault.Credentials{KeyFile: key}, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)})
	if !errors.Is(err, vault.ErrBadKeyFile) {
		t.Errorf("got %v, want ErrBadKeyFile (checksum mismatch)", err)
	}
}

// TestKeyFileAndEmptyPassword: a key file and no password also opens a
// vault protected by the key file and an empty password (KeePass 2 makes
// those); a vault with a real password still needs it.
func TestKeyFileAndEmptyPassword(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "key.bin")
	if err := os.WriteFile(key, []byte("any file"), 0o600); err != nil {
		t.Fatal(err)
	}
	create := func(name string, pw []byte) string {
		path := filepath.Join(dir, name)
		s, err := vault.Create(path, vault.Credentials{Password: pw, KeyFile: key}, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)})
		if err != nil {
			t.Fatal(err)
		}
		s.Lock()
		return path
	}
	keyOnly := create("key-only.kdbx", nil)
	if _, err := vault.Open(keyOnly, vault.Credentials{Password: []byte{}, KeyFile: key}, nil); !errors.Is(err, vault.ErrWrongPassword) {
		t.Fatalf("an empty password is a key of its own, no password another: %v, want ErrWrongPassword", err)
	}
	empty := create("empty.kdbx", []byte{})
	s, err := vault.Open(empty, vault.Credentials{KeyFile: key}, nil)
	if err != nil {
		t.Fatalf("key file, no password, on a key file + empty password vault: %v", err)
	}
	s.Lock()
	withPW := create("pw.kdbx", []byte("pw"))
	if _, err := vault.Open(withPW, vault.Credentials{KeyFile: key}, nil); !errors.Is(err, vault.ErrWrongPassword) {
		t.Errorf("key file without the password: %v, want ErrWrongPassword", err)
	}
	if _, err := vault.Open(empty, vault.Credentials{KeyFile: filepath.Join(dir, "pw.kdbx")}, nil); !errors.Is(err, vault.ErrWrongPassword) {
		t.Errorf("the wrong key file: %v, want ErrWrongPassword", err)
	}
}

// TestEmptyKeyFileRefused: an empty key file is refused, to create a
// vault (it would make a vault any empty file unlocks, which KeePassXC
// cannot open) and to open or re-key one, with ErrEmptyKeyFile rather
// than a wrong-password error; /dev/null too. KeePassXC refuses it the
// same way.
func TestEmptyKeyFileRefused(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.key")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	opts := vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)}
	for _, cr := range []vault.Credentials{{KeyFile: empty}, {Password: []byte("pw"), KeyFile: empty}, {KeyFile: os.DevNull}} {
		path := filepath.Join(dir, "new.kdbx")
		if _, err := vault.Create(path, cr, opts); !errors.Is(err, vault.ErrEmptyKeyFile) {
			t.Errorf("create with key file %s: %v, want ErrEmptyKeyFile", cr.KeyFile, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a vault was written with key file %s", cr.KeyFile)
		}
	}

	key := filepath.Join(dir, "key.bin")
	if err := os.WriteFile(key, []byte("a real key file"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "v.kdbx")
	s, err := vault.Create(path, vault.Credentials{Password: []byte("pw"), KeyFile: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeKey(vault.Credentials{KeyFile: empty}, vault.KDFParams{}); !errors.Is(err, vault.ErrEmptyKeyFile) {
		t.Errorf("change key to an empty key file: %v, want ErrEmptyKeyFile", err)
	}
	s.Lock()
	if _, err := vault.Open(path, vault.Credentials{Password: []byte("pw"), KeyFile: empty}, nil); !errors.Is(err, vault.ErrEmptyKeyFile) {
		t.Errorf("open with an empty key file: %v, want ErrEmptyKeyFile", err)
	}
	if s, err := vault.Open(path, vault.Credentials{Password: []byte("pw"), KeyFile: key}, nil); err != nil {
		t.Errorf("the refused re-key changed the key: %v", err)
	} else {
		s.Lock()
	}

	if _, err := exec.LookPath("keepassxc-cli"); err == nil {
		if _, err := peers.Try("pw\npw\n", "keepassxc-cli", "db-create", "-q", "-p", "--set-key-file", empty, filepath.Join(dir, "kx.kdbx")); err == nil {
			t.Error("keepassxc-cli now accepts an empty key file: revisit ErrEmptyKeyFile")
		}
	}
}

// TestCheckKeyFile: the check a front end makes before asking for a
// password tells a missing key file from an empty one, and lets a pipe
// (whose size is unknown until read) through to Open.
func TestCheckKeyFile(t *testing.T) {
	dir := t.TempDir()
	empty, key := filepath.Join(dir, "empty.key"), filepath.Join(dir, "k.key")
	_ = os.WriteFile(empty, nil, 0o600)
	_ = os.WriteFile(key, []byte("k"), 0o600)
	missing := filepath.Join(dir, "missing.key")
	if err := vault.CheckKeyFile(missing); !errors.Is(err, vault.ErrNoKeyFile) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v, want ErrNoKeyFile (and fs.ErrNotExist)", err)
	}
	if _, err := vault.Open(filepath.Join(dir, "v.kdbx"), vault.Credentials{KeyFile: missing}, nil); !errors.Is(err, vault.ErrNoVault) {
		t.Errorf("open a missing vault: %v, want ErrNoVault first", err)
	}
	if _, err := vault.Create(filepath.Join(dir, "v.kdbx"), vault.Credentials{KeyFile: missing}, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)}); !errors.Is(err, vault.ErrNoKeyFile) {
		t.Errorf("create with a missing key file: %v, want ErrNoKeyFile", err)
	}
	if err := vault.CheckKeyFile(empty); !errors.Is(err, vault.ErrEmptyKeyFile) {
		t.Errorf("empty: %v, want ErrEmptyKeyFile", err)
	}
	for _, ok := range []string{key, os.DevNull} {
		if err := vault.CheckKeyFile(ok); err != nil {
			t.Errorf("%s: %v, want nil", ok, err)
		}
	}
}
