package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// codesDeps feed the codes screen.
type codesDeps struct {
	src    CodeSource
	now    func() time.Time
	copy   func(what, text string) // puts a code on the clipboard and says so
	report func(error)
	touch  func() // activity, for the auto-lock
	add    func() // shows the add-account screen
	// favourites is called when the favourites changed (the tray lists
	// them); may be nil.
	favourites func()
	// w shows the row menus and the removal confirmation.
	w fyne.Window
	// removed is called after an account was removed and saved.
	removed func(vault.Account)
	// save asks where to save a file (an account's QR code).
	save func(name string, done func(path string))
	// said confirms what was done in the notice line; may be nil.
	said func(string)
}

// listEntry is one line of the list: a group heading or an account.
type listEntry struct {
	heading string
	account *vault.Account
}

// codesView is the home screen: every live OTP account, favourites
// first, then by KeePass group; search as you type.
type codesView struct {
	d        codesDeps
	accounts []vault.Account
	entries  []listEntry
	hotp     map[vault.UUID]string
	search   *entry
	list     *codeList
	empty    *widget.Label
	// rowAt maps lines to the row that shows them (or last showed them:
	// the list recycles rows scrolled away, and drops them on a full
	// refresh without telling, so tick asks rowAt for the lines in view
	// only).
	rowAt   map[int]*codeRow
	names   map[string]int // accounts per name, to tell namesakes apart
	content fyne.CanvasObject
}

func codesScreen(d codesDeps) *codesView {
	v := &codesView{d: d, hotp: map[vault.UUID]string{}, rowAt: map[int]*codeRow{}}
	v.search = newEntry()
	v.search.SetPlaceHolder("Search (Ctrl+F); Enter copies the first code")
	v.search.OnChanged = func(string) {
		d.touch()
		v.filter()
		v.list.ScrollToTop() // to the first match, the one Enter copies
	}
	v.search.OnSubmitted = func(string) { v.copyFirst() }
	v.search.escape = func() { v.search.SetText("") }
	v.list = newCodeList(v)
	v.empty = widget.NewLabel("")
	v.empty.Alignment = fyne.TextAlignCenter
	v.empty.Wrapping = fyne.TextWrapWord
	add := newButton("Add account", nil, d.add)
	// Inset, as scrollPage is: Add account's focus ring fits at the edge.
	top := container.NewPadded(container.NewBorder(nil, nil, nil, add, container.NewThemeOverride(v.search, outlinedInput{})))
	// Built in reading order, which is Tab's order: the search and Add
	// above the list (container.NewBorder puts the middle first).
	v.content = container.New(layout.NewBorderLayout(top, nil, nil, nil), top, container.NewStack(v.list, container.NewCenter(v.empty)))
	v.reload()
	return v
}

// reload reads the accounts from the vault again.
func (v *codesView) reload() {
	accounts, err := v.d.src.Accounts()
	if err != nil {
		v.d.report(err)
		return
	}
	v.accounts = accounts
	v.names = map[string]int{}
	for _, a := range accounts {
		v.names[a.Name()]++
	}
	v.filter()
}

func matches(a vault.Account, q string) bool {
	if q == "" {
		return true
	}
	hay := strings.ToLower(strings.Join(append([]string{a.Issuer, a.Account, a.Title}, a.Group...), "\n"))
	for _, word := range strings.Fields(q) {
		if !strings.Contains(hay, word) {
			return false
		}
	}
	return true
}

// filter rebuilds the list's entries for the search text: favourites
// under their own heading, the others under their group's path.
func (v *codesView) filter() {
	q := strings.ToLower(strings.TrimSpace(v.search.Text))
	var favs []listEntry
	groups := map[string][]listEntry{}
	var order []string
	for i := range v.accounts {
		a := &v.accounts[i]
		if !matches(*a, q) {
			continue
		}
		if a.Favourite {
			favs = append(favs, listEntry{account: a})
			continue
		}
		g := strings.Join(a.Group, " / ")
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], listEntry{account: a})
	}
	v.entries = v.entries[:0]
	headings := len(favs) > 0 || len(order) > 1 || (len(order) == 1 && order[0] != "")
	if len(favs) > 0 {
		v.entries = append(append(v.entries, listEntry{heading: "★ Favourites"}), favs...)
	}
	for _, g := range order {
		if headings {
			name := g
			if name == "" {
				name = "Accounts"
			}
			v.entries = append(v.entries, listEntry{heading: name})
		}
		v.entries = append(v.entries, groups[g]...)
	}
	v.showEmpty(q)
	v.list.Refresh()
	v.list.setHeights()
}

func (v *codesView) showEmpty(q string) {
	switch {
	case len(v.entries) > 0:
		v.empty.Hide()
		return
	case q != "":
		v.empty.SetText("No account matches “" + v.search.Text + "”.")
	default:
		v.empty.SetText("No accounts yet.\nAdd one with “Add account” (Ctrl+N): paste an otpauth:// link or type the secret.")
	}
	v.empty.Show()
}

