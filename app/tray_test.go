package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// trayRecorder keeps the last menu the window put in the tray.
type trayRecorder struct {
	menu         *fyne.Menu
	shown, hides int
}

func (r *trayRecorder) options() TrayOptions {
	return TrayOptions{SetMenu: func(m *fyne.Menu) { r.menu = m }, Show: func() { r.shown++ }, Hide: func() { r.hides++ }}
}

func (r *trayRecorder) labels() string {
	var out []string
	for _, it := range r.menu.Items {
		label := it.Label
		if it.IsSeparator {
			label = "---"
		}
		if it.Disabled {
			label += " (disabled)"
		}
		out = append(out, label)
	}
	return strings.Join(out, " | ")
}

func (r *trayRecorder) item(t *testing.T, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range r.menu.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("no tray item %q in %s", label, r.labels())
	return nil
}

func TestTrayMenu(t *testing.T) {
	h := newHarness(t)
	h.makeVault(githubURI)
	h.open()
	tray := &trayRecorder{}
	h.ui.AttachTray(tray.options())
	if got := tray.labels(); got != "Hide Twofold | Lock (disabled)" {
		t.Errorf("locked: %s", got)
	}

	h.unlock(testPassword)
	if got := tray.labels(); got != "Hide Twofold | Lock" {
		t.Errorf("unlocked, no favourites: %s", got)
	}
	h.ui.s.main.codes.setFavourite(h.row("GitHub").data.Account, true)
	if got := tray.labels(); got != "Copy GitHub (me@example.com) | --- | Hide Twofold | Lock" {
		t.Errorf("with a favourite: %s", got)
	}
	tray.item(t, "Copy GitHub (me@example.com)").Action()
	if got := h.app.Clipboard().Content(); got != expected(t, githubURI, t0) {
		t.Errorf("clipboard %q", got)
	}

	tray.item(t, "Hide Twofold").Action()
	if tray.hides != 1 || !h.ui.hidden || !strings.Contains(tray.labels(), "Show Twofold") {
		t.Errorf("after hide: %d hides, hidden %v, menu %s", tray.hides, h.ui.hidden, tray.labels())
	}
	tray.item(t, "Show Twofold").Action()
	if tray.shown != 1 || h.ui.hidden {
		t.Errorf("after show: %d shows, hidden %v", tray.shown, h.ui.hidden)
	}

	tray.item(t, "Lock").Action()
	if h.ui.Unlocked() || tray.labels() != "Hide Twofold | Lock (disabled)" {
		t.Errorf("after lock: unlocked %v, menu %s", h.ui.Unlocked(), tray.labels())
	}
}

func TestTrayWithoutHost(t *testing.T) {
	h := unlocked(t, githubURI)
	h.ui.AttachTray(TrayOptions{}) // no tray at all
	h.ui.AttachTray(TrayOptions{SetMenu: func(*fyne.Menu) { panic("no D-Bus session") }})
	h.ui.SetHidden(true) // would update the tray again
	h.ui.Lock()
	if h.ui.Unlocked() {
		t.Error("not locked")
	}
}

// TestTrayCopyNotifies: a copy from the tray while the window is hidden
// is confirmed by a desktop notification (naming the account, not the
// code); with the window on screen the notice line is enough.
func TestTrayCopyNotifies(t *testing.T) {
	h := newHarness(t)
	var notes []string
	h.notify = func(title, content string) { notes = append(notes, title+": "+content) }
	h.makeVault(githubURI)
	h.open()
	tray := &trayRecorder{}
	h.ui.AttachTray(tray.options())
	h.unlock(testPassword)
	h.ui.s.main.codes.setFavourite(h.row("GitHub").data.Account, true)

	tray.item(t, "Copy GitHub (me@example.com)").Action()
	if len(notes) != 0 {
		t.Errorf("window on screen, yet notified: %q", notes)
	}
	tray.item(t, "Hide Twofold").Action()
	tray.item(t, "Copy GitHub (me@example.com)").Action()
	code := h.app.Clipboard().Content()
	if len(notes) != 1 || !strings.Contains(notes[0], "Copied GitHub") || !strings.Contains(notes[0], "clears in") {
		t.Fatalf("copy from the tray while hidden: notifications %q", notes)
	}
	if strings.Contains(notes[0], code) {
		t.Errorf("the notification shows the code: %q", notes[0])
	}
}

// Fyne's tray keeps the menu of the first SetMenu call and shows it again
// once its D-Bus item is up. The menu set while starting minimised must
// survive that: the tray then offers Show, not Hide.
func TestTrayMenuSetBeforeTheTrayIsUp(t *testing.T) {
	h := newHarness(t)
	h.makeVault(githubURI)
	h.open()
	var first *fyne.Menu
	h.ui.AttachTray(TrayOptions{SetMenu: func(m *fyne.Menu) {
		if first == nil {
			first = m
		}
	}})
	h.ui.SetHidden(true) // started minimised, before the tray is up
	tray := &trayRecorder{menu: first}
	if got := tray.labels(); got != "Show Twofold | Lock (disabled)" {
		t.Errorf("the tray's first menu, once up: %s", got)
	}
	h.ui.SetHidden(false)
	h.unlock(testPassword)
	if got := tray.labels(); got != "Hide Twofold | Lock" {
		t.Errorf("the tray's first menu after show and unlock: %s", got)
	}
}
