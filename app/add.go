package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// addDeps feed the add-account screen.
type addDeps struct {
	w     fyne.Window // for the question whether to replace an account
	adder AccountAdder
	added func(vault.Account)
	touch func()
	// openImage asks for a QR code image to read.
	openImage func()
	// scanScreen and pasteImage read a QR code from the screen and from
	// the clipboard's image (nil: no desktop capture, buttons hidden).
	scanScreen, pasteImage func()
}

// field is an input with the error shown under it.
type field struct {
	label string
	input fyne.CanvasObject
	err   *widget.Label
}

func newField(label string, input fyne.CanvasObject) *field {
	e := widget.NewLabel("")
	e.Importance = widget.DangerImportance
	e.Wrapping = fyne.TextWrapWord
	e.Hide()
	f := &field{label: label, input: input, err: e}
	if in, ok := input.(*entry); ok {
		// An error about what was typed goes once it is typed again: it
		// stayed under the corrected field until the next submit (QA).
		onEdit(in, f.ok)
	}
	return f
}

// onEdit calls f each time what e holds changes, after e's own
// OnChanged: an error about an input goes once the input is edited (a
// field's error, a problemView's shown with showAbout).
func onEdit(e *entry, f func()) {
	own := e.OnChanged
	e.OnChanged = func(s string) {
		if own != nil {
			own(s)
		}
		f()
	}
}

// fail shows msg under the field. The input is refreshed too: a label
// never drawn yet belongs to no canvas, so showing it marks nothing to
// redraw, and from the keyboard (Space or Enter on a button, which
// changes nothing else) the message stayed unseen until the pointer
// moved (QA).
func (f *field) fail(msg string) {
	f.err.SetText(msg)
	f.err.Show()
	f.input.Refresh()
}

func (f *field) ok() { f.err.Hide() }

func (f *field) item() *widget.FormItem {
	return widget.NewFormItem(f.label, container.NewVBox(f.input, f.err))
}

// addView adds an account from an otpauth:// link or typed parameters.
type addView struct {
	d                              addDeps
	uri, issuer, account, secret   *entry
	group, digits, period, counter *entry
	typ, algorithm                 *selectField
	steam                          *checkField
	fURI, fIssuer, fSecret         *field
	fDigits, fPeriod, fCounter     *field
	fSteam, fGroup                 *field
	advanced                       *disclosure
	content                        fyne.CanvasObject
}

func addScreen(d addDeps) *addView {
	v := &addView{d: d}
	v.uri = newPasswordEntry() // the link holds the secret
	v.uri.SetPlaceHolder("otpauth://totp/Issuer:account?secret=…")
	v.uri.OnSubmitted = func(string) { v.addFromURI() }
	v.issuer, v.account, v.group = newEntry(), newEntry(), newEntry()
	v.issuer.SetPlaceHolder("Service, e.g. GitHub")
	v.account.SetPlaceHolder("Account, e.g. you@example.com")
	v.group.SetPlaceHolder("Group (optional), e.g. Work/Servers")
	v.secret = newPasswordEntry()
	v.secret.SetPlaceHolder("Secret (base32, as shown under the QR code)")
	v.digits, v.period, v.counter = newEntry(), newEntry(), newEntry()
	v.typ = newSelect([]string{"Time-based (TOTP)", "Counter-based (HOTP)"}, func(string) { v.syncType() })
	v.algorithm = newSelect([]string{"SHA1", "SHA256", "SHA512"}, nil)
	v.steam = newCheck("Steam Guard (5 characters)", func(bool) { v.syncType() })
	v.fURI, v.fIssuer, v.fSecret = newField("Link", v.uri), newField("Service", v.issuer), newField("Secret", v.secret)
	v.fDigits, v.fPeriod, v.fCounter = newField("Digits", v.digits), newField("Period (s)", v.period), newField("Counter", v.counter)
	v.fSteam, v.fGroup = newField("", v.steam), newField("Group", v.group)
	// Enter in a field adds, as the Add button below it does (the group
	// is shared: a link if one is pasted, else the fields).
	for _, e := range []*entry{v.issuer, v.account, v.secret, v.digits, v.period, v.counter} {
		e.OnSubmitted = func(string) { v.addManual() }
	}
	v.group.OnSubmitted = func(string) {
		if strings.TrimSpace(v.uri.Text) != "" {
			v.addFromURI()
		} else {
			v.addManual()
		}
	}
	v.reset()
	v.content = v.build()
	return v
}

func (v *addView) openImage() {
	v.d.touch()
	v.d.openImage()
}

