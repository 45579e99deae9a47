package app

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
)

// tokensDeps feed the API-tokens screen.
type tokensDeps struct {
	w      fyne.Window
	store  TokenStore
	now    func() time.Time
	copy   func(what, text string)
	report func(error)
	touch  func()
	said   func(string) // confirms in the window's notice line
}

// tokensView lists API tokens: service, scope, expiry, copy, and a
// warning on account-wide PyPI tokens.
type tokensView struct {
	d       tokensDeps
	list    *fyne.Container
	copies  map[vault.UUID]*button // each token's Copy, for the focus after adding
	name    *entry
	token   *entry
	service *entry
	fToken  *field
	content fyne.CanvasObject
}

func tokensScreen(d tokensDeps) *tokensView {
	v := &tokensView{d: d, list: container.NewVBox()}
	v.name, v.service = newEntry(), newEntry()
	v.name.SetPlaceHolder("Name, e.g. PyPI upload for mypkg")
	v.service.SetPlaceHolder("Service (only for unknown token formats)")
	v.token = newPasswordEntry()
	v.token.SetPlaceHolder("pypi-…, ghp_…, glpat-…, npm_…")
	v.fToken = newField("Token", v.token)
	for _, e := range []*entry{v.name, v.token, v.service} {
		e.OnSubmitted = func(string) { v.addToken() } // Enter adds, as the button does
	}
	add := newButton("Add token", nil, v.addToken)
	form := widget.NewForm(widget.NewFormItem("Name", v.name), v.fToken.item(), widget.NewFormItem("Service", v.service))
	v.content = scrollPage(heading("API tokens"), v.list,
		widget.NewSeparator(), widget.NewLabel("Add an API token"), form, add)
	return v
}

func (v *tokensView) reload() {
	tokens, err := v.d.store.Tokens()
	if err != nil {
		v.d.report(err)
		return
	}
	v.list.RemoveAll()
	v.copies = map[vault.UUID]*button{}
	if len(tokens) == 0 {
		v.list.Add(widget.NewLabel("No API tokens yet."))
	}
	for _, t := range tokens {
		v.list.Add(v.tokenRow(t))
	}
	// The list grew or shrank: lay the page out again (else the list was
	// drawn over what follows it until the next lock).
	v.content.Refresh()
}

// scopeText says what a token may do.
func scopeText(t vault.Token) string {
	switch {
	case t.AccountWide():
		return "whole account"
	case len(t.Projects) > 0:
		return "projects: " + strings.Join(t.Projects, ", ")
	case t.Scope == "projects":
		return "limited to some projects"
	}
	return "scope unknown"
}

// expiryText says when a token expires.
func expiryText(t vault.Token, now time.Time) (string, bool) {
	switch {
	case !t.ExpiryKnown(): // only PyPI tokens carry their expiry
		return "expiry unknown", false
	case t.Expires.IsZero():
		return "no expiry", false
	case expired(t, now):
		return "expired " + t.Expires.Format("2006-01-02"), true
	case expiresSoon(t, now):
		return fmt.Sprintf("expires %s (%s)", t.Expires.Format("2006-01-02"), daysLeft(t, now)), true
	}
	return "expires " + t.Expires.Format("2006-01-02"), false
}

// expiresSoon reports whether t expires within two weeks of now.
func expiresSoon(t vault.Token, now time.Time) bool {
	return t.ExpiryKnown() && !t.Expires.IsZero() && t.Expires.Sub(now) < 14*24*time.Hour
}

// daysLeft says how long t has: "in 3 days", "in 1 day", "today".
func daysLeft(t vault.Token, now time.Time) string {
	switch d := int(t.Expires.Sub(now).Hours() / 24); d {
	case 0:
		return "today"
	default:
		return "in " + plural(d, "day", "days")
	}
}

// expired reports whether t is known to have expired by now.
func expired(t vault.Token, now time.Time) bool {
	return t.ExpiryKnown() && !t.Expires.IsZero() && !t.Expires.After(now)
}

// serviceName names t's service in a sentence.
func serviceName(t vault.Token) string {
	switch t.Service {
	case "pypi":
		return "PyPI"
	case "testpypi":
		return "TestPyPI"
	case "":
		return "the service"
	}
	return t.Service
}

func isPyPI(t vault.Token) bool { return t.Service == "pypi" || t.Service == "testpypi" }

