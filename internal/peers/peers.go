// Package peers runs the real programs Twofold's tests compare against:
// keepassxc-cli, oathtool and faketime (Debian packages). Test-only.
package peers

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Require skips the test when a program is missing on a developer's
// machine, and fails it in CI (CI=true), where scripts/test.sh installs it.
func Require(t testing.TB, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed (scripts/test.sh installs it)", p)
			}
			t.Skipf("%s is not installed; run scripts/test.sh to install the test peers", p)
		}
	}
}

// Run runs a program with stdin and returns its standard output; a
// non-zero exit fails the test with stderr.
func Run(t testing.TB, stdin string, name string, args ...string) string {
	t.Helper()
	out, err := Try(stdin, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return out
}

// Try is Run returning the error (with stderr in it) instead of failing.
func Try(stdin string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "TZ=UTC")
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// KeePassXC drives keepassxc-cli on one database file.
type KeePassXC struct {
	Path     string
	Password string
	KeyFile  string
}

func (k KeePassXC) args(cmd string, extra ...string) []string {
	a := []string{cmd, "-q"}
	if k.KeyFile != "" {
		a = append(a, "-k", k.KeyFile)
	}
	if k.Password == "" {
		a = append(a, "--no-password")
	}
	return append(append(a, k.Path), extra...)
}

// Import creates Path from a KeePass XML file (KeePassXC writes it).
func (k KeePassXC) Import(t testing.TB, xmlPath string) {
	t.Helper()
	Run(t, k.Password+"\n"+k.Password+"\n", "keepassxc-cli", "import", "-q", "-p", xmlPath, k.Path)
}

// Do runs a keepassxc-cli command that needs the password.
func (k KeePassXC) Do(t testing.TB, stdinAfterPassword string, cmd string, extra ...string) string {
	t.Helper()
	return Run(t, k.Password+"\n"+stdinAfterPassword, "keepassxc-cli", k.args(cmd, extra...)...)
}

// TOTP is the code keepassxc-cli show -t prints for an entry at t, run
// under faketime with the clock frozen at t (a running clock could cross
// a step boundary while KeePassXC starts). KeePassXC 2.7.4 has a 32-bit
// clock: no times past 2106.
func (k KeePassXC) TOTP(t testing.TB, entry string, at time.Time) string {
	t.Helper()
	args := append([]string{"-f", at.UTC().Format("2006-01-02 15:04:05"), "keepassxc-cli"}, k.args("show", "-t", entry)...)
	return strings.TrimSpace(Run(t, k.Password+"\n", "faketime", args...))
}

// ExportXML returns the database as KeePassXC exports it (plain XML).
func (k KeePassXC) ExportXML(t testing.TB) string {
	t.Helper()
	return k.Do(t, "", "export", "-f", "xml")
}

// OathTool returns oathtool's code. mode is "totp", "totp=sha256", …, or
// "hotp"; secret is base32; for HOTP at is ignored and counter used.
func OathTool(t testing.TB, mode, secret string, digits, period int, at time.Time, counter uint64) string {
	t.Helper()
	args := []string{"--" + mode, "-b", "-d", fmt.Sprint(digits)}
	if strings.HasPrefix(mode, "totp") {
		args = append(args, "-s", fmt.Sprintf("%ds", period), "-N", fmt.Sprintf("@%d", at.Unix()))
	} else {
		args = append(args, "-c", fmt.Sprint(counter))
	}
	return strings.TrimSpace(Run(t, "", "oathtool", append(args, secret)...))
}
