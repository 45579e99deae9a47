package app

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault/transfer"
)

// fakeCapture is a desktop whose screen and clipboard hold given images.
// It records whether Twofold's window was hidden when the screen was
// captured.
type fakeCapture struct {
	w                    *trackedWindow
	screen, clip         image.Image
	screenErr, clipErr   error
	screens, clips       int
	hiddenWhenCapturing  bool
	contextHadNoDeadline bool
}

func (f *fakeCapture) Screen(ctx context.Context) (image.Image, error) {
	f.screens++
	f.hiddenWhenCapturing = f.w.hidden
	_, ok := ctx.Deadline()
	f.contextHadNoDeadline = !ok
	return f.screen, f.screenErr
}

func (f *fakeCapture) ClipboardImage(context.Context) (image.Image, error) {
	f.clips++
	return f.clip, f.clipErr
}

// desktopImage is a white 1280×800 "screen" with a QR code of text (none
// when text is "") somewhere in the middle.
func desktopImage(t *testing.T, text string) image.Image {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if text != "" {
		q, err := transfer.EncodeQR([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		code := q.Image(4)
		draw.Draw(img, code.Bounds().Add(image.Pt(700, 300)), code, code.Bounds().Min, draw.Src)
	}
	return img
}

// captureHarness is an unlocked window with the fake desktop.
func captureHarness(t *testing.T) (*harness, *fakeCapture) {
	t.Helper()
	h := newHarness(t)
	f := &fakeCapture{}
	h.desktop = f
	h.makeVault()
	h.open()
	f.w = h.w.(*trackedWindow)
	h.unlock(testPassword)
	h.ui.s.main.showAdd()
	return h, f
}

func TestScanScreenHidesWindowAndFillsTheForm(t *testing.T) {
	h, f := captureHarness(t)
	f.screen = desktopImage(t, githubURI)
	test.Tap(h.button("Scan screen"))
	if !f.w.hidden {
		t.Fatal("the window stays in front of the screen to scan")
	}
	h.clock.Advance(captureDelay - time.Millisecond)
	h.work.flush()
	if f.screens != 0 {
		t.Fatal("captured before the screen was redrawn")
	}
	h.clock.Advance(time.Millisecond)
	h.work.flush()
	if f.screens != 1 || !f.hiddenWhenCapturing {
		t.Fatalf("%d captures, window hidden during capture: %v", f.screens, f.hiddenWhenCapturing)
	}
	if f.contextHadNoDeadline {
		t.Error("the capture can wait forever")
	}
	if f.w.hidden {
		t.Error("the window is not shown again")
	}
	a := h.ui.s.main.add
	if h.ui.s.main.tabs.SelectedIndex() != 1 || a.issuer.Text != "GitHub" || a.account.Text != "me@example.com" || a.secret.Text != "JBSWY3DPEHPK3PXP" {
		t.Errorf("form: tab %d, %q %q %q", h.ui.s.main.tabs.SelectedIndex(), a.issuer.Text, a.account.Text, a.secret.Text)
	}
	h.mustSee("QR code read: check the details")
}

func TestScanScreenWithoutCodeSaysSo(t *testing.T) {
	h, f := captureHarness(t)
	f.screen = desktopImage(t, "")
	test.Tap(h.button("Scan screen"))
	h.clock.Advance(captureDelay)
	h.work.flush()
	if f.w.hidden {
		t.Error("the window is not shown again")
	}
	h.mustSee("No QR code found on the screen")
	h.mustSee("zoom in if it is small; or save it as an image and choose Open QR image…")
}

func TestScanScreenErrorIsShown(t *testing.T) {
	h, f := captureHarness(t)
	f.screenErr = errors.New("the screenshot was cancelled")
	test.Tap(h.button("Scan screen"))
	h.clock.Advance(captureDelay)
	h.work.flush()
	if f.w.hidden {
		t.Error("the window is not shown again after a failed capture")
	}
	h.mustSee("Could not capture the screen")
	h.mustSee("(capture the screen: the screenshot was cancelled)")
}

func TestPasteQRImage(t *testing.T) {
	h, f := captureHarness(t)
	f.clipErr = errors.New("no image on the clipboard: it holds text")
	test.Tap(h.button("Paste QR image"))
	h.work.flush()
	h.mustSee("Could not read an image from the clipboard")
	h.mustSee("no image on the clipboard: it holds text")
	test.Tap(h.dialogButton("OK"))
	if f.w.hidden {
		t.Error("pasting hid the window")
	}

	f.clipErr, f.clip = nil, desktopImage(t, "")
	test.Tap(h.button("Paste QR image"))
	h.work.flush()
	h.mustSee("No QR code found in the copied image")
	test.Tap(h.dialogButton("OK"))

	f.clip = desktopImage(t, hotpURI)
	test.Tap(h.button("Paste QR image"))
	h.work.flush()
	a := h.ui.s.main.add
	if a.issuer.Text != "Bank" || !a.hotp() || a.counter.Text != "5" {
		t.Errorf("form: %q, HOTP %v, counter %q", a.issuer.Text, a.hotp(), a.counter.Text)
	}
	if f.screens != 0 || f.clips != 3 {
		t.Errorf("%d screen and %d clipboard captures, want 0 and 3", f.screens, f.clips)
	}
}

func TestCaptureButtonsNeedACapture(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.showAdd()
	h.button("Open QR image…")
	for _, label := range []string{"Scan screen", "Paste QR image"} {
		if present(h, func(b *widget.Button) bool { return b.Text == label }) {
			t.Errorf("%q shown without a way to capture", label)
		}
	}
}
