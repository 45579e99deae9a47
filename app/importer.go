package app

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/transfer"
)

// importFlow reads an export file or scanned QR codes, shows what
// importing would do and, once confirmed, adds the new accounts.
type importFlow struct {
	w    fyne.Window
	work Work
	// pick chooses a key file for a KeePass source (Deps.Files.Open).
	pick  func(exts []string, done func(string))
	store *vault.Store
	// current reports whether the session that started the import is
	// still the one shown (the vault may be locked meanwhile).
	current func() bool
	// done reports the accounts added.
	done func(added []vault.Account)
	// lock locks the window: after a failed Apply the Store holds
	// unsaved accounts that no later Save may write.
	lock func()
}

// importFile imports the file at path, asking for its export password
// only when it turns out to be encrypted.
func (f *importFlow) importFile(path string) {
	f.run(func(o transfer.Options) (*transfer.Result, error) { return transfer.ImportFile(path, o) })
}

// importCodes imports the texts of scanned QR codes (a Google
// Authenticator batch, or several otpauth:// codes).
func (f *importFlow) importCodes(codes [][]byte) {
	f.run(func(o transfer.Options) (*transfer.Result, error) {
		defer wipeAll(codes)
		return transfer.ImportCodes(codes, o)
	})
}

// run reads off the UI goroutine. A first attempt has no password: when
// the file asks for one, the dialog is shown and read runs again with it.
func (f *importFlow) run(read func(transfer.Options) (*transfer.Result, error)) {
	var asked transfer.Format
	ask := func(fm transfer.Format) (*memguard.LockedBuffer, error) { asked = fm; return nil, nil }
	f.work(func() {
		r, err := read(transfer.Options{Password: ask})
		onUI(func() {
			if asked != "" && errors.Is(err, transfer.ErrPasswordNeeded) {
				f.askPassword(asked, read)
				return
			}
			f.read(r, err)
		})
	})
}

// askPassword shows the export-password dialog (for a KeePass file, the
// password and an optional key file), then reads again.
func (f *importFlow) askPassword(fm transfer.Format, read func(transfer.Options) (*transfer.Result, error)) {
	f.askCredentials(fm, "", read)
}

func (f *importFlow) askCredentials(fm transfer.Format, keyFile string, read func(transfer.Options) (*transfer.Result, error)) {
	pw := newPasswordEntry()
	pw.SetPlaceHolder("Export password")
	items := []*widget.FormItem{widget.NewFormItem("Password", pw)}
	var kf *entry
	if fm == transfer.FormatKeePass {
		pw.SetPlaceHolder("Password of the KeePass file")
		var row fyne.CanvasObject
		kf, row = keyFileRow(f.pick)
		kf.SetText(keyFile)
		items = append(items, widget.NewFormItem("Key file", row))
	}
	d := newConfirmDialog("This "+formatName(fm)+" file is encrypted", "Decrypt", "Cancel", widget.NewForm(items...), func(ok bool) {
		text := pw.Text
		pw.SetText("")
		if !ok {
			return
		}
		o, err := importCredentials(text, kf)
		if err != nil {
			f.askCredentials(fm, o.KeyFile, read)
			showError(f.w, err)
			return
		}
		f.work(func() {
			r, err := read(o)
			onUI(func() {
				if retryCredentials(err) {
					f.askCredentials(fm, o.KeyFile, read) // under the error, to try again
				}
				f.read(r, err)
			})
		})
	}, f.w)
	pw.OnSubmitted = func(string) { d.Confirm() }
	d.Resize(fyne.NewSize(460, 200))
	d.Show()
	f.w.Canvas().Focus(pw)
}

// importCredentials are the read options for a typed password and, for a
// KeePass file, the key file entry kf (nil for other formats). As when
// unlocking, a key file with no password opens a key-file-only database.
func importCredentials(password string, kf *entry) (transfer.Options, error) {
	give := func(transfer.Format) (*memguard.LockedBuffer, error) {
		return memguard.NewBufferFromBytes([]byte(password)), nil
	}
	if kf == nil {
		return transfer.Options{Password: give}, nil
	}
	o := transfer.Options{KeyFile: strings.TrimSpace(kf.Text)}
	if o.KeyFile == "" || password != "" {
		o.Password = give
	}
	if o.KeyFile != "" {
		if err := vault.CheckKeyFile(o.KeyFile); err != nil {
			return o, err
		}
	}
	return o, nil
}

// retryCredentials tells the errors after which the password (and key
// file) are asked again.
func retryCredentials(err error) bool {
	return errors.Is(err, transfer.ErrWrongPassword) || errors.Is(err, vault.ErrWrongPassword) || errors.Is(err, vault.ErrBadKeyFile)
}

// read shows the preview of a read result, or the error.
func (f *importFlow) read(r *transfer.Result, err error) {
	if err != nil {
		showError(f.w, err)
		return
	}
	if !f.current() {
		r.Destroy()
		return
	}
	p, err := transfer.PreviewImport(f.store, r)
	if err != nil {
		r.Destroy()
		showError(f.w, err)
		return
	}
	f.preview(r, p)
}

