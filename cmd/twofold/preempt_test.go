package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/vault"
)

// TestRunsWithoutAsyncPreemption runs the real binary: the process runs
// with async preemption off (GODEBUG as the runtime read it at exec,
// /proc/PID/environ), and a command it runs gets the caller's GODEBUG
// back, with no trace of the restart.
func TestRunsWithoutAsyncPreemption(t *testing.T) {
	twofold, _ := binaries(t)
	path := filepath.Join(t.TempDir(), "v.kdbx")
	s, err := vault.Create(path, vault.Credentials{Password: []byte("pw")}, vault.CreateOptions{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddToken(vault.NewToken{Name: "CI", Token: []byte("t0ken-value"), Service: "Example", Env: "EXAMPLE_TOKEN"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s.Lock()

	script := `tr '\0' '\n' < /proc/$PPID/environ | grep '^GODEBUG='; echo "child GODEBUG=$GODEBUG"; env | grep -c ORIGINAL_GODEBUG || true`
	for _, caller := range []string{"", "madvdontneed=1"} {
		cmd := exec.Command(twofold, "--vault", path, "token", "exec", "CI", "--", "sh", "-c", script)
		cmd.Env = withoutVars(cmd.Environ(), "GODEBUG", preemptEnv)
		want := "GODEBUG=asyncpreemptoff=1\nchild GODEBUG=\n0\n"
		if caller != "" {
			cmd.Env = append(cmd.Env, "GODEBUG="+caller)
			want = "GODEBUG=" + caller + ",asyncpreemptoff=1\nchild GODEBUG=" + caller + "\n0\n"
		}
		cmd.Stdin = strings.NewReader("pw\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GODEBUG=%q: %v\n%s", caller, err, out)
		}
		if string(out) != want {
			t.Errorf("GODEBUG=%q: got\n%swant\n%s", caller, out, want)
		}
	}
}
