package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// showMenu builds account a's menu and has show place it (under the
// line's ⋮); opened from the keyboard, closing it gives the focus back to
// the list.
func (v *codesView) showMenu(a vault.Account, show func(*widget.PopUpMenu), fromKeys bool) {
	v.d.touch()
	var items []*fyne.MenuItem
	if a.Err == nil {
		items = append(items, fyne.NewMenuItem("Copy code", func() { v.copyAccount(a) }))
		if a.Type == otp.HOTP {
			items = append(items, fyne.NewMenuItem("Next code", func() { v.nextAndCopy(a) }))
		}
		star := "Add to favourites"
		if a.Favourite {
			star = "Remove from favourites"
		}
		items = append(items, fyne.NewMenuItem(star, func() { v.setFavourite(a, !a.Favourite) }),
			fyne.NewMenuItem("Show QR code…", func() { v.confirmQR(a) }))
	}
	items = append(items, fyne.NewMenuItem("Remove…", func() { v.confirmRemove(a) }))
	pop := widget.NewPopUpMenu(fyne.NewMenu("", items...), v.d.w.Canvas())
	if fromKeys {
		// Closed (Escape, or before an item's action runs), the menu
		// gives the focus back to the list, on the account's line; an
		// item that opens a dialog then moves it on to the dialog.
		pop.OnDismiss = func() {
			pop.Hide()
			v.focusAccount(a.ID)
		}
	}
	show(pop)
}

// menuAt opens the menu of the account on line i from the keyboard, at
// the right end of that line, under it (scrolled into view first).
func (v *codesView) menuAt(i int) {
	a := v.accountAt(i)
	if a == nil {
		return
	}
	l := v.list
	l.ScrollTo(i)
	top, h := l.lineSpan(i)
	// Where the line's ⋮ is: its right end, below it. (The list reuses
	// its rows, so the one drawing a line is not kept track of.)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(l).Add(fyne.NewPos(l.Size().Width, top-l.GetScrollOffset()+h))
	v.showMenu(*a, func(p *widget.PopUpMenu) { p.ShowAtPosition(pos) }, true)
}

// confirmRemove asks before removing a, naming it and saying where it
// goes.
func (v *codesView) confirmRemove(a vault.Account) {
	v.d.touch()
	name := a.Name()
	if v.names[name] > 1 && !a.Added.IsZero() {
		name += ", added " + a.Added.Local().Format("2006-01-02 15:04") // which of the namesakes
	}
	msg := where(name, v.d.src.RecycleBinEnabled()) + "\n\nIf two-factor authentication is still on for this account, " +
		"make sure you have another way to sign in first."
	// The name goes in the text, which wraps: a title does not, and cut
	// long names off at the window's edge (QA).
	confirm(v.d.w, "Remove this account?", msg, "Remove", widget.DangerImportance, func() { v.remove(a) })
}

// remove moves a to the recycle bin and saves. When the save fails, the
// removal is undone in memory too (savingVault), so the account stays
// listed, as it still is on disk.
func (v *codesView) remove(a vault.Account) {
	v.d.touch()
	err := v.d.src.Remove(a.ID)
	if err == nil {
		if err = v.d.src.Save(); err != nil {
			err = fmt.Errorf("%w; %s was not removed", err, a.Name())
		}
	}
	v.reload()
	if l := v.list; l.focused && len(v.entries) > 0 {
		// The line below moved up to the highlight: it may be a heading.
		l.highlightLine(min(l.highlight, len(v.entries)-1))
		l.skipHeadings(1)
	}
	if err != nil {
		v.d.report(err)
		return
	}
	delete(v.hotp, a.ID)
	if v.d.removed != nil {
		v.d.removed(a)
	}
}
