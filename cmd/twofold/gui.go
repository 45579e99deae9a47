//go:build cgo && !nogui

package main

import (
	"errors"
	"flag"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/driver/desktop"
	"github.com/godbus/dbus/v5"

	twapp "github.com/twofold-app/twofold/app"
	"github.com/twofold-app/twofold/app/platform"
	"github.com/twofold-app/twofold/assets"
	"github.com/twofold-app/twofold/fido"
)

// appID identifies Twofold to the desktop (FyneApp.toml has the same).
const appID = "io.github.twofold_app.twofold"

// runGUI opens Twofold's window on the vault named by --vault, else the
// default location, and runs until the window closes.
func runGUI(args []string, e env) int {
	if len(args) > 0 && args[0] == "gui" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("twofold gui", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	vaultPath := fs.String("vault", "", vaultFlagHelp)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	if e.getenv("DISPLAY") == "" && e.getenv("WAYLAND_DISPLAY") == "" {
		printf(e.stderr, "error: no display to open Twofold's window on ($DISPLAY and $WAYLAND_DISPLAY are unset)\n")
		printf(e.stderr, "hint: run it from your desktop session, or use the command line: 'twofold help'\n")
		return 1
	}
	path := *vaultPath
	if path == "" {
		path = defaultVaultPath(e.getenv)
	}
	xclip, err := platform.NewX11Clipboard(e.getenv("DISPLAY"))
	if err != nil && e.getenv("WAYLAND_DISPLAY") == "" {
		// Fyne would panic with a stack trace here.
		printf(e.stderr, "error: cannot open Twofold's window on X display %q: %v\n", e.getenv("DISPLAY"), err)
		printf(e.stderr, "hint: check $DISPLAY names a running X server you may use (xauth), or use the command line: 'twofold help'\n")
		return 1
	}
	keepHeap()
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("twofold.png", assets.IconPNG))
	w := a.NewWindow("Twofold")
	noDepthBuffer()
	w.Resize(fyne.NewSize(600, 680))
	home, _ := os.UserHomeDir()
	// On X11 (and XWayland) codes go through Twofold's own clipboard owner,
	// which marks them with x-kde-passwordManagerHint so clipboard managers
	// keep no history of them; elsewhere through Fyne's clipboard.
	var clip fyne.Clipboard = a.Clipboard()
	capture := newCapture(e.getenv)
	if xclip != nil {
		defer xclip.Close()
		clip, capture.Clipboard = xclip, xclip
	}
	session, _ := sessionBus(e.getenv) // nil: the desktop has none
	if session != nil {
		defer session.Close()
	}
	ui := twapp.New(w, twapp.Deps{
		Opener:    twapp.StoreOpener{Now: e.now},
		VaultPath: path,
		Settings:  twapp.FileSettings{Path: twapp.DefaultSettingsPath(e.getenv)},
		Clipboard: clip,
		Capture:   capture,
		Notify:    notifier(session, a),
		Now:       e.now,
		Timers:    guiTimers(),
		Work:      twapp.GoWork,
		Home:      home,
		Keys: twapp.KeyOptions{
			Paths:       fido.SplitDevicePaths(e.getenv(fido.EnvDevices)),
			NoEnumerate: e.getenv(fido.EnvEnumerate) == "0",
		},
		// With neither, a missing default vault gives way to the last
		// vault opened.
		VaultChosen: *vaultPath != "" || e.getenv("TWOFOLD_VAULT") != "",
	})
	a.Lifecycle().SetOnStopped(ui.Quit)
	trayHost := trayHostRunning(session)
	throttle := newIdleThrottle(trayHost)
	if e.getenv("TWOFOLD_IDLE_THROTTLE") != "0" {
		twapp.SetWake(throttle.wake)
		defer twapp.SetWake(nil)
		a.Lifecycle().SetOnStarted(throttle.start)
	}
	defer watchSessionLock(ui, session)()
	a.Lifecycle().SetOnEnteredForeground(ui.Foreground)
	interrupted, stop := e.interrupts()
	defer stop()
	go func() {
		<-interrupted
		throttle.stop()
		twapp.OnUI(a.Quit) // not a widget: ends the run loop, which calls ui.Quit
	}()
	minimised := &minimisedWatch{display: e.getenv("DISPLAY"), w: w, ui: ui}
	defer minimised.stop()
	show := func() {
		w.Show()
		minimised.start() // the X window exists once shown
	}
	if !setUpTray(a, w, ui, show) || !ui.Settings().StartMinimised || !trayHost {
		show()
	} else {
		ui.SetHidden(true)
	}
	a.Run()
	return 0
}

