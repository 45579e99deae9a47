package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// button is Fyne's Button with a focus ring (Fyne's tint is 1.3:1
// against the unfocused button in the light theme, 1.2:1 in the dark),
// scrolled into view when it gets the focus.
type button struct {
	widget.Button
	ring *focusRing
	// escape is what Escape does while the button has the focus (in a
	// dialog: what its dismiss button does); nil: nothing.
	escape func()
}

// newButton returns a button with a label, an optional icon (nil for
// none) and what a tap (or Space/Enter while focused) does.
func newButton(label string, icon fyne.Resource, tapped func()) *button {
	b := &button{ring: newFocusRing(ringOutset, theme.SizeNameButtonRadius)}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// FocusGained implements fyne.Focusable.
func (b *button) FocusGained() {
	b.ring.show(true)
	b.Button.FocusGained() // refreshes, which colours the ring
	reveal(b)
}

// FocusLost implements fyne.Focusable.
func (b *button) FocusLost() {
	b.ring.show(false)
	b.Button.FocusLost()
}

// TypedKey implements fyne.Focusable: Enter presses the button (Fyne's
// takes only Space, and drops the focus doing it, so the next Tab starts
// again from the window's first control); Escape does b.escape.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace: // pressed on its character (TypedRune)
	case fyne.KeyReturn, fyne.KeyEnter:
		b.press()
	case fyne.KeyEscape:
		if b.escape != nil {
			b.escape()
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// TypedRune implements fyne.Focusable: Space presses the button. The
// space character comes after the Space key: pressed on the key, a button
// that moves the focus (Lock, to the password field) would hand the
// character on to the new field.
func (b *button) TypedRune(r rune) {
	if r == ' ' {
		b.press()
	}
}

func (b *button) press() {
	if !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
	}
}

// CreateRenderer implements fyne.Widget: Fyne's button renderer with the
// ring drawn around it.
func (b *button) CreateRenderer() fyne.WidgetRenderer {
	return b.ring.renderer(b, b.Button.CreateRenderer())
}
