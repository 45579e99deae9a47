package platform

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/awnumar/memguard"
)

func newClipboard(t *testing.T, display string) *X11Clipboard {
	t.Helper()
	cb, err := NewX11Clipboard(display)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cb.Close() })
	return cb
}

// TestClipboardServesText: xclip reads what SetContent put on the
// clipboard, sees the password-manager hint, and nothing after Clear.
func TestClipboardServesText(t *testing.T) {
	need(t, "xclip")
	display := startX(t, "640x480x24")
	cb := newClipboard(t, display)
	cb.SetContent("492 039")
	for _, target := range []string{"", "UTF8_STRING", "STRING", "TEXT", "text/plain", "text/plain;charset=utf-8"} {
		if out, err := xclipOut(t, display, target); out != "492 039" || err != nil {
			t.Errorf("xclip -t %q: %q, %v; want our text", target, out, err)
		}
	}
	targets, err := xclipOut(t, display, "TARGETS")
	if !strings.Contains(targets, "x-kde-passwordManagerHint") || !strings.Contains(targets, "UTF8_STRING") {
		t.Errorf("TARGETS: %q, %v; want the password-manager hint and UTF8_STRING", targets, err)
	}
	if out, err := xclipOut(t, display, "x-kde-passwordManagerHint"); out != "secret" {
		t.Errorf("x-kde-passwordManagerHint: %q, %v; want secret", out, err)
	}
	if got := cb.Content(); got != "492 039" {
		t.Errorf("Content: %q", got)
	}
	cb.Clear()
	if out, err := xclipOut(t, display, ""); err == nil || out != "" {
		t.Errorf("after Clear xclip still reads %q (%v)", out, err)
	}
	if got := cb.Content(); got != "" {
		t.Errorf("after Clear Content is %q", got)
	}
}

// TestClipboardLeavesOthersCopy: when another program copies after us,
// our text is wiped, Content returns theirs, and Clear (or SetContent
// "") leaves theirs on the clipboard.
func TestClipboardLeavesOthersCopy(t *testing.T) {
	need(t, "xclip")
	display := startX(t, "640x480x24")
	cb := newClipboard(t, display)
	cb.SetContent("111 222")
	xclipIn(t, display, "UTF8_STRING", []byte("their text"))
	await(t, "our copy wiped after SelectionClear", func() bool {
		return !cb.owned()
	})
	if got := cb.Content(); got != "their text" {
		t.Errorf("Content: %q, want their text", got)
	}
	cb.Clear()
	cb.SetContent("")
	if out, err := xclipOut(t, display, ""); out != "their text" {
		t.Errorf("after our Clear xclip reads %q, %v; want their text", out, err)
	}
}

// TestClipboardSetAgain: copying twice, and copying right after a
// clear, serves the newest text (a stale SelectionClear from the clear
// must not wipe it).
func TestClipboardSetAgain(t *testing.T) {
	need(t, "xclip")
	display := startX(t, "640x480x24")
	cb := newClipboard(t, display)
	for _, text := range []string{"first", "second", "", "third"} {
		cb.SetContent(text)
	}
	if out, err := xclipOut(t, display, ""); out != "third" {
		t.Errorf("xclip reads %q, %v; want third", out, err)
	}
	if got := cb.Content(); got != "third" {
		t.Errorf("Content: %q", got)
	}
}

// TestClipboardReadsIncr: a text larger than one X request (xclip sends
// it with INCR) comes back whole through Content.
func TestClipboardReadsIncr(t *testing.T) {
	need(t, "xclip")
	display := startX(t, "640x480x24")
	cb := newClipboard(t, display)
	big := bytes.Repeat([]byte("0123456789abcdef"), 3<<20/16)
	big = append(big, "the end"...)
	xclipIn(t, display, "UTF8_STRING", big)
	got := cb.Content()
	if got != string(big) {
		t.Fatalf("Content: %d bytes, want %d", len(got), len(big))
	}
	if n := cb.c.incrPieces.Load(); n < 2 {
		t.Errorf("%d INCR pieces: the transfer did not use INCR", n)
	}
}

// TestClipboardNoX: no server is ErrUnavailable, for the caller to fall
// back to Fyne's clipboard.
func TestClipboardNoX(t *testing.T) {
	for _, display := range []string{"", ":9999"} {
		if _, err := NewX11Clipboard(display); !errors.Is(err, ErrUnavailable) {
			t.Errorf("display %q: %v, want ErrUnavailable", display, err)
		}
	}
}

// TestClipboardClearAsksServer: even while we still think we own the
// clipboard (another program's copy raced our SelectionClear), Clear
// leaves the other program's copy: the server is asked, and our time
// stamp makes a late SetSelectionOwner(None) void.
func TestClipboardClearAsksServer(t *testing.T) {
	need(t, "xclip")
	display := startX(t, "640x480x24")
	cb := newClipboard(t, display)
	cb.SetContent("333 444")
	xclipIn(t, display, "UTF8_STRING", []byte("their text"))
	await(t, "our copy wiped after SelectionClear", func() bool {
		return !cb.owned()
	})
	cb.mu.Lock()
	cb.text = memguard.NewBufferFromBytes([]byte("333 444")) // as if the clear had not arrived
	cb.mu.Unlock()
	cb.Clear()
	if out, err := xclipOut(t, display, ""); out != "their text" {
		t.Errorf("after our Clear xclip reads %q, %v; want their text", out, err)
	}
}

// TestClipboardRefusesHuge: a text larger than one X request is refused
// (we do not send INCR), and the connection stays usable.
func TestClipboardRefusesHuge(t *testing.T) {
	need(t, "xclip")
	display := startX(t, "640x480x24")
	cb := newClipboard(t, display)
	cb.SetContent(strings.Repeat("x", 300<<10))
	if out, err := xclipOut(t, display, ""); err == nil || out != "" {
		t.Errorf("xclip read %d bytes of a text too large to serve", len(out))
	}
	cb.SetContent("small")
	if out, err := xclipOut(t, display, ""); out != "small" {
		t.Errorf("xclip reads %q, %v; want small", out, err)
	}
}

// TestClipboardAfterClose: a closed clipboard answers at once.
func TestClipboardAfterClose(t *testing.T) {
	display := startX(t, "640x480x24")
	cb := newClipboard(t, display)
	cb.SetContent("555 666")
	cb.Close()
	cb.SetContent("777 888")
	if got := cb.Content(); got != "" {
		t.Errorf("Content after Close: %q", got)
	}
	if _, err := cb.Image(ctx(t)); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Image after Close: %v, want ErrUnavailable", err)
	}
	cb.Close()
}
