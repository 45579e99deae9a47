package app

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"gopkg.in/macaroon.v2"

	"github.com/twofold-app/twofold/internal/peers"
	"github.com/twofold-app/twofold/vault"
)

func TestRecoveryCodes(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.tabs.SelectIndex(2)
	h.mustSee("No recovery codes yet")
	r := h.ui.s.main.recovery
	r.service.SetText("GitHub")
	r.codes.SetText("Your backup codes:\n1. aaaa-1111\n2. bbbb-2222\n3. cccc-3333\n4. dddd-4444\n")
	test.Tap(h.button("Add recovery codes"))
	h.mustSee("4 of 4 unused")
	h.mustNotSee("Only")

	test.Tap(h.button("Copy next"))
	if got := h.app.Clipboard().Content(); got != "aaaa-1111" {
		t.Errorf("copied %q", got)
	}
	h.mustSee("3 of 4 unused")
	h.mustSee("Only 3 left: generate new recovery codes on GitHub soon.")
	h.mustSee("marked used; 3 left")
	for range 3 {
		test.Tap(h.button("Copy next"))
	}
	h.mustSee("No codes left")
	if !h.button("Copy next").Disabled() {
		t.Error("Copy next stays enabled with no codes left")
	}
	test.Tap(h.button("Show all"))
	h.mustSee("aaaa-1111   used 2025-01-02")
	h.mustSee("GitHub: 0 of 4 unused") // the set named in the text (the title left out its account)
}

// TestShowAllRecoveryCodes: "Show all" shows a set's codes whole where
// the window has room (the dialog showed two lines of them); in a short
// window the list is a Tab stop that Down, End and Home scroll, and
// Escape there closes it.
func TestShowAllRecoveryCodes(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.tabs.SelectIndex(2)
	r := h.ui.s.main.recovery
	r.service.SetText("GitHub")
	var codes []string
	for i := range 16 {
		codes = append(codes, fmt.Sprintf("%04d-%04d", i, i*7))
	}
	r.codes.SetText(strings.Join(codes, "\n"))
	test.Tap(h.button("Add recovery codes"))
	test.Tap(h.button("Show all"))
	list := find(h, "the codes", func(*keyScroll) bool { return true })
	if view, all := list.scroll.Size().Height, list.scroll.Content.MinSize().Height; view < all {
		t.Errorf("16 codes in a window 560 high: %.0f of their %.0f shown", view, all)
	}
	h.key(fyne.KeyEscape)

	h.w.Resize(fyne.NewSize(640, 300))
	test.Tap(h.button("Show all"))
	list = find(h, "the codes", func(*keyScroll) bool { return true })
	view, all := list.scroll.Size().Height, list.scroll.Content.MinSize().Height
	if view >= all || view < 100 {
		t.Fatalf("in a window 300 high the codes' view is %.0f of %.0f", view, all)
	}
	h.tab(false)
	if h.w.Canvas().Focused() != fyne.Focusable(list) || !h.ringedAt(list, 0) {
		t.Fatalf("Tab from Close went to %T, want the ringed list of codes", h.w.Canvas().Focused())
	}
	h.key(fyne.KeyDown)
	if y := list.scroll.Offset.Y; y <= 0 || y > 40 {
		t.Errorf("Down scrolled to %.0f, want a line", y)
	}
	h.key(fyne.KeyEnd)
	if y := list.scroll.Offset.Y; y != all-view {
		t.Errorf("End scrolled to %.0f, want the end (%.0f)", y, all-view)
	}
	h.key(fyne.KeyHome)
	if y := list.scroll.Offset.Y; y != 0 {
		t.Errorf("Home scrolled to %.0f", y)
	}
	h.key(fyne.KeyEscape)
	h.mustNotSee(codes[0])
}

func TestRecoveryCodesExplainBadInput(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.tabs.SelectIndex(2)
	r := h.ui.s.main.recovery
	r.codes.SetText("hello there")
	test.Tap(h.button("Add recovery codes"))
	h.mustSee(`No codes found: paste them one per line, like 1234-5678 or a1b2c3d4. Not taken as codes: "hello there".`)
	r.codes.SetText("1234-5678")
	test.Tap(h.button("Add recovery codes"))
	h.mustSee("Name the service")
}

