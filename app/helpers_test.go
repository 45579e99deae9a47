package app

import (
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/internal/peers"
	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// cheapKDF makes test vaults open in milliseconds.
var cheapKDF = vault.KDFParams{KDF: vault.KDFArgon2id, Iterations: 2, MemoryBytes: 1 << 20, Parallelism: 1}

// t0 is the tests' start time, a 30-second step boundary: a TOTP code
// has 30 s left.
var t0 = time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC)

// fakeClock is a clock the test moves by hand; timers fire, in order and
// on the test goroutine, as Advance passes them. Now may be read from
// other goroutines (the clock check's query), so now is guarded.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	seq    int
	timers []*fakeTimer
}

type fakeTimer struct {
	at     time.Time
	every  time.Duration
	f      func()
	seq    int
	active bool
}

func newClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Jump moves the clock without firing timers, as when the machine sleeps.
func (c *fakeClock) Jump(d time.Duration) { c.set(c.Now().Add(d)) }

func (c *fakeClock) add(at time.Time, every time.Duration, f func()) func() {
	c.seq++
	t := &fakeTimer{at: at, every: every, f: f, seq: c.seq, active: true}
	c.timers = append(c.timers, t)
	return func() { t.active = false }
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() { return c.add(c.now.Add(d), 0, f) }

func (c *fakeClock) Every(d time.Duration, f func()) func() {
	next := c.now.Truncate(d).Add(d)
	return c.add(next, d, f)
}

// Advance moves the clock by d, firing due timers at their times.
func (c *fakeClock) Advance(d time.Duration) {
	end := c.now.Add(d)
	for {
		c.timers = slices.DeleteFunc(c.timers, func(t *fakeTimer) bool { return !t.active })
		var due *fakeTimer
		for _, t := range c.timers {
			if !t.at.After(end) && (due == nil || t.at.Before(due.at) || (t.at.Equal(due.at) && t.seq < due.seq)) {
				due = t
			}
		}
		if due == nil {
			break
		}
		c.set(due.at)
		if due.every > 0 {
			due.at = due.at.Add(due.every)
		} else {
			due.active = false
		}
		due.f()
	}
	c.set(end)
}

// pending counts live timers (tests check that nothing ticks while locked).
func (c *fakeClock) pending() int {
	n := 0
	for _, t := range c.timers {
		if t.active {
			n++
		}
	}
	return n
}

// queue is a Work that holds jobs until the test runs them, so a test can
// see the screen while the key is being derived.
type queue struct{ jobs []func() }

func (q *queue) run(job func()) { q.jobs = append(q.jobs, job) }

func (q *queue) flush() {
	for len(q.jobs) > 0 {
		job := q.jobs[0]
		q.jobs = q.jobs[1:]
		job()
	}
}

// harness is a window on a vault in a temporary folder.
type harness struct {
	t        *testing.T
	app      fyne.App
	w        fyne.Window
	ui       *UI
	clock    *fakeClock
	work     *queue
	dir      string
	path     string
	chosen   bool // Deps.VaultChosen: path as if given with --vault
	settings FileSettings
	keys     KeyOptions
	uiq      chan func()
	// pick is the path the file dialogs choose ("" cancels); picked
	// counts the dialogs shown.
	pick   string
	picked int
	// desktop is Deps.Capture (nil: none).
	desktop Capture
	// notify receives Deps.Notify's notifications (nil: dropped).
	notify func(title, content string)
}

// trackedWindow is a test window that remembers whether it is hidden
// (the test driver's windows do not).
type trackedWindow struct {
	fyne.Window
	hidden bool
}

func (w *trackedWindow) Hide() { w.hidden = true; w.Window.Hide() }
func (w *trackedWindow) Show() { w.hidden = false; w.Window.Show() }

const testPassword = "correct horse battery staple"

func newHarness(t *testing.T) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{t: t, app: test.NewTempApp(t), clock: newClock(), work: &queue{}, dir: dir,
		path: filepath.Join(dir, "data", "twofold", "vault.kdbx"), settings: FileSettings{Path: filepath.Join(dir, "config", "settings.json")},
		uiq: make(chan func(), 256)}
	return h
}

