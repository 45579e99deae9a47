package app

import (
	"crypto/sha256"
	"time"

	"fyne.io/fyne/v2"
)

// clipGuard copies text to the clipboard and clears it later, on lock and
// on quit — but only while the clipboard still holds what Twofold put
// there, so a person's own later copy is never wiped. It remembers a hash
// of the text, not the text.
type clipGuard struct {
	cb     fyne.Clipboard
	timers Timers
	sum    [32]byte
	held   bool
	stop   func()
}

// copy puts text on the clipboard; clearAfter > 0 clears it that much
// later.
func (g *clipGuard) copy(text string, clearAfter time.Duration) {
	g.cancel()
	g.cb.SetContent(text)
	g.sum, g.held = sha256.Sum256([]byte(text)), true
	if clearAfter > 0 {
		g.stop = g.timers.AfterFunc(clearAfter, g.clear)
	}
}

// clear empties the clipboard if it still holds what copy put there.
func (g *clipGuard) clear() {
	g.cancel()
	if !g.held {
		return
	}
	g.held = false
	if o, ok := g.cb.(ownedClipboard); ok {
		o.Clear()
		return
	}
	if sha256.Sum256([]byte(g.cb.Content())) == g.sum {
		g.cb.SetContent("")
	}
}

// ownedClipboard is a clipboard that knows whether it still holds what it
// was given, and clears only then (platform.X11Clipboard, which owns the
// X selection). Reading the content back instead would, once another
// program has copied something, ask that program and wait for it, on the
// UI goroutine.
type ownedClipboard interface {
	Clear()
}

func (g *clipGuard) cancel() {
	if g.stop != nil {
		g.stop()
		g.stop = nil
	}
}
