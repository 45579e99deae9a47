//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/twofold-app/twofold/vault"
)

// sigwaitMain prints "ready PID TOKEN-SET", then "got SIGNAL" for each
// signal it gets, and exits with status 100+15 on SIGTERM.
func sigwaitMain() {
	ch := make(chan os.Signal, 8)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	fmt.Printf("ready %d %t\n", os.Getpid(), os.Getenv("TOK") == "tok-en")
	for sig := range ch {
		fmt.Printf("got %s\n", sig)
		if sig == syscall.SIGTERM {
			os.Exit(100 + int(syscall.SIGTERM))
		}
	}
}

// signalVault makes a vault (password "pw") holding the token T, which
// 'token exec' puts in $TOK.
func signalVault(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v.kdbx")
	s, err := vault.Create(path, vault.Credentials{Password: []byte("pw")}, vault.CreateOptions{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	if _, err := s.AddToken(vault.NewToken{Name: "T", Token: []byte("tok-en"), Service: "acme", Env: "TOK"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return path
}

// startExec starts 'twofold token exec T -- sigwait' with the streams
// and process attributes prepare sets, and kills sigwait when the test
// ends if it is still there (it was orphaned).
func startExec(t *testing.T, prepare func(*exec.Cmd)) *exec.Cmd {
	t.Helper()
	bin, _ := binaries(t)
	sigwait, err := exec.LookPath("sigwait") // testscript.Main put it in $PATH
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--vault", signalVault(t), "token", "exec", "T", "--", sigwait)
	cmd.Env = minimalEnv(t.TempDir())
	prepare(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

// readyChild waits for sigwait's "ready" line and returns its pid, which
// it kills when the test ends if it outlived twofold.
func readyChild(t *testing.T, lr *lineReader) int {
	t.Helper()
	for {
		line, err := lr.next(30 * time.Second)
		if err != nil {
			t.Fatalf("no ready line from the command: %v", err)
		}
		var pid int
		var tokenSet bool
		if _, err := fmt.Sscanf(strings.TrimSpace(line), "ready %d %t", &pid, &tokenSet); err == nil {
			if !tokenSet {
				t.Error("the command did not get the token in $TOK")
			}
			t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
			return pid
		}
	}
}

// nextLine is the next line of output, without the "^C" a terminal
// echoes for Ctrl-C and the carriage return it ends lines with.
func nextLine(lr *lineReader) (string, error) {
	line, err := lr.next(10 * time.Second)
	return strings.TrimSpace(strings.TrimPrefix(line, "^C")), err
}

// expectLine fails unless the next line is want.
func expectLine(t *testing.T, lr *lineReader, want, when string) {
	t.Helper()
	line, err := nextLine(lr)
	if err != nil || line != want {
		t.Fatalf("%s: got line %q (%v), want %q: the signal did not reach the command", when, line, err, want)
	}
}

// expectChildStatus checks twofold exits with sigwait's status after
// SIGTERM, and sigwait is gone: waited for, not left running.
func expectChildStatus(t *testing.T, cmd *exec.Cmd, pid int) {
	t.Helper()
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 100+int(syscall.SIGTERM) {
		t.Errorf("twofold ended with %v, want the command's exit status %d", err, 100+int(syscall.SIGTERM))
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the command (pid %d) is still there after twofold ended: %v", pid, err)
	}
}

// TestTokenExecPassesSignalsOn: SIGINT and SIGTERM sent to twofold (by
// timeout, a CI runner cancelling a job, kill) reach the command it
// runs, and twofold waits for the command and exits with its status.
// Before, twofold died of the signal and the command ran on, orphaned,
// with the token in its environment. Twofold runs in a process group of
// its own, as under timeout or a CI runner: no terminal sends the
// signals to the command too.
func TestTokenExecPassesSignalsOn(t *testing.T) {
	var out *os.File
	cmd := startExec(t, func(cmd *exec.Cmd) {
		cmd.Stdin = strings.NewReader("pw\n")
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, out = w, r
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	})
	cmd.Stdout.(*os.File).Close()
	lr := readLines(out)
	pid := readyChild(t, lr)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	expectLine(t, lr, "got interrupt", "after SIGINT to twofold")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	expectLine(t, lr, "got terminated", "after SIGTERM to twofold")
	expectChildStatus(t, cmd, pid)
}

// TestTokenExecCtrlCReachesCommandOnce: in a terminal, Ctrl-C goes to
// the foreground process group, the command included; twofold does not
// send it a second one (which cuts short many programs' clean-up), and
// still waits for the command. Twofold runs in a pseudo-terminal whose
// foreground process group it leads.
func TestTokenExecCtrlCReachesCommandOnce(t *testing.T) {
	master, tty := newPTY(t)
	cmd := startExec(t, func(cmd *exec.Cmd) {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	})
	tty.Close()
	lr := readLines(master)
	// Typed ahead: the terminal keeps the line until twofold reads it.
	if _, err := master.Write([]byte("pw\r")); err != nil {
		t.Fatal(err)
	}
	pid := readyChild(t, lr)
	if _, err := master.Write([]byte{0x03}); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	expectLine(t, lr, "got interrupt", "after Ctrl-C")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	line, err := nextLine(lr)
	if line == "got interrupt" {
		t.Fatal("the command got Ctrl-C's SIGINT twice: from the terminal and from twofold")
	}
	if err != nil || line != "got terminated" {
		t.Fatalf("after SIGTERM to twofold: got line %q (%v), want \"got terminated\"", line, err)
	}
	expectChildStatus(t, cmd, pid)
}

// newPTY opens a pseudo-terminal: the master (the keyboard and screen)
// and the terminal for the process under test. Both close when the test
// ends.
func newPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}
