package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// UI is Twofold's window: the first-run or unlock screen while no vault is
// open, the codes and the other tabs while one is.
type UI struct {
	w        fyne.Window
	d        Deps
	settings Settings
	clip     clipGuard
	idle     idleLock
	lastLook uint64   // typedSinceLastLook's hash
	path     string   // the vault shown
	s        *session // nil while locked
	// hidden: in the system tray (the tray's Show/Hide follows it);
	// minimised: by the window manager (SetMinimised; the tray ignores
	// it). The countdown ticks only when neither.
	hidden, minimised bool
	offset            time.Duration // the clock check's correction of Now
	// clockAt is when the clock was last checked; clockStop cancels the
	// next periodic check.
	clockAt   time.Time
	clockStop func()
	tray      TrayOptions
	trayM     *fyne.Menu // the tray's menu (trayMenu)
}

// session is one unlocked period of a vault.
type session struct {
	v    Vault
	main *mainView
}

func (d Deps) withDefaults() Deps {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Timers == nil {
		d.Timers = RealTimers{}
	}
	if d.Work == nil {
		d.Work = GoWork
	}
	if d.UI == nil {
		d.UI = onUI
	}
	if d.Opener == nil {
		d.Opener = StoreOpener{Now: d.Now}
	}
	if d.Settings == nil {
		d.Settings = &memorySettings{s: DefaultSettings()}
	}
	return d
}

// New builds the window's content on w and shows the first screen: the
// unlock screen when a vault exists at d.VaultPath (or, see
// Deps.VaultChosen, at the most recent vault), else the first-run
// screen.
func New(w fyne.Window, d Deps) *UI {
	u := &UI{w: w, d: d.withDefaults()}
	s, err := u.d.Settings.Load()
	u.settings = s
	u.path = u.startPath()
	u.d.Files = u.d.Files.withDefaults(w)
	u.clip = clipGuard{cb: u.d.Clipboard, timers: u.d.Timers}
	u.idle = idleLock{now: u.d.Now, timers: u.d.Timers, lock: u.Lock, probe: u.typedSinceLastLook}
	u.applyTheme()
	u.setMenu()
	u.w.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { u.touch() })
	u.w.SetOnDropped(u.Dropped)
	u.showStart()
	if err != nil {
		showError(w, err)
	}
	return u
}

// Settings returns the settings in force.
func (u *UI) Settings() Settings { return u.settings }

// Unlocked reports whether a vault is open.
func (u *UI) Unlocked() bool { return u.s != nil }

// startPath is the vault the window opens on: the one asked for, else
// the default location, else, when nothing is there, the most recent
// vault that still exists, as KeePassXC reopens the last database. A
// returning person whose vault is elsewhere landed on the first-run
// screen, "Create a new vault" focused (QA). (Something at the default
// location, even a link to nowhere, keeps it: showStart explains it.)
func (u *UI) startPath() string {
	if _, err := os.Lstat(u.d.VaultPath); u.d.VaultChosen || !errors.Is(err, fs.ErrNotExist) {
		return u.d.VaultPath
	}
	for _, p := range u.settings.RecentVaults {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return u.d.VaultPath
}

func (u *UI) showStart() {
	if _, err := os.Stat(u.path); errors.Is(err, fs.ErrNotExist) {
		u.showWelcome()
		return
	}
	u.showUnlock()
}

func (u *UI) setContent(o fyne.CanvasObject) { u.w.SetContent(o) }

// showWelcome and showCreate open with the keyboard focus on what a
// person does first there: Create (Enter or Space), the password field.
func (u *UI) showWelcome() {
	screen, focus := welcomeScreen(u.w, welcomeDeps{
		path:   u.path,
		show:   u.display,
		recent: u.existingRecent(),
		create: u.showCreate,
		open:   u.openPath,
		pick:   u.d.Files.Open,
	})
	u.setContent(screen)
	u.w.Canvas().Focus(focus)
}

func (u *UI) showCreate() {
	screen, focus := createScreen(u.w, createDeps{
		path:    freePath(u.path),
		opener:  u.d.Opener,
		work:    u.d.Work,
		created: u.unlocked,
		back:    u.showStart,
		pick:    u.d.Files.Open,
	})
	u.setContent(screen)
	u.w.Canvas().Focus(focus)
}

// freePath is path if nothing is there, else the first free "name-2.kdbx",
// "name-3.kdbx"… beside it: "Create a new vault" from the unlock screen
// offered the open vault's own path, where creating always failed.
func freePath(path string) string {
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	for n := 2; ; n++ {
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) || n > 1000 {
			return path
		}
		path = fmt.Sprintf("%s-%d%s", base, n, ext)
	}
}

