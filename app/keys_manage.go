package app

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/fido"
)

// stepList shows an operation's steps as they complete.
type stepList struct {
	box   *fyne.Container
	lines map[fido.Step]*widget.Label
}

func newStepList() *stepList {
	return &stepList{box: container.NewVBox(), lines: map[fido.Step]*widget.Label{}}
}

func (s *stepList) show(p fido.Progress) {
	text := stepText(p)
	if p.Step == fido.StepSample {
		if p.State != fido.StepStarted {
			s.box.Add(widget.NewLabel(text))
		}
		return
	}
	l := s.lines[p.Step]
	if l == nil {
		l = widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		s.lines[p.Step] = l
		s.box.Add(l)
	}
	l.SetText(text)
}

func stepText(p fido.Progress) string {
	switch {
	case p.Step == fido.StepSample && p.State == fido.StepOK:
		return fmt.Sprintf("Sample accepted; %d more needed.", max(p.Remaining, 0))
	case p.Step == fido.StepSample:
		return fmt.Sprintf("Sample not taken (%s): %s", p.Sample, p.Detail)
	case p.Step == fido.StepUnplug && p.State == fido.StepStarted:
		return "Unplug the key now."
	case p.Step == fido.StepReplug && p.State == fido.StepStarted:
		return "Plug the key back in."
	}
	mark := map[fido.StepState]string{fido.StepStarted: "…", fido.StepOK: "✓", fido.StepFailed: "✗",
		fido.StepSkipped: "–", fido.StepRetry: "↻"}[p.State]
	text := mark + " " + string(p.Step)
	if p.Detail != "" {
		text += ": " + p.Detail
	}
	if p.Err != nil {
		text += ": " + p.Err.Error()
	}
	return text
}

func (v *keysView) fingerprints() {
	v.run("Listing fingerprints", func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error) {
		fps, err := d.Fingerprints(ctx, cb)
		if err != nil {
			return nil, err
		}
		return func() { v.showFingerprints(fps) }, nil
	})
}

func (v *keysView) showFingerprints(fps []fido.Fingerprint) {
	v.line(fmt.Sprintf("%d fingerprint(s) enrolled.", len(fps)))
	for _, fp := range fps {
		name := fp.Name
		if name == "" {
			name = "(unnamed " + fp.IDString() + ")"
		}
		rename := newButton("Rename", nil, func() { v.askName("Rename fingerprint", fp.Name, func(n string) { v.renameFingerprint(fp.ID, n) }) })
		del := newButton("Delete", nil, func() { v.confirmDeleteFingerprint(name, fp.ID) })
		del.Importance = widget.DangerImportance
		v.detail.Add(container.NewBorder(nil, nil, nil, container.NewHBox(rename, del), widget.NewLabel(name)))
	}
}

// askName asks for a name in a dialog and passes it to then.
func (v *keysView) askName(title, current string, then func(string)) {
	e := newEntry()
	e.SetPlaceHolder("Name")
	e.SetText(current)
	newConfirmDialog(title, "OK", "Cancel", e, func(ok bool) {
		if ok {
			then(e.Text)
		}
	}, v.d.w).Show()
	v.d.w.Canvas().Focus(e)
}

func (v *keysView) renameFingerprint(id []byte, name string) {
	v.run("Renaming the fingerprint", func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error) {
		if err := d.RenameFingerprint(ctx, id, name, cb); err != nil {
			return nil, err
		}
		return v.fingerprintsAfter(ctx, d, cb)
	})
}

func (v *keysView) fingerprintsAfter(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error) {
	fps, err := d.Fingerprints(ctx, cb)
	if err != nil {
		return nil, err
	}
	return func() { v.showFingerprints(fps) }, nil
}

func (v *keysView) confirmDeleteFingerprint(name string, id []byte) {
	confirm(v.d.w, "Delete fingerprint", "Delete the fingerprint "+name+" from the key?", "Delete", widget.DangerImportance, func() {
		v.run("Deleting the fingerprint", func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error) {
			if err := d.DeleteFingerprint(ctx, id, cb); err != nil {
				return nil, err
			}
			return v.fingerprintsAfter(ctx, d, cb)
		})
	})
}

// enrol asks for the finger's name and enrols it, showing each sample.
func (v *keysView) enrol() {
	if v.selected() == nil {
		return
	}
	v.askName("Enrol a fingerprint", "", func(name string) {
		v.run("Enrolling a fingerprint", func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error) {
			fp, err := d.EnrollFingerprint(ctx, name, cb)
			if err != nil {
				return nil, err
			}
			return func() { v.line("Enrolled " + fp.Name + ".") }, nil
		})
	})
}

// reset explains what a reset does, asks for RESET typed out, then guides
// through unplug, replug and touch.
func (v *keysView) reset() {
	if v.selected() == nil {
		return
	}
	warn := widget.NewLabel(fido.ResetWarning)
	warn.Wrapping = fyne.TextWrapWord
	typed := newEntry()
	typed.SetPlaceHolder("Type " + fido.ResetConfirmation + " to confirm")
	d := newConfirmDialog("Reset the security key?", "Reset", "Cancel", container.NewVBox(warn, typed), func(ok bool) {
		if ok {
			v.resetConfirmed(typed.Text)
		}
	}, v.d.w)
	d.setConfirmImportance(widget.DangerImportance)
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
	v.d.w.Canvas().Focus(typed)
}

// resetConfirmed runs the reset with a Cancel button for its waits.
func (v *keysView) resetConfirmed(confirm string) {
	v.run("Resetting the key", func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error) {
		err := d.Reset(ctx, fido.ResetOptions{Confirm: confirm}, cb)
		if errors.Is(err, fido.ErrCancelled) {
			return v.resetCancelled(d.Path()), err
		}
		if err != nil {
			return nil, err
		}
		return func() { v.line("The key was reset: it has no PIN, passkeys or fingerprints now.") }, nil
	})
	v.offerCancel()
}

// resetCancelled reminds the person to plug the key back in if the reset
// was cancelled while it was out.
func (v *keysView) resetCancelled(path string) opResult {
	if _, err := fido.Open(path); !errors.Is(err, fido.ErrNoDevice) {
		return nil
	}
	return func() { v.line("The key is still unplugged: plug it back in.") }
}