func (v *addView) build() fyne.CanvasObject {
	fromURI := newButton("Add from link", nil, v.addFromURI)
	fromURI.Importance = widget.HighImportance
	manual := newButton("Add account", nil, v.addManual)
	manual.Importance = widget.HighImportance
	options := widget.NewForm(widget.NewFormItem("Type", v.typ), v.fDigits.item(), v.fPeriod.item(),
		widget.NewFormItem("Algorithm", v.algorithm), v.fCounter.item(), v.fSteam.item())
	v.advanced = newDisclosure("Advanced options", options)
	return scrollPage(
		heading("Add an account"),
		widget.NewForm(v.fGroup.item()),
		widget.NewLabel("Paste the otpauth:// link (from the service's QR code or an export):"),
		widget.NewForm(v.fURI.item()), v.qrButtons(fromURI),
		widget.NewSeparator(),
		widget.NewLabel("Or type what the service shows:"),
		widget.NewForm(v.fIssuer.item(), widget.NewFormItem("Account", v.account), v.fSecret.item()),
		v.advanced.box,
		manual,
	)
}

// qrButtons is the row under the link: add it, or read a QR code from an
// image file, the screen or the clipboard.
func (v *addView) qrButtons(fromURI *button) fyne.CanvasObject {
	row := container.NewHBox(fromURI, newButton("Open QR image…", nil, v.openImage))
	if v.d.scanScreen != nil {
		row.Add(newButton("Scan screen", nil, v.d.scanScreen))
	}
	if v.d.pasteImage != nil {
		row.Add(newButton("Paste QR image", nil, v.d.pasteImage))
	}
	return row
}

// reset empties the form (and so drops the secret from the widgets).
func (v *addView) reset() {
	for _, e := range []*entry{v.uri, v.issuer, v.account, v.secret, v.counter} {
		e.SetText("")
	}
	v.digits.SetText(strconv.Itoa(otp.DefaultDigits))
	v.period.SetText(strconv.Itoa(otp.DefaultPeriod))
	v.counter.SetText("0")
	v.typ.SetSelectedIndex(0)
	v.algorithm.SetSelectedIndex(0)
	v.steam.SetChecked(false)
	v.clearErrors()
}

func (v *addView) clearErrors() {
	for _, f := range []*field{v.fURI, v.fIssuer, v.fSecret, v.fDigits, v.fPeriod, v.fCounter, v.fSteam, v.fGroup} {
		f.ok()
	}
}

func (v *addView) hotp() bool { return v.typ.SelectedIndex() == 1 }

// syncType enables the options that apply to the chosen type.
func (v *addView) syncType() {
	if v.period == nil {
		return
	}
	if v.hotp() {
		v.period.Disable()
		v.counter.Enable()
	} else {
		v.period.Enable()
		v.counter.Disable()
	}
	if v.steam.Checked {
		v.digits.SetText(strconv.Itoa(otp.SteamDigits))
		v.digits.Disable()
	} else {
		v.digits.Enable()
	}
}

