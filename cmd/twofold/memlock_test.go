package main

import (
	"crypto/sha1"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

const (
	largeVaultAccounts = 10_000
	largeVaultPassword = "large vault password"
	memlockUser        = "twofold-test"
	memlockLimit       = 8 << 20 // bytes: `ulimit -l 8192`
)

// TestUnlockLargeVaultAsNormalUser unlocks a 10,000-account vault and
// prints every code, as an unprivileged user whose locked memory is
// capped at 8 MiB (a common distribution default). Twofold keeps secrets
// in mlocked memguard buffers; holding one per account at once would need
// 10,000 locked pages (40 MiB) and make memguard panic.
func TestUnlockLargeVaultAsNormalUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: it creates the unprivileged user " + memlockUser + " if missing and switches to it with setpriv; as a normal user there is no one to switch to, and root itself ignores RLIMIT_MEMLOCK")
	}
	if testing.Short() {
		t.Skip("builds and unlocks a 10,000-account vault; skipped in -short mode")
	}
	for _, tool := range []string{"setpriv", "prlimit", "useradd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	twofold, _ := binaries(t)
	u := ensureUser(t, memlockUser)
	dir := sharedTempDir(t)
	path, secrets := largeVault(t, dir)
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	chownTo(t, u, path, home)

	checkConfinement(t, u, home)
	cmd := asUser(u, home, twofold, "codes", "--vault", path, "--json", "--at", "59")
	cmd.Stdin = strings.NewReader(largeVaultPassword + "\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	t.Logf("twofold codes --json on %d accounts, as %s with memlock %d KiB: %v", largeVaultAccounts, memlockUser, memlockLimit>>10, time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("twofold codes: %v\nstderr: %.2000s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %.2000s", stderr.String())
	}
	checkLargeCodes(t, out, secrets)
}

// checkConfinement checks that asUser's commands really run as u with
// the memlock limit, so a pass means something.
func checkConfinement(t *testing.T, u *user.User, home string) {
	t.Helper()
	out, err := asUser(u, home, "sh", "-c", "echo $(ulimit -l) $(id -u)").Output()
	want := fmt.Sprintf("%d %s", memlockLimit>>10, u.Uid)
	if err != nil || strings.TrimSpace(string(out)) != want || u.Uid == "0" {
		t.Fatalf("as %s: `ulimit -l; id -u` says %q (%v), want %q", u.Username, out, err, want)
	}
}

// asUser runs a command as u, with the memlock limit.
func asUser(u *user.User, home string, args ...string) *exec.Cmd {
	limit := strconv.Itoa(memlockLimit)
	argv := append([]string{"--memlock=" + limit + ":" + limit,
		"setpriv", "--reuid=" + u.Uid, "--regid=" + u.Gid, "--init-groups", "--"}, args...)
	cmd := exec.Command("prlimit", argv...)
	cmd.Env = minimalEnv(home)
	return cmd
}

// ensureUser returns the user, creating it as a system user if missing.
func ensureUser(t *testing.T, name string) *user.User {
	t.Helper()
	if u, err := user.Lookup(name); err == nil {
		return u
	}
	out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name).CombinedOutput()
	if err != nil {
		t.Fatalf("useradd %s: %v\n%s", name, err, out)
	}
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sharedTempDir is a temporary folder other users can reach.
func sharedTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func chownTo(t *testing.T, u *user.User, paths ...string) {
	t.Helper()
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	for _, p := range paths {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
}

// largeVault makes a vault of largeVaultAccounts TOTP accounts with the
// vault package (cheap KDF) and returns its path and the base32 secrets
// by title.
func largeVault(t *testing.T, dir string) (string, map[string]string) {
	t.Helper()
	start := time.Now()
	path := filepath.Join(dir, "large.kdbx")
	kdf := vault.KDFParams{KDF: vault.KDFArgon2id, MemoryBytes: 1 << 20, Parallelism: 1, Iterations: 2}
	s, err := vault.Create(path, vault.Credentials{Password: []byte(largeVaultPassword)}, vault.CreateOptions{KDF: kdf})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	secrets := make(map[string]string, largeVaultAccounts)
	for i := range largeVaultAccounts {
		title := fmt.Sprintf("Service%05d", i)
		sum := sha1.Sum([]byte(title))
		secrets[title] = base32.StdEncoding.EncodeToString(sum[:])
		key := &otp.Key{
			Params: otp.Params{Issuer: title, Account: fmt.Sprintf("user%05d", i), Digits: 6, Period: 30},
			Secret: memguard.NewBufferFromBytes(sum[:]),
		}
		_, err := s.AddAccount(vault.NewAccount{Key: key})
		key.Destroy()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	t.Logf("made a %d-account vault with vault.AddAccount in %v", largeVaultAccounts, time.Since(start).Round(time.Millisecond))
	return path, secrets
}

// checkLargeCodes checks there is one well-formed code per account and,
// where oathtool is installed, that a few of them are right.
func checkLargeCodes(t *testing.T, out []byte, secrets map[string]string) {
	t.Helper()
	var codes []struct{ Title, Code string }
	if err := json.Unmarshal(out, &codes); err != nil {
		t.Fatalf("codes --json output: %v", err)
	}
	if len(codes) != largeVaultAccounts {
		t.Fatalf("%d codes, want %d", len(codes), largeVaultAccounts)
	}
	seen := map[string]bool{}
	sixDigits := regexp.MustCompile(`^\d{6}$`)
	for _, c := range codes {
		if secrets[c.Title] == "" || seen[c.Title] || !sixDigits.MatchString(c.Code) {
			t.Fatalf("bad or repeated entry %+v", c)
		}
		seen[c.Title] = true
	}
	if _, err := exec.LookPath("oathtool"); err != nil {
		return
	}
	for _, i := range []int{0, largeVaultAccounts / 2, largeVaultAccounts - 1} {
		want, err := exec.Command("oathtool", "--totp", "-b", "-N", "@59", secrets[codes[i].Title]).Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := codes[i].Code; got != strings.TrimSpace(string(want)) {
			t.Errorf("%s: code %s, oathtool says %s", codes[i].Title, got, want)
		}
	}
}
