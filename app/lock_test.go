package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/twofold-app/twofold/vault"
)

func TestLockShortcutWipesAndClears(t *testing.T) {
	h := unlocked(t, githubURI)
	v := h.ui.s.v
	h.list().Select(0 + h.entryIndex("GitHub"))
	h.shortcut(shortcutLock)
	if h.ui.Unlocked() {
		t.Fatal("still unlocked")
	}
	if _, err := v.Accounts(); err == nil {
		t.Error("the store still answers after Lock: secrets not wiped")
	}
	if h.app.Clipboard().Content() != "" {
		t.Error("the copied code survives the lock")
	}
	if len(h.rows()) != 0 {
		t.Error("codes still on screen")
	}
	h.mustSee("Unlock vault.kdbx")
	if n := h.clock.pending(); n != 0 {
		t.Errorf("%d timers left running while locked", n)
	}
	h.unlock(testPassword)
	if !h.ui.Unlocked() || len(h.rows()) != 1 {
		t.Error("unlocking again does not show the codes")
	}
}

func TestAutoLockAfterIdle(t *testing.T) {
	h := unlocked(t, githubURI)
	h.clock.Advance(4 * time.Minute)
	test.Type(h.entry("Search"), "g") // activity
	h.clock.Advance(4 * time.Minute)
	if !h.ui.Unlocked() {
		t.Fatal("locked although used 4 minutes ago")
	}
	h.clock.Advance(time.Minute)
	if h.ui.Unlocked() {
		t.Fatal("not locked after 5 idle minutes")
	}
}

// TestTypingCountsAsUse: typing into a field the window hears nothing of
// (Fyne hands those keys to the field alone) keeps the vault open, as
// other use does; once the typing stops, it locks within a quarter of the
// limit after the limit.
func TestTypingCountsAsUse(t *testing.T) {
	h := unlocked(t, githubURI)
	h.shortcut(shortcutAdd)
	group := h.entry("Group")
	h.w.Canvas().Focus(group)
	for range 40 { // 40 × 15 s: 10 minutes, twice the 5-minute limit
		test.Type(group, "x")
		h.clock.Advance(15 * time.Second)
	}
	if !h.ui.Unlocked() {
		t.Fatal("locked while someone was typing into a field")
	}
	h.clock.Advance(5*time.Minute + 75*time.Second)
	if h.ui.Unlocked() {
		t.Error("not locked 5¼ minutes after the typing stopped")
	}
}

func TestAutoLockAfterSleep(t *testing.T) {
	h := unlocked(t, githubURI)
	// The machine sleeps: the wall clock jumps, no timer has fired yet.
	h.clock.Jump(time.Hour)
	h.ui.Foreground()
	if h.ui.Unlocked() {
		t.Error("not locked when coming back after an hour")
	}
}

func TestQuitClearsClipboardAndLocks(t *testing.T) {
	h := unlocked(t, githubURI)
	v := h.ui.s.v
	h.list().Select(h.entryIndex("GitHub"))
	h.ui.Quit()
	if h.app.Clipboard().Content() != "" {
		t.Error("the code stays on the clipboard after quitting")
	}
	if _, err := v.Accounts(); err == nil {
		t.Error("vault not locked on quit")
	}
}

// TestKeyboardReachesEveryTab: Alt+1… select each tab and put the focus
// on a control inside it (so Tab carries on there); Ctrl+Page Down and Up
// step round the ends.
func TestKeyboardReachesEveryTab(t *testing.T) {
	h := unlocked(t, githubURI)
	m := h.ui.s.main
	for i := range m.tabs.Items {
		h.shortcut(shortcutTabs[i])
		if got := m.tabs.SelectedIndex(); got != i {
			t.Fatalf("Alt+%d selected tab %d", i+1, got)
		}
		f, ok := h.w.Canvas().Focused().(fyne.CanvasObject)
		if !ok {
			t.Fatalf("Alt+%d (%s): nothing has the focus", i+1, tabLabels[i])
		}
		if !positionWithin(m.tabs.Items[i].Content)(f) || !f.Visible() {
			t.Errorf("Alt+%d (%s): the focus is on %T outside the tab", i+1, tabLabels[i], f)
		}
	}
	if h.w.Canvas().Focused() == nil {
		t.Fatal("no focus on the settings tab")
	}
	h.shortcut(shortcutNextTab)
	if m.tabs.SelectedIndex() != 0 || h.w.Canvas().Focused() != m.codes.search {
		t.Errorf("Ctrl+Page Down from the last tab: tab %d, focus %T", m.tabs.SelectedIndex(), h.w.Canvas().Focused())
	}
	h.shortcut(shortcutPrevTab)
	if m.tabs.SelectedIndex() != len(m.tabs.Items)-1 {
		t.Errorf("Ctrl+Page Up from the first tab: tab %d", m.tabs.SelectedIndex())
	}
}