// makeVault creates the harness's vault with the given otpauth URIs
// (a "group|uri" entry puts the account in a group).
func (h *harness) makeVault(uris ...string) {
	h.t.Helper()
	s, err := vault.Create(h.path, vault.Credentials{Password: []byte(testPassword)},
		vault.CreateOptions{Options: vault.Options{Now: h.clock.Now}, KDF: cheapKDF})
	if err != nil {
		h.t.Fatal(err)
	}
	defer s.Lock()
	for _, u := range uris {
		var group []string
		if g, rest, ok := strings.Cut(u, "|"); ok {
			group, u = strings.Split(g, "/"), rest
		}
		key, err := otp.ParseURI([]byte(u))
		if err != nil {
			h.t.Fatal(err)
		}
		if _, err := s.AddAccount(vault.NewAccount{Key: key, Group: group}); err != nil {
			h.t.Fatal(err)
		}
		key.Destroy()
	}
	if err := s.Save(); err != nil {
		h.t.Fatal(err)
	}
}

// editInKeePassXC changes the harness's vault as KeePassXC writes it:
// keepassxc-cli exports it as XML, edit changes that, and the vault is
// made again from it (a field cleared, a setting turned off there).
func (h *harness) editInKeePassXC(edit func(xml string) string) {
	h.t.Helper()
	kx := peers.KeePassXC{Path: h.path, Password: testPassword}
	xmlPath := filepath.Join(h.t.TempDir(), "edited.xml")
	if err := os.WriteFile(xmlPath, []byte(edit(kx.ExportXML(h.t))), 0o600); err != nil {
		h.t.Fatal(err)
	}
	if err := os.Remove(h.path); err != nil {
		h.t.Fatal(err)
	}
	kx.Import(h.t, xmlPath)
}

// open shows the window.
func (h *harness) open() {
	h.w = &trackedWindow{Window: h.app.NewWindow("Twofold")}
	h.t.Cleanup(h.w.Close)
	h.w.Resize(fyne.NewSize(640, 560))
	h.ui = New(h.w, Deps{
		Opener:     StoreOpener{Now: h.clock.Now, KDF: cheapKDF},
		VaultPath:  h.path,
		Settings:   h.settings,
		Clipboard:  h.app.Clipboard(),
		Now:        h.clock.Now,
		Timers:     h.clock,
		Work:       h.work.run,
		Home:       h.dir,
		UI:         func(f func()) { h.uiq <- f },
		Keys:       h.keys,
		ApplyTheme: h.app.Settings().SetTheme,
		Files:      FileChooser{Open: h.choose, Save: func(_ string, done func(string)) { h.choose(nil, done) }},
		Capture:    h.desktop,
		Notify: func(title, content string) {
			if h.notify != nil {
				h.notify(title, content)
			}
		},
		VaultChosen: h.chosen,
	})
}

// choose is the harness's file dialog: it picks h.pick.
func (h *harness) choose(_ []string, done func(string)) {
	h.picked++
	if h.pick != "" {
		done(h.pick)
	}
}

// unlock types the password and unlocks.
func (h *harness) unlock(password string) {
	h.t.Helper()
	pw := h.entry("Password")
	pw.SetText("")
	test.Type(pw, password)
	pw.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.work.flush()
}

// objects lists what is on screen (visible objects of the window and
// its overlays), using the renderers the window itself uses.
func (h *harness) objects() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		out = append(out, o)
		if b, ok := o.(*button); ok {
			out = append(out, &b.Button) // tests find and tap it as Fyne's button
		}
		switch c := o.(type) {
		case *fyne.Container:
			for _, ch := range c.Objects {
				walk(ch)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(c).Objects() {
				walk(ch)
			}
		}
	}
	walk(h.w.Canvas().Content())
	for _, o := range h.w.Canvas().Overlays().List() {
		walk(o)
	}
	return out
}

func find[T fyne.CanvasObject](h *harness, what string, match func(T) bool) T {
	h.t.Helper()
	for _, o := range h.objects() {
		if v, ok := o.(T); ok && match(v) {
			return v
		}
	}
	var zero T
	h.t.Fatalf("no %s on screen; texts: %q", what, h.texts())
	return zero
}

// entry finds an entry by its placeholder's start.
func (h *harness) entry(placeholder string) *entry {
	h.t.Helper()
	return find(h, "entry "+placeholder, func(e *entry) bool { return strings.HasPrefix(e.PlaceHolder, placeholder) })
}

