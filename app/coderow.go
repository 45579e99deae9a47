package app

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// nextCodeShownUnder is when a TOTP row starts showing the next code.
const nextCodeShownUnder = 10 * time.Second

// groupCode spaces a code for reading: 123 456, 1234 5678, 123 456 789.
// Codes shorter than 6 (and Steam's letters) stay whole.
func groupCode(code string) string {
	c := []rune(code)
	n := len(c)
	switch {
	case n < 6:
		return code
	case n%3 == 0:
		var parts []string
		for i := 0; i < n; i += 3 {
			parts = append(parts, string(c[i:i+3]))
		}
		return strings.Join(parts, " ")
	}
	return string(c[:n/2]) + " " + string(c[n/2:])
}

// secondsLeft rounds up: a code with 0.2 s left shows "1 s".
func secondsLeft(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// rowData is what a code row shows.
type rowData struct {
	Account vault.Account
	Code    vault.Code
	// HOTPCode is the last code generated with "next code" (HOTP only).
	HOTPCode string
	// At is when Code was computed, on the wall clock (TOTP only).
	At time.Time
	// Namesake: another account in the vault has this one's name; the
	// line then says when each was added, to tell them apart.
	Namesake bool
}

// still returns account id's TOTP code at t without computing it, when
// t is in the period the row's code was computed for: a code changes only
// when its period ends. Times compare on the wall clock, so a clock that
// is set (or a clock-check offset that changes) recomputes the code.
func (d rowData) still(id vault.UUID, t time.Time) (vault.Code, bool) {
	t = t.Round(0)
	if d.Account.ID != id || d.Account.Err != nil || d.Code.Code == "" || d.At.IsZero() ||
		t.Before(d.At) || !t.Before(d.At.Add(d.Code.Remaining)) {
		return vault.Code{}, false
	}
	c := d.Code
	c.Remaining -= t.Sub(d.At)
	return c, true
}

func (d rowData) codeText() string {
	switch {
	case d.Account.Err != nil:
		return "unusable"
	case d.Account.Type == otp.HOTP && d.HOTPCode == "":
		return groupCode(strings.Repeat("•", d.Account.Digits))
	case d.Account.Type == otp.HOTP:
		return groupCode(d.HOTPCode)
	}
	return groupCode(d.Code.Code)
}

func (d rowData) nextText() string {
	switch {
	case d.Account.Err != nil:
		return ""
	case d.Account.Type == otp.HOTP:
		return fmt.Sprintf("counter %d", d.Account.Counter)
	case d.Code.Remaining < nextCodeShownUnder && d.Code.Next != "":
		return "next " + groupCode(d.Code.Next)
	}
	return ""
}

func (d rowData) leftText() string {
	if d.Account.Type != otp.TOTP || d.Account.Err != nil {
		return ""
	}
	return fmt.Sprintf("%d s", secondsLeft(d.Code.Remaining))
}

func (d rowData) fraction() float32 {
	if d.Account.Type != otp.TOTP || d.Account.Period <= 0 {
		return 0
	}
	return float32(d.Code.Remaining.Seconds() / float64(d.Account.Period))
}

func (d rowData) subtitle() string {
	if d.Account.Err != nil {
		return d.Account.Err.Error()
	}
	if d.Namesake && !d.Account.Added.IsZero() {
		return strings.TrimPrefix(d.Account.Account+" · added "+d.Account.Added.Local().Format("2006-01-02 15:04"), " · ")
	}
	return d.Account.Account
}

// codeRow is one account in the codes list: service icon, issuer and
// account, the code grouped for reading, the seconds left with a bar and,
// under 10 s, the next code. HOTP rows have a "next code" button instead
// of the countdown. A "more" button at the end opens the row's menu
// (copy, remove). On each tick only what changed is refreshed.
type codeRow struct {
	widget.BaseWidget
	data     rowData
	line     int // the list line it shows (codesView.bind)
	onStar   func()
	onHOTP   func()
	onMore   func()
	icon     fyne.CanvasObject
	iconName string
	issuer   *widget.Label
	account  *widget.Label
	code     *canvas.Text
	next     *canvas.Text
	left     *canvas.Text
	barBg    *canvas.Rectangle
	bar      *canvas.Rectangle
	star     *rowButton
	hotp     *rowButton
	more     *rowButton
}

// rowButton is a button on a line of the code list that Tab passes by.
// The keyboard works a line through the list itself (Enter copies,
// Delete removes, the Menu key or F10 opens the line's menu with every
// other action), so Tab passes the list in one step. With its lines'
// buttons as Tab stops, Tab went through the buttons of lines scrolled
// out of view, where Space starred an account no one could see, and
// skipped the lines the list had not drawn (GUI QA). Fyne has no setting
// for "not a Tab stop" (fyne-io/fyne#4106): its focus handling passes by
// what reports itself disabled, so the button reports that to it. The
// button's own drawing and taps ask widget.Button, which stays enabled.
type rowButton struct{ widget.Button }

func newRowButton(label string, icon fyne.Resource, tapped func()) *rowButton {
	b := &rowButton{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// Disabled implements fyne.Disableable for Fyne's focus handling: see
// rowButton.
func (b *rowButton) Disabled() bool { return true }

const iconSize = 36

func newCodeRow() *codeRow {
	r := &codeRow{
		issuer:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		account: widget.NewLabel(""),
		code:    canvas.NewText("", nil),
		next:    canvas.NewText("", nil),
		left:    canvas.NewText("", nil),
		barBg:   canvas.NewRectangle(nil),
		bar:     canvas.NewRectangle(nil),
		icon:    serviceIcon("", iconSize),
	}
	r.issuer.Truncation = fyne.TextTruncateEllipsis
	r.account.Truncation = fyne.TextTruncateEllipsis
	r.account.SizeName = theme.SizeNameCaptionText
	r.code.TextStyle = fyne.TextStyle{Monospace: true}
	r.next.TextStyle.Monospace = true
	r.next.Alignment = fyne.TextAlignTrailing
	r.code.Alignment = fyne.TextAlignTrailing
	r.left.Alignment = fyne.TextAlignTrailing
	r.star = newRowButton("", starOutline, func() {
		if r.onStar != nil {
			r.onStar()
		}
	})
	r.star.Importance = widget.LowImportance
	r.hotp = newRowButton("Next", theme.ViewRefreshIcon(), func() {
		if r.onHOTP != nil {
			r.onHOTP()
		}
	})
	r.more = newRowButton("", theme.MoreVerticalIcon(), func() {
		if r.onMore != nil {
			r.onMore()
		}
	})
	r.more.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	return r
}

// set shows an account (a new one, or the same with new data).
func (r *codeRow) set(d rowData) {
	if name := d.Account.Issuer; name != r.iconName || r.iconName == "" {
		r.icon, r.iconName = serviceIcon(name, iconSize), name
	}
	r.data = d
	r.Refresh()
}

// tick updates the code and countdown to c, the code at t, refreshing
// only what changed.
func (r *codeRow) tick(c vault.Code, t time.Time) {
	r.data.Code, r.data.At = c, t.Round(0)
	th, v := r.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	r.setText(r.code, r.data.codeText(), r.codeColour(th, v))
	r.setText(r.next, r.data.nextText(), th.Color(theme.ColorNamePlaceHolder, v))
	r.setText(r.left, r.data.leftText(), th.Color(theme.ColorNamePlaceHolder, v))
	r.bar.FillColor = r.barColour(th, v)
	r.layoutBar(r.Size())
	r.bar.Refresh()
}

func (r *codeRow) setText(t *canvas.Text, s string, c color.Color) {
	if t.Text != s || t.Color != c {
		t.Text, t.Color = s, c
		t.Refresh()
	}
}

func (r *codeRow) expiring() bool {
	d := r.data
	return d.Account.Type == otp.TOTP && d.Account.Err == nil && d.Code.Remaining < 5*time.Second
}

func (r *codeRow) codeColour(th fyne.Theme, v fyne.ThemeVariant) color.Color {
	switch {
	case r.data.Account.Err != nil:
		return th.Color(theme.ColorNameError, v)
	case r.data.Account.Type == otp.HOTP && r.data.HOTPCode == "":
		return th.Color(theme.ColorNamePlaceHolder, v)
	case r.expiring():
		return th.Color(theme.ColorNameError, v)
	}
	return th.Color(theme.ColorNameForeground, v)
}

func (r *codeRow) barColour(th fyne.Theme, v fyne.ThemeVariant) color.Color {
	if r.data.Code.Remaining < nextCodeShownUnder {
		return th.Color(theme.ColorNameWarning, v)
	}
	return th.Color(theme.ColorNamePrimary, v)
}

// layoutBar sizes the countdown bar to the time left.
func (r *codeRow) layoutBar(size fyne.Size) {
	r.bar.Move(r.barBg.Position())
	r.bar.Resize(fyne.NewSize(r.barBg.Size().Width*r.data.fraction(), r.barBg.Size().Height))
}

// CreateRenderer implements fyne.Widget.
func (r *codeRow) CreateRenderer() fyne.WidgetRenderer {
	return &codeRowRenderer{r: r}
}

// codeRowRenderer lays out a row. Its minimum size depends on the theme
// only (texts are one line, names truncate), so it is measured once per
// Refresh: Fyne asks for it many times on every frame.
type codeRowRenderer struct {
	r   *codeRow
	min fyne.Size
}

func (rr *codeRowRenderer) Destroy() {}

func (rr *codeRowRenderer) Objects() []fyne.CanvasObject {
	r := rr.r
	return []fyne.CanvasObject{r.icon, r.issuer, r.account, r.code, r.next, r.left, r.barBg, r.bar, r.star, r.hotp, r.more}
}

func (rr *codeRowRenderer) MinSize() fyne.Size {
	if !rr.min.IsZero() {
		return rr.min
	}
	r := rr.r
	p := r.Theme().Size(theme.SizeNamePadding)
	h := max(iconSize, r.issuer.MinSize().Height+r.account.MinSize().Height-2*p, r.code.MinSize().Height+r.next.MinSize().Height)
	rr.min = fyne.NewSize(320, h+2*p)
	return rr.min
}

func (rr *codeRowRenderer) Layout(size fyne.Size) {
	r := rr.r
	p := r.Theme().Size(theme.SizeNamePadding)
	r.icon.Resize(fyne.NewSquareSize(iconSize))
	r.icon.Move(fyne.NewPos(p, (size.Height-iconSize)/2))
	more := r.more.MinSize()
	r.more.Resize(more)
	r.more.Move(fyne.NewPos(size.Width-p-more.Width, (size.Height-more.Height)/2))
	star := r.star.MinSize()
	right := size.Width - p - more.Width - star.Width
	r.star.Resize(star)
	r.star.Move(fyne.NewPos(right, (size.Height-star.Height)/2))
	right -= p
	hotp := r.hotp.MinSize()
	r.hotp.Resize(hotp)
	r.hotp.Move(fyne.NewPos(right-hotp.Width, (size.Height-hotp.Height)/2))
	const countdownWidth = 44
	leftH := r.left.MinSize().Height
	top := (size.Height - leftH - 2*p - 4) / 2
	r.left.Resize(fyne.NewSize(countdownWidth, leftH))
	r.left.Move(fyne.NewPos(right-countdownWidth, top))
	r.barBg.Resize(fyne.NewSize(countdownWidth, 4))
	r.barBg.Move(fyne.NewPos(right-countdownWidth, top+leftH+p))
	rr.layoutBar(size)
	codeRight := right - max(countdownWidth, hotp.Width) - 2*p
	codeW := max(r.code.MinSize().Width, 9*r.code.TextSize*0.62)
	ch, nh := r.code.MinSize().Height, r.next.MinSize().Height
	codeTop := (size.Height - ch - nh) / 2
	r.code.Resize(fyne.NewSize(codeW, ch))
	r.code.Move(fyne.NewPos(codeRight-codeW, codeTop))
	r.next.Resize(fyne.NewSize(codeW, nh))
	r.next.Move(fyne.NewPos(codeRight-codeW, codeTop+ch))
	nameX := p + iconSize + p
	nameW := max(codeRight-codeW-p-nameX, 0)
	ih, ah := r.issuer.MinSize().Height, r.account.MinSize().Height
	nameTop := (size.Height - ih - ah + 2*p) / 2
	r.issuer.Resize(fyne.NewSize(nameW, ih))
	r.issuer.Move(fyne.NewPos(nameX, nameTop-p))
	r.account.Resize(fyne.NewSize(nameW, ah))
	r.account.Move(fyne.NewPos(nameX, nameTop+ih-2*p))
}

func (rr *codeRowRenderer) layoutBar(size fyne.Size) { rr.r.layoutBar(size) }

// Refresh applies the data and the theme to every part of the row.
func (rr *codeRowRenderer) Refresh() {
	r := rr.r
	rr.min = fyne.Size{} // the theme may have changed
	th, v := r.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	d := r.data
	r.issuer.SetText(d.Account.Issuer)
	r.account.SetText(d.subtitle())
	r.code.TextSize = th.Size(theme.SizeNameSubHeadingText) * 1.2
	r.next.TextSize = th.Size(theme.SizeNameCaptionText)
	r.left.TextSize = th.Size(theme.SizeNameCaptionText)
	r.code.Text, r.code.Color = d.codeText(), r.codeColour(th, v)
	r.next.Text, r.next.Color = d.nextText(), th.Color(theme.ColorNamePlaceHolder, v)
	r.left.Text, r.left.Color = d.leftText(), th.Color(theme.ColorNamePlaceHolder, v)
	r.barBg.FillColor = th.Color(theme.ColorNameSeparator, v)
	r.bar.FillColor = r.barColour(th, v)
	totp := d.Account.Type == otp.TOTP && d.Account.Err == nil
	showIf(totp, r.left, r.barBg, r.bar)
	showIf(d.Account.Type == otp.HOTP && d.Account.Err == nil, r.hotp)
	showIf(d.Account.Err == nil, r.star)
	if d.Account.Favourite {
		r.star.SetIcon(starFilled)
	} else {
		r.star.SetIcon(starOutline)
	}
	rr.Layout(r.Size())
	for _, o := range []fyne.CanvasObject{r.code, r.next, r.left, r.barBg, r.bar, r.hotp, r.more} {
		o.Refresh()
	}
}

func showIf(on bool, objs ...fyne.CanvasObject) {
	for _, o := range objs {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
}
