package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
)

// githubSecret is githubURI's secret.
const githubSecret = "JBSWY3DPEHPK3PXP"

// exportDialog opens the export dialog on format i.
func (h *harness) exportDialog(i int) (*selectField, *widget.Button) {
	h.t.Helper()
	h.ui.showExport()
	sel := find(h, "format select", func(s *selectField) bool { return len(s.Options) == len(exportFormats) })
	sel.SetSelectedIndex(i)
	return sel, h.dialogButton("Export…")
}

// TestImportExportShortcuts: Ctrl+I imports (the file chooser opens)
// and Ctrl+E exports; they were reachable only through the menu bar.
func TestImportExportShortcuts(t *testing.T) {
	h := unlocked(t, githubURI)
	h.shortcut(shortcutImport)
	if h.picked != 1 {
		t.Errorf("Ctrl+I: the file chooser opened %d times", h.picked)
	}
	h.shortcut(shortcutExport)
	find(h, "format select", func(s *selectField) bool { return len(s.Options) == len(exportFormats) })
}

func (h *harness) check(prefix string) *checkField {
	h.t.Helper()
	return find(h, "check "+prefix, func(c *checkField) bool { return len(c.Text) >= len(prefix) && c.Text[:len(prefix)] == prefix })
}

func TestExportNeedsConfirmationOfClearText(t *testing.T) {
	h := unlocked(t, githubURI)
	h.pick = filepath.Join(h.dir, "out.txt")
	sel, export := h.exportDialog(0)
	h.mustSee("holds the secrets of all your accounts in the clear")
	if !export.Disabled() {
		t.Fatal("Export is enabled before the clear-text confirmation")
	}
	test.Tap(export)
	if h.picked != 0 {
		t.Fatal("a disabled Export asked for a file")
	}
	test.Tap(h.check("I understand"))
	if export.Disabled() {
		t.Fatal("Export stays disabled after the confirmation")
	}

	// Encrypted Aegis: no confirmation, but a password typed twice.
	sel.SetSelectedIndex(2)
	h.mustNotSee("in the clear")
	if !export.Disabled() {
		t.Fatal("encrypted export enabled without a password")
	}
	test.Type(h.entry("Password for the export"), "pw")
	test.Type(h.entry("The same password"), "pX")
	if !export.Disabled() {
		t.Fatal("encrypted export enabled with passwords that differ")
	}
	h.entry("The same password").SetText("pw")
	if export.Disabled() {
		t.Fatal("encrypted export disabled with a password")
	}
	test.Tap(h.dialogButton("Cancel"))
	if h.picked != 0 {
		t.Error("Cancel asked for a file")
	}
}

// TestExportRoundTrip exports the vault in every format and, except the
// PDF, imports the file back: every account is a duplicate of itself
// (same names and secrets).
func TestExportRoundTrip(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI, "Work|"+acmeURI)
	for i, f := range exportFormats {
		t.Run(f.file, func(t *testing.T) {
			h.pick = filepath.Join(h.dir, f.file)
			if err := os.WriteFile(h.pick, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, export := h.exportDialog(i)
			if f.encrypted {
				h.entry("Password for the export").SetText("steed-subtly-preformed-herring-perch")
				h.entry("The same password").SetText("steed-subtly-preformed-herring-perch")
			} else {
				test.Tap(h.check("I understand"))
			}
			test.Tap(export)
			h.work.flush()
			h.mustSee("Exported 3 accounts to " + f.file)
			fi, err := os.Stat(h.pick)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v", fi.Mode())
			}
			if left, _ := filepath.Glob(filepath.Join(h.dir, "."+f.file+"*")); len(left) > 0 {
				t.Errorf("temporary files left behind: %q", left)
			}
			if filepath.Ext(f.file) == ".pdf" {
				return
			}
			h.ui.showImport()
			h.work.flush()
			if f.encrypted {
				label := "Export password"
				if f.create != nil {
					label = "Password of the KeePass file"
				}
				h.entry(label).SetText("steed-subtly-preformed-herring-perch")
				test.Tap(h.dialogButton("Decrypt"))
				h.work.flush()
			}
			h.mustSee("0 new, 3 already in the vault, 0 cannot be imported")
			test.Tap(h.dialogButton("Close"))
		})
	}
}

const (
	steamURI = "otpauth://steam/Steam:gaben?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam"
	slowURI  = "otpauth://totp/Slow:me?secret=JBSWY3DPEHPK3PXP&issuer=Slow&period=60"
)

// googleFormat is the export dialog's Google Authenticator choice.
func googleFormat(t *testing.T) int {
	t.Helper()
	i := slices.IndexFunc(exportFormats, func(f exportFormat) bool { return f.file == "twofold-google.png" })
	if i < 0 {
		t.Fatal("no Google Authenticator export")
	}
	return i
}

// TestExportNamesWhatGoogleLeavesOut: choosing Google Authenticator
// names the accounts it cannot hold, and why in plain words, before
// Export asks where to save (QA: the window said so only after writing
// the file, too late to choose another format, with "unsupported import
// or export variant" after each reason). Another format says nothing of
// it; the export then holds the rest, and no report repeats the list.
func TestExportNamesWhatGoogleLeavesOut(t *testing.T) {
	h := unlocked(t, githubURI, steamURI, slowURI)
	h.pick = filepath.Join(h.dir, "g.png")
	sel, export := h.exportDialog(googleFormat(t))
	h.mustSee("This format leaves out 2 of your 3 accounts (choose another format to keep them):\n" +
		"• Steam (gaben): Steam codes (Google Authenticator has no Steam type)\n" +
		"• Slow (me): 60 s period (Google Authenticator has 30 s)")
	h.mustNotSee("unsupported")
	if h.picked != 0 {
		t.Fatal("the dialog asked for a file before Export")
	}
	sel.SetSelectedIndex(0)
	h.mustNotSee("leaves out")
	sel.SetSelectedIndex(googleFormat(t))
	h.mustSee("leaves out 2 of your 3")
	test.Tap(h.check("I understand"))
	test.Tap(export)
	h.work.flush()
	h.mustSee("Exported 1 account to g.png")
	h.mustNotSee("not exported")
	h.ui.showImport()
	h.work.flush()
	h.mustSee("0 new, 1 already in the vault, 0 cannot be imported")
}