// rowData computes what entry i shows now.
func (v *codesView) rowData(a vault.Account) rowData {
	d := rowData{Account: a, HOTPCode: v.hotp[a.ID], Namesake: v.names[a.Name()] > 1}
	if a.Err == nil && a.Type == otp.TOTP {
		t := v.d.now()
		c, err := v.d.src.Code(a.ID, t)
		if err != nil {
			d.Account.Err = err
		}
		d.Code, d.At = c, t.Round(0)
	}
	return d
}

// bind records that row shows line i.
func (v *codesView) bind(i int, row *codeRow) {
	v.unbind(row)
	v.rowAt[i], row.line = row, i
}

// unbind records that row shows no line (it shows a heading).
func (v *codesView) unbind(row *codeRow) {
	if v.rowAt[row.line] == row {
		delete(v.rowAt, row.line)
	}
}

// tick refreshes the rows on screen: codes and countdowns change, the
// rest stays. Rows scrolled out of view are not computed, and a row's
// code is computed again only when its period ends (the secret is
// decrypted once a period, not once a second).
func (v *codesView) tick() {
	t := v.d.now()
	first, last := v.list.shown()
	for i := first; i <= last; i++ {
		row, a := v.rowAt[i], v.accountAt(i)
		if row == nil || a == nil || row.data.Account.ID != a.ID || a.Err != nil || a.Type != otp.TOTP {
			continue
		}
		c, ok := row.data.still(a.ID, t)
		if !ok {
			var err error
			if c, err = v.d.src.Code(a.ID, t); err != nil {
				v.d.report(err)
				return
			}
		}
		row.tick(c, t)
	}
}

// accountAt is the account on line i (nil for a heading or no line).
func (v *codesView) accountAt(i int) *vault.Account {
	if i < 0 || i >= len(v.entries) {
		return nil
	}
	return v.entries[i].account
}

// activate copies entry i's code (HOTP without a code yet: generates the
// next one first).
func (v *codesView) activate(i int) {
	if a := v.accountAt(i); a != nil {
		v.copyAccount(*a)
	}
}

// copyAccount copies a's current code (HOTP without a code yet: generates
// the next one first).
func (v *codesView) copyAccount(a vault.Account) {
	v.d.touch()
	switch {
	case a.Err != nil:
		v.d.report(a.Err)
	case a.Type == otp.HOTP:
		// A click or Enter never uses up a counter value: a stray click
		// (one landing on the list as a dialog closed) did (QA). Next
		// does, and copies.
		if code := v.hotp[a.ID]; code != "" {
			v.d.copy(a.Name(), code)
		} else if v.d.said != nil {
			v.d.said("No code of " + a.Name() + " yet: press Next (or Next code in its menu) to use the next counter value")
		}
	default:
		c, err := v.d.src.Code(a.ID, v.d.now())
		if err != nil {
			v.d.report(err)
			return
		}
		v.d.copy(a.Name(), c.Code)
	}
}

func (v *codesView) copyFirst() {
	for i, e := range v.entries {
		if e.account != nil {
			v.activate(i)
			return
		}
	}
}

// nextAndCopy advances an HOTP counter, shows the new code and copies it.
func (v *codesView) nextAndCopy(a vault.Account) {
	if code := v.nextHOTP(a); code != "" {
		v.d.copy(a.Name(), code)
	}
}

// nextHOTP advances an HOTP counter, saves, and shows the code.
func (v *codesView) nextHOTP(a vault.Account) string {
	v.d.touch()
	code, err := v.d.src.NextHOTP(a.ID)
	if err == nil {
		err = v.d.src.Save()
	}
	if err != nil {
		v.d.report(err)
		return ""
	}
	v.hotp[a.ID] = code
	v.reload()
	return code
}

// setFavourite pins or unpins an account and saves.
func (v *codesView) setFavourite(a vault.Account, fav bool) {
	v.d.touch()
	err := v.d.src.SetFavourite(a.ID, fav)
	if err == nil {
		err = v.d.src.Save()
	}
	if err != nil {
		v.d.report(err)
	}
	// From the keyboard (the line's menu), the focus stays on the list,
	// on the account's line: starring moves it to or from the favourites.
	refocus := v.d.w.Canvas().Focused() == fyne.Focusable(v.list)
	v.reload()
	if refocus {
		v.focusAccount(a.ID)
	}
	if v.d.favourites != nil {
		v.d.favourites()
	}
}

// focusAccount gives the list the keyboard focus, on account id's line,
// scrolled into view.
func (v *codesView) focusAccount(id vault.UUID) {
	for i, e := range v.entries {
		if e.account != nil && e.account.ID == id {
			v.d.w.Canvas().Focus(v.list)
			v.list.highlightLine(i)
			if i > 0 && v.accountAt(i-1) == nil {
				v.list.ScrollTo(i - 1) // its group's heading too (QA: "★ Favourites" was scrolled away)
			}
			return
		}
	}
}
