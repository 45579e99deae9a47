package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// entry is Fyne's Entry made whole for the keyboard: it scrolls into view
// when it gets the focus, Tab leaves it also when it takes several lines
// (Fyne's multi-line entry keeps Tab, so the focus could not leave it),
// and Ctrl+H shows or hides a password entry's text.
type entry struct {
	widget.Entry
	secret bool // a password entry: Ctrl+H shows or hides its text
	// escape is what Escape does while the entry has the focus; nil:
	// nothing (Fyne's entry ignores it).
	escape func()
	// left is called when the entry loses the focus; nil: nothing.
	left func()
}

func newEntry() *entry {
	e := &entry{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// newMultiLineEntry is for text pasted in lines (recovery codes): a tab
// in pasted text is kept, only the Tab key moves on.
func newMultiLineEntry() *entry {
	e := newEntry()
	e.MultiLine = true
	return e
}

// newPasswordEntry hides what is typed until its eye (Fyne's, which it
// adds to any password entry) is clicked, or Ctrl+H is pressed. The eye
// is no Tab stop: a focusable control inside the field put Shift+Tab out
// of order (Fyne walks backwards parent first, so Shift+Tab from the eye
// skipped the field, and what was typed next was lost; GUI QA).
func newPasswordEntry() *entry {
	e := newEntry()
	e.Password, e.secret = true, true
	return e
}

// AcceptsTab implements fyne.Tabbable: never, so Tab moves the focus on.
func (e *entry) AcceptsTab() bool { return false }

// FocusGained implements fyne.Focusable.
func (e *entry) FocusGained() {
	e.Entry.FocusGained()
	reveal(e)
}

// FocusLost implements fyne.Focusable.
func (e *entry) FocusLost() {
	e.Entry.FocusLost()
	if e.left != nil {
		e.left()
	}
}

// shortcutReveal shows or hides what a password field holds.
var shortcutReveal = &desktop.CustomShortcut{KeyName: fyne.KeyH, Modifier: fyne.KeyModifierShortcutDefault}

// TypedShortcut implements fyne.Shortcutable: Ctrl+H in a password field
// is its eye (as in KeePassXC).
func (e *entry) TypedShortcut(s fyne.Shortcut) {
	if e.secret && s.ShortcutName() == shortcutReveal.ShortcutName() {
		if !e.Disabled() {
			e.Password = !e.Password
			e.Refresh() // the eye's icon too
		}
		return
	}
	e.Entry.TypedShortcut(s)
}

// TypedKey implements fyne.Focusable: Escape does e.escape.
func (e *entry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.escape != nil {
		e.escape()
		return
	}
	e.Entry.TypedKey(ev)
}
