package app

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/transfer"
)

// qrWarning is said before an account's QR code is shown.
const qrWarning = "The QR code holds the account's secret: anyone who sees or photographs it can make your codes. " +
	"Show it only to move the account to a phone or another app, with nobody looking over your shoulder."

// confirmQR warns what a QR code gives away, then shows it.
func (v *codesView) confirmQR(a vault.Account) {
	v.d.touch()
	confirm(v.d.w, "Show this account's QR code?", a.Name()+"\n\n"+qrWarning, "Show QR code", widget.WarningImportance, func() { v.showQR(a) })
}

// showQR shows a's otpauth:// QR code, to be scanned from the screen or
// saved as a PNG file.
func (v *codesView) showQR(a vault.Account) {
	q, err := accountQR(v.d.src, a.ID)
	if err != nil {
		v.d.report(err)
		return
	}
	pic := canvas.NewImageFromImage(q.Image(1))
	pic.FillMode = canvas.ImageFillContain
	pic.ScaleMode = canvas.ImageScalePixels
	pic.SetMinSize(fyne.NewSize(280, 280))
	note := widget.NewLabel("Scan it with the other app. Close this window when done.")
	note.Wrapping = fyne.TextWrapWord
	var d *appDialog
	save := newButton("Save as PNG…", nil, func() {
		v.d.touch()
		v.d.save(qrFileName(a), func(path string) { v.saveQR(q, a, path) })
	})
	closeBtn := newButton("Close", nil, func() { d.Hide() })
	closeBtn.Importance = widget.HighImportance
	name := widget.NewLabelWithStyle(a.Name(), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	name.Wrapping = fyne.TextWrapWord // a title would not wrap: long names were cut off
	d = newAppDialog(v.d.w, "QR code", container.NewVBox(name, pic, note))
	d.setButtons(closeBtn, save, closeBtn)
	d.Show()
}

// saveQR writes the QR code to path, readable by its owner only.
func (v *codesView) saveQR(q *transfer.QRCode, a vault.Account, path string) {
	err := writeSecretFile(path, func(f *os.File) error {
		if err := png.Encode(f, q.Image(8)); err != nil {
			return fmt.Errorf("save QR code: %w", err)
		}
		return nil
	})
	if err != nil {
		v.d.report(err)
		return
	}
	if v.d.said != nil {
		v.d.said("Saved the QR code of " + a.Name() + " to " + filepath.Base(path))
	}
}

// accountQR encodes an account's otpauth:// URI. The encoder needs the
// URI in ordinary memory; that copy is wiped once encoded.
func accountQR(src CodeSource, id vault.UUID) (*transfer.QRCode, error) {
	k, err := src.Key(id)
	if err != nil {
		return nil, err
	}
	defer k.Destroy()
	uri := transfer.URI(k)
	if uri == nil {
		return nil, fmt.Errorf("%w: this account has no otpauth:// form", transfer.ErrUnsupported)
	}
	defer uri.Destroy()
	text := make([]byte, uri.Size())
	defer clear(text)
	for i, c := range uri.Bytes() { // byte by byte: no vector register holds it (see cmd/twofold/preempt.go)
		text[i] = c
	}
	return transfer.EncodeQR(text)
}

// qrFileName proposes a file name from the account's name.
func qrFileName(a vault.Account) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>| `, r) {
			return '-'
		}
		return r
	}, a.Name())
	return "twofold-qr-" + name + ".png"
}