func (u *UI) showUnlock() {
	screen, focus := unlockScreen(u.w, unlockDeps{
		path:     u.path,
		keyFile:  u.settings.KeyFiles[u.path],
		show:     u.display,
		recent:   u.existingRecent(),
		opener:   u.d.Opener,
		work:     u.d.Work,
		unlocked: u.unlocked,
		open:     u.openPath,
		create:   func() { u.path = u.defaultOrCurrent(); u.showCreate() },
		pick:     u.d.Files.Open,
	})
	u.setContent(screen)
	u.w.Canvas().Focus(focus)
}

// defaultOrCurrent is where "create a new vault" puts it: the configured
// path when nothing is there yet, else beside it as a new file name.
func (u *UI) defaultOrCurrent() string {
	if _, err := os.Stat(u.d.VaultPath); errors.Is(err, fs.ErrNotExist) {
		return u.d.VaultPath
	}
	return u.path
}

// openPath switches to another vault file.
func (u *UI) openPath(path string) {
	u.path = path
	u.showStart()
}

// display shortens a path below the home folder to ~/….
func (u *UI) display(path string) string {
	if u.d.Home == "" {
		return path
	}
	if rel, err := filepath.Rel(u.d.Home, path); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.Join("~", rel)
	}
	return path
}

func (u *UI) existingRecent() []string {
	var out []string
	for _, p := range u.settings.RecentVaults {
		if _, err := os.Stat(p); err == nil && p != u.path {
			out = append(out, p)
		}
	}
	return out
}

// unlocked opens the main screen on v, opened with keyFile ("" for
// none).
func (u *UI) unlocked(v Vault, keyFile string) {
	u.path = v.Path()
	u.saveSettings(u.settings.withRecent(v.Path(), keyFile))
	s := &session{v: v}
	u.s = s
	s.main = newMainView(u, s)
	u.setContent(s.main.content)
	u.idle.start(time.Duration(u.settings.AutoLockMinutes) * time.Minute)
	s.main.shown(u.onScreen())
	s.main.focusSearch()
	u.checkClock()
	u.updateTray()
	u.syncMenu()
}

// Lock wipes the vault from memory, clears the clipboard (if it still
// holds a copied code) and shows the unlock screen. Locking a locked
// window does nothing.
func (u *UI) Lock() {
	s := u.s
	if s == nil {
		return
	}
	u.s = nil
	s.main.shown(false)
	s.main.keys.stop()
	u.idle.halt()
	u.stopClockChecks()
	u.clip.clear()
	s.v.Lock()
	u.closeOverlays()
	u.showUnlock()
	u.updateTray()
	u.syncMenu()
}

// closeOverlays takes every dialog and pop-up off the window: a QR code,
// the list of recovery codes or a menu must not outlive the lock.
func (u *UI) closeOverlays() {
	o := u.w.Canvas().Overlays()
	for _, top := range o.List() {
		o.Remove(top)
	}
}

// Quit is called when the application stops: it clears the clipboard
// (if it still holds what Twofold copied) and locks the vault.
func (u *UI) Quit() {
	u.clip.clear()
	u.stopClockChecks()
	if u.s != nil {
		u.idle.halt()
		u.s.main.shown(false)
		u.s.v.Lock()
		u.s = nil
	}
}

// SetHidden tells the window whether it is hidden (in the system tray):
// nothing ticks while hidden.
func (u *UI) SetHidden(hidden bool) {
	u.hidden = hidden
	if u.s != nil && !hidden {
		// Shown after the machine slept past the auto-lock time: lock
		// before the click counts as activity.
		u.idle.check()
	}
	if u.s != nil {
		u.touch() // showing or hiding from the tray is a person's doing
		u.s.main.shown(u.onScreen())
	}
	u.updateTray()
}

// SetMinimised tells the window whether the window manager has minimised
// it (Fyne does not say; see platform.WatchMinimised): nothing ticks
// while minimised, and restoring shows fresh codes at once. Unlike
// SetHidden it leaves the tray's Show/Hide alone, and it is not activity
// for the auto-lock: the window manager may change the state by itself,
// and a window restored after the machine slept past the auto-lock time
// locks instead of showing codes.
func (u *UI) SetMinimised(minimised bool) {
	if minimised == u.minimised {
		return
	}
	u.minimised = minimised
	if u.s == nil {
		return
	}
	if !minimised {
		u.idle.check()
		if u.s == nil {
			return // locked
		}
	}
	u.s.main.shown(u.onScreen())
}

// onScreen reports whether the window can be seen: neither hidden in the
// tray nor minimised.
func (u *UI) onScreen() bool { return !u.hidden && !u.minimised }

// Foreground is called when the window comes back to the front: a
// machine that slept past the auto-lock time locks now, and a clock last
// checked long ago is checked again.
func (u *UI) Foreground() {
	if u.s != nil {
		u.idle.check()
	}
	u.recheckClock()
}

// touch records activity for the auto-lock.
func (u *UI) touch() {
	if u.s != nil {
		u.idle.touch()
	}
}

func (u *UI) saveSettings(s Settings) {
	u.settings = s.normalise()
	if err := u.d.Settings.Save(u.settings); err != nil {
		showError(u.w, err)
	}
}