func (v *tokensView) tokenRow(t vault.Token) fyne.CanvasObject {
	title := nameLabel(t.Name)
	now := v.d.now()
	exp, soon := expiryText(t, now) // soon: expired, or within two weeks
	info := widget.NewLabel(t.Service + " · " + scopeText(t) + " · " + exp)
	info.Wrapping = fyne.TextWrapWord // a token may name many projects
	if soon {
		info.Importance = widget.WarningImportance
	}
	copyBtn := newButton("Copy", theme.ContentCopyIcon(), func() { v.copyToken(t) })
	v.copies[t.ID] = copyBtn
	remove := newButton("Remove…", theme.DeleteIcon(), func() { v.confirmRemove(t) })
	row := container.NewVBox(title, container.NewBorder(nil, nil, nil, container.NewHBox(copyBtn, remove), info))
	switch {
	case expired(t, now):
		row.Add(warningLine(fmt.Sprintf("%s expired on %s: %s refuses it. Create a new token there and add it "+
			"under the same name: it replaces this one.", t.Name, t.Expires.Format("2006-01-02"), serviceName(t))))
	case soon:
		row.Add(warningLine(fmt.Sprintf("%s expires %s. Create a new token on %s before then and add it "+
			"under the same name: it replaces this one.", t.Name, daysLeft(t, now), serviceName(t))))
	}
	// An expired token uploads nothing: its scope no longer matters.
	if isPyPI(t) && t.AccountWide() && !expired(t, now) {
		row.Add(warningLine("This PyPI token can upload to every project of the account. Prefer a token scoped to one project."))
	}
	return row
}

// confirmRemove asks before removing t, then removes it (the window
// had no way to: only the CLI's rm).
func (v *tokensView) confirmRemove(t vault.Token) {
	v.d.touch()
	removal{w: v.d.w, store: v.d.store, id: t.ID, what: "the token " + t.Name, report: v.d.report,
		caution: "Removing it here does not revoke it: if it may have leaked, revoke it on " + serviceName(t) + " too.",
		done: func(notice string) {
			v.reload()
			if notice != "" {
				v.d.said(notice)
			}
		}}.ask("Remove this token?")
}

// copyToken copies a token. (The clipboard API takes a string, so the
// token passes through ordinary memory here; it is not kept.)
func (v *tokensView) copyToken(t vault.Token) {
	v.d.touch()
	buf, err := v.d.store.TokenSecret(t.ID)
	if err != nil {
		v.d.report(err)
		return
	}
	text := string(buf.Bytes())
	buf.Destroy()
	v.d.copy("the "+t.Name+" token", text)
}

func (v *tokensView) addToken() {
	v.d.touch()
	v.fToken.ok()
	raw := []byte(strings.TrimSpace(v.token.Text))
	defer clear(raw)
	if len(raw) == 0 {
		v.fToken.fail("Paste the token here.")
		return
	}
	name := strings.TrimSpace(v.name.Text)
	if name == "" {
		v.fToken.fail("Give the token a name first (above).")
		return
	}
	clashes, err := v.d.store.TokenClashes(name, raw)
	if err != nil {
		v.d.report(err)
		return
	}
	// raw is wiped when this returns; the question may outlive it.
	kept := memguard.NewBufferFromBytes(bytes.Clone(raw))
	service := strings.TrimSpace(v.service.Text)
	var added vault.Token
	replaceStep{
		w: v.d.w, kind: vault.KindToken, name: name, clashes: clashes,
		question: "Replace the token " + name + "?",
		why:      replaceWhy("The vault has a token named "+name+". A rotated token replaces the old one.", "token"),
		add: func() error {
			var err error
			added, err = v.d.store.AddToken(vault.NewToken{Name: name, Token: kept.Bytes(), Service: service})
			return err
		},
		remove: v.d.store.Remove, save: v.d.store.Save, release: kept.Destroy,
		fail: func(err error) {
			p := describe(err)
			v.fToken.fail(p.Title + ": " + err.Error())
		},
		done: func() {
			v.name.SetText("")
			v.token.SetText("")
			v.service.SetText("")
			v.reload()
			msg := "Added the token " + name
			if expired(added, v.d.now()) {
				msg += "; it has already expired"
			}
			v.d.said(msg)
			if b := v.copies[added.ID]; b != nil { // the new token, scrolled into view
				v.d.w.Canvas().Focus(b)
			}
		},
	}.run()
}
