package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/twofold-app/twofold/vault/transfer"
)

// captureDelay is how long "Scan screen" waits after hiding the window,
// so the compositor has redrawn what was under it.
const captureDelay = 400 * time.Millisecond

// captureTimeout bounds one capture: the desktop's screenshot portal may
// ask the person first.
const captureTimeout = 2 * time.Minute

var (
	errScreenCapture   = errors.New("capture the screen")
	errClipboardImage  = errors.New("read the clipboard's image")
	errNoQROnScreen    = errors.New("no QR code on the screen")
	errNoQROnClipboard = errors.New("no QR code in the clipboard's image")
)

// scanScreen is the "Scan screen" button: it hides the window (which may
// cover the code), waits for the screen to be redrawn, captures it, shows
// the window again and reads the QR codes as from an image file.
func (m *mainView) scanScreen() {
	c := m.u.d.Capture
	if c == nil {
		return
	}
	m.u.touch()
	w := m.u.w
	w.Hide()
	m.u.d.Timers.AfterFunc(captureDelay, func() {
		m.captureQR(c.Screen, errScreenCapture, errNoQROnScreen, w.Show)
	})
}

// pasteQRImage is the "Paste QR image" button: it reads the QR codes of
// the image on the clipboard.
func (m *mainView) pasteQRImage() {
	c := m.u.d.Capture
	if c == nil {
		return
	}
	m.u.touch()
	m.captureQR(c.ClipboardImage, errClipboardImage, errNoQROnClipboard, func() {})
}

// captureQR captures an image and decodes its QR codes off the UI
// goroutine, then, back on it, runs done and routes the codes as scanned
// from an image file. failed and none name what went wrong for the error
// dialog.
func (m *mainView) captureQR(capture func(context.Context) (image.Image, error), failed, none error, done func()) {
	m.u.d.Work(func() {
		ctx, cancel := context.WithTimeout(context.Background(), captureTimeout)
		defer cancel()
		codes, err := readQR(ctx, capture, failed, none)
		onUI(func() {
			done()
			switch {
			case err != nil:
				showError(m.u.w, err)
			case m.u.s != m.s: // locked meanwhile
				wipeAll(codes)
			default:
				m.scanned(codes)
			}
		})
	})
}

// readQR captures an image and returns the texts of its QR codes.
func readQR(ctx context.Context, capture func(context.Context) (image.Image, error), failed, none error) ([][]byte, error) {
	img, err := capture(ctx)
	if err == nil && img == nil {
		err = errors.New("no image")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", failed, err)
	}
	codes, err := transfer.DecodeQR(img)
	if errors.Is(err, transfer.ErrNoQRCode) {
		return nil, none
	}
	return codes, err
}
