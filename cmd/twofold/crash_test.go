package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twofold-app/twofold/vault"
)

const (
	crashPassword = "crash test password"
	crashAccount  = "Crash"
	// Kills alternate between vaulthelper's save loop and `twofold hotp
	// next` until crashLiveKills of them hit a running process (a hotp
	// next may finish first); at most crashMaxKills.
	crashLiveKills = 200
	crashMaxKills  = 400
	crashMaxDelay  = 50 * time.Millisecond
)

// crashStats counts where the kills landed, for the log.
type crashStats struct {
	loopKills, cliKills       int
	savesSeen                 int // saves the loop reported before its kill
	killedAfterRename         int // the file held one more save than reported
	cliFinished, cliCommitted int // twofold exited before the kill / saved before it
	tempsLeft                 int // kills that left a temporary file
}

// live counts the kills that hit a running process.
func (st *crashStats) live() int { return st.loopKills + st.cliKills - st.cliFinished }

// TestCrashSafety kills processes that are saving the vault at random
// instants (SIGKILL: no deferred cleanup runs) and checks after every
// kill that the vault and its backup open with the password and hold a
// state some save produced: the HOTP counter before or after the save
// in flight, never an error, never a mix.
//
// Half the kills hit testdata/vaulthelper's save loop 0-50 ms after it
// has opened the vault; half hit the real `twofold hotp next` 0-50 ms
// after its start, or later if one run takes longer (the window is
// stretched to cover a whole run, else on a loaded machine every kill
// lands before the save).
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills hundreds of processes; skipped in -short mode")
	}
	twofold, helper := binaries(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.kdbx")
	cliMaxDelay := newCrashVault(t, twofold, path)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, seed))
	t.Logf("seed %d", seed)
	var st crashStats
	start := time.Now()
	counter := checkVault(t, path, 1)
	kills := 0
	for i := 0; st.live() < crashLiveKills; i++ {
		if i == crashMaxKills {
			t.Fatalf("only %d of %d kills hit a running process", st.live(), i)
		}
		kills++
		temps := tempFiles(t, dir)
		countTemps(t, temps)
		var low, high uint64
		var delay time.Duration
		if i%2 == 0 {
			delay = time.Duration(rng.Int64N(int64(crashMaxDelay) + 1))
			low, high = killSaveLoop(t, helper, path, delay, &st)
		} else {
			delay = time.Duration(rng.Int64N(int64(cliMaxDelay) + 1))
			low, high = killHotpNext(t, twofold, path, counter, delay, &st)
		}
		counter = checkVault(t, path, low, high)
		if i%2 == 0 && counter == high {
			st.killedAfterRename++
		}
		checkBackup(t, path, counter)
		checkNewTemps(t, dir, temps, &st)
		if t.Failed() {
			t.Fatalf("stopping after kill %d (delay %v)", i, delay)
		}
	}
	vaultTmp, backupTmp := countTemps(t, tempFiles(t, dir))
	t.Logf("%d kills (%d of a running process) in %v: save loop %d (it reported %d saves in all; %d kills fell between a rename and its report); "+
		"twofold hotp next %d (%d had exited before the kill, %d had saved); "+
		"%d kills left a temporary file (later saves remove them): %d .vault.kdbx.tmp-* and %d .vault.kdbx.bak.tmp-* remain",
		kills, st.live(), time.Since(start).Round(time.Millisecond), st.loopKills, st.savesSeen, st.killedAfterRename,
		st.cliKills, st.cliFinished, st.cliCommitted, st.tempsLeft, vaultTmp, backupTmp)
}

// newCrashVault makes the vault with one HOTP account at counter 1, and
// returns the window for killing `twofold hotp next`: 0-50 ms, or a whole
// uninterrupted run (timed here) and a quarter.
func newCrashVault(t *testing.T, twofold, path string) time.Duration {
	t.Helper()
	stdin := crashPassword + "\n"
	runCLI(t, twofold, stdin, "init", "--vault", path, "--kdf-ms", "10", "--kdf-memory-mib", "1")
	runCLI(t, twofold, stdin, "add", "--vault", path, "otpauth://hotp/Crash:test?secret=JBSWY3DPEHPK3PXP&issuer=Crash")
	start := time.Now()
	runCLI(t, twofold, stdin, "hotp", "next", "--vault", path, crashAccount) // the backup now holds the account too
	run := time.Since(start)
	window := max(crashMaxDelay, run*5/4)
	t.Logf("an uninterrupted `twofold hotp next` took %v; its kills fall 0-%v after its start",
		run.Round(time.Millisecond), window.Round(time.Millisecond))
	return window
}

// checkNewTemps checks a kill left at most one new temporary file: one
// save writes one file at a time.
func checkNewTemps(t *testing.T, dir string, before []string, st *crashStats) {
	t.Helper()
	n := len(tempFiles(t, dir)) - len(before)
	if n > 0 {
		st.tempsLeft++
	}
	if n > 1 {
		t.Errorf("a kill left %d new temporary files; one save can leave at most one", n)
	}
}

