package vault_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/twofold-app/twofold/internal/peers"
	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

var pw = vault.Credentials{Password: []byte("correct horse battery staple")}

// newVault creates a small vault with one account (cheap KDF).
func newVault(t *testing.T, opts vault.CreateOptions) (string, *vault.Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "vault.kdbx")
	if opts.KDF.KDF == "" {
		opts.KDF = cheapArgon2(vault.KDFArgon2id)
	}
	s, err := vault.Create(path, pw, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Lock)
	addURI(t, s, "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub")
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return path, s
}

func addURI(t *testing.T, s *vault.Store, uri string) vault.Account {
	t.Helper()
	key, err := otp.ParseURI([]byte(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer key.Destroy()
	a, err := s.AddAccount(vault.NewAccount{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBadInputGivesSpecificErrors: each kind of damage has its own error,
// and opening never changes the file.
func TestBadInputGivesSpecificErrors(t *testing.T) {
	path4, _ := newVault(t, vault.CreateOptions{})
	path3, _ := newVault(t, vault.CreateOptions{Version: vault.KDBX31, KDF: vault.KDFParams{KDF: vault.KDFAES, Rounds: 1000}, Cipher: vault.CipherAES256})
	good4, good3 := readFile(t, path4), readFile(t, path3)
	random := make([]byte, 4096)
	_, _ = rand.Read(random)
	flip := func(b []byte, at int) []byte {
		c := bytes.Clone(b)
		c[at] ^= 0x40
		return c
	}
	cases := []struct {
		name string
		data []byte
		cr   vault.Credentials
		want error
	}{
		{"wrong password v4", good4, vault.Credentials{Password: []byte("wrong")}, vault.ErrWrongPassword},
		{"wrong password v3.1", good3, vault.Credentials{Password: []byte("wrong")}, vault.ErrWrongPassword},
		// An empty vault is what a full disk, a crash or a failed sync
		// leaves: damaged, with a backup to restore, like a truncated
		// one (it was reported as not a KeePass file).
		{"empty file", nil, pw, vault.ErrCorrupt},
		{"truncated in signature", good4[:6], pw, vault.ErrCorrupt},
		{"short text", []byte("hi\n"), pw, vault.ErrNotKeePass},
		{"random bytes", random, pw, vault.ErrNotKeePass},
		{"text file", []byte("hello, this is not a vault\n"), pw, vault.ErrNotKeePass},
		{"truncated in header", good4[:40], pw, vault.ErrCorrupt},
		{"truncated in payload v4", good4[:len(good4)-50], pw, vault.ErrCorrupt},
		{"truncated in payload v3.1", good3[:len(good3)-5], pw, vault.ErrCorrupt},
		{"broken header v4", flip(good4, 20), pw, vault.ErrCorrupt},
		{"broken payload v4", flip(good4, len(good4)-60), pw, vault.ErrCorrupt},
		{"keepass 1 file", append([]byte{0x03, 0xd9, 0xa2, 0x9a, 0x65, 0xfb, 0x4b, 0xb5}, make([]byte, 120)...), pw, vault.ErrUnsupportedFormat},
		{"future version", append(append([]byte{0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5}, 0, 0, 5, 0), good4[12:]...), pw, vault.ErrUnsupportedFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "v.kdbx")
			if err := os.WriteFile(path, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := vault.Open(path, c.cr, nil)
			if err == nil {
				s.Lock()
				t.Fatal("opened")
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("error %q, want %q", err, c.want)
			}
			for _, other := range []error{vault.ErrWrongPassword, vault.ErrCorrupt, vault.ErrUnsupportedFormat, vault.ErrNotKeePass} {
				if other != c.want && errors.Is(err, other) {
					t.Errorf("error %q also matches %q", err, other)
				}
			}
			if !bytes.Equal(readFile(t, path), c.data) {
				t.Error("file changed")
			}
		})
	}
}

func TestMissingVaultAndKeyFile(t *testing.T) {
	_, err := vault.Open(filepath.Join(t.TempDir(), "none.kdbx"), pw, nil)
	if !errors.Is(err, vault.ErrNoVault) {
		t.Errorf("missing vault: %v", err)
	}
	path, _ := newVault(t, vault.CreateOptions{})
	_, err = vault.Open(path, vault.Credentials{Password: pw.Password, KeyFile: filepath.Join(t.TempDir(), "none.key")}, nil)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "key file") {
		t.Errorf("missing key file: %v", err)
	}
}

func TestHostileKDFParametersAreRefused(t *testing.T) {
	path, _ := newVault(t, vault.CreateOptions{KDF: vault.KDFParams{KDF: vault.KDFArgon2id, Iterations: 2, MemoryBytes: 8 << 20, Parallelism: 1}})
	_, err := vault.Open(path, pw, &vault.Options{Limits: vault.Limits{MaxMemoryBytes: 1 << 20, MaxIterations: 10, MaxRounds: 10}})
	if !errors.Is(err, vault.ErrUnsupportedFormat) || !strings.Contains(err.Error(), "memory") {
		t.Errorf("got %v, want a refusal naming the memory cost", err)
	}
}

func TestSaveIsAtomicWithBackupAnd0600(t *testing.T) {
	path, s := newVault(t, vault.CreateOptions{})
	before := readFile(t, path)
	addURI(t, s, "otpauth://totp/PyPI:bob?secret=MFRGGZDFMZTWQ2LK&issuer=PyPI")
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, vault.BackupPath(path)); !bytes.Equal(got, before) {
		t.Error("backup is not the previous version")
	}
	for _, p := range []string{path, vault.BackupPath(path)} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", p, fi.Mode().Perm())
		}
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("new folder mode %v, want 0700", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	s2, err := vault.Open(path, pw, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Lock()
	if list, _ := s2.Accounts(); len(list) != 2 {
		t.Errorf("reopened vault has %d accounts, want 2", len(list))
	}
}

func TestCreateRefusesToOverwrite(t *testing.T) {
	path, _ := newVault(t, vault.CreateOptions{})
	before := readFile(t, path)
	_, err := vault.Create(path, pw, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)})
	if !errors.Is(err, vault.ErrExists) {
		t.Errorf("got %v, want ErrExists", err)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("file changed")
	}
}

func TestChangedOnDiskIsNeverOverwritten(t *testing.T) {
	peers.Require(t, "keepassxc-cli")
	path, s := newVault(t, vault.CreateOptions{})
	kx := peers.KeePassXC{Path: path, Password: string(pw.Password)}
	kx.Do(t, "x\n", "add", "-p", "Added by KeePassXC")
	theirs := readFile(t, path)
	addURI(t, s, "otpauth://totp/Mine:me?secret=MFRGGZDFMZTWQ2LK")
	err := s.Save()
	var changed *vault.ChangedOnDiskError
	if !errors.As(err, &changed) || !errors.Is(err, vault.ErrChangedOnDisk) {
		t.Fatalf("got %v, want a ChangedOnDiskError", err)
	}
	if !strings.Contains(err.Error(), "opened version") || !strings.Contains(err.Error(), "version on disk") {
		t.Errorf("error does not name both versions: %v", err)
	}
	if !bytes.Equal(readFile(t, path), theirs) {
		t.Error("KeePassXC's version was overwritten")
	}
}

func TestDeletedOnDiskIsReported(t *testing.T) {
	path, s := newVault(t, vault.CreateOptions{})
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); !errors.Is(err, vault.ErrChangedOnDisk) {
		t.Errorf("got %v, want ErrChangedOnDisk", err)
	}
}