// TestRecoveryCodesListSkippedLines: a hex code of letters only is kept
// with its set, and what was not taken as a code (prose, a word) is
// listed under the form, so that no code is lost unnoticed; the list
// goes with the next set that leaves nothing out.
func TestRecoveryCodesListSkippedLines(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.tabs.SelectIndex(2)
	r := h.ui.s.main.recovery
	r.service.SetText("Hex")
	r.codes.SetText("Save these codes in a safe place\n1a2b3c4d\ndeadbeef\n5e6f7a8b\nImportant\n")
	test.Tap(h.button("Add recovery codes"))
	h.mustSee("3 of 3 unused")
	h.mustSee("Added 3 recovery codes for Hex; skipped 2 lines (listed under the form)")
	h.mustSee("Skipped 2 lines that do not look like codes; check that none is one:\nSave these codes in a safe place\nImportant")
	test.Tap(h.button("Show all"))
	h.mustSee("deadbeef")
	h.key(fyne.KeyEscape)

	r.service.SetText("Solo")
	r.codes.SetText("9876-5432")
	test.Tap(h.button("Add recovery codes"))
	h.mustSee("Added 1 recovery code for Solo")
	h.mustNotSee("Skipped")
}

func pypiToken(t *testing.T, caveat string) string {
	t.Helper()
	m, err := macaroon.New([]byte("root key"), []byte("id"), "pypi.org", macaroon.V2)
	if err != nil {
		t.Fatal(err)
	}
	if caveat != "" {
		if err := m.AddFirstPartyCaveat([]byte(caveat)); err != nil {
			t.Fatal(err)
		}
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return "pypi-" + base64.RawURLEncoding.EncodeToString(b)
}

func TestTokens(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.tabs.SelectIndex(3)
	h.mustSee("No API tokens yet")
	v := h.ui.s.main.tokens
	wide := pypiToken(t, `{"version": 1, "permissions": "user"}`)
	v.name.SetText("PyPI everything")
	v.token.SetText(wide)
	test.Tap(h.button("Add token"))
	v.name.SetText("PyPI mypkg")
	v.token.SetText(pypiToken(t, `[1, ["mypkg"]]`))
	test.Tap(h.button("Add token"))
	v.name.SetText("GH deploy")
	v.token.SetText("ghp_" + strings.Repeat("a", 36))
	test.Tap(h.button("Add token"))
	h.mustSee("github · scope unknown · expiry unknown") // a GitHub token does not say
	v.name.SetText("Mystery")
	v.token.SetText("abc123")
	test.Tap(h.button("Add token"))
	h.mustSee("unrecognised token format")

	h.mustSee("pypi · whole account · no expiry")
	h.mustSee("pypi · projects: mypkg · no expiry")
	h.mustSee("This PyPI token can upload to every project of the account")
	test.Tap(find(h, "copy", func(b *widget.Button) bool { return b.Text == "Copy" }))
	if h.app.Clipboard().Content() != wide {
		t.Error("copy did not put the token on the clipboard")
	}
	h.mustSee("Copied the PyPI everything token")
}

// TestTokenExpiry shows a token's expiry date, warns from two weeks
// before it, and says when it has expired (the clock is the harness's).
func TestTokenExpiry(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.tabs.SelectIndex(3)
	v := h.ui.s.main.tokens
	for _, tc := range []struct {
		name    string
		expires time.Time
	}{
		{"far", t0.AddDate(1, 0, 0)},
		{"soon", t0.Add(3 * 24 * time.Hour)},
		{"gone", t0.Add(-time.Hour)},
	} {
		v.name.SetText("PyPI " + tc.name)
		v.token.SetText(pypiToken(t, fmt.Sprintf(`[0, %d, %d]`, tc.expires.Unix(), tc.expires.Add(-48*time.Hour).Unix())))
		test.Tap(h.button("Add token"))
	}
	// The expired one says so when added (QA: a green "Added" only) and
	// under its line.
	h.mustSee("Added the token PyPI gone; it has already expired")
	h.mustSee("PyPI gone expired on 2025-01-02: PyPI refuses it. Create a new token")
	if n := strings.Count(strings.Join(h.texts(), "\n"), "refuses it"); n != 1 {
		t.Errorf("%d expiry warnings for one expired token", n)
	}
	// The one expiring soon says how soon and what to do (QA: an orange
	// line without a word).
	h.mustSee("PyPI soon expires in 3 days. Create a new token on PyPI before then")
	// Every whole-account token but the expired one (it uploads nothing)
	// warns of its scope.
	if n := strings.Count(strings.Join(h.texts(), "\n"), "can upload to every project"); n != 2 {
		t.Errorf("%d scope warnings for two live whole-account tokens", n)
	}
	for text, warned := range map[string]bool{
		"pypi · whole account · expires 2026-01-02":             false,
		"pypi · whole account · expires 2025-01-05 (in 3 days)": true,
		"pypi · whole account · expired 2025-01-02":             true,
	} {
		l := find(h, "label "+text, func(l *widget.Label) bool { return l.Text == text })
		if got := l.Importance == widget.WarningImportance; got != warned {
			t.Errorf("%q: warning %v, want %v", text, got, warned)
		}
	}
}

// TestAddedTokensAndCodesAreShown: after adding a token or recovery codes
// (from the keyboard, in a short window) the notice line confirms, and
// the focus is on the new item's Copy button, in view; it was left on the
// Add button, scrolled away. (That the page is laid out again, where the
// new token was drawn over the form below the list, only a real window
// shows: the test driver lays out on every change.)
func TestAddedTokensAndCodesAreShown(t *testing.T) {
	h := unlocked(t)
	h.w.Resize(fyne.NewSize(640, 420))
	inView := func(b *button, scroll fyne.CanvasObject) {
		t.Helper()
		if h.focusedButton() != b {
			t.Fatalf("focused: %T, want the new item's %s", h.w.Canvas().Focused(), b.Text)
		}
		d := fyne.CurrentApp().Driver()
		top := d.AbsolutePositionForObject(b).Y - d.AbsolutePositionForObject(scroll).Y
		if top < 0 || top+b.Size().Height > scroll.Size().Height {
			t.Errorf("the focused %s spans %.0f–%.0f of a view %.0f high", b.Text, top, top+b.Size().Height, scroll.Size().Height)
		}
	}

	h.ui.s.main.tabs.SelectIndex(3)
	v := h.ui.s.main.tokens
	for i, name := range []string{"PyPI mypkg", "PyPI other"} {
		v.name.SetText(name)
		v.token.SetText(pypiToken(t, fmt.Sprintf(`[1, ["pkg%d"]]`, i)))
		h.w.Canvas().Focus(v.token)
		h.key(fyne.KeyReturn)
		h.mustSee("Added the token " + name)
		tokens, _ := h.ui.s.v.Tokens()
		inView(v.copies[tokens[len(tokens)-1].ID], v.content)
	}

	h.ui.s.main.tabs.SelectIndex(2)
	r := h.ui.s.main.recovery
	for _, service := range []string{"GitHub", "PyPI"} {
		r.service.SetText(service)
		r.codes.SetText("aaaa-1111\nbbbb-2222\ncccc-3333\n")
		h.w.Canvas().Focus(find(h, "Add recovery codes", func(b *button) bool { return b.Text == "Add recovery codes" }))
		h.key(fyne.KeyReturn)
		h.mustSee("Added 3 recovery codes for " + service)
		sets, _ := h.ui.s.v.RecoverySets()
		for _, s := range sets {
			if s.Service == service {
				inView(r.copyNext[s.ID], r.content)
			}
		}
	}
}

// TestRemoveToken: a token is removed from the window, after a question
// that says where it goes and that removing does not revoke it;
// Cancel keeps it. (Only the CLI's rm could remove one.)
func TestRemoveToken(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.tabs.SelectIndex(3)
	v := h.ui.s.main.tokens
	v.name.SetText("GH deploy")
	v.token.SetText("ghp_" + strings.Repeat("a", 36))
	test.Tap(h.button("Add token"))
	test.Tap(h.button("Remove…"))
	h.mustSee("The token GH deploy will be moved to the vault's recycle bin")
	h.mustSee("does not revoke it: if it may have leaked, revoke it on github too")
	test.Tap(h.dialogButton("Cancel"))
	h.mustSee("GH deploy")
	test.Tap(h.button("Remove…"))
	test.Tap(h.dialogButton("Remove"))
	h.mustSee("Removed the token GH deploy (moved to the recycle bin)")
	h.mustSee("No API tokens yet")
	s, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	if tokens, _ := s.Tokens(); len(tokens) != 0 {
		t.Errorf("saved tokens: %+v", tokens)
	}
}

// TestRemoveRecoverySet: a set of recovery codes is removed from the
// window, after a question that says where it goes and that unused codes
// still work on the service; Cancel keeps it.
func TestRemoveRecoverySet(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.tabs.SelectIndex(2)
	r := h.ui.s.main.recovery
	r.service.SetText("GitHub")
	r.codes.SetText("aaaa-1111\nbbbb-2222")
	test.Tap(h.button("Add recovery codes"))
	test.Tap(h.button("Remove…"))
	h.mustSee("The recovery codes of GitHub will be moved to the vault's recycle bin")
	h.mustSee("codes you have not used still sign in to GitHub")
	test.Tap(h.dialogButton("Cancel"))
	h.mustSee("2 of 2 unused")
	test.Tap(h.button("Remove…"))
	test.Tap(h.dialogButton("Remove"))
	h.mustSee("Removed the recovery codes of GitHub (moved to the recycle bin)")
	h.mustSee("No recovery codes yet")
	s, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	if sets, _ := s.RecoverySets(); len(sets) != 0 {
		t.Errorf("saved sets: %+v", sets)
	}
}

// TestRecoverySetWithoutCodes: a set whose codes were cleared in
// KeePassXC is shown with what is wrong and how to mend it, and the other
// sets stay listed and usable (one such set turned the whole tab into an
// error); new codes for its service replace it.
func TestRecoverySetWithoutCodes(t *testing.T) {
	peers.Require(t, "keepassxc-cli")
	h := newHarness(t)
	h.makeVault(githubURI)
	s, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for service, codes := range map[string][]string{"GitHub": {"aaaa-1111", "bbbb-2222"}, "Dropbox": {"cccc-3333", "dddd-4444"}} {
		if _, err := s.AddRecoveryCodes(service, "", nil, codes); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s.Lock()
	// Dropbox's codes cleared in KeePassXC: its file, exported, edited
	// and imported again.
	field := regexp.MustCompile(`(<Key>Recovery Codes</Key>\s*<Value[^>]*>)cccc-3333\s+dddd-4444\s*(</Value>)`)
	h.editInKeePassXC(func(xml string) string {
		if !field.MatchString(xml) {
			t.Fatalf("no Dropbox codes in KeePassXC's export:\n%s", xml)
		}
		return field.ReplaceAllString(xml, "${1}${2}")
	})

	h.open()
	h.unlock(testPassword)
	h.ui.s.main.tabs.SelectIndex(2)
	h.mustSee("2 of 2 unused")
	h.mustSee("No codes stored")
	h.mustSee(`No recovery codes stored: its "Recovery Codes" field is empty. Add the codes again below (they replace this set), or put them back in KeePassXC`)
	test.Tap(h.button("Copy next"))
	if got := h.app.Clipboard().Content(); got != "aaaa-1111" {
		t.Errorf("Copy next beside a set without codes copied %q", got)
	}

	r := h.ui.s.main.recovery
	r.service.SetText("Dropbox")
	r.codes.SetText("eeee-5555\nffff-6666\n")
	test.Tap(h.button("Add recovery codes"))
	h.mustSee("Replace the recovery codes of Dropbox?")
	test.Tap(h.dialogButton("Replace"))
	h.mustNotSee("No codes stored")
	h.mustSee("2 of 2 unused")
	h.mustSee("1 of 2 unused")
}
