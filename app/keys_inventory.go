package app

import (
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/vault"
)

// showInventory redraws the recorded keys, their services and the
// single-key warning.
func (v *keysView) showInventory() {
	v.inventory.RemoveAll()
	keys, err := v.d.inv.SecurityKeys()
	if err != nil {
		showError(v.d.w, err)
		return
	}
	if len(keys) == 0 {
		v.inventory.Add(widget.NewLabel("No keys recorded. Select a connected key and press \"Name this key\"."))
	}
	if w := singleKeyWarning(keys); w != "" {
		l := widget.NewLabel(w)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		v.inventory.Add(l)
	}
	for _, k := range keys {
		v.inventory.Add(v.inventoryKey(k))
	}
}

// singleKeyWarning lists the services registered on one key only.
func singleKeyWarning(keys []vault.SecurityKey) string {
	single := vault.SingleKeyServices(keys)
	if len(single) == 0 {
		return ""
	}
	var lines []string
	for svc, label := range single {
		lines = append(lines, "• "+svc+" (only on "+label+")")
	}
	sort.Strings(lines)
	return "Registered on a single key — losing it locks you out unless the service has another way in:\n" +
		strings.Join(lines, "\n")
}

func (v *keysView) inventoryKey(k vault.SecurityKey) fyne.CanvasObject {
	title := k.Label
	if k.Model != "" {
		title += " (" + k.Model + ")"
	}
	forget := newButton("Forget…", nil, func() { v.forget(k) })
	box := container.NewVBox(container.NewBorder(nil, nil, nil, forget,
		widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})))
	if k.TestCredential != "" {
		cred := widget.NewLabel("Test credential " + testCredentialText(k.TestCredential) + ", from a passed key test")
		cred.SizeName = theme.SizeNameCaptionText
		box.Add(cred)
	}
	for _, svc := range k.Services {
		remove := newButton("Remove", nil, func() {
			v.updateServices(k.Label, func(s []string) []string {
				return slices.DeleteFunc(s, func(x string) bool { return x == svc })
			})
		})
		box.Add(container.NewBorder(nil, nil, nil, remove, widget.NewLabel(svc)))
	}
	entry := newEntry()
	entry.SetPlaceHolder("Add a service to " + k.Label)
	add := func() {
		svc := strings.TrimSpace(entry.Text)
		if svc != "" {
			v.updateServices(k.Label, func(s []string) []string { return append(s, svc) })
		}
	}
	entry.OnSubmitted = func(string) { add() }
	box.Add(container.NewBorder(nil, nil, nil, newButton("Add", nil, add), entry))
	return box
}

// forget takes a key out of the inventory, after a question: a lost or
// given-away key's record could not be removed (QA).
func (v *keysView) forget(k vault.SecurityKey) {
	v.d.touch()
	removal{w: v.d.w, store: v.d.inv, id: k.ID, what: "the record of the key " + k.Label,
		caution: "The key stays registered with its services: if it was lost, remove it in each service's security settings too.",
		done:    func(string) { v.showInventory() }, report: func(err error) { showError(v.d.w, err) },
	}.ask("Forget this key?")
}

func (v *keysView) updateServices(label string, change func([]string) []string) {
	v.d.touch()
	_, err := v.d.inv.UpdateSecurityKey(label, func(k *vault.SecurityKey) { k.Services = change(k.Services) })
	if err == nil {
		err = v.d.inv.Save()
	}
	if err != nil {
		showError(v.d.w, err)
	}
	v.showInventory()
}

// name records the selected key in the inventory under a name.
func (v *keysView) name() {
	k := v.selected()
	if k == nil {
		return
	}
	key := *k
	v.askName("Name this key", "", func(label string) {
		_, err := v.d.inv.RecordSecurityKey(label, key.AAGUID.String(), key.Model)
		if err == nil {
			err = v.d.inv.Save()
		}
		if err != nil {
			showError(v.d.w, err)
		}
		v.showInventory()
	})
}

// testCredentialText shortens a recorded test credential ID (base64url)
// to the hex form the passkey list uses.
func testCredentialText(encoded string) string {
	id, err := fido.ParseID(encoded)
	if err != nil {
		return encoded
	}
	return shortHex(id)
}

// offerRecord offers to keep a passed test's credential ID in the
// inventory under a recorded key, as 'twofold key test --record LABEL'
// does: unlike the AAGUID, which all keys of a model share, it belongs to
// this one key. Keys of the tested model come first; the only one is
// chosen already.
func (v *keysView) offerRecord(aaguid fido.AAGUID, id []byte) {
	keys, err := v.d.inv.SecurityKeys()
	if err != nil {
		showError(v.d.w, err)
		return
	}
	labels, same := recordChoices(keys, aaguid)
	if len(labels) == 0 {
		v.line("To keep this test credential in the inventory, press \"Name this key\", then test the key again.")
		return
	}
	v.line("Record the test credential " + shortHex(id) + " in the inventory: it tells this key apart from others of its model.")
	record := newButton("Record", nil, nil)
	record.Disable()
	pick := newSelect(labels, func(string) { record.Enable() })
	pick.PlaceHolder = "Choose a recorded key"
	if same == 1 {
		pick.SetSelected(labels[0])
	}
	record.OnTapped = func() { v.recordTest(pick.Selected, id) }
	v.detail.Add(container.NewBorder(nil, nil, nil, record, pick))
}

// recordChoices lists the inventory's labels, those recorded with the
// tested key's AAGUID first; same counts them.
func recordChoices(keys []vault.SecurityKey, aaguid fido.AAGUID) (labels []string, same int) {
	plain := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "") }
	var others []string
	for _, k := range keys {
		if plain(k.AAGUID) == plain(aaguid.String()) {
			labels = append(labels, k.Label)
		} else {
			others = append(others, k.Label)
		}
	}
	return append(labels, others...), len(labels)
}

// recordTest stores the test credential under label, as the CLI does
// (base64url, vault.SecurityKey.TestCredential).
func (v *keysView) recordTest(label string, id []byte) {
	v.d.touch()
	_, err := v.d.inv.UpdateSecurityKey(label, func(k *vault.SecurityKey) { k.TestCredential = fido.EncodeID(id) })
	if err == nil {
		err = v.d.inv.Save()
	}
	if err != nil {
		showError(v.d.w, err)
		return
	}
	v.line("Recorded the test credential under " + label + ".")
	v.showInventory()
}
