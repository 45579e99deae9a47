package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/fido"
)

// maxPINLength is CTAP2's longest PIN (63 UTF-8 bytes), the highest
// minimum a key can be given.
const maxPINLength = 63

// pinPolicy says which PIN settings, besides the PIN itself, a key lets
// the PIN panel change.
type pinPolicy struct {
	forceChange bool // "Force PIN change"
	minLength   bool // "Minimum PIN length…"
	alwaysUV    bool // "Always require user verification"
}

// pinPolicyOf offers only what the key's info says it supports. All three
// are authenticatorConfig subcommands (option authnrCfg). libfido2 sends a
// forced change as setMinPINLength with forceChangePin set, so it also
// needs setMinPINLength, and a PIN that is not already due for a change.
// A minimum of 63 cannot be raised.
func pinPolicyOf(i *fido.Info) pinPolicy {
	cfg := i.Options["authnrCfg"]
	minLen := cfg && i.Options["setMinPINLength"]
	return pinPolicy{
		forceChange: minLen && i.PINSet() && !i.ForcePINChange,
		minLength:   minLen && i.MinPINLength < maxPINLength,
		alwaysUV:    cfg && i.Supports("alwaysUv"),
	}
}

// pinLine sums up the key's PIN for the info and PIN panels.
func pinLine(i *fido.Info) string {
	minimum := fmt.Sprintf(" (minimum length %d)", i.MinPINLength)
	switch {
	case !i.Supports("clientPin"):
		return "PIN: not supported by this key"
	case !i.PINSet():
		return "PIN: no PIN set" + minimum
	case i.ForcePINChange:
		return "PIN: set, but it must be changed before the key can be used" + minimum
	case i.PINRetries == 1:
		return "PIN: set, 1 retry left" + minimum
	}
	return fmt.Sprintf("PIN: set, %d retries left", i.PINRetries) + minimum
}

// pin reads the key's PIN state and shows what can be changed.
func (v *keysView) pin() {
	v.run("Reading the PIN settings", func(ctx context.Context, d *fido.Device, _ *fido.Callbacks) (opResult, error) {
		info, err := d.Info(ctx)
		if err != nil {
			return nil, err
		}
		return func() { v.showPIN(info) }, nil
	})
}

// showPIN is the PIN panel: the PIN's state, setting or changing it, and
// the policy settings the key offers.
func (v *keysView) showPIN(i *fido.Info) {
	v.line(pinLine(i))
	if !i.Supports("clientPin") {
		return
	}
	policy := pinPolicyOf(i)
	buttons := container.NewHBox(v.setOrChangeButton(i))
	if policy.forceChange {
		buttons.Add(newButton("Force PIN change", nil, v.confirmForceChange))
	}
	if policy.minLength {
		buttons.Add(newButton("Minimum PIN length…", nil, func() { v.askMinLength(i.MinPINLength) }))
	}
	v.detail.Add(buttons)
	if policy.alwaysUV {
		v.alwaysUVCheck(i)
	}
}

func (v *keysView) setOrChangeButton(i *fido.Info) *button {
	if !i.PINSet() {
		return newButton("Set PIN", nil, func() {
			v.pinOp("Setting the PIN", "The PIN is set.", func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) error {
				return d.SetPIN(ctx, cb)
			})
		})
	}
	b := newButton("Change PIN", nil, func() {
		v.pinOp("Changing the PIN", "The PIN is changed.", func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) error {
			return d.ChangePIN(ctx, cb)
		})
	})
	if i.ForcePINChange {
		b.Importance = widget.HighImportance
	}
	return b
}

// alwaysUVCheck adds the always-UV switch. Without a PIN it only shows
// the state: a key that demands verification must have a PIN to verify.
func (v *keysView) alwaysUVCheck(i *fido.Info) {
	check := newCheck("Always require user verification", nil)
	check.Checked = i.Options["alwaysUv"]
	check.OnChanged = v.setAlwaysUV
	note := "With this on, every sign-in and registration needs the key's PIN (or a fingerprint), not only a touch."
	if !i.PINSet() {
		check.Disable()
		note = "Set a PIN first to change this."
	}
	v.detail.Add(check)
	v.line(note)
}