// notifier sends desktop notifications over the session bus, off Fyne's
// goroutine (Fyne's call waits for the notification server). Without a
// session bus there is none: Fyne's godbus call would start a dbus-daemon.
func notifier(session *dbus.Conn, a fyne.App) func(title, content string) {
	if session == nil {
		return nil
	}
	return func(title, content string) {
		go a.SendNotification(fyne.NewNotification(title, content))
	}
}

// minimisedWatch tells the UI when the window manager minimises the
// window (Fyne 2.8 does not), so nothing ticks while it is. X11 and
// XWayland only; elsewhere the countdown keeps running when minimised.
type minimisedWatch struct {
	display string
	w       fyne.Window
	ui      *twapp.UI
	halt    func()
}

// start watches the window once it exists; on Fyne's goroutine.
func (m *minimisedWatch) start() {
	native, ok := m.w.(driver.NativeWindow)
	if m.halt != nil || !ok || m.display == "" {
		return
	}
	native.RunNative(func(ctx any) {
		x, ok := ctx.(driver.X11WindowContext)
		if !ok || x.WindowHandle == 0 {
			return
		}
		halt, err := platform.WatchMinimised(m.display, uint32(x.WindowHandle), func(minimised bool) {
			twapp.OnUI(func() { m.ui.SetMinimised(minimised) })
		})
		if err == nil {
			m.halt = halt
		}
	})
}

func (m *minimisedWatch) stop() {
	if m.halt != nil {
		m.halt()
	}
}

// setUpTray adds a system-tray icon with Show, Lock and Quit; with "start
// minimised" on, closing the window hides it there. It reports whether
// the desktop driver has a tray at all.
func setUpTray(a fyne.App, w fyne.Window, ui *twapp.UI, show func()) bool {
	desk, ok := a.(desktop.App)
	if !ok {
		return false
	}
	ui.AttachTray(twapp.TrayOptions{
		SetMenu: desk.SetSystemTrayMenu,
		Show:    show,
		Hide:    w.Hide,
	})
	desk.SetSystemTrayIcon(fyne.NewStaticResource("twofold.png", assets.IconPNG))
	w.SetCloseIntercept(func() {
		if ui.Settings().StartMinimised {
			w.Hide()
			ui.SetHidden(true)
			return
		}
		a.Quit()
	})
	return true
}

// trayHostRunning reports whether the desktop shows tray icons (a
// StatusNotifierItem host owns org.kde.StatusNotifierWatcher). Without
// one, a window started hidden could never be shown again, so "start
// minimised" is ignored.
func trayHostRunning(session *dbus.Conn) bool {
	if session == nil {
		return false
	}
	var owned bool
	err := session.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&owned)
	return err == nil && owned
}

// watchSessionLock locks the vault when the desktop session locks
// (logind's Lock on the system bus, the screensaver starting on session,
// which may be nil).
func watchSessionLock(ui *twapp.UI, session *dbus.Conn) (stop func()) {
	system, _ := dbus.ConnectSystemBus()
	stopWatch := twapp.WatchSessionLock(session, system, func() { twapp.OnUI(ui.Lock) })
	return func() {
		stopWatch()
		if system != nil {
			system.Close()
		}
	}
}
