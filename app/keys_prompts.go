package app

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/fido"
)

// errPINsDiffer: the new PIN and its repetition differ.
var errPINsDiffer = errors.New("the two PINs differ")

// keyPrompts answers a fido operation's callbacks with dialogs. The
// callbacks run on the operation's goroutine: each one reaches the
// widgets through post and waits for the person's answer on a channel.
type keyPrompts struct {
	w      fyne.Window
	post   func(func())
	cancel context.CancelFunc
	steps  func(fido.Progress) // on the UI goroutine
}

func (p *keyPrompts) callbacks() *fido.Callbacks {
	return &fido.Callbacks{
		PIN:      p.pin,
		NewPIN:   p.newPIN,
		Touch:    p.touch,
		Progress: func(pr fido.Progress) { p.post(func() { p.steps(pr) }) },
	}
}

// ask shows a dialog built by show (on the UI goroutine) and waits for the
// answer it sends, or for the operation to be cancelled.
func (p *keyPrompts) ask(ctx context.Context, show func(answer func(pin []string, ok bool)) dialog.Dialog) ([]string, error) {
	type reply struct {
		pins []string
		ok   bool
	}
	ch := make(chan reply, 1)
	var d dialog.Dialog
	p.post(func() { d = show(func(pins []string, ok bool) { ch <- reply{pins, ok} }) })
	select {
	case r := <-ch:
		if !r.ok {
			p.cancel()
			return nil, fido.ErrCancelled
		}
		return r.pins, nil
	case <-ctx.Done():
		p.post(func() {
			if d != nil {
				d.Hide()
			}
		})
		return nil, ctx.Err()
	}
}

// pin asks for the current PIN, with the retries left.
func (p *keyPrompts) pin(ctx context.Context, req fido.PINRequest) (string, error) {
	pins, err := p.ask(ctx, func(answer func([]string, bool)) dialog.Dialog {
		entry := newPasswordEntry()
		entry.SetPlaceHolder("PIN")
		text := fmt.Sprintf("Enter the key's PIN to %s.\n%s", req.Purpose, retriesText(req.Retries))
		if req.Previous != nil {
			text = "Wrong PIN. " + text
		}
		msg := widget.NewLabel(text)
		msg.Wrapping = fyne.TextWrapWord
		d := newConfirmDialog("Security key PIN", "OK", "Cancel", container.NewVBox(msg, entry),
			func(ok bool) { answer([]string{entry.Text}, ok) }, p.w)
		entry.OnSubmitted = func(string) { d.Confirm() }
		d.Resize(fyne.NewSize(360, 0))
		d.Show()
		p.w.Canvas().Focus(entry)
		return d
	})
	if err != nil {
		return "", err
	}
	return pins[0], nil
}

func retriesText(n int) string {
	if n == 1 {
		return "1 retry left: one more wrong PIN blocks the key until it is reset."
	}
	return fmt.Sprintf("%d retries left.", n)
}

// newPIN asks for a new PIN twice, again until both agree.
func (p *keyPrompts) newPIN(ctx context.Context, req fido.NewPINRequest) (string, error) {
	previous := req.Previous
	for {
		pins, err := p.ask(ctx, func(answer func([]string, bool)) dialog.Dialog {
			return p.showNewPIN(req.MinLength, previous, answer)
		})
		if err != nil {
			return "", err
		}
		if pins[0] == pins[1] {
			return pins[0], nil
		}
		previous = errPINsDiffer
	}
}

func (p *keyPrompts) showNewPIN(minLength int, previous error, answer func([]string, bool)) dialog.Dialog {
	first, second := newPasswordEntry(), newPasswordEntry()
	first.SetPlaceHolder("New PIN")
	second.SetPlaceHolder("Repeat the new PIN")
	text := fmt.Sprintf("Choose a PIN of at least %d characters.", max(minLength, 4))
	if previous != nil {
		text = newPINProblem(previous) + " " + text
	}
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	d := newConfirmDialog("New security key PIN", "OK", "Cancel", container.NewVBox(msg, first, second),
		func(ok bool) { answer([]string{first.Text, second.Text}, ok) }, p.w)
	d.Resize(fyne.NewSize(360, 0))
	d.Show()
	p.w.Canvas().Focus(first)
	return d
}

func newPINProblem(err error) string {
	if errors.Is(err, errPINsDiffer) {
		return "The two PINs differ."
	}
	if _, hint, ok := fido.Explain(err); ok {
		return hint
	}
	return err.Error()
}

// touch shows "touch your key" with a Cancel button that cancels the
// operation; the returned function closes it.
func (p *keyPrompts) touch(req fido.TouchRequest) func() {
	var d dialog.Dialog
	p.post(func() {
		msg := widget.NewLabel("Touch your security key to " + req.Purpose + ".")
		msg.Wrapping = fyne.TextWrapWord
		d = newCloseDialog("Touch your key", "Cancel", msg, p.w)
		d.Resize(fyne.NewSize(360, 0))
		d.Show()
		// The dismiss button is the only way the person closes it.
		d.SetOnClosed(p.closedByPerson(&d))
	})
	return func() {
		p.post(func() {
			if d != nil {
				dd := d
				d = nil
				dd.Hide()
			}
		})
	}
}

// closedByPerson cancels the operation when the touch dialog closes
// while still current (its done function clears *d before hiding it).
func (p *keyPrompts) closedByPerson(d *dialog.Dialog) func() {
	return func() {
		if *d != nil {
			*d = nil
			p.cancel()
		}
	}
}
