package app

import (
	"errors"
	"fmt"
	"image/color"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
)

// welcomeDeps feed the first-run screen.
type welcomeDeps struct {
	path   string              // where a new vault goes
	show   func(string) string // how a path is shown
	recent []string            // vaults opened before
	create func()
	open   func(path string)
	pick   func(exts []string, done func(string)) // Deps.Files.Open
}

// welcomeScreen is shown when there is no vault at the default location:
// create one there, or open an existing KeePass file.
func welcomeScreen(w fyne.Window, d welcomeDeps) (fyne.CanvasObject, fyne.Focusable) {
	intro := widget.NewLabel("Twofold keeps your one-time codes, recovery codes and API tokens in an encrypted KeePass vault that KeePassXC can open too.")
	intro.Wrapping = fyne.TextWrapWord
	create := newButton("Create a new vault", nil, d.create)
	create.Importance = widget.HighImportance
	where := widget.NewLabel("New vault: " + d.show(d.path))
	where.Wrapping = fyne.TextWrapBreak
	open := newButton("Open an existing KeePass file…", nil, func() { d.pick(vaultExts, d.open) })
	objs := []fyne.CanvasObject{container.NewHBox(appIcon(64), heading("Welcome to Twofold")), intro, create, where, open}
	return page(append(objs, recentList(d.recent, d.show, d.open)...)...), create
}

// recentList is a heading and a button per recent vault.
func recentList(recent []string, show func(string) string, open func(string)) []fyne.CanvasObject {
	if len(recent) == 0 {
		return nil
	}
	out := []fyne.CanvasObject{widget.NewSeparator(), widget.NewLabel("Recent vaults")}
	for _, p := range recent {
		b := newButton(show(p), nil, func() { open(p) })
		b.Alignment = widget.ButtonAlignLeading
		out = append(out, b)
	}
	return out
}

// vaultExts filter the file dialog that picks a vault.
var vaultExts = []string{".kdbx"}

// keyFileRow is an entry for an optional key file with a Browse button
// that picks any file with pick (Deps.Files.Open).
func keyFileRow(pick func(exts []string, done func(string))) (*entry, fyne.CanvasObject) {
	e := newEntry()
	e.SetPlaceHolder("Key file (optional)")
	browse := newButton("Browse…", nil, func() { pick(nil, e.SetText) })
	return e, container.NewBorder(nil, nil, nil, browse, e)
}

// credentials builds vault credentials from the typed password and key
// file. The returned wipe clears the password copy.
func credentials(password, keyFile string) (vault.Credentials, func(), error) {
	keyFile = strings.TrimSpace(keyFile)
	if password == "" && keyFile == "" {
		return vault.Credentials{}, nil, errEmptyCredentials
	}
	if keyFile != "" {
		if err := vault.CheckKeyFile(keyFile); err != nil {
			return vault.Credentials{}, nil, err
		}
	}
	c := vault.Credentials{KeyFile: keyFile}
	if password != "" {
		c.Password = []byte(password)
	}
	return c, func() { clear(c.Password) }, nil
}

// unlockDeps feed the unlock screen.
type unlockDeps struct {
	path     string
	keyFile  string // the key file last used with this vault, filled in
	show     func(string) string
	recent   []string
	opener   Opener
	work     Work
	unlocked func(v Vault, keyFile string)
	open     func(path string) // switch to another vault file
	create   func()
	pick     func(exts []string, done func(string)) // Deps.Files.Open
}

// unlockScreen asks for the password (and key file) of the vault at
// d.path. It returns the content and the widget to focus.
func unlockScreen(w fyne.Window, d unlockDeps) (fyne.CanvasObject, fyne.Focusable) {
	pw := newPasswordEntry()
	pw.SetPlaceHolder("Password")
	keyFile, keyRow := keyFileRow(d.pick)
	keyFile.SetText(d.keyFile)
	problem := newProblemView()
	busy := newBusyView("Deriving the key… (this takes a moment on purpose)")
	unlock := newButton("Unlock", nil, nil)
	unlock.Importance = widget.HighImportance
	var screen fyne.CanvasObject
	submit := func() {
		c, wipe, err := credentials(pw.Text, keyFile.Text)
		if err != nil {
			problem.show(err)
			return
		}
		problem.hide()
		thaw := freeze(screen)
		busy.start()
		d.work(func() {
			v, err := d.opener.Open(d.path, c)
			wipe()
			onUI(func() {
				busy.stop()
				thaw()
				if err == nil && w.Content() != screen {
					v.Lock() // the window moved on meanwhile
					return
				}
				if err != nil {
					problem.show(err)
					if errors.Is(err, vault.ErrWrongPassword) {
						// Only a wrong one goes: a password cleared by
						// "The vault file is damaged" had to be typed
						// again once the file was put right (QA).
						pw.SetText("")
					}
					w.Canvas().Focus(pw)
					return
				}
				d.unlocked(v, c.KeyFile)
			})
		})
	}
	unlock.OnTapped = submit
	// Enter unlocks from either field.
	pw.OnSubmitted = func(string) { submit() }
	keyFile.OnSubmitted = pw.OnSubmitted
	file := widget.NewLabel(d.show(d.path))
	file.Wrapping = fyne.TextWrapBreak
	other := newButton("Open another vault…", nil, func() { d.pick(vaultExts, d.open) })
	create := newButton("Create a new vault…", nil, d.create)
	objs := []fyne.CanvasObject{
		container.NewHBox(appIcon(48), heading("Unlock "+filepath.Base(d.path))), file,
		pw, keyRow, unlock, busy.box, problem.box, container.NewHBox(other, create),
	}
	screen = page(append(objs, recentList(d.recent, d.show, d.open)...)...)
	return screen, pw
}

