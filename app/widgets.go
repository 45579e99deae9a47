package app

import (
	"errors"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/assets"
)

// scrollPage is a tab's page: its rows, scrolled, inset by the theme's
// padding, so that the focus ring of a control at the page's edge (drawn
// 3 px outside it) is not cut off (GUI QA).
func scrollPage(rows ...fyne.CanvasObject) *container.Scroll {
	return container.NewVScroll(container.NewPadded(container.NewVBox(rows...)))
}

// problemView shows an error inline: a title and what to do.
type problemView struct {
	title *widget.Label
	hint  *widget.Label
	box   *fyne.Container
	err   error    // the one shown
	about []*entry // the inputs it is about (showAbout)
}

func newProblemView() *problemView {
	p := &problemView{
		title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		hint:  widget.NewLabel(""),
	}
	p.title.Importance = widget.DangerImportance
	p.hint.Wrapping = fyne.TextWrapWord
	p.box = container.NewVBox(p.title, p.hint)
	p.box.Hide()
	return p
}

func (p *problemView) show(err error) {
	p.err, p.about = err, nil
	d := describe(err)
	p.title.SetText(d.Title)
	hint := d.Hint
	if hint == "" {
		hint = err.Error()
	}
	p.hint.SetText(hint)
	p.box.Show()
	reveal(p.box) // below the form, it may be below the window's edge
}

func (p *problemView) hide() { p.box.Hide() }

// showAbout shows err until one of the inputs it is about is edited
// (those given to watch): an error stayed after its cause was put right
// until the next submit (QA), as a field's error had.
func (p *problemView) showAbout(err error, about ...*entry) {
	p.show(err)
	p.about = about
}

// watch lets editing one of es hide a problem shown about it.
func (p *problemView) watch(es ...*entry) {
	for _, e := range es {
		onEdit(e, func() {
			if p.box.Visible() && slices.Contains(p.about, e) {
				p.hide()
			}
		})
	}
}

// showing reports whether the problem shown is target.
func (p *problemView) showing(target error) bool {
	return p.box.Visible() && errors.Is(p.err, target)
}

// busyView is an indeterminate progress bar with a caption, for key
// derivation (the KDF reports no progress).
type busyView struct {
	bar     *widget.ProgressBarInfinite
	box     *fyne.Container
	running bool
}

func newBusyView(caption string) *busyView {
	b := &busyView{bar: widget.NewProgressBarInfinite()}
	b.bar.Stop()
	b.box = container.NewVBox(widget.NewLabel(caption), b.bar)
	b.box.Hide()
	return b
}

// start shows the bar and runs its animation; see Animating.
func (b *busyView) start() {
	b.box.Show()
	b.bar.Start()
	if !b.running {
		b.running = true
		animations.Add(1)
		wakeLoop()
	}
}

func (b *busyView) stop() {
	b.bar.Stop()
	b.box.Hide()
	if b.running {
		b.running = false
		animations.Add(-1)
	}
}

// appIcon is Twofold's icon at size × size.
func appIcon(size float32) fyne.CanvasObject {
	img := canvas.NewImageFromResource(fyne.NewStaticResource("twofold.svg", assets.IconSVG))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(size))
	return img
}

// warningLine is a wrapped sentence in the warning colour.
func warningLine(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Importance = widget.WarningImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

// heading is a large bold title.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	return l
}

// page is a form-like column with a sensible width, centred across the
// window and laid out from its top. (Centred vertically too, every
// control moved by half the height of a line that appeared or went below
// or above it, the strength bar or a problem, and a click aimed at
// "Create vault" landed in the key file field; GUI QA.)
func page(objs ...fyne.CanvasObject) fyne.CanvasObject {
	col := container.New(&widthLayout{width: 460}, container.NewVBox(objs...))
	row := container.NewHBox(layout.NewSpacer(), col, layout.NewSpacer())
	return container.NewVScroll(container.New(layout.NewCustomPaddedLayout(24, 24, 4, 4), row))
}

// reserveSpace holds o where it lies in a column, taking its room whether
// it is shown or hidden, so that showing it moves nothing below it.
func reserveSpace(o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(reservedLayout{}, o)
}

// reservedLayout is a stack that measures its hidden objects too.
type reservedLayout struct{}

func (reservedLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (reservedLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

// widthLayout gives its single child at least a fixed width.
type widthLayout struct{ width float32 }

func (l *widthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := objs[0].MinSize()
	return fyne.NewSize(max(s.Width, l.width), s.Height)
}

func (l *widthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Resize(size)
	objs[0].Move(fyne.NewPos(0, 0))
}

func itoa(n int) string { return strconv.Itoa(n) }

// confirm asks before an action: title, what it does, and a button named
// for the action (its importance says how grave it is) beside Cancel.
func confirm(w fyne.Window, title, msg, action string, importance widget.Importance, do func()) {
	d := newConfirmDialog(title, action, "Cancel", message(w, msg), func(ok bool) {
		if ok {
			do()
		}
	}, w)
	d.setConfirmImportance(importance)
	d.Show()
}

// tabPage holds one tab's content. Fyne measures a tab container's
// minimum size on every frame it draws, and that measures every tab's
// content, shown or not: with the countdown's frame once a second, the
// five hidden tabs' forms and lists were a fifth of the window thread's
// work (README, "The window"). A hidden page answers with the size it had
// when it was last measured shown; a shown page measures its content.
type tabPage struct {
	widget.BaseWidget
	content fyne.CanvasObject
	min     fyne.Size
	known   bool
}

func newTabPage(content fyne.CanvasObject) *tabPage {
	p := &tabPage{content: content}
	p.ExtendBaseWidget(p)
	return p
}

// MinSize implements fyne.CanvasObject.
func (p *tabPage) MinSize() fyne.Size {
	if p.Visible() || !p.known {
		p.min, p.known = p.content.MinSize(), true
	}
	return p.min
}

// CreateRenderer implements fyne.Widget: the content fills the page.
func (p *tabPage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// nameLabel is an item's name as the heading of its row, on a line of
// its own and cut short with "…" where the window is narrower: beside
// the row's buttons, a long name set the window's minimum width (past
// the screen's edge for some).
func nameLabel(name string) *widget.Label {
	l := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// plural is a count with its noun in the number it needs: "1 code",
// "2 codes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
