package app

import (
	"fyne.io/fyne/v2"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// TrayOptions connect the window to a system tray (cmd/twofold passes
// desktop.App's SetSystemTrayMenu). Nothing here needs a tray host or
// D-Bus: without one the menu is simply not shown.
type TrayOptions struct {
	// SetMenu installs the tray menu; it is called again whenever the
	// menu changes (lock, unlock, favourites, show/hide).
	SetMenu func(*fyne.Menu)
	// Show and Hide bring the window up and put it away (the window
	// calls SetHidden itself).
	Show, Hide func()
}

// AttachTray puts Twofold's menu in the system tray: the favourites'
// codes (a click copies one), show or hide the window, lock.
func (u *UI) AttachTray(o TrayOptions) {
	u.tray = o
	u.updateTray()
}

// updateTray rebuilds the tray menu, if there is a tray.
func (u *UI) updateTray() {
	if u.tray.SetMenu == nil {
		return
	}
	menu := u.trayMenu()
	defer func() {
		// A tray is a convenience: a driver that fails to reach the
		// tray host (no D-Bus session, no StatusNotifier watcher) must
		// not take the window down with it.
		if r := recover(); r != nil {
			u.tray.SetMenu = nil
		}
	}()
	u.tray.SetMenu(menu)
}

// trayMenu is the tray's menu for the window's current state. It is
// always the same *fyne.Menu, its items replaced: Fyne 2.8's tray, once
// its D-Bus item is up, shows the menu given to the first SetMenu call
// again, so a menu set before that (started minimised: "Show Twofold")
// was lost, and the menu offered "Hide" for a window nobody could see.
func (u *UI) trayMenu() *fyne.Menu {
	if u.trayM == nil {
		u.trayM = fyne.NewMenu("Twofold")
	}
	var items []*fyne.MenuItem
	for _, a := range u.trayFavourites() {
		items = append(items, fyne.NewMenuItem("Copy "+a.Name(), func() { u.copyFromTray(a) }))
	}
	if len(items) > 0 {
		items = append(items, fyne.NewMenuItemSeparator())
	}
	if u.hidden {
		items = append(items, fyne.NewMenuItem("Show Twofold", u.showFromTray))
	} else {
		items = append(items, fyne.NewMenuItem("Hide Twofold", u.hideToTray))
	}
	lock := fyne.NewMenuItem("Lock", u.Lock)
	lock.Disabled = u.s == nil
	u.trayM.Items = append(items, lock)
	return u.trayM
}

// trayFavourites are the favourite accounts with codes (none while
// locked).
func (u *UI) trayFavourites() []vault.Account {
	if u.s == nil {
		return nil
	}
	all, err := u.s.v.Accounts()
	if err != nil {
		return nil
	}
	var out []vault.Account
	for _, a := range all {
		if a.Favourite && a.Err == nil {
			out = append(out, a)
		}
	}
	return out
}

// copyFromTray copies a favourite's current code, as a click on its row
// would (corrected clock, clipboard clearing, HOTP counter).
func (u *UI) copyFromTray(a vault.Account) {
	if u.s == nil {
		return
	}
	c := u.s.main.codes
	if a.Type == otp.HOTP && c.hotp[a.ID] == "" {
		// The tray's "Copy" is chosen from a menu, never a stray click:
		// the next counter value is used, as Next does.
		c.nextAndCopy(a)
		return
	}
	c.copyAccount(a)
}

func (u *UI) showFromTray() {
	if u.tray.Show != nil {
		u.tray.Show()
	}
	u.SetHidden(false)
}

func (u *UI) hideToTray() {
	if u.tray.Hide != nil {
		u.tray.Hide()
	}
	u.SetHidden(true)
}
