package platform

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// These tests talk to real X servers (Xvfb), xclip, ImageMagick and a
// dbus-daemon of their own. They are skipped when a tool is missing,
// except in CI (CI=true), which installs them (scripts/test.sh: apt
// packages xvfb xclip imagemagick qrencode dbus): there a missing tool
// fails. They poll other processes with a deadline; there is no clock to
// inject into an X server.

// need skips (or in CI fails) when a tool is not installed.
func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed in CI: apt-get install xvfb xclip imagemagick qrencode dbus", tool)
			}
			t.Skipf("%s is not installed (apt-get install xvfb xclip imagemagick qrencode dbus)", tool)
		}
	}
}

// startX starts a private Xvfb on a display number it picks itself
// (-displayfd) and returns the display name.
func startX(t *testing.T, size string) string {
	t.Helper()
	need(t, "Xvfb")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", size, "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	start(t, cmd)
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb gave no display number: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// start runs cmd in its own process group, ended when the test ends.
func start(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
}

// x runs an X client on display and returns its standard output.
func x(t *testing.T, display string, stdin []byte, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, errOut.Bytes())
	}
	return out.String(), nil
}

// xcommand is a command of an X client on display.
func xcommand(display, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	return cmd
}

type dbusConn = dbus.Conn

// xclipOut is `xclip -o -selection clipboard [-t target]`.
func xclipOut(t *testing.T, display, target string) (string, error) {
	t.Helper()
	args := []string{"-o", "-selection", "clipboard"}
	if target != "" {
		args = append(args, "-t", target)
	}
	return x(t, display, nil, "xclip", args...)
}

// xclipIn makes xclip (in the foreground, ended with the test) the
// clipboard owner of data as target and waits until it owns it.
func xclipIn(t *testing.T, display, target string, data []byte) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "clip")
	if err != nil {
		t.Fatal(err)
	}
	f.Write(data)
	f.Close()
	cmd := exec.Command("xclip", "-quiet", "-i", "-selection", "clipboard", "-t", target, f.Name())
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	start(t, cmd)
	await(t, "xclip owning the clipboard", func() bool {
		out, err := xclipOut(t, display, "TARGETS")
		return err == nil && strings.Contains(out, target)
	})
}

// await polls f until it is true, failing the test after 20 seconds.
func await(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 20 s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
