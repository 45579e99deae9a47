package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// selectField is Fyne's Select with a focus ring on its edge (as Fyne
// draws a focused entry's), scrolled into view when it gets the focus. Focused, Left and Right step through the choices and
// Space opens the list.
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
	title  string
	toggle *button
	detail fyne.CanvasObject
	box    *fyne.Container
}

func newDisclosure(title string, detail fyne.CanvasObject) *disclosure {
	d := &disclosure{title: title, detail: detail}
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
