package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ringOutset is how far a control's focus ring lies outside its edge, and
// ringWidth how thick it is: it surrounds the control, so it stands out
// against the window's background whatever the control's own colour.
const ringOutset, ringWidth = 3, 2

// focusRing outlines a control in the primary colour (3:1 against the
// background in both themes, TestThemeContrast) while it has the keyboard
// focus. Fyne marks focus with a tint of 1.2–1.3:1, too faint to see
// which control a key would act on; WCAG asks 3:1 of a focus indicator,
// and no tint can reach it and keep the control's text readable.
type focusRing struct {
	rect   *canvas.Rectangle
	outset float32
	radius fyne.ThemeSizeName // the control's own corner radius
}

func newFocusRing(outset float32, radius fyne.ThemeSizeName) *focusRing {
	r := &focusRing{rect: canvas.NewRectangle(color.Transparent), outset: outset, radius: radius}
	r.rect.StrokeWidth = ringWidth
	r.rect.Hide()
	return r
}

// show shows or hides the ring (hidden, Fyne does not draw it at all).
func (f *focusRing) show(on bool) {
	if on {
		f.rect.Show()
	} else {
		f.rect.Hide()
	}
}

// renderer draws the ring around what r draws for w.
func (f *focusRing) renderer(w fyne.Widget, r fyne.WidgetRenderer) fyne.WidgetRenderer {
	return &ringRenderer{WidgetRenderer: r, ring: f, w: w}
}

type ringRenderer struct {
	fyne.WidgetRenderer
	ring    *focusRing
	w       fyne.Widget
	objects []fyne.CanvasObject
}

// Objects is asked for on every frame: the slice is kept, and built again
// only when the inner renderer changed its own (a button adds its icon
// once).
func (r *ringRenderer) Objects() []fyne.CanvasObject {
	inner := r.WidgetRenderer.Objects()
	if len(r.objects) != len(inner)+1 || (len(inner) > 0 && r.objects[0] != inner[0]) {
		r.objects = append(append(make([]fyne.CanvasObject, 0, len(inner)+1), inner...), r.ring.rect)
	}
	return r.objects
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	o := r.ring.outset
	r.ring.rect.Move(fyne.NewPos(-o, -o))
	r.ring.rect.Resize(size.AddWidthHeight(2*o, 2*o))
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	th := fyne.CurrentApp().Settings().Theme()
	if t, ok := r.w.(interface{ Theme() fyne.Theme }); ok {
		th = t.Theme()
	}
	v := fyne.CurrentApp().Settings().ThemeVariant()
	colour := theme.ColorNamePrimary
	if b, ok := r.w.(*button); ok && b.Importance == widget.HighImportance {
		// Around a button filled with the primary colour, a ring of that
		// colour read as part of the button (GUI QA): the text colour
		// (as much contrast with the background) stands apart.
		colour = theme.ColorNameForeground
	}
	r.ring.rect.StrokeColor = th.Color(colour, v)
	r.ring.rect.CornerRadius = th.Size(r.ring.radius) + r.ring.outset
	r.ring.rect.Refresh()
}

// reveal scrolls each scroll container around obj so that all of obj and
// its focus ring are in view: controls call it when they get the focus,
// so Tab never moves the focus out of sight. Fyne does not do this
// itself (fyne-io/fyne#3029).
func reveal(obj fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	c := d.CanvasForObject(obj)
	if c == nil {
		return
	}
	roots := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	for _, root := range roots {
		path := pathTo(root, obj)
		for i := len(path) - 1; i >= 0; i-- { // the innermost scroll first
			if s, ok := path[i].(*container.Scroll); ok {
				bringIntoView(s, obj)
			}
		}
		if path != nil {
			return
		}
	}
}

func bringIntoView(s *container.Scroll, obj fyne.CanvasObject) {
	s.Refresh() // lays the content out: obj may have just been shown
	d := fyne.CurrentApp().Driver()
	at := d.AbsolutePositionForObject(obj).Subtract(d.AbsolutePositionForObject(s))
	off := s.Offset
	off.X += shift(at.X-ringOutset, obj.Size().Width+2*ringOutset, s.Size().Width)
	off.Y += shift(at.Y-ringOutset, obj.Size().Height+2*ringOutset, s.Size().Height)
	s.ScrollToOffset(off)
}

// shift is how far a view of the given length must move for the span
// [start, start+length) (relative to the view) to be in it: none if it
// is, to its start if it is before the view or longer than it.
func shift(start, length, view float32) float32 {
	switch {
	case start < 0 || length > view:
		return start
	case start+length > view:
		return start + length - view
	}
	return 0
}

// pathTo is the chain of visible objects from root down to obj (nil if
// obj is not under root), through the parts of containers and widgets
// the app builds its screens from that Fyne makes public.
func pathTo(root, obj fyne.CanvasObject) []fyne.CanvasObject {
	if root == nil || !root.Visible() {
		return nil
	}
	if root == obj {
		return []fyne.CanvasObject{root}
	}
	for _, ch := range parts(root) {
		if p := pathTo(ch, obj); p != nil {
			return append([]fyne.CanvasObject{root}, p...)
		}
	}
	return nil
}

func parts(o fyne.CanvasObject) []fyne.CanvasObject {
	switch c := o.(type) {
	case *fyne.Container:
		return c.Objects
	case *container.Scroll:
		return []fyne.CanvasObject{c.Content}
	case *container.AppTabs:
		if t := c.Selected(); t != nil {
			return []fyne.CanvasObject{t.Content}
		}
	case *container.ThemeOverride:
		return []fyne.CanvasObject{c.Content}
	case *keyScroll:
		return []fyne.CanvasObject{c.scroll}
	case *tabPage:
		return []fyne.CanvasObject{c.content}
	case *widget.PopUp:
		return []fyne.CanvasObject{c.Content}
	case *widget.Form:
		var out []fyne.CanvasObject
		for _, it := range c.Items {
			out = append(out, it.Widget)
		}
		return out
	}
	return nil
}