// pinOp runs a change of the PIN or its policy, then shows the PIN panel
// again as the key now reports it, also after a failure: a cancelled PIN
// prompt leaves the always-UV check as the key has it. The key is read
// without the operation's context, which a cancelled prompt cancels.
func (v *keysView) pinOp(title, ok string, change func(context.Context, *fido.Device, *fido.Callbacks) error) {
	v.run(title, func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error) {
		err := change(ctx, d, cb)
		info, ierr := d.Info(context.WithoutCancel(ctx))
		switch {
		case ierr != nil && err != nil:
			return nil, err
		case ierr != nil:
			return func() { v.line(ok) }, nil
		}
		return func() {
			if err == nil {
				v.line(ok)
			}
			v.showPIN(info)
		}, err
	})
}

func (v *keysView) setAlwaysUV(on bool) {
	ok := "The key no longer requires user verification for every use."
	if on {
		ok = "The key now requires user verification for every use."
	}
	v.pinOp("Changing user verification", ok, func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) error {
		return d.SetAlwaysUV(ctx, on, cb)
	})
}

func (v *keysView) confirmForceChange() {
	msg := widget.NewLabel("The key will accept its current PIN only to change it: anything else that needs " +
		"the PIN fails until a new one is set. Use this when handing over a key with a temporary PIN.")
	msg.Wrapping = fyne.TextWrapWord
	d := newConfirmDialog("Force a PIN change?", "Force change", "Cancel", msg, func(ok bool) {
		if !ok {
			return
		}
		v.pinOp("Forcing a PIN change", "The key now requires a new PIN before it can be used.",
			func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) error { return d.ForcePINChange(ctx, cb) })
	}, v.d.w)
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
}

// askMinLength asks for a new minimum PIN length, from the key's current
// one to 63; the dialog's Set button stays disabled until the number fits.
// (A form dialog's validation would leave Set enabled while the entry has
// the focus, and its hint line does not wrap.)
func (v *keysView) askMinLength(current int) {
	valid := minLengthValidator(current)
	msg := widget.NewLabel(fmt.Sprintf("Enter a number from %d to %d. The key will refuse shorter PINs, and it "+
		"never lowers the minimum again short of a reset. If the current PIN is shorter, the key will ask for "+
		"a new one.", current, maxPINLength))
	msg.Wrapping = fyne.TextWrapWord
	e := newEntry()
	e.SetPlaceHolder(fmt.Sprintf("%d to %d", current, maxPINLength))
	d := newAppDialog(v.d.w, "Minimum PIN length", container.NewVBox(msg, e))
	set := newButton("Set", theme.ConfirmIcon(), func() {
		if valid(e.Text) == nil {
			d.Hide()
			n, _ := strconv.Atoi(strings.TrimSpace(e.Text))
			v.setMinLength(n)
		}
	})
	set.Importance = widget.HighImportance
	set.Disable()
	e.OnChanged = func(s string) {
		if valid(s) == nil {
			set.Enable()
		} else {
			set.Disable()
		}
	}
	e.OnSubmitted = func(string) { set.OnTapped() }
	cancel := newButton("Cancel", theme.CancelIcon(), d.Hide)
	d.setButtons(cancel, cancel, set)
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
	v.d.w.Canvas().Focus(e)
}

func minLengthValidator(current int) fyne.StringValidator {
	return func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < current || n > maxPINLength {
			return fmt.Errorf("enter a number from %d to %d", current, maxPINLength)
		}
		return nil
	}
}

func (v *keysView) setMinLength(n int) {
	v.pinOp("Setting the minimum PIN length", fmt.Sprintf("Minimum PIN length set to %d.", n),
		func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) error {
			return d.SetMinPINLength(ctx, n, cb)
		})
}
