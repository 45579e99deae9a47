package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
)

// itemRemover removes vault items (unsaved until Save).
type itemRemover interface {
	Remove(id vault.UUID) error
	// RecycleBinEnabled says whether Remove moves items to the recycle
	// bin or deletes them.
	RecycleBinEnabled() bool
	Save() error
}

// removal is the question before an item is removed and what follows:
// where the item goes (the recycle bin, or nowhere where the vault has
// none), saving, and the notice. A refused save drops the removal from
// memory too (savingVault).
type removal struct {
	w       fyne.Window
	store   itemRemover
	id      vault.UUID
	what    string // "the token PyPI upload", as the notice names it
	caution string // what removing does not do, said last
	done    func(notice string)
	report  func(error)
}

// where says what becomes of the item.
func where(name string, bin bool) string {
	if bin {
		return name + " will be moved to the vault's recycle bin (the KeePass \"Recycle Bin\" group), where KeePassXC can restore it."
	}
	return name + " will be deleted for good: this vault's recycle bin is turned off (in KeePass or KeePassXC)."
}

// ask asks, with title, then removes.
func (r removal) ask(title string) {
	bin := r.store.RecycleBinEnabled()
	msg := where(upperFirst(r.what), bin)
	if r.caution != "" {
		msg += "\n\n" + r.caution
	}
	confirm(r.w, title, msg, "Remove", widget.DangerImportance, func() {
		err := r.store.Remove(r.id)
		if err == nil {
			err = r.store.Save()
		}
		if err != nil {
			r.report(fmt.Errorf("%w; %s was not removed", err, r.what))
			r.done("")
			return
		}
		if bin {
			r.done("Removed " + r.what + " (moved to the recycle bin)")
		} else {
			r.done("Deleted " + r.what)
		}
	})
}

func upperFirst(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
