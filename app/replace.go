package app

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
)

// replaceStep stores a new item whose name may already be in the vault
// (vault.ResolveClash): with no clash it is stored at once; with one
// item of that name, the person is asked whether the new one replaces it
// (new recovery codes void the old ones, a rotated token, 2FA set up
// again: the old item goes to the recycle bin); the very same account,
// or several items of that name, is refused with an explanation.
type replaceStep struct {
	w       fyne.Window
	kind    vault.Kind
	name    string
	clashes []vault.Clash
	// question and why are the replace dialog's title and text.
	question, why string
	add           func() error // stores the new item (unsaved)
	remove        func(vault.UUID) error
	save          func() error
	fail          func(error) // shows what went wrong
	done          func()      // after the save
	// release frees what add needs (a copy of a secret) once it is done
	// or declined; nil: nothing to free.
	release func()
}

func (r replaceStep) run() {
	_, err := vault.ResolveClash(r.kind, r.name, r.clashes, false)
	var ce *vault.ClashError
	if errors.As(err, &ce) && len(ce.Clash) == 1 && !ce.Clash[0].SameSecret {
		old := ce.Clash[0]
		d := newConfirmDialog(r.question, "Replace", "Cancel", message(r.w, r.why), func(ok bool) {
			if ok {
				r.commit(&old)
				return
			}
			r.free()
		}, r.w)
		d.setConfirmImportance(widget.WarningImportance)
		d.Show()
		return
	}
	if err != nil {
		r.free()
		r.fail(err)
		return
	}
	r.commit(nil)
}

// commit adds the new item, then moves old (if any) to the recycle bin,
// and saves: a failed addition leaves the old item where it was.
func (r replaceStep) commit(old *vault.Clash) {
	defer r.free()
	err := r.add()
	if err == nil && old != nil {
		err = r.remove(old.ID)
	}
	if err == nil {
		err = r.save()
	}
	if err != nil {
		r.fail(err)
		return
	}
	r.done()
}

func (r replaceStep) free() {
	if r.release != nil {
		r.release()
	}
}

// replaceWhy is the replace dialog's common last sentence; old names
// the item replaced ("account", "set", "token").
func replaceWhy(s, old string) string {
	return fmt.Sprintf("%s The old %s moves to the vault's recycle bin, where KeePassXC can restore it.", s, old)
}