func TestSecondWriterIsTurnedAway(t *testing.T) {
	path, s := newVault(t, vault.CreateOptions{})
	lock := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
	f, err := os.OpenFile(lock, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, path)
	addURI(t, s, "otpauth://totp/Mine:me?secret=MFRGGZDFMZTWQ2LK")
	if err := s.Save(); !errors.Is(err, vault.ErrBusy) {
		t.Errorf("got %v, want ErrBusy", err)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("file changed while another writer held the lock")
	}
	_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
	if err := s.Save(); err != nil {
		t.Errorf("save after the lock was released: %v", err)
	}
}

func TestLockWipesSecrets(t *testing.T) {
	path, s := newVault(t, vault.CreateOptions{})
	list, err := s.Accounts()
	if err != nil || len(list) != 1 {
		t.Fatalf("accounts %v %v", list, err)
	}
	s.Lock()
	if _, err := s.Code(list[0].ID, time.Now()); !errors.Is(err, vault.ErrLocked) {
		t.Errorf("Code after Lock: %v", err)
	}
	if _, err := s.Accounts(); !errors.Is(err, vault.ErrLocked) {
		t.Errorf("Accounts after Lock: %v", err)
	}
	if err := s.Save(); !errors.Is(err, vault.ErrLocked) {
		t.Errorf("Save after Lock: %v", err)
	}
	s2, err := vault.Open(path, pw, nil)
	if err != nil {
		t.Fatalf("the file must still open after a Lock: %v", err)
	}
	s2.Lock()
}