// button finds a button by its label.
func (h *harness) button(label string) *widget.Button {
	h.t.Helper()
	return find(h, "button "+label, func(b *widget.Button) bool { return b.Text == label })
}

// texts lists the visible label texts.
func (h *harness) texts() []string {
	var out []string
	for _, o := range h.objects() {
		if l, ok := o.(*widget.Label); ok && l.Text != "" {
			out = append(out, l.Text)
		}
	}
	return out
}

// hasText reports whether a visible label contains s.
func (h *harness) hasText(s string) bool {
	for _, t := range h.texts() {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

func (h *harness) mustSee(s string) {
	h.t.Helper()
	if !h.hasText(s) {
		h.t.Fatalf("%q not on screen; texts: %q", s, h.texts())
	}
}

func (h *harness) mustNotSee(s string) {
	h.t.Helper()
	if h.hasText(s) {
		h.t.Fatalf("%q on screen; texts: %q", s, h.texts())
	}
}

// rows lists the code rows on screen.
func (h *harness) rows() []*codeRow {
	var out []*codeRow
	for _, o := range h.objects() {
		if r, ok := o.(*codeRow); ok {
			out = append(out, r)
		}
	}
	return out
}

func (h *harness) row(issuer string) *codeRow {
	h.t.Helper()
	for _, r := range h.rows() {
		if r.data.Account.Issuer == issuer {
			return r
		}
	}
	h.t.Fatalf("no row for %s", issuer)
	return nil
}

// shortcut runs the main-menu item bound to sc, as the desktop driver
// does for a key press whatever has the focus.
func (h *harness) shortcut(sc fyne.Shortcut) {
	h.t.Helper()
	for _, m := range h.w.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() {
				it.Action()
				return
			}
		}
	}
	h.t.Fatalf("no menu item for %s", sc.ShortcutName())
}

// expected computes a code with the otp engine, independently of the UI.
func expected(t *testing.T, uri string, at time.Time) string {
	t.Helper()
	key, err := otp.ParseURI([]byte(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer key.Destroy()
	c, err := key.Code(at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// capture renders the window after laying it out again, as the desktop
// driver does each frame for objects whose minimum size changed (the
// test canvas does not: a label that wrapped or a message that appeared
// would otherwise overlap its neighbours).
func (h *harness) capture() image.Image {
	for range 3 {
		relayout(h.w.Canvas().Content())
		for _, o := range h.w.Canvas().Overlays().List() {
			relayout(o)
		}
	}
	return h.w.Canvas().Capture()
}

func relayout(o fyne.CanvasObject) {
	switch c := o.(type) {
	case *fyne.Container:
		if c.Layout != nil {
			c.Layout.Layout(c.Objects, c.Size())
		}
		for _, ch := range c.Objects {
			relayout(ch)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(c)
		r.Layout(c.Size())
		for _, ch := range r.Objects() {
			relayout(ch)
		}
	}
}

// pump runs what other goroutines posted for the UI, on the test
// goroutine, until cond holds. The timeout only guards against a hang.
func (h *harness) pump(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(30 * time.Second)
	for !cond() {
		select {
		case f := <-h.uiq:
			f()
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s; texts: %q", what, h.texts())
		}
	}
}

// waitFor pumps until text is on screen.
func (h *harness) waitFor(text string) {
	h.t.Helper()
	h.pump("text "+text, func() bool { return h.hasText(text) })
}

// present reports whether a visible object matches.
func present[T fyne.CanvasObject](h *harness, match func(T) bool) bool {
	for _, o := range h.objects() {
		if v, ok := o.(T); ok && match(v) {
			return true
		}
	}
	return false
}

// dialogButton finds a button by its label in the window's overlays
// (dialogs) only.
func (h *harness) dialogButton(label string) *widget.Button {
	h.t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() || found != nil {
			return
		}
		if b, ok := o.(*widget.Button); ok && b.Text == label {
			found = b
			return
		}
		if b, ok := o.(*button); ok && b.Text == label {
			found = &b.Button
			return
		}
		switch c := o.(type) {
		case *fyne.Container:
			for _, ch := range c.Objects {
				walk(ch)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(c).Objects() {
				walk(ch)
			}
		}
	}
	for _, o := range h.w.Canvas().Overlays().List() {
		walk(o)
	}
	if found == nil {
		h.t.Fatalf("no dialog button %s; texts: %q", label, h.texts())
	}
	return found
}
