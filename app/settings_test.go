package app

import (
	"fmt"
	"maps"
	"slices"

	"fyne.io/fyne/v2/test"
	"testing"
	"time"
)

func TestSettingsArePersisted(t *testing.T) {
	h := unlocked(t, githubURI)
	h.ui.s.main.tabs.SelectIndex(5)
	selects := []*selectField{}
	for _, o := range h.objects() {
		if s, ok := o.(*selectField); ok {
			selects = append(selects, s)
		}
	}
	selects[0].SetSelected("After 1 min idle")
	selects[1].SetSelected("After 10 s")
	find(h, "theme", func(s *selectField) bool { return slices.Equal(s.Options, themeLabels) }).SetSelected("Dark")
	find(h, "minimised", func(c *checkField) bool { return true }).SetChecked(true)

	got, err := h.settings.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.AutoLockMinutes != 1 || got.ClipboardClearSeconds != 10 || got.Theme != ThemeDark || !got.StartMinimised {
		t.Errorf("saved %+v", got)
	}
	if len(got.RecentVaults) != 1 {
		t.Errorf("recent vaults lost: %q", got.RecentVaults)
	}
	// The new auto-lock time applies at once.
	h.clock.Advance(time.Minute)
	if h.ui.Unlocked() {
		t.Error("the new auto-lock time is not in force")
	}
	// A new window reads them.
	h2 := newHarness(t)
	h2.settings = h.settings
	h2.path = h.path
	h2.open()
	if h2.ui.Settings().ClipboardClearSeconds != 10 {
		t.Errorf("a new window reads %+v", h2.ui.Settings())
	}
}

func TestSettingsFileIsCheckedAndDefaulted(t *testing.T) {
	dir := t.TempDir()
	f := FileSettings{Path: dir + "/settings.json"}
	s, err := f.Load()
	if err != nil || s.AutoLockMinutes != 5 || s.ClipboardClearSeconds != 30 || s.Theme != ThemeSystem {
		t.Fatalf("defaults: %+v %v", s, err)
	}
	if err := f.Save(Settings{AutoLockMinutes: -3, ClipboardClearSeconds: 99999, Theme: "purple"}); err != nil {
		t.Fatal(err)
	}
	s, _ = f.Load()
	if s.AutoLockMinutes != 5 || s.ClipboardClearSeconds != 30 || s.Theme != ThemeSystem {
		t.Errorf("out-of-range values kept: %+v", s)
	}
	p := DefaultSettingsPath(func(k string) string { return map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}[k] })
	if p != "/x/cfg/twofold/settings.json" {
		t.Errorf("path = %s", p)
	}
}

// TestTimeServerSavedOnLeavingTheField: the time server is saved when the
// field is left (Tab), as every other setting is saved when changed; it
// was saved on Enter only, and a server typed and tabbed away from was
// lost (QA).
func TestTimeServerSavedOnLeavingTheField(t *testing.T) {
	h := unlocked(t, githubURI)
	h.ui.s.main.tabs.SelectIndex(5)
	server := h.entry("Time server (default " + DefaultTimeServer + ")")
	h.w.Canvas().Focus(server)
	test.Type(server, "time.example.org")
	h.tab(false)
	got, err := h.settings.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.TimeServer != "time.example.org" {
		t.Errorf("saved time server %q after Tab", got.TimeServer)
	}
}

// TestKeyFilesAreRememberedPerRecentVault: the settings keep the key
// file last used with each recent vault (its path only), forget it when
// the vault is opened without one, and drop it with the vault from the
// recent list.
func TestKeyFilesAreRememberedPerRecentVault(t *testing.T) {
	s := DefaultSettings().withRecent("/v/a.kdbx", "/k/a.key").withRecent("/v/b.kdbx", "")
	if want := map[string]string{"/v/a.kdbx": "/k/a.key"}; !maps.Equal(s.KeyFiles, want) {
		t.Errorf("key files %q, want %q", s.KeyFiles, want)
	}
	if t2 := s.withRecent("/v/a.kdbx", ""); len(t2.KeyFiles) != 0 {
		t.Errorf("opened without its key file, still remembered: %q", t2.KeyFiles)
	}
	for i := range maxRecent {
		s = s.withRecent(fmt.Sprintf("/v/%d.kdbx", i), "")
	}
	if len(s.KeyFiles) != 0 {
		t.Errorf("key files of vaults no longer recent: %q", s.KeyFiles)
	}
}
