//go:build cgo && !nogui

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/twofold-app/twofold/vault"
)

// TestGUITrayAndSessionLock runs the real binary under Xvfb with a tray
// host and a desktop that locks, both played by this test over D-Bus:
//
//   - a StatusNotifierWatcher on a private session bus: with "start
//     minimised" on, the window stays hidden and the tray's menu has
//     "Show Twofold"; clicking it (com.canonical.dbusmenu.Event, what a
//     panel sends) maps the window;
//   - the screensaver's ActiveChanged(true) on that session bus, and
//     logind's Session.Lock on a second bus the app takes for the system
//     bus ($DBUS_SYSTEM_BUS_ADDRESS): each locks the vault — the tray's
//     Lock item is disabled and the code Twofold copied leaves the
//     clipboard;
//   - unlocked, a favourite's code is one click away in the tray, with
//     the window hidden (checked against the CLI's code).
//
// Needs what TestGUISmoke needs, and dbus-daemon. Runs when CI=true or
// TWOFOLD_GUI_SMOKE=1.
func TestGUITrayAndSessionLock(t *testing.T) {
	s := guiTest(t, "dbus-daemon")
	// The clipboard clears after 10 minutes: within the test only a lock
	// clears it.
	s.settings(`{"auto_lock_minutes": 30, "clipboard_clear_seconds": 600, "theme": "system", "start_minimised": true}`)
	favourite(t, filepath.Join(s.dir, "home", "data", "twofold", "vault.kdbx"), s.password, "GitHub")
	const copyGitHub = "Copy GitHub (me@example.com)"

	session := startBus(t, filepath.Join(s.dir, "session-bus"))
	system := startBus(t, filepath.Join(s.dir, "system-bus"))
	host := newTrayHost(t, session.conn)

	s.startX()
	s.startAppWith("DBUS_SESSION_BUS_ADDRESS="+session.address, "DBUS_SYSTEM_BUS_ADDRESS="+system.address)

	item := host.registered(t, 60*time.Second)
	s.await(`"Show Twofold" in the tray menu`, 30*time.Second, func() (string, bool) {
		_, ok := host.menu(item)["Show Twofold"]
		return "", ok
	})
	if out, _ := s.x("xdotool", "search", "--onlyvisible", "--name", "^Twofold$"); out != "" {
		t.Fatalf("started minimised with a tray, yet a window shows: %s", out)
	}

	host.click(t, item, "Show Twofold")
	win := s.await("the window, mapped after Show Twofold", 30*time.Second, func() (string, bool) {
		out, err := s.x("xdotool", "search", "--onlyvisible", "--name", "^Twofold$")
		ids := strings.Fields(out)
		return strings.Join(ids, " "), err == nil && len(ids) > 0
	})
	s.await(`"Hide Twofold" in the tray menu once shown`, 10*time.Second, func() (string, bool) {
		_, ok := host.menu(item)["Hide Twofold"]
		return "", ok
	})

	for _, lock := range []struct {
		name string
		emit func() error
	}{
		{"the screensaver's ActiveChanged(true) on the session bus", func() error {
			return session.conn.Emit("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", true)
		}},
		{"logind's Session.Lock on the system bus", func() error {
			return system.conn.Emit("/org/freedesktop/login1/session/_31", "org.freedesktop.login1.Session.Lock")
		}},
	} {
		s.unlockAndCopy(strings.Fields(win)[0])
		s.await("the tray's Lock enabled once unlocked", 10*time.Second, func() (string, bool) {
			return "", host.menu(item)["Lock"] == true
		})
		if err := lock.emit(); err != nil {
			t.Fatal(err)
		}
		s.await("a lock after "+lock.name, 30*time.Second, func() (string, bool) {
			return "", host.menu(item)["Lock"] == false
		})
		s.await("an empty clipboard after "+lock.name, 10*time.Second, func() (string, bool) {
			out, _ := s.x("xclip", "-o", "-selection", "clipboard")
			return "", out == ""
		})
	}

	// Locked: the tray offers no codes. Unlocked: a favourite's code is
	// one click away in the tray, with the window hidden.
	if _, ok := host.menu(item)[copyGitHub]; ok {
		t.Errorf("locked, yet the tray offers %q", copyGitHub)
	}
	win0 := strings.Fields(win)[0]
	s.x("xdotool", "windowfocus", "--sync", win0)
	s.x("xdotool", "type", "--delay", "25", string(s.password))
	s.x("xdotool", "key", "Return")
	s.await(fmt.Sprintf("%q in the tray menu once unlocked", copyGitHub), 30*time.Second, func() (string, bool) {
		_, ok := host.menu(item)[copyGitHub]
		return "", ok
	})
	t.Logf("screenshot: %s", s.screenshot())
	host.click(t, item, "Hide Twofold")
	s.await("the window hidden after Hide Twofold", 10*time.Second, func() (string, bool) {
		out, _ := s.x("xdotool", "search", "--onlyvisible", "--name", "^Twofold$")
		return "", out == ""
	})
	host.click(t, item, copyGitHub)
	six := regexp.MustCompile(`^\d{6}$`)
	code := s.await("GitHub's code on the clipboard after the tray's "+copyGitHub, 10*time.Second, func() (string, bool) {
		out, _ := s.x("xclip", "-o", "-selection", "clipboard")
		return out, six.MatchString(out)
	})
	if want := s.codesNow("GitHub"); !want[code] {
		t.Errorf("the tray copied %s; the CLI says GitHub's code is one of %v", code, want)
	}
}

