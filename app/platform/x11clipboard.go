package platform

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/awnumar/memguard"
	"github.com/jezek/xgb/xproto"
)

// contentTimeout bounds Content, whose signature (fyne.Clipboard's) has
// no context: a clipboard owner that never answers must not hang the UI.
const contentTimeout = 5 * time.Second

// X11Clipboard is a clipboard for secrets on X11 with the method set of
// fyne.Clipboard. It owns the CLIPBOARD selection itself, serves the text
// from memguard, tells clipboard managers not to keep it
// (x-kde-passwordManagerHint = "secret") and wipes it as soon as another
// program takes the clipboard. Safe for concurrent use.
type X11Clipboard struct {
	c *xconn

	mu    sync.Mutex
	text  *memguard.LockedBuffer // nil: we do not own the clipboard
	since xproto.Timestamp       // when we took the clipboard

	closeOnce sync.Once
}

// NewX11Clipboard connects to the X display (e.g. os.Getenv("DISPLAY")).
// No display or no X server there is ErrUnavailable: the caller then
// keeps Fyne's clipboard. Close it when done.
func NewX11Clipboard(display string) (*X11Clipboard, error) {
	cb := &X11Clipboard{}
	c, err := dialX(display, cb.serve, cb.lost)
	if err != nil {
		return nil, err
	}
	cb.c = c
	return cb, nil
}

// SetContent puts text on the clipboard; "" gives the clipboard up (as
// Clear). Errors (the X server went away) leave the clipboard as it was:
// fyne.Clipboard's signature has no room for them.
func (cb *X11Clipboard) SetContent(text string) {
	if text == "" {
		cb.Clear()
		return
	}
	_ = cb.set(text)
}

func (cb *X11Clipboard) set(text string) error {
	ctx, cancel := context.WithTimeout(context.Background(), contentTimeout)
	defer cancel()
	cb.c.xfer.Lock()
	now, err := cb.c.serverTime(ctx)
	cb.c.xfer.Unlock()
	if err != nil {
		return err
	}
	cb.mu.Lock()
	cb.wipeLocked()
	cb.text = memguard.NewBufferFromBytes([]byte(text))
	cb.since = now
	cb.mu.Unlock()
	xproto.SetSelectionOwner(cb.c.x, cb.c.win, cb.c.atom["CLIPBOARD"], now)
	if owner, err := cb.c.owner(); err != nil || owner != cb.c.win {
		cb.wipe()
		return errors.New("could not take the clipboard")
	}
	return nil
}

// Clear wipes our text and gives up the clipboard, but only if we still
// own it: what another program copied since is left alone.
func (cb *X11Clipboard) Clear() {
	cb.mu.Lock()
	owned, since := cb.text != nil, cb.since
	cb.wipeLocked()
	cb.mu.Unlock()
	if !owned {
		return
	}
	// With our own time stamp the server ignores this if another client
	// took the clipboard after us, even between these two requests.
	if owner, err := cb.c.owner(); err == nil && owner == cb.c.win {
		xproto.SetSelectionOwner(cb.c.x, xproto.WindowNone, cb.c.atom["CLIPBOARD"], since)
		cb.c.owner() // a round trip: the request is done when Clear returns
	}
}

// Content returns the clipboard's text: ours while we own it, else the
// owner's UTF8_STRING (or STRING), "" when there is none or the owner
// does not answer within a few seconds.
func (cb *X11Clipboard) Content() string {
	if s, ok := cb.ours(); ok {
		return s
	}
	ctx, cancel := context.WithTimeout(context.Background(), contentTimeout)
	defer cancel()
	for _, target := range []string{"UTF8_STRING", "STRING"} {
		data, _, err := cb.c.convert(ctx, cb.c.atom[target], MaxTransfer)
		if err == nil {
			return string(data)
		}
		if !errors.Is(err, errRefused) {
			return ""
		}
	}
	return ""
}

// ours returns our text if we own the clipboard.
func (cb *X11Clipboard) ours() (string, bool) {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	if cb.text == nil {
		return "", false
	}
	return string(cb.text.Bytes()), true
}

// owned tells whether we own the clipboard (without copying the text).
func (cb *X11Clipboard) owned() bool {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	return cb.text != nil
}

// Close gives up the clipboard (as Clear) and disconnects.
func (cb *X11Clipboard) Close() error {
	cb.closeOnce.Do(func() {
		cb.Clear()
		cb.c.close()
	})
	return nil
}

// lost handles SelectionClear: another program took the clipboard (or we
// gave it up). A clear caused by our own Clear cannot wipe a later
// SetContent (which waits for an event that comes after the clear), but
// the server is asked all the same: it knows who owns the clipboard now.
func (cb *X11Clipboard) lost(e xproto.SelectionClearEvent) {
	if e.Selection != cb.c.atom["CLIPBOARD"] {
		return
	}
	if owner, err := cb.c.owner(); err == nil && owner == cb.c.win {
		return
	}
	cb.wipe()
}

func (cb *X11Clipboard) wipe() {
	cb.mu.Lock()
	cb.wipeLocked()
	cb.mu.Unlock()
}

func (cb *X11Clipboard) wipeLocked() {
	if cb.text != nil {
		cb.text.Destroy()
		cb.text = nil
	}
}