func (v *addView) groupPath() []string {
	var out []string
	for _, g := range strings.Split(v.group.Text, "/") {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	return out
}

func (v *addView) addFromURI() {
	v.d.touch()
	v.clearErrors()
	b := []byte(strings.TrimSpace(v.uri.Text))
	defer clear(b)
	if len(b) == 0 {
		v.fURI.fail("Paste an otpauth:// link here.")
		return
	}
	key, err := otp.ParseURI(b)
	if err != nil {
		v.fURI.fail(explainOTP(err))
		return
	}
	defer key.Destroy()
	v.store(key, v.fURI)
}

// explainOTP turns an otp error into a sentence for the field.
func explainOTP(err error) string {
	var fe *otp.FieldError
	if errors.As(err, &fe) {
		msg := fe.Error() // "digits must be 4 to 10, got 12"
		return strings.ToUpper(msg[:1]) + msg[1:] + "."
	}
	p := describe(err)
	return p.Title + ". " + p.Hint + " (" + err.Error() + ")"
}

// params reads the typed options, marking each bad field.
func (v *addView) params() (otp.Params, bool) {
	p := otp.Params{Issuer: strings.TrimSpace(v.issuer.Text), Account: strings.TrimSpace(v.account.Text), Steam: v.steam.Checked}
	ok := true
	if p.Issuer == "" && p.Account == "" {
		v.fIssuer.fail("Give the service's name (or at least the account).")
		ok = false
	}
	if v.hotp() {
		p.Type = otp.HOTP
	}
	p.Algorithm = otp.Algorithm(v.algorithm.SelectedIndex())
	var err error
	if p.Digits, err = strconv.Atoi(strings.TrimSpace(v.digits.Text)); err != nil || p.Digits < 4 || p.Digits > 10 {
		v.fDigits.fail("Digits must be a whole number from 4 to 10 (usually 6).")
		ok = false
	}
	if p.Type == otp.TOTP {
		if p.Period, err = strconv.Atoi(strings.TrimSpace(v.period.Text)); err != nil || p.Period < 1 || p.Period > otp.MaxPeriod {
			v.fPeriod.fail(fmt.Sprintf("The period must be a whole number of seconds from 1 to %d (usually 30).", otp.MaxPeriod))
			ok = false
		}
	} else if p.Counter, err = strconv.ParseUint(strings.TrimSpace(v.counter.Text), 10, 64); err != nil {
		v.fCounter.fail("The counter must be a whole number, 0 or more (0 for a new account).")
		ok = false
	}
	if p.Steam && p.Type == otp.HOTP {
		v.fSteam.fail("Steam Guard codes are time-based: choose TOTP.")
		ok = false
	}
	return p, ok
}

func (v *addView) addManual() {
	v.d.touch()
	v.clearErrors()
	p, ok := v.params()
	raw := []byte(v.secret.Text)
	defer clear(raw)
	secret, err := otp.ParseSecret(raw)
	if err != nil {
		v.fSecret.fail(explainOTP(err))
		ok = false
	}
	v.openAdvancedOnError()
	if !ok {
		if secret != nil {
			secret.Destroy()
		}
		return
	}
	key := &otp.Key{Params: p, Secret: secret}
	defer key.Destroy()
	if err := p.Validate(); err != nil {
		v.fieldFor(err).fail(explainOTP(err))
		v.openAdvancedOnError()
		return
	}
	v.store(key, v.fSecret)
}

// fieldFor finds the field an otp.FieldError names.
func (v *addView) fieldFor(err error) *field {
	var fe *otp.FieldError
	if errors.As(err, &fe) {
		switch fe.Field {
		case "digits":
			return v.fDigits
		case "period":
			return v.fPeriod
		case "counter":
			return v.fCounter
		case "steam":
			return v.fSteam
		}
	}
	return v.fSecret
}

// store adds the account and saves; errors go under at. A secret
// shorter than services give asks first: it was most likely cut off when
// copied (QA: "secret=AA" was added without a word). An account of the
// same issuer and name with another secret is replaced only if the
// person says so; the same account again is refused.
func (v *addView) store(key *otp.Key, at *field) {
	if !key.ShortSecret() {
		v.storeChecked(key, at)
		return
	}
	k := key.Clone() // the caller destroys key on return; the question outlives it
	msg := fmt.Sprintf("This secret is only %d bits long (%d base32 characters). Services give 80 bits or more "+
		"(16 or 32 characters): if part of it was cut off when you copied it, its codes will never be accepted. "+
		"Copy it again from the service, or add it anyway if the service really uses so short a secret.",
		8*k.Secret.Size(), (8*k.Secret.Size()+4)/5)
	d := newConfirmDialog("Add a short secret?", "Add anyway", "Go back", message(v.d.w, msg), func(ok bool) {
		defer k.Destroy()
		if ok {
			v.storeChecked(k, at)
		}
	}, v.d.w)
	d.setConfirmImportance(widget.WarningImportance)
	d.Show()
}

func (v *addView) storeChecked(key *otp.Key, at *field) {
	fail := func(err error) {
		var fe *otp.FieldError
		if errors.As(err, &fe) {
			v.fieldFor(err).fail(explainOTP(err))
			return
		}
		p := describe(err)
		at.fail(p.Title + ". " + p.Hint)
	}
	if err := vault.CheckNamed(key.Params); err != nil {
		fail(err)
		return
	}
	clashes, err := v.d.adder.AccountClashes(key)
	if err != nil {
		fail(err)
		return
	}
	k := key.Clone() // the caller destroys key on return; the question may outlive it
	name := vault.Account{Params: key.Params}.Name()
	var a vault.Account
	replaceStep{
		w: v.d.w, kind: vault.KindAccount, name: name, clashes: clashes,
		question: "Replace " + name + "?",
		why: replaceWhy("The vault already has "+name+", with another secret. If you set up two-factor "+
			"authentication for it again, the service takes only the new secret's codes: replace the old one.", "account"),
		add: func() (err error) {
			a, err = v.d.adder.AddAccount(vault.NewAccount{Key: k, Group: v.groupPath()})
			return err
		},
		remove: v.d.adder.Remove, save: v.d.adder.Save, fail: fail, release: k.Destroy,
		done: func() {
			v.reset()
			v.d.added(a)
		},
	}.run()
}

// openAdvancedOnError unfolds the advanced options when one of them is
// wrong, so its message is seen.
func (v *addView) openAdvancedOnError() {
	for _, f := range []*field{v.fDigits, v.fPeriod, v.fCounter, v.fSteam} {
		if f.err.Visible() {
			v.advanced.setOpen(true)
			return
		}
	}
}
