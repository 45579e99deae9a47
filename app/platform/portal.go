package platform

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"net/url"
	"os"
	"strings"
	"syscall"

	"github.com/godbus/dbus/v5"
)

const (
	portalName    = "org.freedesktop.portal.Desktop"
	portalPath    = "/org/freedesktop/portal/desktop"
	portalRequest = "org.freedesktop.portal.Request"
)

// screenPortal asks the desktop's Screenshot portal for the screen, reads
// the PNG it saved and deletes that file.
//
// The request's object path is predictable
// (/org/freedesktop/portal/desktop/request/SENDER/TOKEN), so we listen
// for its Response before calling, and cannot miss a fast answer.
func screenPortal(ctx context.Context, bus *dbus.Conn) (image.Image, error) {
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	want := requestPath(bus.Names()[0], token)
	signals := make(chan *dbus.Signal, 8)
	bus.Signal(signals)
	defer bus.RemoveSignal(signals)
	if err := watchRequest(bus, want); err != nil {
		return nil, err
	}
	options := map[string]dbus.Variant{
		"handle_token": dbus.MakeVariant(token),
		"interactive":  dbus.MakeVariant(false),
	}
	var handle dbus.ObjectPath
	err = bus.Object(portalName, portalPath).CallWithContext(ctx,
		"org.freedesktop.portal.Screenshot.Screenshot", 0, "", options).Store(&handle)
	if err != nil {
		return nil, portalCallError(err)
	}
	if handle != want { // portals before version 0.9 choose the path themselves
		if err := watchRequest(bus, handle); err != nil {
			return nil, err
		}
	}
	uri, err := awaitResponse(ctx, bus, signals, handle)
	if err != nil {
		return nil, err
	}
	return takeScreenshotFile(uri)
}

// requestPath is where the portal puts our request: the unique name
// without ':' and with '.' as '_', and our token.
func requestPath(unique, token string) dbus.ObjectPath {
	sender := strings.ReplaceAll(strings.TrimPrefix(unique, ":"), ".", "_")
	return dbus.ObjectPath(portalPath + "/request/" + sender + "/" + token)
}

func watchRequest(bus *dbus.Conn, path dbus.ObjectPath) error {
	err := bus.AddMatchSignal(dbus.WithMatchObjectPath(path),
		dbus.WithMatchInterface(portalRequest), dbus.WithMatchMember("Response"))
	if err != nil {
		return fmt.Errorf("listen for the screenshot portal's answer: %w", err)
	}
	return nil
}

func randomToken() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "twofold" + hex.EncodeToString(b), nil
}

// portalCallError maps "nobody implements this" to ErrUnavailable.
func portalCallError(err error) error {
	var derr dbus.Error
	if errors.As(err, &derr) {
		switch derr.Name {
		case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
			"org.freedesktop.DBus.Error.UnknownMethod", "org.freedesktop.DBus.Error.UnknownObject",
			"org.freedesktop.DBus.Error.UnknownInterface":
			return fmt.Errorf("no screenshot portal (%s): %w", derr.Name, ErrUnavailable)
		}
	}
	return fmt.Errorf("ask the screenshot portal: %w", err)
}

// awaitResponse waits for Response on handle and returns the uri. When
// ctx ends first, the request is closed (the portal may still save a
// file it will not tell us about).
func awaitResponse(ctx context.Context, bus *dbus.Conn, signals <-chan *dbus.Signal, handle dbus.ObjectPath) (string, error) {
	for {
		select {
		case <-ctx.Done():
			bus.Object(portalName, handle).Go(portalRequest+".Close", dbus.FlagNoReplyExpected, nil)
			return "", fmt.Errorf("wait for the screenshot portal: %w", ctx.Err())
		case sig, ok := <-signals:
			if !ok {
				return "", fmt.Errorf("the session bus closed: %w", ErrUnavailable)
			}
			if sig.Path == handle && sig.Name == portalRequest+".Response" {
				return responseURI(sig.Body)
			}
		}
	}
}

// responseURI reads Response(u response, a{sv} results).
func responseURI(body []any) (string, error) {
	if len(body) != 2 {
		return "", fmt.Errorf("the screenshot portal answered %d values, not 2", len(body))
	}
	code, _ := body[0].(uint32)
	results, _ := body[1].(map[string]dbus.Variant)
	switch code {
	case 0:
	case 1:
		return "", ErrCancelled
	default:
		return "", fmt.Errorf("the screenshot portal failed (response %d)", code)
	}
	uri, ok := results["uri"].Value().(string)
	if !ok {
		return "", errors.New("the screenshot portal gave no uri")
	}
	return uri, nil
}

// takeScreenshotFile reads the image the portal saved and deletes it: a
// screenshot of a QR code is a secret on disk. Only a regular file is
// read and deleted; a symlink or anything else is refused and left.
func takeScreenshotFile(uri string) (image.Image, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return nil, fmt.Errorf("the screenshot portal gave %q, not a file URI", uri)
	}
	f, err := os.OpenFile(u.Path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open the screenshot: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return nil, fmt.Errorf("the screenshot %s is not a regular file; it was left alone", u.Path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxTransfer+1))
	if rmErr := os.Remove(u.Path); rmErr != nil && err == nil {
		err = fmt.Errorf("delete the screenshot %s: %w", u.Path, rmErr)
	}
	if err != nil {
		return nil, err
	}
	if len(data) > MaxTransfer {
		return nil, fmt.Errorf("the screenshot is over %d MiB: %w", MaxTransfer>>20, ErrTooLarge)
	}
	return decodeImage(data)
}
