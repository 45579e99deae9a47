package vault_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
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