func (u *UI) applyTheme() {
	t := themeFor(u.settings.Theme)
	if u.d.ApplyTheme != nil {
		u.d.ApplyTheme(t)
		return
	}
	fyne.CurrentApp().Settings().SetTheme(t)
}

// Shortcuts, as main-menu items: the driver runs menu shortcuts whatever
// widget has the focus (canvas shortcuts do not reach it while an entry
// is focused).
var (
	shortcutLock = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutFind = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutAdd  = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	// Import and export had no key but the menu bar's (Alt, then arrows).
	shortcutImport = &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutExport = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	// Alt+1… select the tabs, as in browsers; Ctrl+Page Down/Up step.
	shortcutTabs = []fyne.Shortcut{
		&desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierAlt},
		&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierAlt},
		&desktop.CustomShortcut{KeyName: fyne.Key3, Modifier: fyne.KeyModifierAlt},
		&desktop.CustomShortcut{KeyName: fyne.Key4, Modifier: fyne.KeyModifierAlt},
		&desktop.CustomShortcut{KeyName: fyne.Key5, Modifier: fyne.KeyModifierAlt},
		&desktop.CustomShortcut{KeyName: fyne.Key6, Modifier: fyne.KeyModifierAlt},
	}
	shortcutNextTab = &desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutPrevTab = &desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierShortcutDefault}
)

func (u *UI) setMenu() {
	item := func(label string, sc fyne.Shortcut, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = sc
		return it
	}
	vaultMenu := fyne.NewMenu("Vault",
		item("Find", shortcutFind, func() {
			if u.s != nil {
				u.s.main.focusSearch()
			}
		}),
		item("Add account", shortcutAdd, func() {
			if u.s != nil {
				u.s.main.showAdd()
			}
		}),
		fyne.NewMenuItemSeparator(),
		item("Import…", shortcutImport, u.showImport),
		item("Export…", shortcutExport, u.showExport),

		fyne.NewMenuItemSeparator(),
		item("Lock", shortcutLock, u.Lock),
	)
	u.w.SetMainMenu(fyne.NewMainMenu(vaultMenu, u.viewMenu(item)))
	u.syncMenu()
}

// syncMenu disables the menu items that need an unlocked vault while it
// is locked: they stayed enabled, and Import… or Export… opened a
// "The vault is locked" error over the unlock screen, once per press
// (QA). Quit stays.
func (u *UI) syncMenu() {
	m := u.w.MainMenu()
	if m == nil {
		return
	}
	for _, menu := range m.Items {
		for _, it := range menu.Items {
			if !it.IsSeparator && it.Label != "Quit" {
				it.Disabled = u.s == nil
			}
		}
	}
	m.Refresh()
}

// viewMenu selects the tabs from the keyboard.
func (u *UI) viewMenu(item func(string, fyne.Shortcut, func()) *fyne.MenuItem) *fyne.Menu {
	onMain := func(f func(m *mainView)) func() {
		return func() {
			if u.s != nil {
				u.touch()
				f(u.s.main)
			}
		}
	}
	var items []*fyne.MenuItem
	for i, label := range tabLabels {
		items = append(items, item(label, shortcutTabs[i], onMain(func(m *mainView) { m.selectTab(i) })))
	}
	items = append(items, fyne.NewMenuItemSeparator(),
		item("Next tab", shortcutNextTab, onMain(func(m *mainView) { m.stepTab(1) })),
		item("Previous tab", shortcutPrevTab, onMain(func(m *mainView) { m.stepTab(-1) })))
	return fyne.NewMenu("View", items...)
}

// memorySettings keeps settings in memory (when Deps.Settings is nil).
type memorySettings struct{ s Settings }

func (m *memorySettings) Load() (Settings, error) { return m.s, nil }
func (m *memorySettings) Save(s Settings) error   { m.s = s; return nil }

// typedSinceLastLook reports whether the text of the focused field (and
// which field has the focus, and where its cursor is) changed since it
// last looked: typing counts as use, although Fyne gives the window no
// word of keys a field takes. It keeps a hash (FNV-1a, over the string
// in place: the text may be a password, and hash/fnv would take a copy
// of it as a byte slice), not the text.
func (u *UI) typedSinceLastLook() bool {
	const offset, prime = 14695981039346656037, 1099511628211
	sum := uint64(offset)
	mix := func(s string) {
		for i := 0; i < len(s); i++ {
			sum = (sum ^ uint64(s[i])) * prime
		}
	}
	f := u.w.Canvas().Focused()
	if e, ok := f.(*entry); ok {
		mix(e.Text)
		mix(fmt.Sprintf("\x00%d:%d", e.CursorRow, e.CursorColumn))
	}
	mix(fmt.Sprintf("\x00%p", f))
	changed := sum != u.lastLook
	u.lastLook = sum
	return changed
}
