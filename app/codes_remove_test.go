package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/twofold-app/twofold/internal/peers"
	"github.com/twofold-app/twofold/vault"
)

// menuItem finds the item of an open pop-up menu by its label.
func (h *harness) menuItem(label string) fyne.Tappable {
	h.t.Helper()
	if tap := h.openMenuItem(label); tap != nil {
		return tap
	}
	h.t.Fatalf("no menu item %q on screen", label)
	return nil
}

// openMenuItem is menuItem, nil when no open menu has the item.
func (h *harness) openMenuItem(label string) fyne.Tappable {
	for _, o := range h.objects() {
		tap, ok := o.(fyne.Tappable)
		w, isWidget := o.(fyne.Widget)
		if !ok || !isWidget {
			continue
		}
		for _, ch := range test.WidgetRenderer(w).Objects() {
			if t, ok := ch.(*canvas.Text); ok && t.Text == label && ch.Visible() {
				return tap
			}
		}
	}
	return nil
}

// listed reports the issuers of the codes screen and of the rows drawn.
func (h *harness) listed() []string {
	var out []string
	for _, e := range h.ui.s.main.codes.entries {
		if e.account != nil {
			out = append(out, e.account.Issuer)
		}
	}
	for _, r := range h.rows() {
		if !slices.Contains(out, r.data.Account.Issuer) {
			out = append(out, r.data.Account.Issuer+" (drawn, not listed)")
		}
	}
	return out
}

// savedIssuers lists the live accounts of the vault file, read afresh.
func (h *harness) savedIssuers() []string {
	h.t.Helper()
	s, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	defer s.Lock()
	accounts, err := s.Accounts()
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, a := range accounts {
		out = append(out, a.Issuer)
	}
	return out
}

func TestRemoveAccountFromRowMenu(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI)
	test.Tap(h.row("GitHub").more)
	test.Tap(h.menuItem("Remove…"))
	h.mustSee("Remove this account?")
	h.mustSee("GitHub (me@example.com) will be moved")
	h.mustSee("moved to the vault's recycle bin")
	test.Tap(h.dialogButton("Remove"))

	if got := h.listed(); !slices.Equal(got, []string{"PyPI"}) {
		t.Errorf("listed after removing GitHub: %q", got)
	}
	h.mustSee("Removed GitHub (me@example.com)")
	if got := h.savedIssuers(); !slices.Equal(got, []string{"PyPI"}) {
		t.Errorf("live accounts in the saved vault: %q", got)
	}
}

func TestRemoveAccountWithDeleteKey(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI, acmeURI)
	l := h.list()
	h.w.Canvas().Focus(l)
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // GitHub → PyPI
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	h.mustSee("PyPI (me) will be moved")
	test.Tap(h.dialogButton("Remove"))
	if got := h.listed(); !slices.Equal(got, []string{"GitHub", "Acme Corp"}) {
		t.Errorf("listed after removing PyPI: %q", got)
	}
	if got := h.savedIssuers(); !slices.Equal(got, []string{"GitHub", "Acme Corp"}) {
		t.Errorf("live accounts in the saved vault: %q", got)
	}
}

func TestRemoveCancelKeepsTheAccount(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI)
	l := h.list()
	h.w.Canvas().Focus(l)
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	h.mustSee("Remove this account?")
	h.mustSee("GitHub (me@example.com) will be moved")
	test.Tap(h.dialogButton("Cancel"))
	h.mustNotSee("Remove this account?")
	if got := h.listed(); !slices.Equal(got, []string{"GitHub", "PyPI"}) {
		t.Errorf("listed after cancelling: %q", got)
	}
	if got := h.savedIssuers(); !slices.Equal(got, []string{"GitHub", "PyPI"}) {
		t.Errorf("live accounts in the saved vault: %q", got)
	}
	if h.ui.s.v.(*vault.Store).Dirty() {
		t.Error("cancelling left an unsaved change")
	}
}

// TestRemoveFailedSaveKeepsTheAccount: when the vault cannot be saved
// (here another program saved it meanwhile), the account stays listed and
// in the file, the error says so, and a later save does not write the
// removal after all.
func TestRemoveFailedSaveKeepsTheAccount(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI)
	other, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	accounts, _ := other.Accounts()
	if err := other.SetFavourite(accounts[1].ID, true); err != nil {
		t.Fatal(err)
	}
	if err := other.Save(); err != nil {
		t.Fatal(err)
	}
	other.Lock()

	test.Tap(h.row("GitHub").more)
	test.Tap(h.menuItem("Remove…"))
	test.Tap(h.dialogButton("Remove"))
	h.mustSee("The vault changed on disk")
	h.mustSee("GitHub (me@example.com) was not removed")
	if got := h.listed(); !slices.Equal(got, []string{"GitHub", "PyPI"}) {
		t.Errorf("listed after the failed save: %q", got)
	}
	if h.ui.s.v.(*vault.Store).Dirty() {
		t.Error("the failed removal is still pending in memory")
	}
	if got := h.savedIssuers(); !slices.Equal(got, []string{"PyPI", "GitHub"}) { // PyPI is a favourite now
		t.Errorf("live accounts in the file: %q", got)
	}
}

