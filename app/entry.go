package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// entry is Fyne's Entry made whole for the keyboard: it scrolls into view
// when it gets the focus, Tab leaves it also when it takes several lines
// (Fyne's multi-line entry keeps Tab, so the focus could not leave it),
// and Ctrl+H shows or hides a password entry's text.
type entry struct {
	widget.Entry
	// escape is what Escape does while the entry has the focus; nil:
	// nothing (Fyne's entry ignores it).
	escape func()
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

// newPasswordEntry hides what is typed until its eye is pressed.
func newPasswordEntry() *entry {
	e := newEntry()
	e.Password = true
	e.ActionItem = newRevealToggle(e)
	return e
}

// AcceptsTab implements fyne.Tabbable: never, so Tab moves the focus on.
func (e *entry) AcceptsTab() bool { return false }

// FocusGained implements fyne.Focusable.
func (e *entry) FocusGained() {
	e.Entry.FocusGained()
	reveal(e)
}

// shortcutReveal shows or hides what a password field holds.
var shortcutReveal = &desktop.CustomShortcut{KeyName: fyne.KeyH, Modifier: fyne.KeyModifierShortcutDefault}

// TypedShortcut implements fyne.Shortcutable: Ctrl+H in a password field
// is its eye.
func (e *entry) TypedShortcut(s fyne.Shortcut) {
	if t, ok := e.ActionItem.(*revealToggle); ok && s.ShortcutName() == shortcutReveal.ShortcutName() {
		t.toggle()
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

// revealToggle is a password entry's eye: a click shows or hides the
// text. From the keyboard, Ctrl+H does (as in KeePassXC), in the field
// itself: the eye is no Tab stop, as a focusable control inside the
// field put Shift+Tab out of order (Fyne walks backwards parent first,
// so Shift+Tab from the eye skipped the field, and what was typed next
// was lost; GUI QA).
type revealToggle struct {
	widget.BaseWidget
	e    *entry
	icon *canvas.Image
}

func newRevealToggle(e *entry) *revealToggle {
	t := &revealToggle{e: e, icon: canvas.NewImageFromResource(nil)}
	t.ExtendBaseWidget(t)
	return t
}

func (t *revealToggle) toggle() {
	if t.e.Disabled() {
		return
	}
	t.e.Password = !t.e.Password
	t.e.Refresh()
	t.Refresh()
}

// Tapped implements fyne.Tappable: a click shows or hides, and leaves the
// focus in the entry for typing on, as Fyne's eye does.
func (t *revealToggle) Tapped(*fyne.PointEvent) {
	t.toggle()
	if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil {
		c.Focus(t.e)
	}
}

func (t *revealToggle) CreateRenderer() fyne.WidgetRenderer { return &revealRenderer{t: t} }

type revealRenderer struct{ t *revealToggle }

func (r *revealRenderer) Destroy() {}

func (r *revealRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.t.icon} }

func (r *revealRenderer) Layout(size fyne.Size) {
	s := r.t.Theme().Size(theme.SizeNameInlineIcon)
	r.t.icon.Resize(fyne.NewSquareSize(s))
	r.t.icon.Move(fyne.NewPos((size.Width-s)/2, (size.Height-s)/2))
}

func (r *revealRenderer) MinSize() fyne.Size {
	th := r.t.Theme()
	return fyne.NewSquareSize(th.Size(theme.SizeNameInlineIcon) + 2*th.Size(theme.SizeNameInnerPadding))
}

func (r *revealRenderer) Refresh() {
	th := r.t.Theme()
	res := th.Icon(theme.IconNameVisibility)
	if r.t.e.Password {
		res = th.Icon(theme.IconNameVisibilityOff)
	}
	if r.t.e.Disabled() {
		res = theme.NewDisabledResource(res)
	}
	r.t.icon.Resource = res
	r.t.icon.Refresh()
}
