package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/vault"
)

// KeyOptions says where the security keys screen looks for keys.
type KeyOptions struct {
	// Paths are device paths to list besides those libfido2 finds
	// (cmd/twofold passes $TWOFOLD_FIDO_DEVICES).
	Paths []string
	// NoEnumerate lists Paths only ($TWOFOLD_FIDO_ENUMERATE=0).
	NoEnumerate bool
}

// KeyInventory is what the security keys screen needs of a vault.
type KeyInventory interface {
	SecurityKeys() ([]vault.SecurityKey, error)
	RecordSecurityKey(label, aaguid, model string) (vault.SecurityKey, error)
	UpdateSecurityKey(label string, fn func(*vault.SecurityKey)) (vault.SecurityKey, error)
	itemRemover // Forget: a lost key's record goes to the recycle bin
}

type keysDeps struct {
	w     fyne.Window
	opts  KeyOptions
	inv   KeyInventory
	post  func(func()) // reaches the widgets from a key operation
	touch func()       // activity, for the auto-lock
	now   func() time.Time
}

// keysView is the security keys tab: the connected keys and what can be
// done with them, and the inventory recorded in the vault.
type keysView struct {
	d         keysDeps
	keys      []fido.Key
	pick      *selectField
	actions   []*button // what needs a key: enabled only with one chosen
	status    *widget.Label
	detail    *fyne.Container
	inventory *fyne.Container
	busy      bool
	cancel    context.CancelFunc // of the running operation
	cancelRow *fyne.Container    // its Cancel button, if offered
	stopped   bool               // the vault was locked: report nothing more
	content   fyne.CanvasObject
}

func keysScreen(d keysDeps) *keysView {
	v := &keysView{d: d, status: widget.NewLabel(""), detail: container.NewVBox(), inventory: container.NewVBox()}
	v.status.Wrapping = fyne.TextWrapWord
	v.pick = newSelect(nil, func(string) { v.detail.RemoveAll(); v.syncActions() })
	v.pick.PlaceHolder = "No key selected"
	refresh := newButton("Refresh", nil, v.refresh)
	v.actions = []*button{
		newButton("Info", nil, v.info), newButton("Test", nil, v.test),
		newButton("PIN", nil, v.pin), newButton("Passkeys", nil, v.passkeys),
		newButton("Fingerprints", nil, v.fingerprints), newButton("Enrol finger", nil, v.enrol),
		newButton("Reset", nil, v.reset), newButton("Name this key", nil, v.name)}
	actions := container.NewGridWithColumns(4)
	for _, b := range v.actions {
		actions.Add(b)
	}
	v.syncActions()
	top := container.NewVBox(
		widget.NewLabelWithStyle("Connected keys", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, refresh, v.pick), actions, v.status)
	inv := container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle("Inventory", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v.inventory)
	v.content = scrollPage(top, v.detail, inv)
	return v
}

// reload lists the keys again and redraws the inventory (the tab was
// selected).
func (v *keysView) reload() {
	v.refresh()
	v.showInventory()
}

// refresh lists the connected keys off the UI goroutine.
func (v *keysView) refresh() {
	v.status.SetText("Looking for keys…")
	opts := fido.ListOptions{Paths: v.d.opts.Paths, NoEnumerate: v.d.opts.NoEnumerate}
	go func() {
		keys, err := fido.List(context.Background(), opts)
		v.d.post(func() { v.listed(keys, err) })
	}()
}

func (v *keysView) listed(keys []fido.Key, err error) {
	v.keys = keys
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = fmt.Sprintf("%d. %s", i+1, k.Name())
	}
	v.pick.SetOptions(names)
	// The time says that Refresh looked again: the text was the same
	// before and after (QA).
	at := v.d.now().Format("15:04:05")
	v.status.SetText(fmt.Sprintf("%s connected (checked at %s): %s.", plural(len(keys), "key", "keys"), at, strings.Join(names, "; ")))
	if len(keys) == 0 {
		v.status.SetText("No security key found (checked at " + at + "). Plug one in and press Refresh.")
		v.pick.ClearSelected()
	} else if v.pick.SelectedIndex() < 0 || v.pick.SelectedIndex() >= len(keys) {
		v.pick.SetSelectedIndex(0)
	}
	v.syncActions()
	for _, k := range keys {
		if k.Err != nil && err == nil {
			err = k.Err
		}
	}
	if err != nil {
		v.fail(err)
	}
}

