package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// codeList is the list of the codes screen. Beyond widget.List it copies
// the highlighted code on Enter (Space selects, as in any list), offers
// to remove the highlighted account on Delete, and outlines the
// highlighted line while the list has the keyboard focus: Fyne marks it
// only with its hover tint, 1.1:1 against the background, too faint to
// see which code Enter would copy (WCAG asks 3:1 of a focus indicator).
type codeList struct {
	widget.List
	v *codesView
	// highlight is the line the keyboard is on: Up/Down move it, a tap
	// puts it on the tapped line. Fyne reports the mouse hovering a line
	// through the same callback; that does not move it, so Enter copies
	// the outlined line wherever the pointer rests.
	highlight      widget.ListItemID
	focused        bool
	keyboard       bool // within the List's key or focus handling
	headingH, rowH float32
}

// listItem is the template of every line: a heading or a code row,
// stacked under ring, the keyboard focus outline (hidden unless on this
// line). The list holds the stack; itemOf finds its parts again (a map
// from stacks to parts kept every stack Fyne ever dropped).
type listItem struct {
	heading *widget.Label
	row     *codeRow
	ring    *canvas.Rectangle
}

func (it listItem) box() *fyne.Container { return container.NewStack(it.heading, it.row, it.ring) }

func itemOf(o fyne.CanvasObject) listItem {
	parts := o.(*fyne.Container).Objects
	return listItem{heading: parts[0].(*widget.Label), row: parts[1].(*codeRow), ring: parts[2].(*canvas.Rectangle)}
}

func newCodeList(v *codesView) *codeList {
	l := &codeList{v: v}
	l.headingH = widget.NewLabel("").MinSize().Height
	l.rowH = newCodeRow().MinSize().Height
	l.Length = func() int { return len(v.entries) }
	l.CreateItem = func() fyne.CanvasObject {
		it := listItem{heading: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), row: newCodeRow(),
			ring: canvas.NewRectangle(color.Transparent)}
		it.ring.Hide()
		return it.box()
	}
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) { l.update(id, itemOf(o)) }
	l.OnSelected = func(id widget.ListItemID) {
		l.Unselect(id)
		l.moveHighlight(id) // a tap puts Fyne's keyboard highlight there too
		v.activate(id)
	}
	l.OnHighlighted = func(id widget.ListItemID) {
		if l.keyboard {
			l.moveHighlight(id)
		}
	}
	// Rows are told apart by their padding and tiles: a separator line
	// across the window is, for software GL, among the costliest things
	// on the once-a-second frame (it touches every tile of its row).
	l.HideSeparators = true
	l.ExtendBaseWidget(l)
	return l
}

func (l *codeList) update(id widget.ListItemID, it listItem) {
	if id >= len(l.v.entries) {
		return
	}
	l.showRing(it.ring, l.focused && id == l.highlight)
	e := l.v.entries[id]
	if e.account == nil {
		l.v.unbind(it.row)
		it.row.Hide()
		it.heading.SetText(e.heading)
		it.heading.Show()
		return
	}
	it.heading.Hide()
	it.row.Show()
	a := *e.account
	it.row.onStar = func() { l.v.setFavourite(a, !a.Favourite) }
	it.row.onHOTP = func() { l.v.nextAndCopy(a) }
	row := it.row
	it.row.onMore = func() {
		l.v.showMenu(a, func(p *widget.PopUpMenu) { p.ShowAtRelativePosition(fyne.NewPos(0, row.more.Size().Height), row.more) }, false)
	}
	it.row.set(l.v.rowData(a))
	l.v.bind(id, it.row)
}

// setHeights makes heading lines shorter than account lines.
func (l *codeList) setHeights() {
	for i := range l.v.entries {
		l.SetItemHeight(i, l.lineHeight(i))
	}
}

// lineHeight is line i's height: a heading's or an account's.
func (l *codeList) lineHeight(i widget.ListItemID) float32 {
	if l.v.accountAt(i) == nil {
		return l.headingH
	}
	return l.rowH
}

// showRing outlines a line in the primary colour (at least 3:1 against
// the background in both themes, TestThemeContrast), inside its bounds.
func (l *codeList) showRing(r *canvas.Rectangle, on bool) {
	if !on {
		if r.Visible() {
			r.Hide()
		}
		return
	}
	th, v := l.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	r.FillColor = color.Transparent
	r.StrokeColor = th.Color(theme.ColorNamePrimary, v)
	r.StrokeWidth = 2
	r.CornerRadius = th.Size(theme.SizeNameSelectionRadius)
	r.Show()
	r.Refresh()
}