// preview lists new, duplicate and unusable entries; Import applies.
func (f *importFlow) preview(r *transfer.Result, p *transfer.Preview) {
	n := p.Count(transfer.New)
	summary := widget.NewLabel(fmt.Sprintf("%s: %d new, %d already in the vault, %d cannot be imported.",
		formatName(p.Format), n, p.Count(transfer.Duplicate), p.Count(transfer.Invalid)))
	summary.Wrapping = fyne.TextWrapWord
	list := container.NewVBox()
	for _, it := range p.Items {
		list.Add(previewLine(p, it))
	}
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(460, 240))
	content := container.NewBorder(summary, nil, nil, nil, scroll)
	if n == 0 {
		d := newCloseDialog("Nothing to import", "Close", content, f.w)
		d.SetOnClosed(r.Destroy)
		d.Show()
		return
	}
	d := newConfirmDialog("Import accounts", fmt.Sprintf("Import %d", n), "Cancel", content, func(ok bool) {
		if !ok {
			r.Destroy()
			return
		}
		f.apply(r, p)
	}, f.w)
	d.Show()
}

// previewLine is one entry of p: its status, name and, if it is not
// imported, why.
func previewLine(p *transfer.Preview, it transfer.Item) fyne.CanvasObject {
	text := it.Status.String() + " — " + it.Name
	if g := strings.Join(it.Group, " / "); g != "" && it.Status == transfer.New {
		text += " (in " + g + ")"
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	switch it.Status {
	case transfer.Duplicate: // in the text colour: Fyne's low importance is its disabled grey, 1.3:1
		switch {
		case it.OtherName && it.DuplicateOf >= 0:
			l.SetText(text + ": same secret as " + p.Items[it.DuplicateOf].Name + ", earlier in the file")
		case it.OtherName:
			l.SetText(text + ": same secret as the vault's " + it.Existing.Name())
		case it.DuplicateOf >= 0:
			l.SetText(text + ": repeated in the file")
		default:
			l.SetText(text + ": already in the vault")
		}
	case transfer.New:
		if n := it.Namesake; n != nil {
			l.Importance = widget.WarningImportance
			l.SetText(text + ": the vault's " + n.Name() + " has another secret; both are kept, remove the stale one")
		}
	case transfer.Invalid:
		l.Importance = widget.DangerImportance
		p := describe(it.Err)
		l.SetText(text + ": " + p.Title + " (" + it.Err.Error() + ")")
	}
	return l
}

// apply adds the new accounts and saves, all or nothing.
func (f *importFlow) apply(r *transfer.Result, p *transfer.Preview) {
	f.work(func() {
		added, err := transfer.Apply(f.store, r, p, transfer.ApplyOptions{})
		reverted, revertErr := false, error(nil)
		if err != nil && f.store.Dirty() {
			// The accounts added before the failure are in memory,
			// unsaved: drop them. If even that fails, locking does.
			revertErr = f.store.Revert()
			reverted = revertErr == nil
		}
		r.Destroy()
		onUI(func() {
			if err == nil {
				f.done(added)
				return
			}
			switch {
			case reverted:
				err = fmt.Errorf("%w; nothing was imported", err)
			case revertErr != nil:
				f.lock()
				err = fmt.Errorf("%w; nothing was imported and Twofold locked the vault to drop the half-done import: unlock it and try again", err)
			}
			showError(f.w, err)
		})
	})
}

// formatName is how a format is named in sentences.
func formatName(f transfer.Format) string {
	switch f {
	case transfer.FormatURIList:
		return "otpauth:// list"
	case transfer.FormatGoogle:
		return "Google Authenticator"
	case transfer.FormatAegis:
		return "Aegis"
	case transfer.Format2FAS:
		return "2FAS"
	case transfer.FormatAndOTP:
		return "andOTP"
	case transfer.FormatBitwarden:
		return "Bitwarden"
	case transfer.FormatFreeOTP:
		return "FreeOTP+"
	case transfer.FormatEnte:
		return "Ente Auth"
	case transfer.FormatSteam:
		return "Steam Guard"
	case transfer.FormatKeePass:
		return "KeePass"
	case transfer.FormatQR:
		return "QR code"
	}
	return string(f)
}

func wipeAll(bs [][]byte) {
	for _, b := range bs {
		clear(b)
	}
}

// showImport is the "Import…" menu item: choose a file, read it, preview.
func (u *UI) showImport() {
	if u.s == nil || u.w.Canvas().Overlays().Top() != nil {
		return // locked, or a dialog is open: one at a time (QA: they stacked)
	}
	imp := u.s.main.imp
	if imp == nil {
		showError(u.w, errNoImport)
		return
	}
	u.touch()
	u.d.Files.Open(nil, imp.importFile)
}
