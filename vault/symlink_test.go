package vault_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/twofold-app/twofold/internal/peers"
	"github.com/twofold-app/twofold/vault"
)

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// dirNames lists a folder's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// assertStillLink checks that link is still a symbolic link to target.
func assertStillLink(t *testing.T, link, target string) {
	t.Helper()
	fi, err := os.Lstat(link)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("%s is no longer a symbolic link (mode %v)", link, fi.Mode())
	}
	if got, _ := os.Readlink(link); got != target {
		t.Errorf("%s now leads to %q, want %q", link, got, target)
	}
}

// TestSaveThroughLinkWritesTheFileItLeadsTo: saving a vault opened through
// a symbolic link (absolute, relative, a link to a link, a relative link
// in a linked folder) replaces the file at the end of the links, with its
// backup and lock beside it, and leaves every link as it was.
func TestSaveThroughLinkWritesTheFileItLeadsTo(t *testing.T) {
	peers.Require(t, "keepassxc-cli")
	cases := []struct {
		name string
		// links makes the links in root to the vault at real and returns
		// the path to open, the links made (link → what it says) and the
		// folders that hold only links.
		links func(t *testing.T, root, real string) (string, map[string]string, []string)
	}{
		{"absolute link", func(t *testing.T, root, real string) (string, map[string]string, []string) {
			link := filepath.Join(root, "links", "vault.kdbx")
			symlink(t, real, link)
			return link, map[string]string{link: real}, []string{filepath.Dir(link)}
		}},
		{"relative link", func(t *testing.T, root, real string) (string, map[string]string, []string) {
			link := filepath.Join(root, "links", "vault.kdbx")
			rel := filepath.Join("..", "sync", "vault.kdbx")
			symlink(t, rel, link)
			return link, map[string]string{link: rel}, []string{filepath.Dir(link)}
		}},
		{"link to a link", func(t *testing.T, root, real string) (string, map[string]string, []string) {
			first, second := filepath.Join(root, "links", "a.kdbx"), filepath.Join(root, "more", "b.kdbx")
			symlink(t, real, second)
			symlink(t, "../more/b.kdbx", first)
			return first, map[string]string{first: "../more/b.kdbx", second: real}, []string{filepath.Dir(first), filepath.Dir(second)}
		}},
		{"relative link in a linked folder", func(t *testing.T, root, real string) (string, map[string]string, []string) {
			// root/deep/er holds a link to ../../sync/vault.kdbx, reached as
			// root/short/vault.kdbx: its ".." climbs from root/deep/er, not
			// from root/short.
			deep := filepath.Join(root, "deep", "er")
			link := filepath.Join(deep, "vault.kdbx")
			symlink(t, "../../sync/vault.kdbx", link)
			short := filepath.Join(root, "short")
			symlink(t, deep, short)
			return filepath.Join(short, "vault.kdbx"), map[string]string{link: "../../sync/vault.kdbx", short: deep}, []string{deep, root + "/deep"}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			real := filepath.Join(root, "sync", "vault.kdbx")
			s0, err := vault.Create(real, pw, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)})
			if err != nil {
				t.Fatal(err)
			}
			s0.Lock()
			open, links, linkDirs := c.links(t, root, real)
			before := readFile(t, real)
			dirsBefore := map[string][]string{}
			for _, d := range linkDirs {
				dirsBefore[d] = dirNames(t, d)
			}

			s, err := vault.Open(open, pw, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Lock()
			addURI(t, s, "otpauth://totp/PyPI:bob?secret=MFRGGZDFMZTWQ2LK&issuer=PyPI")
			if err := s.Save(); err != nil {
				t.Fatalf("save through the link: %v", err)
			}

			for link, target := range links {
				assertStillLink(t, link, target)
			}
			for d, names := range dirsBefore {
				if got := dirNames(t, d); !slices.Equal(got, names) {
					t.Errorf("the save wrote beside a link: %s holds %v, held %v", d, got, names)
				}
			}
			if bytes.Equal(readFile(t, real), before) {
				t.Fatal("the file the link leads to was not changed")
			}
			if fi, _ := os.Lstat(real); !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %v, want a regular 0600 file", real, fi.Mode())
			}
			if got := vault.BackupPath(open); got != real+".bak" {
				t.Errorf("BackupPath(link) = %s, want %s", got, real+".bak")
			}
			if got := readFile(t, real+".bak"); !bytes.Equal(got, before) {
				t.Error("the backup beside the file is not the previous version")
			}
			wantLock := filepath.Join(filepath.Dir(real), ".vault.kdbx.lock")
			if got := vault.LockPath(open); got != wantLock {
				t.Errorf("LockPath(link) = %s, want %s", got, wantLock)
			}
			if _, err := os.Stat(wantLock); err != nil {
				t.Errorf("no lock file beside the file: %v", err)
			}

			s2, err := vault.Open(real, pw, nil)
			if err != nil {
				t.Fatal(err)
			}
			list, _ := s2.Accounts()
			s2.Lock()
			if len(list) != 1 || list[0].Issuer != "PyPI" {
				t.Errorf("the file holds %v, want the account added through the link", list)
			}
			kx := peers.KeePassXC{Path: real, Password: string(pw.Password)}
			if tree := kx.Do(t, "", "ls", "-R", "-f"); !strings.Contains(tree, "PyPI") {
				t.Errorf("KeePassXC does not see the account added through the link:\n%s", tree)
			}

			// Another program saves the file itself: a save through the
			// link must still refuse to overwrite its version.
			kx.Do(t, "x\n", "add", "-p", "Added by KeePassXC")
			theirs := readFile(t, real)
			addURI(t, s, "otpauth://totp/Mine:me?secret=MFRGGZDFMZTWQ2LK")
			if err := s.Save(); !errors.Is(err, vault.ErrChangedOnDisk) {
				t.Errorf("save over KeePassXC's version through the link: got %v, want ErrChangedOnDisk", err)
			}
			if !bytes.Equal(readFile(t, real), theirs) {
				t.Error("KeePassXC's version was overwritten through the link")
			}
			for link, target := range links {
				assertStillLink(t, link, target)
			}
		})
	}
}

