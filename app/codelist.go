package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// codeList is the list of the codes screen. Beyond widget.List it copies
// the highlighted code on Enter (Space selects, as in any list) and offers
// to remove the highlighted account on Delete.
type codeList struct {
	widget.List
	v         *codesView
	highlight widget.ListItemID
	// items maps template containers to their parts (a few dozen at most:
	// the list recycles them).
	items          map[*fyne.Container]*listItem
	headingH, rowH float32
}

// listItem is the template of every line: a heading or a code row.
type listItem struct {
	heading *widget.Label
	row     *codeRow
	box     *fyne.Container
}

func newCodeList(v *codesView) *codeList {
	l := &codeList{v: v, items: map[*fyne.Container]*listItem{}}
	l.headingH = widget.NewLabel("").MinSize().Height
	l.rowH = newCodeRow().MinSize().Height
	l.Length = func() int { return len(v.entries) }
	l.CreateItem = func() fyne.CanvasObject {
		it := &listItem{heading: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), row: newCodeRow()}
		it.box = container.NewStack(it.heading, it.row)
		l.items[it.box] = it
		return it.box
	}
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) { l.update(id, l.items[o.(*fyne.Container)]) }
	l.OnSelected = func(id widget.ListItemID) {
		l.Unselect(id)
		v.activate(id)
	}
	l.OnHighlighted = func(id widget.ListItemID) { l.highlight = id }
	// Rows are told apart by their padding and tiles: a separator line
	// across the window is, for software GL, among the costliest things
	// on the once-a-second frame (it touches every tile of its row).
	l.HideSeparators = true
	l.ExtendBaseWidget(l)
	return l
}

func (l *codeList) update(id widget.ListItemID, it *listItem) {
	if id >= len(l.v.entries) {
		return
	}
	e := l.v.entries[id]
	if e.account == nil {
		delete(l.v.bound, it.row)
		it.row.Hide()
		it.heading.SetText(e.heading)
		it.heading.Show()
		return
	}
	it.heading.Hide()
	it.row.Show()
	a := *e.account
	it.row.onStar = func() { l.v.setFavourite(a, !a.Favourite) }
	it.row.onHOTP = func() { l.v.nextHOTP(a) }
	row := it.row
	it.row.onMore = func() { l.v.showMenu(a, row.more) }
	it.row.set(l.v.rowData(a))
	l.v.bound[it.row] = id
}

// setHeights makes heading lines shorter than account lines.
func (l *codeList) setHeights() {
	for i, e := range l.v.entries {
		if e.account == nil {
			l.SetItemHeight(i, l.headingH)
		} else {
			l.SetItemHeight(i, l.rowH)
		}
	}
}

// TypedKey copies the highlighted code on Enter and asks whether to
// remove the highlighted account on Delete (or Backspace, the key Macs
// label "delete"; removing always asks first).
func (l *codeList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		l.v.activate(l.highlight)
	case fyne.KeyDelete, fyne.KeyBackspace:
		if a := l.v.accountAt(l.highlight); a != nil {
			l.v.confirmRemove(*a)
		}
	default:
		l.List.TypedKey(ev)
	}
}
