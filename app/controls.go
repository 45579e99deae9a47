package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// selectField is Fyne's Select with a focus ring on its edge (as Fyne
// draws a focused entry's), scrolled into view when it gets the focus.
// Focused, Left and Right step through the choices and Space opens the
// list.
type selectField struct {
	widget.Select
	ring *focusRing
}

func newSelect(options []string, changed func(string)) *selectField {
	s := &selectField{ring: newFocusRing(0, theme.SizeNameInputRadius)}
	s.Options, s.OnChanged, s.PlaceHolder = options, changed, "(Select one)"
	s.ExtendBaseWidget(s)
	return s
}

// FocusGained implements fyne.Focusable.
func (s *selectField) FocusGained() {
	s.ring.show(true)
	s.Select.FocusGained()
	reveal(s)
}

// FocusLost implements fyne.Focusable.
func (s *selectField) FocusLost() {
	s.ring.show(false)
	s.Select.FocusLost()
}

func (s *selectField) CreateRenderer() fyne.WidgetRenderer {
	return s.ring.renderer(s, s.Select.CreateRenderer())
}

// checkField is Fyne's Check with a focus ring around box and label,
// scrolled into view when it gets the focus.
type checkField struct {
	widget.Check
	ring *focusRing
}

func newCheck(label string, changed func(bool)) *checkField {
	c := &checkField{ring: newFocusRing(0, theme.SizeNameInputRadius)}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

// FocusGained implements fyne.Focusable.
func (c *checkField) FocusGained() {
	c.ring.show(true)
	c.Check.FocusGained()
	reveal(c)
}

// FocusLost implements fyne.Focusable.
func (c *checkField) FocusLost() {
	c.ring.show(false)
	c.Check.FocusLost()
}

func (c *checkField) CreateRenderer() fyne.WidgetRenderer {
	return c.ring.renderer(c, c.Check.CreateRenderer())
}

// disclosure is a titled section that a button folds and unfolds, for
// options most people leave alone. It replaces Fyne's Accordion, whose
// header drops the focus when Space folds it (the next Tab started again
// at the window's top) and shows the focus only as a faint tint.
type disclosure struct {
	toggle *button
	detail fyne.CanvasObject
	box    *fyne.Container
}

func newDisclosure(title string, detail fyne.CanvasObject) *disclosure {
	d := &disclosure{detail: detail}
	d.toggle = newButton(title, nil, func() { d.setOpen(!d.detail.Visible()) })
	d.toggle.Importance = widget.LowImportance
	d.toggle.Alignment = widget.ButtonAlignLeading
	d.box = container.NewVBox(d.toggle, detail)
	d.setOpen(false)
	return d
}

// setOpen unfolds (true) or folds the section.
func (d *disclosure) setOpen(open bool) {
	if open {
		d.detail.Show()
		d.toggle.SetIcon(theme.MenuDropUpIcon())
	} else {
		d.detail.Hide()
		d.toggle.SetIcon(theme.MenuDropDownIcon())
	}
	d.box.Refresh()
}

func (d *disclosure) open() bool { return d.detail.Visible() }

// keyScroll is a vertical scroll the keyboard can move: it is a Tab stop
// (ringed while focused), Up and Down move it a line, Page Up and Page
// Down a view, Home and End to either end. Fyne's scroll takes no focus,
// so text longer than its view could be read only with a mouse.
type keyScroll struct {
	widget.BaseWidget
	scroll *container.Scroll
	ring   *focusRing
	// escape is what Escape does while it has the focus (in a dialog:
	// close it); nil: nothing.
	escape func()
}

func newKeyScroll(content fyne.CanvasObject) *keyScroll {
	k := &keyScroll{scroll: container.NewVScroll(content), ring: newFocusRing(0, theme.SizeNameInputRadius)}
	k.ExtendBaseWidget(k)
	return k
}

// FocusGained implements fyne.Focusable.
func (k *keyScroll) FocusGained() { k.ring.show(true); k.Refresh(); reveal(k) }

// FocusLost implements fyne.Focusable.
func (k *keyScroll) FocusLost() { k.ring.show(false); k.Refresh() }

// TypedRune implements fyne.Focusable.
func (k *keyScroll) TypedRune(rune) {}

// TypedKey implements fyne.Focusable.
func (k *keyScroll) TypedKey(ev *fyne.KeyEvent) {
	line := k.Theme().Size(theme.SizeNameText) + k.Theme().Size(theme.SizeNameLineSpacing)
	view := k.scroll.Size().Height
	off := k.scroll.Offset
	switch ev.Name {
	case fyne.KeyUp:
		off.Y -= line
	case fyne.KeyDown:
		off.Y += line
	case fyne.KeyPageUp:
		off.Y -= view - line
	case fyne.KeyPageDown:
		off.Y += view - line
	case fyne.KeyHome:
		off.Y = 0
	case fyne.KeyEnd:
		off.Y = k.scroll.Content.MinSize().Height
	case fyne.KeyEscape:
		if k.escape != nil {
			k.escape()
		}
		return
	default:
		return
	}
	off.Y = max(0, min(off.Y, k.scroll.Content.MinSize().Height-view))
	k.scroll.ScrollToOffset(off)
}

// setMinHeight asks for room to show the content whole, up to limit high.
func (k *keyScroll) setMinHeight(limit float32) {
	c := k.scroll.Content.MinSize()
	k.scroll.SetMinSize(fyne.NewSize(c.Width, min(c.Height, limit)))
}

func (k *keyScroll) CreateRenderer() fyne.WidgetRenderer {
	return k.ring.renderer(k, widget.NewSimpleRenderer(k.scroll))
}