// favourite pins an account of the vault at path (the KeePass tag the
// window's star sets).
func favourite(t *testing.T, path string, password []byte, issuer string) {
	t.Helper()
	v, err := vault.Open(path, vault.Credentials{Password: bytes.Clone(password)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Lock()
	accounts, err := v.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if a.Issuer == issuer {
			if err := v.SetFavourite(a.ID, true); err != nil {
				t.Fatal(err)
			}
			if err := v.Save(); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no %s account in %s", issuer, path)
}

// bus is a private dbus-daemon and this test's connection to it.
type bus struct {
	address string
	conn    *dbus.Conn
}

// startBus starts a dbus-daemon (the session configuration) listening
// on a socket at path; it stops with the test.
func startBus(t *testing.T, path string) bus {
	t.Helper()
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1", "--address=unix:path="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopGroup(cmd) })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon gave no address: %v", err)
	}
	address := strings.TrimSpace(line)
	conn, err := dbus.Connect(address)
	if err != nil {
		t.Fatalf("connecting to %s: %v", address, err)
	}
	t.Cleanup(func() { conn.Close() })
	return bus{address: address, conn: conn}
}

// trayHost plays a panel's tray: it owns org.kde.StatusNotifierWatcher,
// takes registrations, and reads and clicks an item's menu.
type trayHost struct {
	conn  *dbus.Conn
	items chan string
}

func newTrayHost(t *testing.T, conn *dbus.Conn) *trayHost {
	t.Helper()
	h := &trayHost{conn: conn, items: make(chan string, 4)}
	if err := conn.Export(watcher{h}, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning org.kde.StatusNotifierWatcher: %v (reply %d)", err, reply)
	}
	return h
}

type watcher struct{ h *trayHost }

// RegisterStatusNotifierItem is the watcher's method an item calls.
func (w watcher) RegisterStatusNotifierItem(sender dbus.Sender, path string) *dbus.Error {
	select {
	case w.h.items <- string(sender):
	default:
	}
	return nil
}

// registered waits for an item to register; it returns its bus name.
func (h *trayHost) registered(t *testing.T, limit time.Duration) string {
	t.Helper()
	select {
	case name := <-h.items:
		return name
	case <-time.After(limit):
		t.Fatalf("no tray item registered within %s", limit)
		return ""
	}
}

const trayMenuPath = "/StatusNotifierItem/menu"

// menu reads the item's menu: label → enabled (nil when unreadable).
func (h *trayHost) menu(item string) map[string]any {
	ids, enabled, err := h.layout(item)
	if err != nil {
		return nil
	}
	out := map[string]any{}
	for label := range ids {
		out[label] = enabled[label]
	}
	return out
}

// click sends the "clicked" event a panel sends for a menu item.
func (h *trayHost) click(t *testing.T, item, label string) {
	t.Helper()
	ids, _, err := h.layout(item)
	if err != nil {
		t.Fatal(err)
	}
	id, ok := ids[label]
	if !ok {
		t.Fatalf("no %q in the tray menu (%v)", label, ids)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call := h.conn.Object(item, trayMenuPath).CallWithContext(ctx, "com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(0))
	if call.Err != nil {
		t.Fatalf("clicking %q: %v", label, call.Err)
	}
}

// layout reads the menu's top-level items: their ids and whether they
// are enabled, by label.
func (h *trayHost) layout(item string) (map[string]int32, map[string]bool, error) {
	var revision uint32
	var root struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := h.conn.Object(item, trayMenuPath).CallWithContext(ctx, "com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&revision, &root)
	if err != nil {
		return nil, nil, err
	}
	ids, enabled := map[string]int32{}, map[string]bool{}
	for _, c := range root.Children {
		fields, ok := c.Value().([]any)
		if !ok || len(fields) < 2 {
			return nil, nil, fmt.Errorf("menu item %v: not (ia{sv}av)", c)
		}
		id, _ := fields[0].(int32)
		props, _ := fields[1].(map[string]dbus.Variant)
		label, _ := props["label"].Value().(string)
		if label == "" {
			continue // a separator
		}
		on := true // dbusmenu's default
		if v, ok := props["enabled"]; ok {
			on, _ = v.Value().(bool)
		}
		ids[label], enabled[label] = id, on
	}
	if len(ids) == 0 {
		return nil, nil, errors.New("empty tray menu")
	}
	return ids, enabled, nil
}
