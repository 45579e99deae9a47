package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
)

// recoveryDeps feed the recovery-codes screen.
type recoveryDeps struct {
	w      fyne.Window
	store  RecoveryStore
	copy   func(what, text string)
	report func(error)
	touch  func()
	said   func(string) // confirms in the window's notice line
}

// recoveryView lists recovery-code sets per service: how many are left
// (with a warning when few are), copy-and-mark-used of the next code, and
// adding a new set.
type recoveryView struct {
	d       recoveryDeps
	list    *fyne.Container
	service *entry
	account *entry
	codes   *entry
	fCodes  *field
	// skipped lists, under the form, the lines of the last set added
	// that were not taken as codes, for the person to check.
	skipped *widget.Label
	content fyne.CanvasObject
	// copyNext is each set's "Copy next" button, for the focus to stay on
	// a set's button when the list is rebuilt after using a code.
	copyNext map[vault.UUID]*button
}

func recoveryScreen(d recoveryDeps) *recoveryView {
	v := &recoveryView{d: d, list: container.NewVBox()}
	v.service, v.account = newEntry(), newEntry()
	v.service.SetPlaceHolder("Service, e.g. GitHub")
	v.account.SetPlaceHolder("Account (optional)")
	v.codes = newMultiLineEntry()
	v.codes.SetPlaceHolder("Paste the codes the service gave you, one per line")
	v.codes.SetMinRowsVisible(4)
	v.fCodes = newField("Codes", v.codes)
	add := newButton("Add recovery codes", nil, v.addSet)
	form := widget.NewForm(widget.NewFormItem("Service", v.service), widget.NewFormItem("Account", v.account), v.fCodes.item())
	v.skipped = widget.NewLabel("")
	v.skipped.Importance = widget.WarningImportance
	v.skipped.Wrapping = fyne.TextWrapWord
	v.skipped.Hide()
	v.content = scrollPage(heading("Recovery codes"), v.list,
		widget.NewSeparator(), widget.NewLabel("Add a set of recovery codes"), form, add, v.skipped)
	return v
}

// reload lists the sets again.
func (v *recoveryView) reload() {
	sets, err := v.d.store.RecoverySets()
	if err != nil {
		v.d.report(err)
		return
	}
	v.list.RemoveAll()
	v.copyNext = map[vault.UUID]*button{}
	if len(sets) == 0 {
		v.list.Add(widget.NewLabel("No recovery codes yet. When a service gives you backup codes, paste them below."))
	}
	for _, r := range sets {
		v.list.Add(v.setRow(r))
	}
	v.content.Refresh() // the list grew or shrank: lay the page out again
}

func (v *recoveryView) setRow(r vault.RecoverySet) fyne.CanvasObject {
	if r.Err != nil {
		return v.unusableRow(r)
	}
	title := nameLabel(r.Name())
	count := widget.NewLabel(fmt.Sprintf("%d of %d unused", r.Unused, r.Total))
	copyNext := newButton("Copy next", theme.ContentCopyIcon(), func() { v.useNext(r) })
	v.copyNext[r.ID] = copyNext
	show := newButton("Show all", nil, func() { v.showCodes(r) })
	if r.Unused == 0 {
		copyNext.Disable()
	}
	remove := newButton("Remove…", theme.DeleteIcon(), func() { v.confirmRemove(r) })
	row := container.NewVBox(title, container.NewBorder(nil, nil, nil, container.NewHBox(copyNext, show, remove), count))
	if r.Low() {
		warn := widget.NewLabel(lowWarning(r))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		row.Add(warn)
	}
	return row
}

// unusableRow shows a set that holds no codes (cleared in KeePassXC, say):
// what is wrong and how to mend it, and Remove; the other sets are listed
// as ever.
func (v *recoveryView) unusableRow(r vault.RecoverySet) fyne.CanvasObject {
	remove := newButton("Remove…", theme.DeleteIcon(), func() { v.confirmRemove(r) })
	state := widget.NewLabel("No codes stored")
	warn := widget.NewLabel(unusableWarning(r))
	warn.Importance = widget.WarningImportance
	warn.Wrapping = fyne.TextWrapWord
	return container.NewVBox(nameLabel(r.Name()), container.NewBorder(nil, nil, nil, remove, state), warn)
}

// unusableWarning says what is wrong with a set that holds no codes, and
// how to mend it.
func unusableWarning(r vault.RecoverySet) string {
	msg := r.Err.Error() // "no recovery codes stored: its … field is empty"
	text := strings.ToUpper(msg[:1]) + msg[1:] + "."
	if errors.Is(r.Err, vault.ErrNoRecoveryCodes) {
		text += " Add the codes again below (they replace this set), or put them back in KeePassXC, one per line, in the entry's \"Recovery Codes\" attribute (Advanced)."
	}
	return text
}

// confirmRemove asks before removing r, then removes it (the window had
// no way to: only the CLI's rm).
func (v *recoveryView) confirmRemove(r vault.RecoverySet) {
	v.d.touch()
	caution := "Removing them here does not revoke them: codes you have not used still sign in to " + r.Service +
		" until you generate new ones there."
	if r.Unused == 0 {
		caution = ""
	}
	removal{w: v.d.w, store: v.d.store, id: r.ID, what: "the recovery codes of " + r.Name(), report: v.d.report,
		caution: caution,
		done: func(notice string) {
			v.reload()
			if notice != "" {
				v.d.said(notice)
			}
		}}.ask("Remove these recovery codes?")
}