func (l *codeList) moveHighlight(id widget.ListItemID) {
	if id == l.highlight {
		return
	}
	old := l.highlight
	l.highlight = id
	if l.focused {
		l.RefreshItem(old)
		l.RefreshItem(id)
	}
}

// highlightLine moves the keyboard highlight to line i, scrolled into
// view, as Up and Down do.
func (l *codeList) highlightLine(i widget.ListItemID) {
	l.keyboard = true
	l.Highlight(i)
	l.keyboard = false
}

// FocusGained and FocusLost show and hide the outline.
func (l *codeList) FocusGained() {
	l.focused = true
	l.keyboard = true
	l.List.FocusGained()
	l.keyboard = false
	if !l.drawn(l.highlight) {
		// The list was scrolled away from the line it had last: start on
		// the first line in view, not on one Enter would copy unseen.
		if first, ok := l.firstDrawn(); ok {
			l.highlightLine(first)
		}
	}
	l.skipHeadings(1)
	l.RefreshItem(l.highlight)
}

// lineSpan is where line i lies in the list's content: its top and
// height, laid out as widget.List does (a padding between lines).
func (l *codeList) lineSpan(i widget.ListItemID) (top, height float32) {
	pad := l.Theme().Size(theme.SizeNamePadding)
	for j := range i {
		top += l.lineHeight(j) + pad
	}
	return top, l.lineHeight(i)
}

// shown is the range of lines the list shows, wholly or in part: first
// to last, as widget.List works it out, and a line more on each side
// (a line the list has just put aside still has its row bound, which
// ticks off screen for a second at most; a line left out would freeze).
func (l *codeList) shown() (first, last widget.ListItemID) {
	pad, off, h := l.Theme().Size(theme.SizeNamePadding), l.GetScrollOffset(), l.Size().Height
	first, top := -1, float32(0)
	for i := range l.v.entries {
		lh := l.lineHeight(i)
		if first < 0 && top+lh+pad > off {
			first = i
		}
		if top >= off+h {
			return max(first-1, 0), i
		}
		top += lh + pad
	}
	return max(first-1, 0), len(l.v.entries) - 1
}

// inView reports whether the span [top, top+h) of the list's content is
// wholly in view.
func (l *codeList) inView(top, h float32) bool {
	off := l.GetScrollOffset()
	return top >= off && top+h <= off+l.Size().Height
}

// drawn reports whether line i is wholly in view.
func (l *codeList) drawn(i widget.ListItemID) bool {
	if i < 0 || i >= len(l.v.entries) {
		return false
	}
	return l.inView(l.lineSpan(i))
}

// firstDrawn is the first account line wholly in view.
func (l *codeList) firstDrawn() (widget.ListItemID, bool) {
	pad, top := l.Theme().Size(theme.SizeNamePadding), float32(0)
	for i := range l.v.entries {
		h := l.lineHeight(i)
		if l.v.accountAt(i) != nil && l.inView(top, h) {
			return i, true
		}
		top += h + pad
	}
	return 0, false
}

// skipHeadings moves the highlight off a group heading, which Enter and
// Delete have nothing to act on: to the nearest account line in the
// direction dir (+1 down, -1 up), or the other way if there is none.
// Going up, the heading stays in view above the group's first account.
func (l *codeList) skipHeadings(dir int) {
	for _, d := range []int{dir, -dir} {
		for i := l.highlight; i >= 0 && i < len(l.v.entries); i += d {
			if l.v.accountAt(i) == nil {
				continue
			}
			if i != l.highlight {
				l.highlightLine(i)
			}
			if l.v.accountAt(i-1) == nil && i > 0 {
				l.ScrollTo(i - 1)
			}
			return
		}
	}
}

func (l *codeList) FocusLost() {
	l.focused = false
	l.List.FocusLost()
	l.RefreshItem(l.highlight)
}

// TypedKey copies the highlighted code on Enter, asks whether to remove
// the highlighted account on Delete (or Backspace, the key Macs label
// "delete"; removing always asks first), and opens its menu (copy, next
// code, favourite, QR code, remove) on the Menu key or F10: the lines'
// buttons take no keyboard focus (rowButton).
func (l *codeList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		l.v.activate(l.highlight)
	case fyne.KeyDelete, fyne.KeyBackspace:
		if a := l.v.accountAt(l.highlight); a != nil {
			l.v.confirmRemove(*a)
		}
	case desktop.KeyMenu, fyne.KeyF10: // the context-menu keys (Shift+F10 comes as F10)
		l.v.menuAt(l.highlight)
	default:
		l.keyboard = true
		l.List.TypedKey(ev)
		l.keyboard = false
		switch ev.Name {
		case fyne.KeyDown:
			l.skipHeadings(1)
		case fyne.KeyUp:
			l.skipHeadings(-1)
		}
	}
}
