package app

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
)

// noticeFor is how long a confirmation stays at the bottom of the window.
const noticeFor = 4 * time.Second

// tabLabels name the main view's tabs, in order (the View menu too).
var tabLabels = []string{"Codes", "Add", "Recovery", "Tokens", "Keys", "Settings"}

// mainView is the unlocked window: tabs for codes, adding, recovery
// codes, API tokens and settings, a lock button and a notice line.
type mainView struct {
	u        *UI
	s        *session
	tabs     *container.AppTabs
	codes    *codesView
	add      *addView
	recovery *recoveryView
	tokens   *tokensView
	keys     *keysView
	// imp imports files and QR batches (nil when the vault is not a
	// *vault.Store, which transfer needs).
	imp    *importFlow
	notice *widget.Label
	// clockNote warns that the system clock is off (the clock check).
	clockNote *clockBanner
	hideNote  func()
	stopTick  func()
	// retheme is set by a theme change, made on the settings tab: Fyne's
	// pass over the window drops the refreshes of objects in hidden tabs
	// (they belong to no canvas until drawn again), so the code lines
	// kept their ⋮ buttons in the old theme's colour, near-white on
	// white. Their tab refreshes them when it is shown next.
	retheme bool
	visible bool
	content fyne.CanvasObject
}

func newMainView(u *UI, s *session) *mainView {
	m := &mainView{u: u, s: s, notice: widget.NewLabel("")}
	m.notice.Importance = widget.SuccessImportance
	m.notice.Wrapping = fyne.TextWrapWord // on one line, a long name widened the window past the screen
	m.notice.Hide()
	m.clockNote = newClockBanner()
	report := func(err error) {
		if u.s != s && errors.Is(err, vault.ErrLocked) {
			return // the screen of a session locked meanwhile, nothing to tell
		}
		showError(u.w, err)
	}
	sv := savingVault{Vault: s.v, lock: u.Lock}
	m.codes = codesScreen(codesDeps{src: sv, now: u.codeNow, copy: m.copy, report: report, touch: u.touch, add: m.showAdd,
		favourites: u.updateTray, w: u.w, removed: m.removed, save: u.d.Files.Save, said: m.say})
	ad := addDeps{w: u.w, adder: sv, touch: u.touch, added: m.added, openImage: m.chooseQRImage}
	if u.d.Capture != nil {
		ad.scanScreen, ad.pasteImage = m.scanScreen, m.pasteQRImage
	}
	m.add = addScreen(ad)
	if st, ok := s.v.(*vault.Store); ok {
		m.imp = &importFlow{w: u.w, work: u.d.Work, pick: u.d.Files.Open, store: st, current: func() bool { return u.s == s },
			done: m.imported, lock: u.Lock}
	}
	m.recovery = recoveryScreen(recoveryDeps{store: sv, copy: m.copy, report: report, touch: u.touch, said: m.say, w: u.w})
	m.tokens = tokensScreen(tokensDeps{store: sv, now: u.d.Now, copy: m.copy, report: report, touch: u.touch, said: m.say, w: u.w})
	m.keys = keysScreen(keysDeps{w: u.w, opts: u.d.Keys, inv: sv, post: u.d.UI, touch: u.touch, now: u.d.Now})
	settings := settingsScreen(settingsDeps{current: u.settings, update: m.updateSettings})
	icons := []fyne.Resource{theme.HomeIcon(), theme.ContentAddIcon(), theme.ListIcon(), theme.AccountIcon(), theme.StorageIcon(), theme.SettingsIcon()}
	m.tabs = container.NewAppTabs()
	for i, content := range []fyne.CanvasObject{m.codes.content, m.add.content, m.recovery.content, m.tokens.content, m.keys.content, settings} {
		m.tabs.Append(container.NewTabItemWithIcon(tabLabels[i], icons[i], newTabPage(content)))
	}
	m.tabs.OnSelected = func(*container.TabItem) { u.touch(); m.tabChanged() }
	lock := newButton("Lock", theme.LoginIcon(), u.Lock)
	title := widget.NewLabelWithStyle(filepath.Base(s.v.Path()), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(container.NewBorder(nil, nil, container.NewHBox(appIcon(24), title), lock), m.clockNote)
	// The notice line keeps its room while hidden: taking it from the page
	// and giving it back moved the page under the pointer (a page scrolled
	// to its end moved 39 px down as the notice went, and a click meant
	// for one token's Copy landed on the next, QA).
	m.content = container.NewBorder(top, reserveSpace(m.notice), nil, nil, m.tabs)
	return m
}

// shown starts or stops the countdown: it ticks only while the codes tab
// is on screen in a visible (neither hidden nor minimised), unlocked
// window. It is not activity for the auto-lock.
func (m *mainView) shown(visible bool) {
	m.visible = visible
	m.tabChanged()
	if !visible && m.hideNote != nil {
		m.hideNote()
		m.hideNote = nil
	}
}

func (m *mainView) tabChanged() {
	active := m.visible && m.u.s == m.s
	ticking := active && m.tabs.SelectedIndex() == 0
	switch {
	case ticking && m.stopTick == nil:
		m.codes.tick()
		m.stopTick = m.u.d.Timers.Every(time.Second, m.codes.tick)
	case !ticking && m.stopTick != nil:
		m.stopTick()
		m.stopTick = nil
	}
	if !active {
		return // hidden, minimised or locked: nothing to show (no key scan)
	}
	if m.retheme && m.tabs.SelectedIndex() == 0 {
		m.retheme = false
		m.codes.list.Refresh()
	}
	switch m.tabs.SelectedIndex() {
	case 2:
		m.recovery.reload()
	case 3:
		m.tokens.reload()
	case 4:
		m.keys.reload()
	}
}

// selectTab shows tab i and gives its first control the keyboard focus,
// so Tab carries on from there: Fyne's tab buttons take no focus, and
// without this a keyboard could not leave the codes.
func (m *mainView) selectTab(i int) {
	if i == 0 {
		m.focusSearch() // as Ctrl+F does: type to find, Enter copies
		return
	}
	m.tabs.SelectIndex(i)
	c := m.u.w.Canvas()
	c.Unfocus()
	content := m.tabs.Items[i].Content
	within := positionWithin(content)
	for range 200 { // the focus walk wraps; no window has that many controls before a tab's
		c.FocusNext()
		f, ok := c.Focused().(fyne.CanvasObject)
		if !ok || within(f) {
			return
		}
	}
	c.Unfocus()
}

// stepTab selects the next (+1) or previous (-1) tab, round the end.
func (m *mainView) stepTab(step int) {
	n := len(m.tabs.Items)
	m.selectTab((m.tabs.SelectedIndex() + step + n) % n)
}

// positionWithin tells whether an object lies inside area on the canvas.
func positionWithin(area fyne.CanvasObject) func(fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	top, size := d.AbsolutePositionForObject(area), area.Size()
	return func(o fyne.CanvasObject) bool {
		p := d.AbsolutePositionForObject(o)
		return p.X >= top.X && p.Y >= top.Y && p.X < top.X+size.Width && p.Y < top.Y+size.Height
	}
}

func (m *mainView) focusSearch() {
	m.tabs.SelectIndex(0)
	m.u.w.Canvas().Focus(m.codes.search)
}

func (m *mainView) showAdd() {
	m.tabs.SelectIndex(1)
	m.u.w.Canvas().Focus(m.add.uri)
}

func (m *mainView) added(a vault.Account) {
	m.codes.reload()
	m.tabs.SelectIndex(0)
	// The keyboard focus leaves the add form, now hidden (Enter there
	// would add again, unseen), for the new account's line.
	m.codes.focusAccount(a.ID)
	msg := "Added " + a.Name()
	if len(a.Group) > 0 {
		// The add form keeps its group for the next account, above the
		// fields a QR code fills, where it went unnoticed (QA).
		msg += " to the group " + strings.Join(a.Group, " / ")
	}
	m.say(msg)
}

// removed confirms a removal (the tray may have listed the account).
func (m *mainView) removed(a vault.Account) {
	if m.s.v.RecycleBinEnabled() {
		m.say("Removed " + a.Name() + " (moved to the recycle bin)")
	} else {
		m.say("Deleted " + a.Name())
	}
	m.u.updateTray()
}

// imported reloads the codes after an import and says how many.
func (m *mainView) imported(added []vault.Account) {
	m.codes.reload()
	m.tabs.SelectIndex(0)
	switch len(added) {
	case 0:
		m.say("Nothing was imported")
	case 1:
		m.say("Imported " + added[0].Name())
	default:
		m.say("Imported " + itoa(len(added)) + " accounts")
	}
	m.u.updateTray()
}

// copy puts text on the clipboard, to be cleared after the configured
// time, and confirms in the notice line.
func (m *mainView) copy(what, text string) {
	secs := m.u.settings.ClipboardClearSeconds
	m.u.clip.copy(text, time.Duration(secs)*time.Second)
	msg := "Copied " + what
	if secs > 0 {
		msg += "; the clipboard clears in " + itoa(secs) + " s"
	}
	m.say(msg)
	if !m.u.onScreen() && m.u.d.Notify != nil {
		m.u.d.Notify("Twofold", msg) // the notice line cannot be seen
	}
}

// say shows a confirmation for a few seconds.
func (m *mainView) say(msg string) {
	if m.hideNote != nil {
		m.hideNote()
	}
	m.notice.SetText(msg)
	m.notice.Show()
	m.hideNote = m.u.d.Timers.AfterFunc(noticeFor, func() {
		m.notice.Hide()
		m.hideNote = nil
	})
}

func (m *mainView) updateSettings(change func(*Settings)) {
	old := m.u.settings
	s := old
	s.RecentVaults = slices.Clone(old.RecentVaults)
	change(&s)
	m.u.saveSettings(s)
	if s.Theme != old.Theme {
		m.retheme = true
		m.u.applyTheme()
	}
	if s.ClockCheck != old.ClockCheck || s.TimeServer != old.TimeServer {
		m.u.checkClock()
	}
	if s.AutoLockMinutes != old.AutoLockMinutes {
		m.u.idle.start(time.Duration(s.AutoLockMinutes) * time.Minute)
	}
	m.say("Settings saved")
}
