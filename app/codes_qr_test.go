package app

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/twofold-app/twofold/vault/otp"
	"github.com/twofold-app/twofold/vault/transfer"
)

// TestShowAccountQR: the row menu shows an account's QR code after a
// warning; the code on screen and the PNG saved from it (0600) both scan
// back to the account, secret included.
func TestShowAccountQR(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI)
	test.Tap(h.row("GitHub").more)
	test.Tap(h.menuItem("Show QR code…"))
	h.mustSee("anyone who sees or photographs it can make your codes")
	if imgs := qrImages(h); len(imgs) != 0 {
		t.Fatal("the QR code shows before the warning is confirmed")
	}
	test.Tap(h.dialogButton("Show QR code"))

	imgs := qrImages(h)
	if len(imgs) != 1 {
		t.Fatalf("%d QR images on screen, want 1", len(imgs))
	}
	texts, err := transfer.DecodeQR(imgs[0].Image)
	if err != nil || len(texts) != 1 {
		t.Fatalf("the code on screen does not scan: %v", err)
	}
	checkScansAs(t, texts[0], githubURI)

	h.pick = filepath.Join(h.dir, "github.png")
	test.Tap(h.dialogButton("Save as PNG…"))
	h.mustSee("Saved the QR code of GitHub (me@example.com) to github.png")
	fi, err := os.Stat(h.pick)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("saved with mode %v", fi.Mode().Perm())
	}
	texts, err = transfer.DecodeQRFile(h.pick, transfer.Limits{})
	if err != nil || len(texts) != 1 {
		t.Fatalf("the saved PNG does not scan: %v", err)
	}
	checkScansAs(t, texts[0], githubURI)
	test.Tap(h.dialogButton("Close"))
	if len(qrImages(h)) != 0 {
		t.Error("the QR code stays on screen after Close")
	}
}

// qrImages are the grey images on screen (the QR dialog's; icons are
// in colour).
func qrImages(h *harness) []*canvas.Image {
	var out []*canvas.Image
	for _, o := range h.objects() {
		if img, ok := o.(*canvas.Image); ok && img.Visible() {
			if _, grey := img.Image.(*image.Gray); grey {
				out = append(out, img)
			}
		}
	}
	return out
}

// checkScansAs compares a scanned otpauth URI with the account's.
func checkScansAs(t *testing.T, text []byte, uri string) {
	t.Helper()
	got, err := otp.ParseURI(text)
	if err != nil {
		t.Fatalf("scanned %q: %v", text, err)
	}
	defer got.Destroy()
	want, _ := otp.ParseURI([]byte(uri))
	defer want.Destroy()
	if got.Issuer != want.Issuer || got.Account != want.Account || !strings.EqualFold(string(got.Secret.Bytes()), string(want.Secret.Bytes())) {
		t.Errorf("scanned %s:%s, want %s:%s (or another secret)", got.Issuer, got.Account, want.Issuer, want.Account)
	}
}