func TestRemoveGoesToRecycleBin(t *testing.T) {
	peers.Require(t, "keepassxc-cli")
	path, s := newVault(t, vault.CreateOptions{})
	list, _ := s.Accounts()
	if err := s.Remove(list[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Accounts(); len(list) != 0 {
		t.Errorf("removed account still listed: %v", list)
	}
	tree := peers.KeePassXC{Path: path, Password: string(pw.Password)}.Do(t, "", "ls", "-R", "-f")
	if !strings.Contains(tree, "Recycle Bin/GitHub") {
		t.Errorf("KeePassXC does not see the account in the recycle bin:\n%s", tree)
	}
}

// TestRemoveWithoutRecycleBin: a vault whose recycle bin was turned off
// in KeePassXC deletes removed entries for good, and says so.
func TestRemoveWithoutRecycleBin(t *testing.T) {
	peers.Require(t, "keepassxc-cli")
	path, s := newVault(t, vault.CreateOptions{})
	if !s.RecycleBinEnabled() {
		t.Error("a new vault has no recycle bin")
	}
	s.Lock()
	kx := peers.KeePassXC{Path: path, Password: string(pw.Password)}
	xml := kx.ExportXML(t)
	if !strings.Contains(xml, "<RecycleBinEnabled>True</RecycleBinEnabled>") {
		t.Fatalf("no RecycleBinEnabled in KeePassXC's XML:\n%s", xml)
	}
	xmlPath := filepath.Join(t.TempDir(), "nobin.xml")
	if err := os.WriteFile(xmlPath, []byte(strings.Replace(xml, "<RecycleBinEnabled>True<", "<RecycleBinEnabled>False<", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	nobin := peers.KeePassXC{Path: filepath.Join(t.TempDir(), "nobin.kdbx"), Password: kx.Password}
	nobin.Import(t, xmlPath)
	s, err := vault.Open(nobin.Path, pw, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	if s.RecycleBinEnabled() {
		t.Error("recycle bin turned off in KeePassXC, yet reported on")
	}
	list, _ := s.Accounts()
	if err := s.Remove(list[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if tree := nobin.Do(t, "", "ls", "-R", "-f"); strings.Contains(tree, "GitHub") {
		t.Errorf("removed entry still in the file:\n%s", tree)
	}
}

func TestSaveClearsTempFilesOfKilledSaves(t *testing.T) {
	path, s := newVault(t, vault.CreateOptions{})
	dir, base := filepath.Dir(path), filepath.Base(path)
	stale := []string{filepath.Join(dir, "."+base+".tmp-123"), filepath.Join(dir, "."+base+".bak.tmp-456")}
	for _, p := range stale {
		if err := os.WriteFile(p, []byte("half a vault"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived a save", filepath.Base(p))
		}
	}
}

func TestRevertForgetsUnsavedChanges(t *testing.T) {
	path, s := newVault(t, vault.CreateOptions{})
	saved := readFile(t, path)
	addURI(t, s, "otpauth://totp/Half:done?secret=MFRGGZDFMZTWQ2LK")
	if _, err := s.AddRecoveryCodes("X", "", nil, []string{"abcd-1234"}); err != nil {
		t.Fatal(err)
	}
	if !s.Dirty() {
		t.Fatal("changes not marked unsaved")
	}
	if err := s.Revert(); err != nil {
		t.Fatal(err)
	}
	list, err := s.Accounts()
	if err != nil || len(list) != 1 || list[0].Title != "GitHub" {
		t.Fatalf("after Revert: %v %v", list, err)
	}
	if sets, _ := s.RecoverySets(); len(sets) != 0 || s.Dirty() {
		t.Errorf("after Revert: %d recovery sets, dirty %v", len(sets), s.Dirty())
	}
	if c, err := s.Code(list[0].ID, time.Unix(59, 0)); err != nil || len(c.Code) != 6 {
		t.Errorf("codes after Revert: %v %v", c, err)
	}
	if !bytes.Equal(readFile(t, path), saved) {
		t.Error("Revert wrote the file")
	}
	if err := s.Save(); err != nil {
		t.Errorf("save after Revert: %v", err)
	}
}
