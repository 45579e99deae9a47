package platform

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// fakePortal is org.freedesktop.portal.Screenshot on a private bus: it
// answers on the request path the caller predicts, as
// xdg-desktop-portal does, with response code and (for 0) a PNG it
// writes to dir.
type fakePortal struct {
	bus    *dbus.Conn
	dir    string
	png    []byte
	code   uint32
	silent bool // never answers
	file   chan string
}

func (p *fakePortal) Screenshot(sender dbus.Sender, parent string, options map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	token, _ := options["handle_token"].Value().(string)
	interactive, _ := options["interactive"].Value().(bool)
	if token == "" || interactive {
		return "", dbus.MakeFailedError(errors.New("want a handle_token and interactive false"))
	}
	path := requestPath(string(sender), token)
	if p.silent {
		return path, nil
	}
	results := map[string]dbus.Variant{}
	if p.code == 0 {
		file := filepath.Join(p.dir, "Screenshot.png")
		os.WriteFile(file, p.png, 0o600)
		p.file <- file
		results["uri"] = dbus.MakeVariant("file://" + file)
	}
	// The answer may come before the reply: the caller must already
	// listen.
	p.bus.Emit(path, portalRequest+".Response", p.code, results)
	return path, nil
}

// privateBus starts a dbus-daemon of our own and returns its address.
func privateBus(t *testing.T) string {
	t.Helper()
	need(t, "dbus-daemon")
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start(t, cmd)
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon address: %v", err)
	}
	return strings.TrimSpace(addr)
}

// servePortal exports p on a bus at addr under the portal's name.
func servePortal(t *testing.T, addr string, p *fakePortal) {
	t.Helper()
	bus, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	p.bus, p.file = bus, make(chan string, 1)
	if err := bus.Export(p, portalPath, "org.freedesktop.portal.Screenshot"); err != nil {
		t.Fatal(err)
	}
	if reply, err := bus.RequestName(portalName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request name: %v %v", reply, err)
	}
}

func portalCapture(addr string) *Capture {
	return &Capture{Wayland: true, SessionBus: func() (*dbus.Conn, error) { return dbus.Connect(addr) }}
}

// TestScreenPortal: under Wayland the portal's screenshot is read, its
// QR code decodes, and the file it saved is gone.
func TestScreenPortal(t *testing.T) {
	addr := privateBus(t)
	p := &fakePortal{dir: t.TempDir(), png: qrPNG(t, testURI)}
	servePortal(t, addr, p)
	img, err := portalCapture(addr).Screen(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	wantQR(t, img)
	file := <-p.file
	if _, err := os.Lstat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the portal's file %s is still there (%v)", file, err)
	}
}

// TestScreenPortalCancelled: response 1 is ErrCancelled; other codes
// are errors of their own.
func TestScreenPortalCancelled(t *testing.T) {
	for code, want := range map[uint32]string{1: "cancelled", 2: "response 2"} {
		addr := privateBus(t)
		servePortal(t, addr, &fakePortal{code: code})
		_, err := portalCapture(addr).Screen(ctx(t))
		if err == nil || errors.Is(err, ErrCancelled) != (code == 1) || !strings.Contains(err.Error(), want) {
			t.Errorf("response %d: %v, want an error saying %q", code, err, want)
		}
	}
}

// TestScreenPortalSilent: a portal that never answers ends with the
// context, without hanging.
func TestScreenPortalSilent(t *testing.T) {
	addr := privateBus(t)
	servePortal(t, addr, &fakePortal{silent: true})
	c, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := portalCapture(addr).Screen(c); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%v, want the context's deadline", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Screen did not return 10 s after its context ended")
	}
}

// TestScreenPortalMissing: a bus without a portal (and no X) is
// ErrUnavailable.
func TestScreenPortalMissing(t *testing.T) {
	addr := privateBus(t)
	if _, err := portalCapture(addr).Screen(ctx(t)); !errors.Is(err, ErrUnavailable) {
		t.Errorf("%v, want ErrUnavailable", err)
	}
}

// TestScreenshotFileNotRegular: a URI naming a symlink is refused and
// the link left alone; a regular file is deleted even when it is not
// an image.
func TestScreenshotFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.png")
	os.WriteFile(target, []byte("x"), 0o600)
	link := filepath.Join(dir, "link.png")
	os.Symlink(target, link)
	if _, err := takeScreenshotFile("file://" + link); err == nil {
		t.Error("a symlink was read")
	}
	if _, err := os.Lstat(link); err != nil {
		t.Errorf("the symlink is gone: %v", err)
	}
	if _, err := takeScreenshotFile("file://" + target); err == nil {
		t.Error("a non-image decoded")
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file is still there: %v", err)
	}
}

// TestScreenWaylandOrder: under Wayland the portal is asked even when
// XWayland is there; without a portal, XWayland's screen is read.
func TestScreenWaylandOrder(t *testing.T) {
	display := startX(t, "320x200x24")
	addr := privateBus(t)
	c := portalCapture(addr)
	c.Display = display
	img, err := c.Screen(ctx(t))
	if err != nil || img.Bounds().Dx() != 320 {
		t.Fatalf("no portal: %v, %v; want the 320×200 X screen", img, err)
	}
	p := &fakePortal{dir: t.TempDir(), png: qrPNG(t, testURI)}
	servePortal(t, addr, p)
	img, err = c.Screen(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	wantQR(t, img)
}
