//go:build cgo && !nogui

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportFromScreenAndClipboard runs `twofold import --screen` with a
// QR code shown on an Xvfb screen (ImageMagick's display), then
// `--clipboard` with a QR image that xclip holds, and checks the accounts
// land in the vault; text on the clipboard is a clear error.
func TestImportFromScreenAndClipboard(t *testing.T) {
	if os.Getenv("CI") != "true" && os.Getenv("TWOFOLD_GUI_SMOKE") == "" {
		t.Skip("needs Xvfb: set TWOFOLD_GUI_SMOKE=1 (or CI=true) to run it")
	}
	for _, tool := range []string{"Xvfb", "xclip", "display", "qrencode", "xdotool", "xwininfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: apt-get install xvfb xclip imagemagick qrencode xdotool x11-utils", tool)
		}
	}
	s := newSmoke(t)
	s.cli("init", "--password-file", s.pwFile, "--kdf-ms", "50", "--kdf-memory-mib", "8")
	s.startX()
	desktop := func(args ...string) (string, error) {
		cmd := exec.Command(s.bin, append([]string{"--password-file", s.pwFile}, args...)...)
		cmd.Env = append(s.env, "DISPLAY="+s.display, "DBUS_SESSION_BUS_ADDRESS=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	qr := func(name, uri string) string {
		path := filepath.Join(s.dir, name)
		if out, err := exec.Command("qrencode", "-s", "6", "-o", path, uri).CombinedOutput(); err != nil {
			t.Fatalf("qrencode: %v %s", err, out)
		}
		return path
	}

	// The screen: a code in an ImageMagick window somewhere on it.
	shown := qr("screen.png", "otpauth://totp/Screen:alice?secret=JBSWY3DPEHPK3PXP&issuer=Screen")
	viewer := exec.Command("display", "-title", "qr-on-screen", "-geometry", "+300+200", shown)
	viewer.Env = append(s.env, "DISPLAY="+s.display)
	viewer.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := viewer.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopGroup(viewer) })
	s.await("the QR code window, mapped", 30*time.Second, func() (string, bool) {
		id, _ := s.x("xdotool", "search", "--name", "^qr-on-screen$")
		info, _ := s.x("xwininfo", "-id", strings.Fields(id + " none")[0])
		return id, strings.Contains(info, "Map State: IsViewable")
	})
	// Mapped is not yet drawn: retry a dry run until the code is read.
	s.await("the code read from the screen", 30*time.Second, func() (string, bool) {
		out, err := desktop("import", "--screen", "--dry-run")
		return out, err == nil && strings.Contains(out, "1 new")
	})
	if out, err := desktop("import", "--screen"); err != nil || !strings.Contains(out, "the screen") {
		t.Fatalf("import --screen: %v\n%s", err, out)
	}

	// The clipboard: xclip serves a PNG until another client takes over.
	copied := qr("clip.png", "otpauth://totp/Clipboard:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Clipboard")
	s.xclipIn(nil, "-t", "image/png", "-i", copied)
	if out, err := desktop("import", "--clipboard"); err != nil || !strings.Contains(out, "the clipboard") {
		t.Fatalf("import --clipboard: %v\n%s", err, out)
	}
	list := s.cli("list", "--password-file", s.pwFile)
	for _, want := range []string{"Screen", "alice", "Clipboard", "bob"} {
		if !strings.Contains(list, want) {
			t.Errorf("after importing, list lacks %q:\n%s", want, list)
		}
	}

	// Text on the clipboard: says so, and how to copy an image instead.
	s.xclipIn(strings.NewReader("just some text"), "-i")
	out, err := desktop("import", "--clipboard")
	if err == nil || !strings.Contains(out, "holds text") || !strings.Contains(out, "copy the QR code as an image") {
		t.Errorf("import --clipboard with text on it: %v\n%s", err, out)
	}
}

// xclipIn puts something on the clipboard with xclip. xclip stays in the
// background serving it, holding whatever output pipes it was given, so
// it gets none (exec's Output would wait for it to exit).
func (s *smoke) xclipIn(stdin io.Reader, args ...string) {
	s.t.Helper()
	cmd := exec.Command("xclip", append([]string{"-selection", "clipboard"}, args...)...)
	cmd.Env = append(s.env, "DISPLAY="+s.display)
	cmd.Stdin = stdin
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("xclip %s: %v", strings.Join(args, " "), err)
	}
}
