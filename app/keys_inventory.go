package app

import (
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

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
	box := container.NewVBox(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, svc := range k.Services {
		remove := widget.NewButton("Remove", func() {
			v.updateServices(k.Label, func(s []string) []string {
				return slices.DeleteFunc(s, func(x string) bool { return x == svc })
			})
		})
		box.Add(container.NewBorder(nil, nil, nil, remove, widget.NewLabel(svc)))
	}
	entry := widget.NewEntry()
	entry.SetPlaceHolder("Add a service to " + k.Label)
	add := func() {
		svc := strings.TrimSpace(entry.Text)
		if svc != "" {
			v.updateServices(k.Label, func(s []string) []string { return append(s, svc) })
		}
	}
	entry.OnSubmitted = func(string) { add() }
	box.Add(container.NewBorder(nil, nil, nil, widget.NewButton("Add", add), entry))
	return box
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