// TestExportRefusesWhatGoogleCannotHold: a vault of accounts Google
// Authenticator cannot hold says so on choosing the format, and Export
// stays off: no file dialog, no file (it used to fail after the file
// was chosen).
func TestExportRefusesWhatGoogleCannotHold(t *testing.T) {
	h := unlocked(t, steamURI, slowURI)
	h.pick = filepath.Join(h.dir, "g.png")
	sel, export := h.exportDialog(googleFormat(t))
	h.mustSee("This format cannot hold any of your accounts, so there is nothing to export. Choose another format:\n" +
		"• Steam (gaben): Steam codes (Google Authenticator has no Steam type)\n" +
		"• Slow (me): 60 s period (Google Authenticator has 30 s)")
	if !export.Disabled() {
		t.Fatal("Export is enabled with nothing to export")
	}
	for _, o := range h.objects() {
		if c, ok := o.(*checkField); ok && strings.HasPrefix(c.Text, "I understand") {
			t.Error("the clear-text confirmation shows with nothing to export")
		}
	}
	sel.SetSelectedIndex(0)
	h.mustNotSee("cannot hold")
	test.Tap(h.check("I understand"))
	if export.Disabled() {
		t.Fatal("Export stays off for a format that holds them")
	}
	// Confirmed for another format, then Google's chosen: still off.
	sel.SetSelectedIndex(googleFormat(t))
	h.mustSee("cannot hold any of your accounts")
	if !export.Disabled() {
		t.Fatal("Export is enabled with nothing to export, after a confirmation for another format")
	}
	test.Tap(export)
	h.work.flush()
	if h.picked != 0 {
		t.Error("Export asked where to save nothing")
	}
	if _, err := os.Stat(h.pick); err == nil {
		t.Error("a file was written")
	}
}

// TestExportListsAHandfulLeftOut: a long list of accounts Google
// Authenticator cannot hold names a few and counts the rest, and long
// names wrap: the dialog fits the window.
func TestExportListsAHandfulLeftOut(t *testing.T) {
	uris := []string{githubURI}
	name := "Example Corporation International Holdings Regional Office"
	for i := range 7 {
		uris = append(uris, fmt.Sprintf("otpauth://totp/%s%%20%d:a.very.long.email.address@subdomain.example.com?secret=JBSWY3DPEHPK3PXP&issuer=%s%%20%d&period=60",
			strings.ReplaceAll(name, " ", "%20"), i, strings.ReplaceAll(name, " ", "%20"), i))
	}
	h := unlocked(t, uris...)
	h.exportDialog(googleFormat(t))
	h.mustSee("leaves out 7 of your 8 accounts")
	h.mustSee(name + " 2 (a.very.long.email.address@subdomain.example.com): 60 s period")
	h.mustNotSee(name + " 3 ")
	h.mustSee("\nand 4 more")
	top, win := h.w.Canvas().Overlays().Top(), h.w.Canvas().Size()
	if need := top.MinSize(); need.Width > win.Width || need.Height > win.Height {
		t.Errorf("the dialog needs %.0f×%.0f, in a window of %.0f×%.0f", need.Width, need.Height, win.Width, win.Height)
	}
}

// TestExportRecoveryKit prints the kit from the window and reads it with
// pdftotext: the vault's location, the unused recovery codes (not the
// used one) and the key inventory; account secrets only when asked for.
func TestExportRecoveryKit(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is needed in CI (Debian package poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	h := unlocked(t, githubURI)
	st := h.ui.s.v.(*vault.Store)
	set, err := st.AddRecoveryCodes("PyPI", "me", nil, []string{"aaaa-1111", "bbbb-2222", "cccc-3333"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.UseRecoveryCode(set.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordSecurityKey("Blue key", "ee882879-721c-4913-9775-3dfcce97072a", "YubiKey 5"); err != nil {
		t.Fatal(err)
	}
	kit := slices.IndexFunc(exportFormats, func(f exportFormat) bool { return f.kit })
	read := func(name string, secrets bool) string {
		h.pick = filepath.Join(h.dir, name)
		_, export := h.exportDialog(kit)
		h.mustSee("holds your unused recovery codes in the clear")
		if secrets {
			test.Tap(h.check("Add each account's QR code"))
			h.mustSee("and the secrets of all your accounts in the clear")
		}
		test.Tap(h.check("I understand"))
		test.Tap(export)
		h.work.flush()
		out, err := exec.Command(pdftotext, "-layout", h.pick, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	text := read("kit.pdf", false)
	for _, want := range []string{filepath.Base(h.path), "PyPI", "bbbb-2222", "cccc-3333", "Blue key", "GitHub"} {
		if !strings.Contains(text, want) {
			t.Errorf("the kit lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"aaaa-1111", githubSecret} {
		if strings.Contains(text, bad) {
			t.Errorf("the kit holds %q, which it must not", bad)
		}
	}
	if text := read("kit-secrets.pdf", true); !strings.Contains(strings.ReplaceAll(text, " ", ""), githubSecret) {
		t.Errorf("asked for account secrets, the kit lacks GitHub's:\n%s", text)
	}
}