// countTemps sorts leftovers into the two kinds of temporary file a save
// writes; anything else is an error.
func countTemps(t *testing.T, names []string) (vaultTmp, backupTmp int) {
	t.Helper()
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, ".vault.kdbx.tmp-"):
			vaultTmp++
		case strings.HasPrefix(n, ".vault.kdbx.bak.tmp-"):
			backupTmp++
		default:
			t.Errorf("unexpected file beside the vault: %s", n)
		}
	}
	return vaultTmp, backupTmp
}

// killSaveLoop starts vaulthelper's save loop, waits until it has opened
// the vault, lets it run for delay, kills it, and returns the counters the
// file may now hold: the last one it reported saving, or the next (killed
// after the rename, before the report).
func killSaveLoop(t *testing.T, helper, path string, delay time.Duration, st *crashStats) (uint64, uint64) {
	t.Helper()
	cmd := exec.Command(helper, "saveloop", path, crashAccount)
	cmd.Stdin = strings.NewReader(crashPassword + "\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(out)
	first, err := lines.next(10 * time.Second)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("save loop did not start: %v; stderr: %s", err, stderr.String())
	}
	time.Sleep(delay) // a real wait on a real process
	killAndWait(t, cmd, &stderr)
	rest, err := lines.rest(10 * time.Second)
	if err != nil {
		t.Fatalf("reading the save loop's output: %v", err)
	}
	last, saves := lastCounter(t, append([]string{first}, rest...))
	st.loopKills++
	st.savesSeen += saves
	return last, last + 1
}

// lastCounter reads "ready N" and "saved N" lines.
func lastCounter(t *testing.T, lines []string) (last uint64, saves int) {
	t.Helper()
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 2 || (f[0] != "ready" && f[0] != "saved") {
			t.Fatalf("unexpected save loop output %q", l)
		}
		n, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			t.Fatalf("unexpected save loop output %q", l)
		}
		if f[0] == "saved" {
			if n != last+1 {
				t.Fatalf("save loop reported %d after %d", n, last)
			}
			saves++
		}
		last = n
	}
	return last, saves
}

// killHotpNext starts `twofold hotp next` and kills it delay after the
// start. The counter may then be before or after; if twofold printed
// the code, it had saved, so only after.
func killHotpNext(t *testing.T, twofold, path string, before uint64, delay time.Duration, st *crashStats) (uint64, uint64) {
	t.Helper()
	cmd := exec.Command(twofold, "hotp", "next", "--vault", path, crashAccount)
	cmd.Stdin = strings.NewReader(crashPassword + "\n")
	cmd.Env = minimalEnv(t.TempDir())
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(delay) // a real wait on a real process
	finished := killAndWait(t, cmd, &stderr)
	st.cliKills++
	if finished {
		st.cliFinished++
	}
	if stdout.Len() > 0 {
		st.cliCommitted++
		return before + 1, before + 1
	}
	return before, before + 1
}

// killAndWait sends SIGKILL and reaps the process. It reports whether
// the process had already exited by itself (successfully: anything else
// fails the test). A process that exited but is not reaped yet takes the
// signal without effect, so the exit status tells which happened.
func killAndWait(t *testing.T, cmd *exec.Cmd, stderr *strings.Builder) (finished bool) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
		return false
	case err == nil:
		return true
	}
	t.Fatalf("%s ended by itself: %v; stderr: %s", filepath.Base(cmd.Path), err, stderr.String())
	return false
}

// checkVault opens the vault and returns its counter, which must be one
// of want.
func checkVault(t *testing.T, path string, want ...uint64) uint64 {
	t.Helper()
	got, err := crashCounter(path)
	if err != nil {
		t.Fatalf("after a kill the vault does not open: %v", err)
	}
	for _, w := range want {
		if got == w {
			return got
		}
	}
	t.Fatalf("after a kill the vault's counter is %d, want one of %v", got, want)
	return 0
}

// checkBackup opens the backup, which must hold the vault's state or the
// one before it.
func checkBackup(t *testing.T, path string, counter uint64) {
	t.Helper()
	got, err := crashCounter(vault.BackupPath(path))
	if err != nil {
		t.Fatalf("after a kill the backup does not open: %v", err)
	}
	if got != counter && got+1 != counter {
		t.Fatalf("after a kill the backup's counter is %d and the vault's %d; want the same or one less", got, counter)
	}
}

func crashCounter(path string) (uint64, error) {
	s, err := vault.Open(path, vault.Credentials{Password: []byte(crashPassword)}, nil)
	if err != nil {
		return 0, err
	}
	defer s.Lock()
	accounts, err := s.Accounts()
	if err != nil {
		return 0, err
	}
	if len(accounts) != 1 {
		return 0, fmt.Errorf("%d accounts, want 1", len(accounts))
	}
	return accounts[0].Counter, nil
}

// tempFiles lists what saves leave beside the vault besides the vault,
// its backup and its lock file.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		switch e.Name() {
		case "vault.kdbx", "vault.kdbx.bak", ".vault.kdbx.lock":
			continue
		}
		out = append(out, e.Name())
	}
	return out
}