func lowWarning(r vault.RecoverySet) string {
	if r.Unused == 0 {
		return "No codes left: generate new recovery codes on " + r.Service + "'s security page and add them here."
	}
	return fmt.Sprintf("Only %d left: generate new recovery codes on %s soon.", r.Unused, r.Service)
}

// useNext copies the first unused code, marks it used and saves.
func (v *recoveryView) useNext(r vault.RecoverySet) {
	v.d.touch()
	// Pressed from the keyboard, the button keeps the focus: the rebuilt
	// list has a new one for the set.
	if b := v.copyNext[r.ID]; b != nil && v.d.w.Canvas().Focused() == fyne.Focusable(b) {
		defer func() {
			if nb := v.copyNext[r.ID]; nb != nil && !nb.Disabled() {
				v.d.w.Canvas().Focus(nb)
			}
		}()
	}
	code, left, err := v.d.store.UseRecoveryCode(r.ID)
	if err == nil {
		err = v.d.store.Save()
	}
	if err != nil {
		v.d.report(err)
		v.reload()
		return
	}
	v.d.copy(fmt.Sprintf("a %s recovery code (marked used; %d left)", r.Service, left), code)
	v.reload()
}

// showCodes lists a set's codes, used ones struck through in words.
func (v *recoveryView) showCodes(r vault.RecoverySet) {
	v.d.touch()
	codes, err := v.d.store.RecoveryCodes(r.ID)
	if err != nil {
		v.d.report(err)
		return
	}
	var b strings.Builder
	for _, c := range codes {
		b.WriteString(c.Code)
		if c.Used {
			b.WriteString("   used")
			if !c.UsedOn.IsZero() {
				b.WriteString(" " + c.UsedOn.Format("2006-01-02"))
			}
		}
		b.WriteString("\n")
	}
	text := widget.NewLabel(b.String())
	text.TextStyle.Monospace = true
	// All the codes in view where the window allows; where not, the list
	// scrolls from the keyboard too.
	list := newKeyScroll(text)
	list.setMinHeight(v.d.w.Canvas().Size().Height * 0.7)
	// The set's name in the text, where it wraps, not in the title, where
	// a long one widened the window (and the account was left out, QA).
	name := widget.NewLabel(fmt.Sprintf("%s: %d of %d unused", r.Name(), r.Unused, r.Total))
	name.Wrapping = fyne.TextWrapWord
	d := newCloseDialog("Recovery codes", "Close", container.NewBorder(name, nil, nil, nil, list), v.d.w)
	list.escape = d.Hide
	d.Show()
}

func (v *recoveryView) addSet() {
	v.d.touch()
	v.fCodes.ok()
	v.skipped.Hide()
	raw := []byte(v.codes.Text)
	defer clear(raw)
	pasted, err := vault.ParseRecoveryCodes(raw)
	if err != nil {
		v.fCodes.fail("No codes found: paste them one per line, like 1234-5678 or a1b2c3d4." + notCodes(pasted.Skipped))
		return
	}
	codes := pasted.Codes
	if strings.TrimSpace(v.service.Text) == "" {
		v.fCodes.fail("Name the service these codes belong to.")
		return
	}
	service, account := strings.TrimSpace(v.service.Text), strings.TrimSpace(v.account.Text)
	clashes, err := v.d.store.RecoveryClashes(service, account)
	if err != nil {
		v.d.report(err)
		return
	}
	name := vault.RecoverySet{Service: service, Account: account}.Name()
	detail := ""
	if len(clashes) == 1 {
		detail = " (" + clashes[0].Detail + ")"
	}
	var added vault.UUID
	replaceStep{
		w: v.d.w, kind: vault.KindRecovery, name: name, clashes: clashes,
		question: "Replace the recovery codes of " + name + "?",
		why: replaceWhy("The vault has recovery codes for "+name+detail+". New codes from the service "+
			"make the old ones useless, so they replace them.", "set"),
		add: func() error {
			set, err := v.d.store.AddRecoveryCodes(service, account, nil, codes)
			added = set.ID
			return err
		},
		remove: v.d.store.Remove, save: v.d.store.Save, fail: v.d.report,
		done: func() {
			v.service.SetText("")
			v.account.SetText("")
			v.codes.SetText("")
			v.showSkipped(pasted.Skipped)
			v.reload()
			said := "Added " + plural(len(codes), "recovery code", "recovery codes") + " for " + name
			if n := len(pasted.Skipped); n > 0 {
				said += "; skipped " + plural(n, "line", "lines") + " (listed under the form)"
			}
			v.d.said(said)
			// The focus goes to the new set (scrolled into view), not left
			// on the Add button below the grown list.
			if b := v.copyNext[added]; b != nil {
				v.d.w.Canvas().Focus(b)
			}
		},
	}.run()
}

// showSkipped lists under the form the lines not taken as codes (none:
// hidden), so that a code the parser missed is not lost unnoticed.
func (v *recoveryView) showSkipped(skipped []string) {
	if len(skipped) == 0 {
		v.skipped.Hide()
		return
	}
	v.skipped.SetText("Skipped " + plural(len(skipped), "line that does not look like a code", "lines that do not look like codes") +
		"; check that none is one:\n" + strings.Join(skipped, "\n"))
	v.skipped.Show()
}

// notCodes names the first lines not taken when no code was found.
func notCodes(skipped []string) string {
	if len(skipped) == 0 {
		return ""
	}
	const most = 3
	var q []string
	for _, s := range skipped[:min(len(skipped), most)] {
		q = append(q, strconv.Quote(s))
	}
	if len(skipped) > most {
		q = append(q, "and "+strconv.Itoa(len(skipped)-most)+" more")
	}
	return " Not taken as codes: " + strings.Join(q, ", ") + "."
}
