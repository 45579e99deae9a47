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
