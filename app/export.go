package app

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
	"github.com/twofold-app/twofold/vault/transfer"
)

// exportFormat is one choice of the export dialog.
type exportFormat struct {
	label string
	file  string // proposed file name
	// encrypted formats need a password and no clear-text confirmation.
	encrypted bool
	// write writes src to w; it returns the accounts it had to leave out.
	write func(src transfer.Source, w io.Writer, o exportOptions) ([]transfer.Skipped, error)
	// create, instead of write, makes the file at a path of its own
	// (KeePass databases are written by a vault, not to a stream).
	create func(src transfer.Source, path string, o exportOptions) error
	// kit is the printable recovery kit: it offers the account secrets
	// and reads recovery codes and keys from the vault.
	kit bool
	// check, if set, says why the format cannot hold an account of these
	// parameters (nil: it can). The dialog names the accounts it refuses
	// before anything is saved; write leaves out the same ones.
	check func(otp.Params) error
}

// exportOptions are the dialog's answers a format may need.
type exportOptions struct {
	password []byte // encrypted formats
	kit      transfer.KitOptions
	// keepass creates KeePass exports (the KDF new vaults get).
	keepass vault.CreateOptions
}

var exportFormats = []exportFormat{
	{label: "otpauth:// links (text, one a line)", file: "twofold-accounts.txt", write: writeURIs},
	{label: "Aegis backup, not encrypted (.json)", file: "twofold-aegis.json", write: writeAegis},
	{label: "Aegis backup, encrypted (.json)", file: "twofold-aegis-encrypted.json", encrypted: true, write: writeAegis},
	{label: "Google Authenticator QR codes (.png)", file: "twofold-google.png", write: writeGoogle, check: transfer.CheckGoogle},
	{label: "KeePass database, encrypted (.kdbx)", file: "twofold-export.kdbx", encrypted: true, create: createKeePass},
	{label: "Printable recovery kit (.pdf)", file: "twofold-recovery-kit.pdf", write: writeKit, kit: true},
}

func createKeePass(src transfer.Source, path string, o exportOptions) error {
	return transfer.ExportKeePass(src, path, vault.Credentials{Password: o.password}, o.keepass)
}

func writeURIs(src transfer.Source, w io.Writer, _ exportOptions) ([]transfer.Skipped, error) {
	return nil, transfer.ExportURIs(src, w)
}

func writeAegis(src transfer.Source, w io.Writer, o exportOptions) ([]transfer.Skipped, error) {
	return nil, transfer.ExportAegis(src, w, transfer.AegisOptions{Password: o.password})
}

func writeKit(src transfer.Source, w io.Writer, o exportOptions) ([]transfer.Skipped, error) {
	return nil, transfer.RecoveryKit(src, w, o.kit)
}

// writeGoogle writes the migration batch as one PNG, its codes one under
// the other (Google Authenticator scans them one by one from the screen;
// Twofold reads them all from the file).
func writeGoogle(src transfer.Source, w io.Writer, _ exportOptions) ([]transfer.Skipped, error) {
	uris, skipped, err := transfer.ExportGoogle(src)
	defer wipeAll(uris)
	if err != nil {
		return skipped, err
	}
	var imgs []*image.Gray
	for _, u := range uris {
		q, err := transfer.EncodeQR(u)
		if err != nil {
			return skipped, err
		}
		imgs = append(imgs, q.Image(4))
	}
	if err := png.Encode(w, stackImages(imgs)); err != nil {
		return skipped, fmt.Errorf("export google: %w", err)
	}
	return skipped, nil
}