// TestSaveThroughDanglingLinkWritesNothing: when the file a link leads to
// is gone, saving (or creating a vault) through the link fails with
// ErrDanglingLink naming that file, and writes nothing anywhere; opening
// says where the link leads.
func TestSaveThroughDanglingLinkWritesNothing(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "sync", "vault.kdbx")
	s0, err := vault.Create(real, pw, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)})
	if err != nil {
		t.Fatal(err)
	}
	s0.Lock()
	link := filepath.Join(root, "links", "vault.kdbx")
	symlink(t, real, link)
	s, err := vault.Open(link, pw, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	moved := filepath.Join(root, "moved.kdbx")
	if err := os.Rename(real, moved); err != nil {
		t.Fatal(err)
	}
	syncBefore, linksBefore := dirNames(t, filepath.Dir(real)), dirNames(t, filepath.Dir(link))

	addURI(t, s, "otpauth://totp/PyPI:bob?secret=MFRGGZDFMZTWQ2LK&issuer=PyPI")
	err = s.Save()
	if !errors.Is(err, vault.ErrDanglingLink) || !strings.Contains(err.Error(), real) || !strings.Contains(err.Error(), link) {
		t.Errorf("save through a dangling link: got %v, want ErrDanglingLink naming the link and %s", err, real)
	}
	_, err = vault.Open(link, pw, nil)
	if !errors.Is(err, vault.ErrNoVault) || !errors.Is(err, vault.ErrDanglingLink) || !strings.Contains(err.Error(), real) {
		t.Errorf("open through a dangling link: got %v, want ErrNoVault and ErrDanglingLink naming %s", err, real)
	}
	_, err = vault.Create(filepath.Join(root, "links", "new.kdbx"), pw, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)})
	if err != nil {
		t.Fatal(err) // a plain new file is still fine
	}
	linksBefore = append(linksBefore, ".new.kdbx.lock", "new.kdbx")
	slices.Sort(linksBefore)
	newLink := filepath.Join(root, "links", "other.kdbx")
	symlink(t, filepath.Join(root, "sync", "other.kdbx"), newLink)
	linksBefore = append(linksBefore, "other.kdbx")
	slices.Sort(linksBefore)
	if _, err := vault.Create(newLink, pw, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)}); !errors.Is(err, vault.ErrDanglingLink) {
		t.Errorf("create through a dangling link: got %v, want ErrDanglingLink", err)
	}

	assertStillLink(t, link, real)
	assertStillLink(t, newLink, filepath.Join(root, "sync", "other.kdbx"))
	if got := dirNames(t, filepath.Dir(real)); !slices.Equal(got, syncBefore) {
		t.Errorf("the link's folder-to-be changed: %v, was %v", got, syncBefore)
	}
	if got := dirNames(t, filepath.Dir(link)); !slices.Equal(got, linksBefore) {
		t.Errorf("the links' folder holds %v, want %v", got, linksBefore)
	}
}

// TestSaveThroughLinkLoopFails: links that lead to each other are an
// error, not a hang, and nothing is written.
func TestSaveThroughLinkLoopFails(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.kdbx"), filepath.Join(dir, "b.kdbx")
	symlink(t, "b.kdbx", a)
	symlink(t, "a.kdbx", b)
	_, err := vault.Create(a, pw, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)})
	if !errors.Is(err, syscall.ELOOP) {
		t.Errorf("got %v, want ELOOP", err)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"a.kdbx", "b.kdbx"}) {
		t.Errorf("folder holds %v", got)
	}
	assertStillLink(t, a, "b.kdbx")
}

// TestCheckSaysWhatIsThereBeforeAPassword: Check gives Open's error for
// a path with no vault (missing, a link to nowhere) or a folder, and
// nothing for a file Open would read (even an empty one: Open says what
// is wrong with it), so a front end asks for no password in vain.
func TestCheckSaysWhatIsThereBeforeAPassword(t *testing.T) {
	dir := t.TempDir()
	missing, dangling, folder, empty := filepath.Join(dir, "missing.kdbx"), filepath.Join(dir, "dangling.kdbx"), filepath.Join(dir, "folder"), filepath.Join(dir, "empty.kdbx")
	if err := os.Symlink(missing, dangling); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{missing, dangling} {
		if err := vault.Check(p); !errors.Is(err, vault.ErrNoVault) {
			t.Errorf("Check(%s) = %v, want ErrNoVault", filepath.Base(p), err)
		}
	}
	if err := vault.Check(folder); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("Check(a folder) = %v", err)
	}
	if err := vault.Check(empty); err != nil {
		t.Errorf("Check(an empty file) = %v, want nil", err)
	}
}