// syncActions enables the key's actions while a key that answered is
// chosen: without one they could only repeat why not (the status says),
// and Tab passes them by.
func (v *keysView) syncActions() {
	i := v.pick.SelectedIndex()
	ok := i >= 0 && i < len(v.keys) && v.keys[i].Err == nil
	for _, b := range v.actions {
		if ok {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// selected is the chosen key, or nil after saying none is.
func (v *keysView) selected() *fido.Key {
	i := v.pick.SelectedIndex()
	if i < 0 || i >= len(v.keys) {
		v.fail(fido.ErrNoDevice)
		return nil
	}
	return &v.keys[i]
}

// opResult is what an operation hands back to the UI goroutine.
type opResult func()

// run runs op on the selected key off the UI goroutine, with dialogs for
// PINs and touches, and shows its steps in the detail area. op's result,
// if it returns one, runs on the UI goroutine, also when op fails (before
// the error is shown): a failed PIN setting still redraws the PIN panel.
func (v *keysView) run(title string, op func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error)) {
	k := v.selected()
	if k == nil || v.busy {
		return
	}
	v.d.touch()
	v.busy = true
	v.status.SetText(title + "…")
	v.detail.RemoveAll()
	steps := newStepList()
	v.detail.Add(steps.box)
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	p := &keyPrompts{w: v.d.w, post: v.d.post, cancel: cancel, steps: steps.show}
	path := k.Path
	go func() {
		defer cancel()
		var done opResult
		d, err := fido.Open(path)
		if err == nil {
			done, err = op(ctx, d, p.callbacks())
		}
		v.d.post(func() { v.finished(title, done, err) })
	}()
}

// stop cancels the running operation (the vault is being locked).
func (v *keysView) stop() {
	v.stopped = true
	if v.cancel != nil {
		v.cancel()
	}
}

// offerCancel puts a Cancel button under the running operation's steps,
// for waits that no dialog covers: a reset waiting for the key to be
// unplugged and plugged back in. It goes when the operation ends.
func (v *keysView) offerCancel() {
	if !v.busy {
		return
	}
	var b *button
	b = newButton("Cancel", theme.CancelIcon(), func() {
		b.Disable()
		if v.cancel != nil {
			v.cancel()
		}
	})
	v.cancelRow = container.NewHBox(b)
	v.detail.Add(v.cancelRow)
}

func (v *keysView) finished(title string, done opResult, err error) {
	v.busy, v.cancel = false, nil
	if v.cancelRow != nil {
		v.detail.Remove(v.cancelRow)
		v.cancelRow = nil
	}
	if v.stopped {
		return
	}
	if err != nil {
		v.status.SetText(title + " failed.")
	} else {
		v.status.SetText(title + ": done.")
	}
	if done != nil {
		done()
	}
	if err != nil {
		v.fail(err)
	}
}

// fail shows a key error with fido.Explain's title and hint.
func (v *keysView) fail(err error) {
	title, hint, ok := fido.Explain(err)
	if !ok {
		showError(v.d.w, err)
		return
	}
	showMessage(v.d.w, title, hint+"\n\n("+err.Error()+")")
}

// line adds a wrapped label to the detail area.
func (v *keysView) line(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	v.detail.Add(l)
	return l
}

func (v *keysView) info() {
	v.run("Reading the key", func(ctx context.Context, d *fido.Device, _ *fido.Callbacks) (opResult, error) {
		info, err := d.Info(ctx)
		if err != nil {
			return nil, err
		}
		return func() { v.showInfo(info) }, nil
	})
}

// test checks the key end to end, then offers to record the test
// credential in the inventory.
func (v *keysView) test() {
	k := v.selected()
	if k == nil {
		return
	}
	aaguid := k.AAGUID
	v.run("Testing the key", func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error) {
		rep, err := d.Test(ctx, fido.TestOptions{}, cb)
		if err != nil {
			return nil, err
		}
		return func() { v.line("The key works."); v.offerRecord(aaguid, rep.CredentialID) }, nil
	})
}
