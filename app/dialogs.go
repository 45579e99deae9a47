package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// appDialog is every dialog the app shows. Fyne's own dialogs build
// their buttons themselves (a focused one is only faintly tinted), give
// no button the focus when they open and ignore Escape, so someone using
// the keyboard must Tab blindly before answering. An appDialog uses the
// app's buttons (with a focus ring), gives a button the focus when it
// opens (the safe one when the action is destructive), and Escape on
// its buttons does what its dismiss button does; Enter or Space presses
// the focused button.
type appDialog struct {
	*dialog.CustomDialog
	w                fyne.Window
	dismiss, confirm *button
	// initial gets the focus on Show, unless the caller focuses
	// something else after Show (a PIN entry, say).
	initial   *button
	confirmed bool
}

// newAppDialog returns a dialog with content and no buttons yet.
func newAppDialog(w fyne.Window, title string, content fyne.CanvasObject) *appDialog {
	d := &appDialog{CustomDialog: dialog.NewCustomWithoutButtons(title, content, w), w: w}
	return d
}

// setButtons puts row in the dialog's button row (just dismiss if
// empty); dismiss is the one that closes it, and what Escape does. The
// last of the row gets the focus when it opens.
func (d *appDialog) setButtons(dismiss *button, row ...*button) {
	if len(row) == 0 {
		row = []*button{dismiss}
	}
	d.dismiss = dismiss
	objs := make([]fyne.CanvasObject, len(row))
	for i, b := range row {
		b.escape = dismiss.OnTapped
		objs[i] = b
	}
	dismiss.escape = dismiss.OnTapped
	d.SetButtons(objs)
	d.initial = row[len(row)-1]
}

// newConfirmDialog is dialog.NewCustomConfirm with the app's buttons:
// callback gets true after the confirm button, false however else the
// dialog closes (dismiss, Escape, Hide).
func newConfirmDialog(title, confirm, dismiss string, content fyne.CanvasObject, callback func(bool), w fyne.Window) *appDialog {
	d := newAppDialog(w, title, content)
	d.confirm = newButton(confirm, theme.ConfirmIcon(), d.Confirm)
	d.confirm.Importance = widget.HighImportance
	cancel := newButton(dismiss, theme.CancelIcon(), d.Hide)
	d.setButtons(cancel, cancel, d.confirm)
	d.SetOnClosed(func() {
		if callback != nil {
			callback(d.confirmed)
		}
	})
	return d
}

// Confirm closes the dialog as its confirm button does.
func (d *appDialog) Confirm() {
	d.confirmed = true
	d.Hide()
}

// setConfirmImportance sets how grave the confirm action is; for a
// destructive one the dismiss button gets the focus when it opens.
func (d *appDialog) setConfirmImportance(i widget.Importance) {
	d.confirm.Importance = i
	d.confirm.Refresh()
	if i == widget.DangerImportance || i == widget.WarningImportance {
		d.initial = d.dismiss
	}
}

// newCloseDialog is dialog.NewCustom with the app's button: one button,
// labelled dismiss, that closes it.
func newCloseDialog(title, dismiss string, content fyne.CanvasObject, w fyne.Window) *appDialog {
	d := newAppDialog(w, title, content)
	d.setButtons(newButton(dismiss, nil, d.Hide))
	return d
}

// Show shows the dialog with its initial button focused (the dismiss
// button while that one is disabled).
func (d *appDialog) Show() {
	d.confirmed = false
	d.CustomDialog.Show()
	b := d.initial
	if b != nil && b.Disabled() {
		b = d.dismiss
	}
	if b != nil {
		d.w.Canvas().Focus(b)
	}
}

// message is a dialog's text, wrapped at a width that suits it: its own
// width when short, else at most 440 or 80 % of the window.
func message(w fyne.Window, text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	width := min(widget.NewLabel(text).MinSize().Width, 440)
	if ww := w.Canvas().Size().Width * 0.8; ww > 0 {
		width = min(width, ww)
	}
	return container.New(&widthLayout{width: width}, l)
}

// showMessage shows text with an OK button (dialog.ShowInformation).
func showMessage(w fyne.Window, title, text string) {
	newCloseDialog(title, "OK", message(w, text), w).Show()
}
