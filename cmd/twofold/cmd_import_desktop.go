package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/twofold-app/twofold/app/platform"
	"github.com/twofold-app/twofold/vault/transfer"
)

// import --screen and --clipboard: the QR codes on the screen, or in the
// image on the clipboard, imported as from an image file.

// desktopCaptureTimeout bounds a capture: the Wayland screenshot portal
// may ask the person first.
const desktopCaptureTimeout = 2 * time.Minute

// desktopSource names where the codes come from, for the preview ("" for
// files).
func desktopSource(screen, clipboard bool) string {
	switch {
	case screen:
		return "the screen"
	case clipboard:
		return "the clipboard"
	}
	return ""
}

// importFromDesktop captures the screen (screen) or the clipboard's image
// and imports the QR codes in it.
func importFromDesktop(c *ctx, screen bool, o transfer.Options) (*transfer.Result, error) {
	capture := newCapture(c.getenv)
	ctx, cancel := context.WithTimeout(context.Background(), desktopCaptureTimeout)
	defer cancel()
	var img image.Image
	var err error
	if screen {
		img, err = capture.Screen(ctx)
	} else {
		img, err = capture.ClipboardImage(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", desktopSource(screen, !screen), err)
	}
	codes, err := transfer.DecodeQR(img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", desktopSource(screen, !screen), err)
	}
	defer func() {
		for _, code := range codes {
			clear(code)
		}
	}()
	return transfer.ImportCodes(codes, o)
}

// Hints for capture errors (added to the general table by init).
var desktopHints = []struct {
	err  error
	hint string
}{
	{platform.ErrUnavailable, "run it in your desktop session (with $DISPLAY or $WAYLAND_DISPLAY set), or save the QR code as an image and import that file"},
	{platform.ErrNoImage, "copy the QR code as an image (most screenshot tools and browsers' \"Copy image\" do), or save it and import the file"},
	{platform.ErrCancelled, "the screenshot was cancelled; run it again and allow the screenshot"},
	{platform.ErrTooLarge, "the image is larger than any screen; save it and import the file"},
}

// newCapture reads the screen and the clipboard of the desktop getenv
// describes.
func newCapture(getenv func(string) string) *platform.Capture {
	return &platform.Capture{
		Display:    getenv("DISPLAY"),
		Wayland:    getenv("WAYLAND_DISPLAY") != "",
		SessionBus: func() (*dbus.Conn, error) { return sessionBus(getenv) },
	}
}

// errNoSessionBus: the desktop has no D-Bus session bus to talk to.
var errNoSessionBus = errors.New("no D-Bus session bus")

// sessionBus connects to the desktop's session bus, if it has one. Asking
// godbus for a session bus without an address would autolaunch a
// dbus-daemon that outlives us.
func sessionBus(getenv func(string) string) (*dbus.Conn, error) {
	if getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return nil, errNoSessionBus
	}
	return dbus.ConnectSessionBus()
}