// freeze disables every enabled control of a screen while its key is
// derived, and returns what enables them again. QA: Suggest a
// passphrase, pressed while a vault was being created, showed a new
// passphrase as the one to write down while the vault took the one typed
// before; Back or Create a new vault… left a screen that the finished
// work then replaced.
func freeze(screen fyne.CanvasObject) (thaw func()) {
	var frozen []fyne.Disableable
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(o.Content)
		case fyne.Disableable:
			if !o.Disabled() {
				o.Disable()
				frozen = append(frozen, o)
			}
		}
	}
	walk(screen)
	return func() {
		for _, o := range frozen {
			o.Enable()
		}
	}
}

// createDeps feed the create-vault screen.
type createDeps struct {
	path    string
	opener  Opener
	work    Work
	created func(v Vault, keyFile string)
	back    func()
	pick    func(exts []string, done func(string)) // Deps.Files.Open
}

// createScreen makes a new vault: a password typed twice (with a strength
// estimate) or a suggested diceware passphrase, and an optional key file.
func createScreen(w fyne.Window, d createDeps) (fyne.CanvasObject, fyne.Focusable) {
	f := &createForm{w: w, d: d}
	f.screen = f.build()
	return f.screen, f.pw
}

type createForm struct {
	w        fyne.Window
	d        createDeps
	pw       *entry
	again    *entry
	keyFile  *entry
	meter    *strengthMeter
	advice   *widget.Label
	location *entry
	problem  *problemView
	busy     *busyView
	create   *button
	screen   fyne.CanvasObject
	// suggesting: suggest is filling the password fields (any other
	// change takes its advice away).
	suggesting bool
}

func (f *createForm) build() fyne.CanvasObject {
	f.pw, f.again = newPasswordEntry(), newPasswordEntry()
	f.pw.SetPlaceHolder("Password")
	f.again.SetPlaceHolder("Repeat the password")
	f.meter = newStrengthMeter("Strength: type a password or suggest a passphrase")
	f.advice = widget.NewLabel("")
	f.advice.Wrapping = fyne.TextWrapWord
	f.advice.Hide()
	f.pw.OnChanged = func(string) { f.rate(); f.recheck(); f.dropAdvice() }
	f.again.OnChanged = func(string) { f.recheck(); f.dropAdvice() }
	suggest := newButton("Suggest a passphrase", nil, f.suggest)
	var keyRow fyne.CanvasObject
	f.keyFile, keyRow = keyFileRow(f.d.pick)
	f.location = newEntry()
	f.location.SetText(f.d.path)
	f.location.left = func() { f.completeLocation() }
	change := newButton("Folder…", nil, f.chooseLocation)
	where := container.NewBorder(nil, nil, widget.NewLabel("Location"), change, f.location)
	// Enter creates from the repeat, key file and location fields.
	for _, e := range []*entry{f.again, f.keyFile, f.location} {
		e.OnSubmitted = func(string) { f.submit() }
	}
	f.problem = newProblemView()
	f.problem.watch(f.location, f.pw, f.keyFile)
	f.busy = newBusyView("Creating the vault: measuring this computer and deriving the key…")
	f.create = newButton("Create vault", nil, f.submit)
	f.create.Importance = widget.HighImportance
	back := newButton("Back", nil, f.d.back)
	rows := append([]fyne.CanvasObject{container.NewHBox(appIcon(48), heading("Create your vault")), where, f.pw, f.again}, f.meter.objects()...)
	return page(append(rows, suggest, f.advice, keyRow, container.NewHBox(f.create, back), f.busy.box, f.problem.box)...)
}

func (f *createForm) rate() { f.meter.rate(f.pw.Text, f.userInputs()) }

func (f *createForm) strength() strength { return estimate(f.pw.Text, f.userInputs()) }

func (f *createForm) userInputs() []string {
	return []string{"twofold", filepath.Base(f.location.Text)}
}

// strengthColour is the strength bar's colour for a grade: an error's
// for a poor password, a warning's for a weak one (both asked about),
// success for one Create takes without a question.
func strengthColour(grade int) fyne.ThemeColorName {
	switch {
	case grade == 0:
		return theme.ColorNameError
	case grade < strongEnough:
		return theme.ColorNameWarning
	}
	return theme.ColorNameSuccess
}