func TestRowMenuCopiesTheCode(t *testing.T) {
	h := unlocked(t, githubURI)
	test.Tap(h.row("GitHub").more)
	test.Tap(h.menuItem("Copy code"))
	if got := h.app.Clipboard().Content(); got != expected(t, githubURI, t0) {
		t.Errorf("clipboard = %q", got)
	}
}

// TestRemovedAccountIsInKeePassRecycleBin checks the dialog's promise
// with KeePassXC: the entry is in its recycle bin, not gone.
func TestRemovedAccountIsInKeePassRecycleBin(t *testing.T) {
	peers.Require(t, "keepassxc-cli")
	h := unlocked(t, githubURI, pypiURI)
	h.ui.s.main.codes.remove(h.row("GitHub").data.Account)
	tree := peers.KeePassXC{Path: h.path, Password: testPassword}.Do(t, "", "ls", "-R", "-f")
	if !strings.Contains(tree, "Recycle Bin/GitHub") {
		t.Errorf("KeePassXC does not see GitHub in the recycle bin:\n%s", tree)
	}
}

// TestRemoveWithoutRecycleBinSaysDeleted: in a vault whose recycle bin
// was turned off in KeePassXC, the confirmation and the notice say the
// account is deleted for good, which is what Remove then does.
func TestRemoveWithoutRecycleBinSaysDeleted(t *testing.T) {
	peers.Require(t, "keepassxc-cli")
	h := newHarness(t)
	h.makeVault(githubURI, pypiURI)
	h.editInKeePassXC(func(xml string) string {
		return strings.Replace(xml, "<RecycleBinEnabled>True<", "<RecycleBinEnabled>False<", 1)
	})
	h.open()
	h.unlock(testPassword)

	test.Tap(h.row("GitHub").more)
	test.Tap(h.menuItem("Remove…"))
	h.mustSee("will be deleted for good")
	h.mustNotSee("moved to the vault's recycle bin")
	test.Tap(h.dialogButton("Remove"))
	h.mustSee("Deleted GitHub (me@example.com)")
	kx := peers.KeePassXC{Path: h.path, Password: testPassword}
	if tree := kx.Do(t, "", "ls", "-R", "-f"); strings.Contains(tree, "GitHub") {
		t.Errorf("GitHub still in the file:\n%s", tree)
	}
}

// TestRemoveKeepsTheFocusOnAnAccount: removing the last account of a
// group from the keyboard leaves the list's highlight on an account
// line; it was left on the next group's heading, where Enter copies
// nothing (QA).
func TestRemoveKeepsTheFocusOnAnAccount(t *testing.T) {
	h := unlocked(t, githubURI, acmeURI, "Work|"+pypiURI)
	v, l := h.ui.s.main.codes, h.list()
	work := slices.IndexFunc(v.entries, func(e listEntry) bool { return e.heading == "Work" })
	last := v.accountAt(work - 1)
	h.w.Canvas().Focus(l)
	l.highlightLine(work - 1)
	v.remove(*last)
	if a := v.accountAt(l.highlight); a == nil || !l.focused {
		t.Errorf("after removing %s the highlight is on line %d (%q), focused %v", last.Name(), l.highlight, v.entries[l.highlight].heading, l.focused)
	}
	h.key(fyne.KeyReturn)
	h.mustSee("Copied PyPI")
}

// TestNamesakesSayWhenAdded: two accounts of one name (an import keeps
// both and advises removing the stale one) are told apart by when each
// was added, on their lines and in the Remove question; they looked the
// same (QA). An account without a namesake does not say.
func TestNamesakesSayWhenAdded(t *testing.T) {
	other := strings.Replace(githubURI, "JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ", 1)
	h := unlocked(t, githubURI, other, pypiURI)
	added := "added " + t0.Local().Format("2006-01-02 15:04")
	for _, r := range h.rows() {
		namesake := r.data.Account.Issuer == "GitHub"
		if got := strings.Contains(r.account.Text, added); got != namesake {
			t.Errorf("%s: subtitle %q", r.data.Account.Name(), r.account.Text)
		}
	}
	h.ui.s.main.codes.confirmRemove(h.row("GitHub").data.Account)
	h.mustSee("GitHub (me@example.com), " + added + " will be moved")
}
