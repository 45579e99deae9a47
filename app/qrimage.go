package app

import (
	"bytes"
	"encoding/base32"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"

	"github.com/twofold-app/twofold/vault/otp"
	"github.com/twofold-app/twofold/vault/transfer"
)

// imageExts are the image files read for QR codes.
var imageExts = []string{".png", ".jpg", ".jpeg", ".gif"}

func isImage(path string) bool {
	return slices.Contains(imageExts, strings.ToLower(filepath.Ext(path)))
}

// qrScanned is what the images held: the texts of their QR codes, or
// the first error with the file it concerns.
type qrScanned struct {
	codes [][]byte
	err   error
}

// scanImages decodes the QR codes of every image (off the UI goroutine).
func scanImages(paths []string) qrScanned {
	var s qrScanned
	for _, p := range paths {
		codes, err := transfer.DecodeQRFile(p, transfer.Limits{})
		if err != nil {
			wipeAll(s.codes)
			return qrScanned{err: fmt.Errorf("%s: %w", filepath.Base(p), err)}
		}
		s.codes = append(s.codes, codes...)
	}
	return s
}

// openQRImages reads the QR codes of the images at paths: a single
// otpauth:// code fills the add form for review; a Google Authenticator
// batch (or several codes) goes to the import preview.
func (m *mainView) openQRImages(paths []string) {
	m.u.touch()
	m.u.d.Work(func() {
		s := scanImages(paths)
		onUI(func() {
			if s.err != nil {
				showError(m.u.w, s.err)
				return
			}
			m.scanned(s.codes)
		})
	})
}

// scanned routes the texts of scanned codes.
func (m *mainView) scanned(codes [][]byte) {
	otpCodes := slices.DeleteFunc(slices.Clone(codes), func(c []byte) bool { return !isOTPText(c) })
	switch {
	case len(otpCodes) == 0:
		wipeAll(codes)
		showError(m.u.w, errNotOTPQR)
	case len(otpCodes) == 1 && hasPrefixFold(otpCodes[0], "otpauth://"):
		defer wipeAll(codes)
		m.fillFromURI(otpCodes[0])
	case m.imp == nil:
		wipeAll(codes)
		showError(m.u.w, errNoImport)
	default:
		// Other texts in the images (a web link beside the code) are
		// left out.
		m.imp.importCodes(otpCodes)
		for _, c := range codes {
			if !isOTPText(c) {
				clear(c)
			}
		}
	}
}

func isOTPText(c []byte) bool {
	c = bytes.TrimSpace(c)
	return hasPrefixFold(c, "otpauth://") || hasPrefixFold(c, "otpauth-migration://")
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// fillFromURI parses one otpauth:// code into the add form, to review
// and confirm with "Add account".
func (m *mainView) fillFromURI(uri []byte) {
	key, err := otp.ParseURI(bytes.TrimSpace(uri))
	if err != nil {
		showError(m.u.w, err)
		return
	}
	defer key.Destroy()
	m.tabs.SelectIndex(1)
	m.add.fill(key)
	m.say("QR code read: check the details, then choose Add account")
}

// fill puts key into the typed form (the link field is emptied).
func (v *addView) fill(key *otp.Key) {
	v.reset()
	p := key.Params
	v.issuer.SetText(p.Issuer)
	v.account.SetText(p.Account)
	v.secret.SetText(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(key.Secret.Bytes()))
	if p.Type == otp.HOTP {
		v.typ.SetSelectedIndex(1)
		v.counter.SetText(strconv.FormatUint(p.Counter, 10))
	}
	v.algorithm.SetSelectedIndex(int(p.Algorithm))
	v.steam.SetChecked(p.Steam)
	v.digits.SetText(strconv.Itoa(p.Digits))
	if p.Type == otp.TOTP {
		v.period.SetText(strconv.Itoa(p.Period))
	}
	if p.Type == otp.HOTP || p.Algorithm != otp.SHA1 || p.Digits != otp.DefaultDigits || (p.Type == otp.TOTP && p.Period != otp.DefaultPeriod) {
		v.advanced.setOpen(true)
	}
}

// chooseQRImage is the "Open QR image…" button.
func (m *mainView) chooseQRImage() {
	m.u.d.Files.Open(imageExts, func(path string) { m.openQRImages([]string{path}) })
}

// Dropped handles files dropped on the window: images are read for QR
// codes, another single file is imported. Nothing happens while locked.
// New wires it with fyne.Window.SetOnDropped.
func (u *UI) Dropped(_ fyne.Position, uris []fyne.URI) {
	if u.s == nil || len(uris) == 0 {
		return
	}
	var paths []string
	images := true
	for _, uri := range uris {
		if uri.Scheme() != "file" {
			continue
		}
		paths = append(paths, uri.Path())
		images = images && isImage(uri.Path())
	}
	switch {
	case len(paths) == 0:
	case images:
		u.s.main.openQRImages(paths)
	case len(paths) == 1 && u.s.main.imp != nil:
		u.s.main.imp.importFile(paths[0])
	default:
		showError(u.w, errDropMixed)
	}
}