// TestLockAndHideStartNoKeyScan: locking or hiding the window with the
// security keys tab open reloads nothing (a key scan started then could
// report into the unlock screen); showing it again does.
func TestLockAndHideStartNoKeyScan(t *testing.T) {
	h := unlocked(t, githubURI)
	m := h.ui.s.main
	m.tabs.SelectIndex(4)
	const sentinel = "nothing reloaded since"
	m.keys.status.SetText(sentinel)
	h.ui.SetHidden(true)
	if got := m.keys.status.Text; got != sentinel {
		t.Errorf("hiding the window reloaded the keys tab: %q", got)
	}
	h.ui.SetHidden(false)
	if got := m.keys.status.Text; got == sentinel {
		t.Error("showing the window again did not reload the keys tab")
	}
	m.keys.status.SetText(sentinel)
	h.shortcut(shortcutLock)
	if got := m.keys.status.Text; got != sentinel {
		t.Errorf("locking reloaded the keys tab: %q", got)
	}
}

// TestLockClosesDialogs: a QR code or the list of recovery codes open in
// a dialog is gone from the window once it locks (here on idle).
func TestLockClosesDialogs(t *testing.T) {
	h := unlocked(t, githubURI)
	st := h.ui.s.v.(*vault.Store)
	if _, err := st.AddRecoveryCodes("GitHub", "", nil, []string{"aaaa-1111", "bbbb-2222"}); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.row("GitHub").more)
	test.Tap(h.menuItem("Show QR code…"))
	test.Tap(h.dialogButton("Show QR code"))
	h.ui.s.main.selectTab(2)
	test.Tap(h.button("Show all"))
	h.mustSee("aaaa-1111")
	if len(qrImages(h)) != 1 {
		t.Fatal("no QR code on screen before locking")
	}
	h.shortcut(shortcutLock)
	h.mustNotSee("aaaa-1111")
	if len(qrImages(h)) != 0 {
		t.Error("the QR code is still on screen after locking")
	}
	if n := len(h.w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs still open after locking", n)
	}
}

// TestMenuFollowsTheLock: while the vault is locked the menu items that
// need it are disabled, and Ctrl+E opens nothing (each press opened a
// "The vault is locked" error, stacked over the unlock screen: QA);
// unlocked, they are enabled. With a dialog open, Ctrl+E does not open
// a second one on top.
func TestMenuFollowsTheLock(t *testing.T) {
	h := unlocked(t, githubURI)
	items := func() (enabled, disabled []string) {
		for _, m := range h.w.MainMenu().Items {
			for _, it := range m.Items {
				if it.IsSeparator {
					continue
				}
				if it.Disabled {
					disabled = append(disabled, it.Label)
				} else {
					enabled = append(enabled, it.Label)
				}
			}
		}
		return enabled, disabled
	}
	if _, off := items(); len(off) != 0 {
		t.Errorf("unlocked, disabled: %q", off)
	}
	h.shortcut(shortcutExport)
	h.shortcut(shortcutExport)
	if n := len(h.w.Canvas().Overlays().List()); n != 1 {
		t.Errorf("two Ctrl+E: %d dialogs open", n)
	}
	h.ui.Lock()
	if on, _ := items(); len(on) != 0 {
		t.Errorf("locked, enabled: %q", on)
	}
	h.shortcut(shortcutExport)
	if n := len(h.w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("Ctrl+E while locked: %d dialogs open; texts %q", n, h.texts())
	}
	h.unlock(testPassword)
	if _, off := items(); len(off) != 0 {
		t.Errorf("unlocked again, disabled: %q", off)
	}
}
