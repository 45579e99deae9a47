package platform

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"

	"github.com/godbus/dbus/v5"
)

// Capture reads the screen or the clipboard's image, whichever way this
// desktop allows. The zero value can do nothing (every call is
// ErrUnavailable); FromEnvironment fills it in.
type Capture struct {
	// Display is the X display ("" when there is none).
	Display string
	// Wayland tells that the session is Wayland: the screenshot portal
	// is then tried before the X server (XWayland), whose root window
	// shows no Wayland windows.
	Wayland bool
	// SessionBus opens a new connection to the session bus, which
	// Screen closes; nil means dbus.ConnectSessionBus.
	SessionBus func() (*dbus.Conn, error)
	// Clipboard, when set, is used for ClipboardImage instead of a
	// connection of its own.
	Clipboard *X11Clipboard
}

// FromEnvironment is a Capture for this session: $DISPLAY and
// $WAYLAND_DISPLAY.
func FromEnvironment() *Capture {
	return &Capture{Display: os.Getenv("DISPLAY"), Wayland: os.Getenv("WAYLAND_DISPLAY") != ""}
}

// Screen returns the whole screen (every monitor) as an image. The
// portal may show the person a dialog; their "cancel" is ErrCancelled.
// Neither an X server nor a portal is ErrUnavailable.
func (c *Capture) Screen(ctx context.Context) (image.Image, error) {
	ways := []func(context.Context) (image.Image, error){c.screenX, c.screenPortal}
	if c.Wayland {
		ways[0], ways[1] = ways[1], ways[0]
	}
	var failed []error
	for _, way := range ways {
		img, err := way(ctx)
		if !errors.Is(err, ErrUnavailable) || ctx.Err() != nil {
			return img, err
		}
		failed = append(failed, err)
	}
	return nil, errors.Join(failed...)
}

func (c *Capture) screenX(ctx context.Context) (image.Image, error) {
	return screenX(ctx, c.Display)
}

func (c *Capture) screenPortal(ctx context.Context) (image.Image, error) {
	connect := c.SessionBus
	if connect == nil {
		connect = func() (*dbus.Conn, error) { return dbus.ConnectSessionBus() }
	}
	bus, err := connect()
	if err != nil {
		return nil, fmt.Errorf("connect to the session bus: %v: %w", err, ErrUnavailable)
	}
	defer bus.Close()
	return screenPortal(ctx, bus)
}

// ClipboardImage returns the image on the clipboard (PNG preferred, then
// JPEG, GIF, BMP). No image is ErrNoImage, saying what the clipboard
// holds; no X server is ErrUnavailable.
func (c *Capture) ClipboardImage(ctx context.Context) (image.Image, error) {
	if c.Clipboard != nil {
		return c.Clipboard.Image(ctx)
	}
	x, err := dialX(c.Display, nil, nil)
	if err != nil {
		return nil, err
	}
	defer x.close()
	return x.clipboardImage(ctx)
}