// stackImages puts images one under the other, on white.
func stackImages(imgs []*image.Gray) *image.Gray {
	w, h := 0, 0
	for _, im := range imgs {
		w, h = max(w, im.Rect.Dx()), h+im.Rect.Dy()
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for i := range out.Pix {
		out.Pix[i] = 0xff
	}
	y := 0
	for _, im := range imgs {
		draw.Draw(out, im.Rect.Add(image.Pt(0, y)), im, im.Rect.Min, draw.Src)
		y += im.Rect.Dy()
	}
	return out
}

// exportView is the export dialog: a format, then either the
// confirmation that the file holds the secrets in the clear or the
// encryption password.
type exportView struct {
	u                *UI
	store            *vault.Store
	format           *selectField
	warning          *widget.Label
	confirm          *checkField
	kitSecrets       *checkField
	password, repeat *entry
	// passwords holds the password fields, the strength meter and
	// "The passwords differ".
	passwords *fyne.Container
	meter     *strengthMeter
	problem   *problemView
	export    *button
	dialog    *appDialog
	// leftOut names the accounts the chosen format cannot hold, and why;
	// none: it cannot hold a single one (Export stays off).
	leftOut *widget.Label
	none    bool
}

// showExport is the "Export…" menu item.
func (u *UI) showExport() {
	if u.s == nil || u.w.Canvas().Overlays().Top() != nil {
		return // locked, or a dialog is open: one at a time (QA: they stacked)
	}
	st, ok := u.s.v.(*vault.Store)
	if !ok {
		showError(u.w, errNoImport)
		return
	}
	u.touch()
	v := newExportView(u, st)
	v.dialog.Show()
}

func newExportView(u *UI, st *vault.Store) *exportView {
	v := &exportView{u: u, store: st}
	labels := make([]string, len(exportFormats))
	for i, f := range exportFormats {
		labels[i] = f.label
	}
	v.format = newSelect(labels, func(string) { v.formatChosen() })
	v.warning = widget.NewLabel("")
	v.warning.Wrapping = fyne.TextWrapWord
	v.warning.Importance = widget.WarningImportance
	v.leftOut = widget.NewLabel("")
	v.leftOut.Wrapping = fyne.TextWrapWord // long account names wrap, not widen the window
	v.leftOut.Importance = widget.WarningImportance
	v.leftOut.Hide()
	v.confirm = newCheck("I understand: the file is not encrypted", func(bool) { v.sync() })
	v.kitSecrets = newCheck("Add each account's QR code and secret", func(bool) { v.sync() })
	v.password, v.repeat = newPasswordEntry(), newPasswordEntry()
	v.password.SetPlaceHolder("Password for the export")
	v.repeat.SetPlaceHolder("The same password again")
	v.password.OnChanged = func(string) { v.sync() }
	v.repeat.OnChanged = func(string) { v.sync() }
	v.passwords = v.passwordRows()
	v.export = newButton("Export…", nil, v.submit)
	v.export.Importance = widget.HighImportance
	content := container.NewVBox(widget.NewForm(widget.NewFormItem("Format", v.format)), v.kitSecrets, v.leftOut, v.warning, v.confirm, v.passwords)
	v.dialog = newAppDialog(u.w, "Export accounts", content)
	cancel := newButton("Cancel", nil, v.close)
	v.dialog.setButtons(cancel, cancel, v.export)
	v.dialog.Resize(fyne.NewSize(480, 320))
	v.format.SetSelectedIndex(0)
	return v
}

// passwordRows are the password fields, the strength of the password
// and, in room kept for it, "The passwords differ" (so that nothing
// moves when it shows).
func (v *exportView) passwordRows() *fyne.Container {
	v.meter = newStrengthMeter("Strength: type a password")
	v.problem = newProblemView()
	v.problem.show(errPasswordsDiffer) // sizes the room it takes
	v.problem.hide()
	form := widget.NewForm(widget.NewFormItem("Password", v.password), widget.NewFormItem("Repeat", v.repeat))
	rows := append([]fyne.CanvasObject{form}, v.meter.objects()...)
	return container.NewVBox(append(rows, reserveSpace(v.problem.box))...)
}

func (v *exportView) chosen() exportFormat { return exportFormats[max(v.format.SelectedIndex(), 0)] }

// formatChosen names, once per choice of format, the accounts it will
// leave out, so the person can choose another before saving anything.
func (v *exportView) formatChosen() {
	v.none = false
	v.leftOut.Hide()
	if check := v.chosen().check; check != nil {
		left, carried, err := leftOutOf(v.store, check)
		// On err (not reached while unlocked) nothing is said here:
		// the export itself then reports it.
		if err == nil && len(left) > 0 {
			v.none = carried == 0
			v.leftOut.SetText(leftOutText(left, carried))
			v.leftOut.Show()
		}
	}
	v.sync()
}

// leftOutOf lists the accounts of st that check refuses, with why, and
// counts those it takes. Accounts whose OTP fields cannot be used are
// neither: no format takes them, and the report after the export names
// them.
func leftOutOf(st *vault.Store, check func(otp.Params) error) (left []transfer.Skipped, carried int, err error) {
	accounts, err := st.Accounts()
	if err != nil {
		return nil, 0, err
	}
	for i, a := range accounts {
		if a.Err != nil {
			continue
		}
		if why := check(a.Params); why != nil {
			left = append(left, transfer.Skipped{Index: i, Name: a.Name(), Err: why})
			continue
		}
		carried++
	}
	return left, carried, nil
}

// leftOutMost is how many left-out accounts the dialog names; it counts
// the rest, so that a long list does not make it taller than the window.
const leftOutMost = 3

// leftOutText says which accounts will be left out and why (the reasons
// name the target app: "60 s period (Google Authenticator has 30 s)").
func leftOutText(left []transfer.Skipped, carried int) string {
	them := "them"
	if len(left) == 1 {
		them = "it"
	}
	head := fmt.Sprintf("This format leaves out %d of your %d accounts (choose another format to keep %s):",
		len(left), len(left)+carried, them)
	if carried == 0 {
		head = "This format cannot hold any of your accounts, so there is nothing to export. Choose another format:"
	}
	lines := []string{head}
	for _, s := range left[:min(len(left), leftOutMost)] {
		lines = append(lines, "• "+s.Name+": "+s.Err.Error())
	}
	if len(left) > leftOutMost {
		lines = append(lines, "and "+strconv.Itoa(len(left)-leftOutMost)+" more")
	}
	return strings.Join(lines, "\n")
}

// sync shows the confirmation or the passwords, and enables Export once
// the chosen format's gate is passed.
func (v *exportView) sync() {
	if v.export == nil {
		return
	}
	f := v.chosen()
	ready := v.confirm.Checked
	showIf(f.kit, v.kitSecrets)
	if f.encrypted {
		v.warning.Hide()
		v.confirm.Hide()
		v.passwords.Show()
		v.meter.rate(v.password.Text, v.userInputs())
		v.showDiffer()
		ready = v.password.Text != "" && v.password.Text == v.repeat.Text
	} else {
		v.warning.SetText(clearTextWarning(f, v.kitSecrets.Checked))
		showIf(!v.none, v.warning, v.confirm) // nothing is written: nothing to confirm
		v.passwords.Hide()
	}
	if ready && !v.none {
		v.export.Enable()
	} else {
		v.export.Disable()
	}
}

// showDiffer says "The passwords differ" once the repeat is typed and
// while it differs (Export is disabled then: QA found it greyed out
// with no word why).
func (v *exportView) showDiffer() {
	switch differ := v.repeat.Text != "" && v.password.Text != v.repeat.Text; {
	case !differ:
		v.problem.hide()
	case !v.problem.showing(errPasswordsDiffer):
		v.problem.show(errPasswordsDiffer)
	}
}

// userInputs are the words an attacker of the export tries first.
func (v *exportView) userInputs() []string {
	return []string{"twofold", filepath.Base(v.u.path)}
}

// clearTextWarning says what an unencrypted file of format f gives away.
func clearTextWarning(f exportFormat, kitSecrets bool) string {
	switch {
	case f.kit && kitSecrets:
		return "The kit holds your unused recovery codes and the secrets of all your accounts in the clear: anyone who reads it can generate your codes and sign in. Print it, store the paper somewhere safe, and delete the file."
	case f.kit:
		return "The kit holds your unused recovery codes in the clear: each one signs in once without your second factor. Print it, store the paper somewhere safe, and delete the file."
	}
	return "This file holds the secrets of all your accounts in the clear: anyone who reads it can generate your codes. Keep it offline and delete it when done."
}

func (v *exportView) close() {
	v.password.SetText("")
	v.repeat.SetText("")
	v.dialog.Hide()
}

// weakExportRisk is what a weak export password exposes.
const weakExportRisk = "Whoever gets a copy of the exported file can try passwords on it for as long as they like, " +
	"and it holds the 2FA secrets of all your accounts. A longer password protects them."

// submit is Export: for an encrypted format with a password rated below
// strongEnough it asks first, as creating a vault does, and goes on only
// after "Use it anyway"; going back puts the focus on the password.
func (v *exportView) submit() {
	if v.none {
		return // Export is off: the dialog says why
	}
	if !v.chosen().encrypted {
		v.choose()
		return
	}
	s := estimate(v.password.Text, v.userInputs())
	if s.Grade >= strongEnough {
		v.choose()
		return
	}
	askWeakPassword(v.u.w, s, weakExportRisk, func(ok bool) {
		if ok {
			v.choose()
			return
		}
		v.u.w.Canvas().Focus(v.password)
	})
}

// choose asks where to save, then writes off the UI goroutine.
func (v *exportView) choose() {
	f := v.chosen()
	var o exportOptions
	if f.encrypted {
		o.password = []byte(v.password.Text)
	}
	o.kit.Now = v.u.d.Now()
	o.kit.AccountSecrets = f.kit && v.kitSecrets.Checked
	o.keepass = v.u.newVaultOptions()
	v.close()
	v.u.d.Files.Save(f.file, func(path string) { v.u.exportTo(v.store, f, o, path) })
}

// newVaultOptions are the options of a new KeePass file: the opener's
// (its KDF), or a calibrated KDF.
func (u *UI) newVaultOptions() vault.CreateOptions {
	if so, ok := u.d.Opener.(StoreOpener); ok {
		return so.createOptions()
	}
	return vault.CreateOptions{Options: vault.Options{Now: u.d.Now}}
}

// exportTo writes the vault's accounts to path in format f.
func (u *UI) exportTo(st *vault.Store, f exportFormat, o exportOptions, path string) {
	s := u.s
	u.d.Work(func() {
		defer clear(o.password)
		n, skipped, err := exportFile(st, f, o, path)
		onUI(func() {
			if err != nil {
				showError(u.w, err)
				return
			}
			if u.s == s && s != nil {
				s.main.say("Exported " + plural(n, "account", "accounts") + " to " + filepath.Base(path))
			}
			if len(skipped) > 0 {
				showSkipped(u.w, skipped)
			}
		})
	})
}

// exportFile writes the file (mode 0600) and returns how many accounts
// it holds and those left out.
func exportFile(st *vault.Store, f exportFormat, o exportOptions, path string) (int, []transfer.Skipped, error) {
	src, skipped, err := transfer.FromVault(st, nil)
	if err != nil {
		return 0, nil, err
	}
	if f.kit {
		if o.kit, err = transfer.KitFromStore(st, o.kit); err != nil {
			return 0, nil, err
		}
	}
	var more []transfer.Skipped
	if f.create != nil {
		err = createSecretFile(path, func(tmp string) error { return f.create(src, tmp, o) })
	} else {
		err = writeSecretFile(path, func(fh *os.File) error {
			var err error
			more, err = f.write(src, fh, o)
			return err
		})
	}
	if f.check == nil {
		// Accounts a format with a check leaves out were named in the
		// dialog before saving (by the same rule): not again after it.
		skipped = append(skipped, more...)
	}
	if errors.Is(err, transfer.ErrUnsupported) {
		err = fmt.Errorf("%w: %w", errCannotExport, err)
	}
	return src.Len() - len(more), skipped, err
}

// showSkipped names, after the export, the accounts it left out that
// the dialog did not name before: those whose one-time password settings
// cannot be used, which no format takes (the formats that leave out
// more have a check).
func showSkipped(w fyne.Window, skipped []transfer.Skipped) {
	lines := make([]string, len(skipped))
	for i, s := range skipped {
		lines[i] = s.Name + ": " + s.Err.Error()
	}
	showMessage(w, plural(len(skipped), "account was", "accounts were")+" not exported",
		"Their one-time password settings cannot be used, so they have no codes to export:\n"+strings.Join(lines, "\n"))
}
