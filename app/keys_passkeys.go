package app

import (
	"context"
	"encoding/hex"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/fido"
)

func (v *keysView) passkeys() {
	v.run("Listing passkeys", func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error) {
		list, err := d.Passkeys(ctx, cb)
		if err != nil {
			return nil, err
		}
		return func() { v.showPasskeys(list) }, nil
	})
}

func (v *keysView) showPasskeys(list *fido.PasskeyList) {
	v.line(fmt.Sprintf("%s; room for about %d more.", plural(list.Count, "passkey", "passkeys"), list.Remaining))
	for _, rp := range list.RelyingParties {
		for _, pk := range rp.Passkeys {
			v.detail.Add(v.passkeyRow(rp, pk))
		}
	}
}

// passkeyRow shows a passkey's site, user and shortened credential ID;
// Details shows the IDs in full.
func (v *keysView) passkeyRow(rp fido.RelyingParty, pk fido.Passkey) fyne.CanvasObject {
	title := passkeyTitle(rp.ID, pk)
	id := widget.NewLabel("Credential ID " + shortHex(pk.ID))
	id.SizeName = theme.SizeNameCaptionText
	details := newButton("Details", nil, func() { v.passkeyDetails(rp, pk) })
	del := newButton("Delete", nil, func() { v.confirmDeletePasskey(title, pk.ID) })
	del.Importance = widget.DangerImportance
	text := container.New(layout.NewCustomPaddedVBoxLayout(0), widget.NewLabel(title), id)
	return container.NewBorder(nil, nil, nil, container.NewCenter(container.NewHBox(details, del)), text)
}

// passkeyTitle is "site — user name (display name)", without a display
// name that only repeats the user name.
func passkeyTitle(site string, pk fido.Passkey) string {
	user := pk.UserName
	if user == "" {
		user = "(no user name)"
	}
	title := site + " — " + user
	if pk.DisplayName != "" && pk.DisplayName != pk.UserName {
		title += " (" + pk.DisplayName + ")"
	}
	return title
}

// shortHex shortens a credential ID for a list: its first four and last
// two bytes tell the passkeys on one key apart.
func shortHex(id []byte) string {
	h := hex.EncodeToString(id)
	if len(h) <= 16 {
		return h
	}
	return h[:8] + "…" + h[len(h)-4:]
}

// passkeyDetails shows everything the key says about a passkey, the IDs
// in full and selectable, for copying.
func (v *keysView) passkeyDetails(rp fido.RelyingParty, pk fido.Passkey) {
	site := rp.ID
	if rp.Name != "" && rp.Name != rp.ID {
		site += " (" + rp.Name + ")"
	}
	form := widget.NewForm(
		widget.NewFormItem("Site", selectable(site)),
		widget.NewFormItem("User name", selectable(pk.UserName)),
		widget.NewFormItem("Display name", selectable(pk.DisplayName)),
		widget.NewFormItem("User ID", selectable(hex.EncodeToString(pk.UserID))),
		widget.NewFormItem("Protection", selectable(protectionText(pk.Protection))),
		widget.NewFormItem("Credential ID", selectable(hex.EncodeToString(pk.ID))),
		widget.NewFormItem("As base64url", selectable(fido.EncodeID(pk.ID))),
	)
	note := widget.NewLabel("The CLI takes the base64url form: twofold key passkeys rm ID.")
	note.Wrapping = fyne.TextWrapWord
	d := newCloseDialog("Passkey", "Close", container.NewVBox(form, note), v.d.w)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

// selectable is a label whose text can be selected and copied; long IDs
// wrap anywhere.
func selectable(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Selectable = true
	l.Wrapping = fyne.TextWrapBreak
	return l
}

// protectionText explains a credProtect level.
func protectionText(level int) string {
	switch level {
	case 1:
		return "1: usable without the PIN"
	case 2:
		return "2: needs the PIN unless the site names this passkey"
	case 3:
		return "3: always needs the PIN"
	}
	return "not reported"
}

func (v *keysView) confirmDeletePasskey(what string, id []byte) {
	msg := "Delete the passkey " + what + "? You will no longer be able to sign in to that site with it."
	confirm(v.d.w, "Delete passkey", msg, "Delete", widget.DangerImportance, func() { v.deletePasskey(id) })
}

func (v *keysView) deletePasskey(id []byte) {
	v.run("Deleting the passkey", func(ctx context.Context, d *fido.Device, cb *fido.Callbacks) (opResult, error) {
		if err := d.DeletePasskey(ctx, id, cb); err != nil {
			return nil, err
		}
		list, err := d.Passkeys(ctx, cb)
		if err != nil {
			return nil, err
		}
		return func() { v.line("Passkey deleted."); v.showPasskeys(list) }, nil
	})
}