// strengthTheme draws the strength bar (a Fyne ProgressBar, which draws
// in the primary colour) in colour instead, taking every colour from the
// app's current theme, so the bar follows a change of theme.
type strengthTheme struct {
	liveTheme
	colour fyne.ThemeColorName
}

func (t strengthTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNamePrimary {
		n = t.colour
	}
	return t.liveTheme.Color(n, v)
}

// recheck takes "the passwords differ" away once they no longer do (a
// suggested passphrase fills both).
func (f *createForm) recheck() {
	if f.problem.showing(errPasswordsDiffer) && f.pw.Text == f.again.Text {
		f.problem.hide()
	}
}

// dropAdvice takes the suggested passphrase's advice away once either
// password field is changed: "Write this passphrase down" stayed under
// an emptied or different password (QA).
func (f *createForm) dropAdvice() {
	if !f.suggesting {
		f.advice.Hide()
	}
}

func (f *createForm) suggest() {
	p, err := passphrase(passphraseWords)
	if err != nil {
		showError(f.w, err)
		return
	}
	f.pw.Password, f.again.Password = false, false
	f.suggesting = true
	f.pw.SetText(p)
	f.again.SetText(p)
	f.suggesting = false
	f.pw.Refresh()
	f.again.Refresh()
	f.advice.SetText("Write this passphrase down and keep it somewhere safe: " +
		"six random words from the EFF list (about 77 bits). Nobody can recover the vault without it.")
	f.advice.Show()
}

// completeLocation gives the location the extension of KeePass files,
// in the field, and returns it: a vault made without one (typed
// "…/myvault") was missing from the Open dialogs, which list .kdbx files
// only. It is added to any other ending too: a dot is as often part of a
// name ("j.smith", "work.2024") as an extension chosen on purpose, and
// the field shows the name before anything is written.
func (f *createForm) completeLocation() string {
	path := vaultFileName(strings.TrimSpace(f.location.Text))
	if path != f.location.Text {
		f.location.SetText(path)
	}
	return path
}

// vaultFileName is path ending in ".kdbx" (in any case), or path as it
// is when it names no file (empty, or ending in a separator).
func vaultFileName(path string) string {
	if path == "" || strings.HasSuffix(path, string(filepath.Separator)) || strings.EqualFold(filepath.Ext(path), vaultExts[0]) {
		return path
	}
	return path + vaultExts[0]
}

// chooseLocation picks a folder for the new vault. (A folder, not a
// file-save dialog: that dialog truncates the file it returns, which
// would destroy an existing vault chosen by mistake.)
func (f *createForm) chooseLocation() {
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			showError(f.w, err)
			return
		}
		if dir != nil {
			f.location.SetText(filepath.Join(dir.Path(), filepath.Base(f.location.Text)))
		}
	}, f.w)
}

// submit creates the vault, after asking when the password is weak.
func (f *createForm) submit() {
	if f.pw.Text != f.again.Text {
		f.problem.show(errPasswordsDiffer)
		return
	}
	c, wipe, err := credentials(f.pw.Text, f.keyFile.Text)
	if err != nil {
		about := []*entry{f.pw, f.keyFile} // neither given
		if errors.Is(err, vault.ErrNoKeyFile) || errors.Is(err, vault.ErrEmptyKeyFile) {
			about = []*entry{f.keyFile}
		}
		f.problem.showAbout(err, about...)
		return
	}
	f.problem.hide()
	path := f.completeLocation()
	if !filepath.IsAbs(path) {
		f.problem.showAbout(fmt.Errorf("%w: the location must be a full path, like %s", vault.ErrInvalid, f.d.path), f.location)
		wipe()
		return
	}
	if s := f.strength(); f.pw.Text != "" && s.Grade < strongEnough {
		askWeakPassword(f.w, s, weakVaultRisk, func(ok bool) {
			if !ok {
				wipe()
				f.w.Canvas().Focus(f.pw)
				return
			}
			f.start(path, c, wipe)
		})
		return
	}
	f.start(path, c, wipe)
}

// weakVaultRisk is what a weak vault password exposes.
const weakVaultRisk = "Whoever gets a copy of the vault file can try passwords on it for as long as they like, " +
	"and the vault holds the 2FA secrets of all your accounts. " +
	"A longer password or a suggested passphrase protects them."

// start creates the vault at path with c (wiped after).
func (f *createForm) start(path string, c vault.Credentials, wipe func()) {
	thaw := freeze(f.screen)
	f.busy.start()
	f.d.work(func() {
		v, err := f.d.opener.Create(path, c)
		wipe()
		onUI(func() {
			f.busy.stop()
			thaw()
			if err == nil && f.w.Content() != f.screen {
				v.Lock() // the window moved on meanwhile
				return
			}
			if err != nil {
				// ErrExists, a folder that cannot be made, a key
				// file that cannot be read: about where, or with
				// what.
				f.problem.showAbout(err, f.location, f.keyFile)
				return
			}
			f.d.created(v, c.KeyFile)
		})
	})
}
