package app

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// privateBus starts a dbus-daemon of our own (the session bus's
// configuration) and returns two connections to it: one to watch with,
// one to send from.
func privateBus(t *testing.T) (watch, send *dbus.Conn) {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("dbus-daemon is not installed")
		}
		t.Fatal("dbus-daemon is needed in CI (Debian package dbus)")
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon address: %v", err)
	}
	connect := func() *dbus.Conn {
		c, err := dbus.Connect(strings.TrimSpace(addr))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	return connect(), connect()
}

// TestSessionLockSignalsLock: over a real bus, the screensaver turning on
// (freedesktop and GNOME names) and logind's Lock each lock the vault.
func TestSessionLockSignalsLock(t *testing.T) {
	watch, send := privateBus(t)
	locked := make(chan struct{}, 8)
	stop := WatchSessionLock(watch, watch, func() { locked <- struct{}{} })
	defer stop()
	for _, sig := range []struct {
		path dbus.ObjectPath
		name string
		body []any
	}{
		{"/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", []any{true}},
		{"/org/freedesktop/login1/session/_31", "org.freedesktop.login1.Session.Lock", nil},
		{"/org/gnome/ScreenSaver", "org.gnome.ScreenSaver.ActiveChanged", []any{true}},
	} {
		if err := send.Emit(sig.path, sig.name, sig.body...); err != nil {
			t.Fatal(err)
		}
		select {
		case <-locked:
		case <-time.After(10 * time.Second):
			t.Errorf("%s did not lock the vault", sig.name)
		}
	}
}

// TestOnlyLockSignalsCount: the screensaver turning off, Unlock, and
// look-alike signals do not lock.
func TestOnlyLockSignalsCount(t *testing.T) {
	for _, c := range []struct {
		sig  *dbus.Signal
		want bool
	}{
		{&dbus.Signal{Name: "org.freedesktop.ScreenSaver.ActiveChanged", Body: []any{true}}, true},
		{&dbus.Signal{Name: "org.kde.screensaver.ActiveChanged", Body: []any{true}}, true},
		{&dbus.Signal{Name: "org.freedesktop.login1.Session.Lock"}, true},
		{&dbus.Signal{Name: "org.freedesktop.ScreenSaver.ActiveChanged", Body: []any{false}}, false},
		{&dbus.Signal{Name: "org.freedesktop.ScreenSaver.ActiveChanged", Body: []any{"yes"}}, false},
		{&dbus.Signal{Name: "org.freedesktop.login1.Session.Unlock"}, false},
		{&dbus.Signal{Name: "org.example.Lock"}, false},
		{nil, false},
	} {
		if got := isSessionLock(c.sig); got != c.want {
			t.Errorf("%+v: %v, want %v", c.sig, got, c.want)
		}
	}
}
