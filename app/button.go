package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ringOutset is how far the focus ring lies outside a button's edge, and
// ringWidth how thick it is: it surrounds the button, so it stands out
// against the window's background whatever the button's own colour.
const ringOutset, ringWidth = 3, 2

// button is Fyne's Button with a focus ring. Fyne shows a focused button
// only as a faint tint (1.3:1 against the unfocused button in the light
// theme, 1.2:1 in the dark), so someone using the keyboard cannot see
// which button Space or Enter would press; no tint can reach the 3:1 WCAG
// asks of a focus indicator and keep the button's text readable. The ring
// is in the primary colour (3:1 against the background in both themes,
// TestThemeContrast), drawn only while the button has the focus.
type button struct {
	widget.Button
	ring *canvas.Rectangle
	// escape is what Escape does while the button has the focus (in a
	// dialog: what its dismiss button does); nil: nothing.
	escape func()
}

// newButton returns a button with a label, an optional icon (nil for
// none) and what a tap (or Space/Enter while focused) does.
func newButton(label string, icon fyne.Resource, tapped func()) *button {
	b := &button{ring: canvas.NewRectangle(color.Transparent)}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ring.StrokeWidth = ringWidth
	b.ring.Hide()
	b.ExtendBaseWidget(b)
	return b
}

// FocusGained implements fyne.Focusable.
func (b *button) FocusGained() {
	b.ring.Show()
	b.Button.FocusGained() // refreshes, which colours the ring
}

// FocusLost implements fyne.Focusable.
func (b *button) FocusLost() {
	b.ring.Hide()
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
	return &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), b: b}
}

type ringRenderer struct {
	fyne.WidgetRenderer
	b       *button
	objects []fyne.CanvasObject
}

// Objects is asked for on every frame: the slice is kept, and built again
// only when Fyne's renderer changed its own (it adds the icon once).
func (r *ringRenderer) Objects() []fyne.CanvasObject {
	inner := r.WidgetRenderer.Objects()
	if len(r.objects) != len(inner)+1 {
		r.objects = append(append(make([]fyne.CanvasObject, 0, len(inner)+1), inner...), r.b.ring)
	}
	return r.objects
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.b.ring.Move(fyne.NewPos(-ringOutset, -ringOutset))
	r.b.ring.Resize(size.AddWidthHeight(2*ringOutset, 2*ringOutset))
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	th, v := r.b.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	r.b.ring.StrokeColor = th.Color(theme.ColorNamePrimary, v)
	r.b.ring.CornerRadius = th.Size(theme.SizeNameButtonRadius) + ringOutset
	r.b.ring.Refresh()
}
