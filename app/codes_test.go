package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/twofold-app/twofold/vault"
)

const (
	githubURI = "otpauth://totp/GitHub:me@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
	pypiURI   = "otpauth://totp/PyPI:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=PyPI"
	acmeURI   = "otpauth://totp/Acme%20Corp:ops?secret=KRUGS4ZANFZSAYJAORSXG5BAONSWG4TFOQ&issuer=Acme%20Corp&digits=8"
	hotpURI   = "otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=5"
)

// unlocked is a harness showing the codes of a vault with these accounts.
func unlocked(t *testing.T, uris ...string) *harness {
	t.Helper()
	h := newHarness(t)
	h.makeVault(uris...)
	h.open()
	h.unlock(testPassword)
	if !h.ui.Unlocked() {
		t.Fatalf("not unlocked: %q", h.texts())
	}
	return h
}

func (h *harness) list() *codeList {
	h.t.Helper()
	return find(h, "code list", func(*codeList) bool { return true })
}

// entryIndex finds the list line of an issuer.
func (h *harness) entryIndex(issuer string) int {
	h.t.Helper()
	for i, e := range h.ui.s.main.codes.entries {
		if e.account != nil && e.account.Issuer == issuer {
			return i
		}
	}
	h.t.Fatalf("%s not listed", issuer)
	return -1
}

func (h *harness) headings() []string {
	var out []string
	for _, e := range h.ui.s.main.codes.entries {
		if e.account == nil {
			out = append(out, e.heading)
		}
	}
	return out
}

func TestCodesAreGroupedForReading(t *testing.T) {
	for code, want := range map[string]string{"123456": "123 456", "12345678": "1234 5678", "1234567": "123 4567",
		"123456789": "123 456 789", "BCDFG": "BCDFG", "1234": "1234", "1234567890": "12345 67890"} {
		if got := groupCode(code); got != want {
			t.Errorf("groupCode(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestCodesScreenShowsCodeCountdownAndNextCode(t *testing.T) {
	h := unlocked(t, githubURI, acmeURI)
	r := h.row("GitHub")
	if want := groupCode(expected(t, githubURI, t0)); r.code.Text != want {
		t.Errorf("code = %q, want %q", r.code.Text, want)
	}
	if r.left.Text != "30 s" {
		t.Errorf("countdown = %q, want 30 s", r.left.Text)
	}
	if r.next.Text != "" {
		t.Errorf("next code shown with 30 s left: %q", r.next.Text)
	}
	if got := h.row("Acme Corp").code.Text; len(strings.ReplaceAll(got, " ", "")) != 8 || !strings.Contains(got, " ") {
		t.Errorf("8-digit code = %q", got)
	}

	h.clock.Advance(21 * time.Second)
	if r.left.Text != "9 s" {
		t.Errorf("countdown = %q after 21 s, want 9 s", r.left.Text)
	}
	if want := "next " + groupCode(expected(t, githubURI, t0.Add(30*time.Second))); r.next.Text != want {
		t.Errorf("next = %q, want %q", r.next.Text, want)
	}
	h.clock.Advance(9 * time.Second)
	if want := groupCode(expected(t, githubURI, t0.Add(30*time.Second))); r.code.Text != want {
		t.Errorf("code after the step = %q, want %q", r.code.Text, want)
	}
	if r.left.Text != "30 s" || r.next.Text != "" {
		t.Errorf("after the step: left %q next %q", r.left.Text, r.next.Text)
	}
}

func TestGroupsAndFavourites(t *testing.T) {
	h := unlocked(t, "Work|"+githubURI, "Personal/Money|"+pypiURI, acmeURI)
	if got := strings.Join(h.headings(), ", "); got != "Accounts, Work, Personal / Money" {
		t.Errorf("headings = %s", got)
	}
	test.Tap(h.row("PyPI").star)
	if got := strings.Join(h.headings(), ", "); got != "★ Favourites, Accounts, Work" {
		t.Errorf("headings after pinning PyPI = %s", got)
	}
	if h.entryIndex("PyPI") != 1 {
		t.Error("the favourite is not on top")
	}
	// Saved: a fresh Store sees the favourite.
	s, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	accounts, _ := s.Accounts()
	if !accounts[0].Favourite || accounts[0].Issuer != "PyPI" {
		t.Errorf("saved accounts: %+v", accounts[0])
	}
}

func TestClickCopiesAndClipboardClears(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI)
	cb := h.app.Clipboard()
	h.list().Select(h.entryIndex("PyPI"))
	want := expected(t, pypiURI, t0)
	if cb.Content() != want {
		t.Fatalf("clipboard = %q, want %q", cb.Content(), want)
	}
	h.mustSee("Copied PyPI (me); the clipboard clears in 30 s")
	h.clock.Advance(29 * time.Second)
	if cb.Content() != want {
		t.Fatal("cleared early")
	}
	h.clock.Advance(time.Second)
	if cb.Content() != "" {
		t.Errorf("clipboard = %q after 30 s, want it cleared", cb.Content())
	}
	h.mustNotSee("Copied")
}

func TestClipboardKeepsWhatThePersonCopiedLater(t *testing.T) {
	h := unlocked(t, githubURI)
	cb := h.app.Clipboard()
	h.list().Select(h.entryIndex("GitHub"))
	cb.SetContent("my own text")
	h.clock.Advance(time.Minute)
	if cb.Content() != "my own text" {
		t.Errorf("clipboard = %q: Twofold wiped someone else's copy", cb.Content())
	}
}

func TestEnterCopiesFromSearchAndList(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI, acmeURI)
	if h.w.Canvas().Focused() != h.ui.s.main.codes.search {
		t.Error("search is not focused after unlock")
	}
	search := h.entry("Search")
	test.Type(search, "py")
	if n := len(h.ui.s.main.codes.entries); n != 1 {
		t.Fatalf("%d lines for 'py', want 1", n)
	}
	search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := h.app.Clipboard().Content(); got != expected(t, pypiURI, t0) {
		t.Errorf("Enter in search copied %q", got)
	}
	search.SetText("nothing like it")
	h.mustSee("No account matches")
	h.key(fyne.KeyEscape) // clears the search
	if search.Text != "" || len(h.listed()) != 3 {
		t.Fatalf("after Escape in the search: %q in it, %q listed", search.Text, h.listed())
	}

	l := h.list()
	h.w.Canvas().Focus(l)
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // GitHub → PyPI
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := h.app.Clipboard().Content(); got != expected(t, pypiURI, t0) {
		t.Errorf("Enter on the second line copied %q", got)
	}
}

// TestListKeysSkipHeadings: with groups, the keyboard highlight goes from
// account to account; it never rests on a group heading, where Enter
// would copy nothing. Going up, a group's heading stays in view above
// its first account.
func TestListKeysSkipHeadings(t *testing.T) {
	h := unlocked(t, "Work|"+githubURI, pypiURI, acmeURI)
	h.w.Resize(fyne.NewSize(640, 300)) // the list scrolls
	l := h.list()
	h.w.Canvas().Focus(l)
	var order []string
	for i := range h.listed() {
		if i > 0 {
			l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		}
		a := h.ui.s.main.codes.accountAt(l.highlight)
		if a == nil {
			t.Fatalf("after %d × Down the highlight is on the heading %q", i, h.ui.s.main.codes.entries[l.highlight].heading)
		}
		order = append(order, a.Issuer)
	}
	if want := h.listed(); !slices.Equal(order, want) {
		t.Errorf("Down went through %q, want %q", order, want)
	}
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // at the end: stays
	for range len(order) - 1 {
		l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	}
	if a := h.ui.s.main.codes.accountAt(l.highlight); a == nil || a.Issuer != order[0] {
		t.Fatalf("Up to the top: highlight on line %d, want %s", l.highlight, order[0])
	}
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	uris := map[string]string{"GitHub": githubURI, "PyPI": pypiURI, "Acme Corp": acmeURI}
	if got := h.app.Clipboard().Content(); got != expected(t, uris[order[0]], t0) {
		t.Errorf("Enter at the top copied %q, want %s's code", got, order[0])
	}
	if l.GetScrollOffset() != 0 {
		t.Errorf("the first heading is scrolled out of view (offset %.0f)", l.GetScrollOffset())
	}
}

// longList unlocks a vault of 20 accounts in a window that shows a few.
func longList(t *testing.T) (*harness, *codeList) {
	t.Helper()
	var uris []string
	for i := range 20 {
		uris = append(uris, fmt.Sprintf("otpauth://totp/Svc%02d:me?secret=JBSWY3DPEHPK3PXP&issuer=Svc%02d", i, i))
	}
	h := unlocked(t, uris...)
	h.w.Resize(fyne.NewSize(640, 420))
	return h, h.list()
}

// TestListFocusStartsInView: Tab into a list scrolled away from the line
// it had highlighted starts on a line in view; Enter copied the code of a
// line off screen.
func TestListFocusStartsInView(t *testing.T) {
	h, l := longList(t)
	h.w.Canvas().Focus(l) // on the first line
	h.w.Canvas().Focus(h.ui.s.main.codes.search)
	l.ScrollToBottom()
	h.w.Canvas().Focus(l)
	a := h.ui.s.main.codes.accountAt(l.highlight)
	if a == nil || !l.drawn(l.highlight) || a.Issuer == "Svc00" {
		t.Fatalf("focused after scrolling to the end: line %d (%v), not in view", l.highlight, a)
	}
	h.key(fyne.KeyReturn)
	h.mustSee("Copied " + a.Name())
}

// TestNoticeKeepsTheLineInView: the notice line after a copy takes room
// from the list; the line that was copied stays wholly in view (it was
// half hidden behind the notice).
func TestNoticeKeepsTheLineInView(t *testing.T) {
	h, l := longList(t)
	h.w.Canvas().Focus(l)
	for l.drawn(l.highlight + 1) { // to the last line wholly in view
		h.key(fyne.KeyDown)
	}
	h.key(fyne.KeyReturn)
	h.mustSee("Copied Svc")
	if !l.drawn(l.highlight) {
		t.Errorf("the copied line %d is not wholly in view under the notice", l.highlight)
	}
}

func TestFindShortcutFocusesSearch(t *testing.T) {
	h := unlocked(t, githubURI)
	h.ui.s.main.tabs.SelectIndex(5)
	h.shortcut(shortcutFind)
	if h.ui.s.main.tabs.SelectedIndex() != 0 || h.w.Canvas().Focused() != h.ui.s.main.codes.search {
		t.Error("Ctrl+F did not focus the search of the codes tab")
	}
}

func TestHOTPNextCodeIncrementsAndSaves(t *testing.T) {
	h := unlocked(t, hotpURI)
	r := h.row("Bank")
	if r.code.Text != "••• •••" || r.next.Text != "counter 5" {
		t.Fatalf("before: code %q, %q", r.code.Text, r.next.Text)
	}
	test.Tap(r.hotp)
	r = h.row("Bank")
	want := expected(t, hotpURI, t0) // the code at counter 5
	if r.code.Text != groupCode(want) || r.next.Text != "counter 6" {
		t.Errorf("after: code %q (want %q), %q", r.code.Text, groupCode(want), r.next.Text)
	}
	h.list().Select(h.entryIndex("Bank"))
	if h.app.Clipboard().Content() != want {
		t.Errorf("copied %q, want %q", h.app.Clipboard().Content(), want)
	}
	s, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	accounts, _ := s.Accounts()
	if accounts[0].Counter != 6 {
		t.Errorf("saved counter = %d, want 6", accounts[0].Counter)
	}
}

func TestNothingTicksWhileAnotherTabIsShown(t *testing.T) {
	h := unlocked(t, githubURI)
	ticking := h.clock.pending()
	h.ui.s.main.tabs.SelectIndex(5)
	if h.clock.pending() != ticking-1 {
		t.Errorf("timers: %d on the codes tab, %d on settings", ticking, h.clock.pending())
	}
	h.ui.s.main.tabs.SelectIndex(0)
	h.ui.SetHidden(true)
	if h.clock.pending() != ticking-1 {
		t.Error("the countdown ticks while the window is hidden")
	}
	h.ui.SetHidden(false)
	r := h.row("GitHub")
	h.clock.Advance(5 * time.Second)
	if r.left.Text != "25 s" {
		t.Errorf("countdown %q after showing again", r.left.Text)
	}
}

// ownedFake is a clipboard that knows whether it still owns its content,
// as platform.X11Clipboard does.
type ownedFake struct {
	text          string
	owned         bool
	reads, clears int
}

func (f *ownedFake) Content() string     { f.reads++; return f.text }
func (f *ownedFake) SetContent(s string) { f.text, f.owned = s, true }
func (f *ownedFake) Clear() {
	f.clears++
	if f.owned {
		f.text, f.owned = "", false
	}
}

// TestOwnedClipboardClearsWithoutReadingBack: a clipboard that knows its
// ownership is cleared through it, never read back (on X11 reading asks
// whichever program copied last, and waits for it).
func TestOwnedClipboardClearsWithoutReadingBack(t *testing.T) {
	clock := newClock()
	cb := &ownedFake{}
	g := &clipGuard{cb: cb, timers: clock}
	g.copy("123456", 30*time.Second)
	clock.Advance(30 * time.Second)
	if cb.clears != 1 || cb.reads != 0 || cb.text != "" {
		t.Errorf("after the timeout: %d clears, %d reads, clipboard %q", cb.clears, cb.reads, cb.text)
	}
	g.copy("654321", 30*time.Second)
	cb.text, cb.owned = "someone else's", false // another program copied
	g.clear()
	if cb.text != "someone else's" || cb.reads != 0 {
		t.Errorf("after another copy: clipboard %q, %d reads", cb.text, cb.reads)
	}
}

// A code stays on screen for its period without being computed again;
// when the clock is set (or the clock check changes its offset) within a
// period, the code must follow the new time at the next tick.
func TestCodesFollowAClockThatIsSet(t *testing.T) {
	h := unlocked(t, githubURI)
	r := h.row("GitHub")
	h.clock.Advance(5 * time.Second)
	for _, jump := range []time.Duration{-time.Hour, 2 * time.Hour, 90 * time.Second, -time.Second} {
		h.clock.Jump(jump)
		h.ui.s.main.codes.tick() // the next second's tick (the fake timers keep their times)
		now := h.clock.Now()
		if want := groupCode(expected(t, githubURI, now)); r.code.Text != want {
			t.Errorf("after setting the clock by %v: code %q, want %q", jump, r.code.Text, want)
		}
		if want := fmt.Sprintf("%d s", 30-now.Unix()%30); r.left.Text != want {
			t.Errorf("after setting the clock by %v: countdown %q, want %q", jump, r.left.Text, want)
		}
	}
}

// TestKeyboardHighlightIsOutlined: while the list has the keyboard
// focus, the line Enter would copy has an outline a person can see (3:1
// against the background: Fyne's own hover tint is 1.1:1); the pointer
// resting on another line neither moves it nor changes what Enter copies;
// the outline goes when the focus leaves the list.
func TestKeyboardHighlightIsOutlined(t *testing.T) {
	for _, choice := range []string{ThemeLight, ThemeDark} {
		t.Run(choice, func(t *testing.T) {
			h := unlocked(t, githubURI, pypiURI, acmeURI)
			h.ui.settings.Theme = choice
			h.ui.applyTheme()
			bg := h.ui.s.main.codes.list.Theme().Color(theme.ColorNameBackground, theme.VariantLight)
			// outlined reports whether the left edge of issuer's line,
			// just inside it (left of its service icon), is drawn in a
			// colour that stands out.
			outlined := func(issuer string) bool {
				r := h.row(issuer)
				img := h.capture()
				p := fyne.CurrentApp().Driver().AbsolutePositionForObject(r)
				for x := range 4 {
					if contrastRatio(img.At(int(p.X)+x, int(p.Y+r.Size().Height/2)), bg) >= 3 {
						return true
					}
				}
				return false
			}
			l := h.list()
			for _, name := range []string{"GitHub", "PyPI", "Acme Corp"} {
				if outlined(name) {
					t.Fatalf("%s outlined before the list has the focus", name)
				}
			}
			h.w.Canvas().Focus(l)
			if !outlined("GitHub") || outlined("PyPI") {
				t.Fatal("focusing the list does not outline (only) its first line")
			}
			l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
			if outlined("GitHub") || !outlined("PyPI") {
				t.Fatal("Down does not move the outline to the second line")
			}
			acme := h.row("Acme Corp")
			test.MoveMouse(h.w.Canvas(), fyne.CurrentApp().Driver().AbsolutePositionForObject(acme).Add(fyne.NewPos(acme.Size().Width/3, acme.Size().Height/2)))
			if !outlined("PyPI") || outlined("Acme Corp") {
				t.Error("the pointer moved the keyboard outline")
			}
			l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			if got := h.app.Clipboard().Content(); got != expected(t, pypiURI, t0) {
				t.Errorf("Enter with the pointer on Acme Corp copied %q, want PyPI's outlined code", got)
			}
			h.w.Canvas().Focus(h.ui.s.main.codes.search)
			if outlined("PyPI") {
				t.Error("the outline stays after the focus left the list")
			}
		})
	}
}

// countingCodes counts, per account, the codes computed (each one
// decrypts the account's secret).
type countingCodes struct {
	CodeSource
	asked map[vault.UUID]int
}

func (c *countingCodes) Code(id vault.UUID, t time.Time) (vault.Code, error) {
	c.asked[id]++
	return c.CodeSource.Code(id, t)
}

// TestTickFollowsTheLinesOnScreen: the countdown refreshes the lines on
// screen, and computes (decrypts) only their codes, however the list
// was scrolled and searched before. Fyne puts lines scrolled away aside
// and drops them on a full refresh; such lines kept ticking, off
// screen, each second, and their codes were computed each period.
func TestTickFollowsTheLinesOnScreen(t *testing.T) {
	h, l := longList(t)
	v := h.ui.s.main.codes
	for range 3 {
		l.ScrollToBottom()
		v.search.SetText("svc") // a full refresh of the list
		v.search.SetText("")
		l.ScrollToTop()
	}
	src := &countingCodes{CodeSource: v.d.src, asked: map[vault.UUID]int{}}
	v.d.src = src
	h.clock.Advance(30 * time.Second) // a new period on every line
	rows := h.rows()
	if len(rows) == 0 || len(rows) >= 20 {
		t.Fatalf("%d lines on screen of 20", len(rows))
	}
	want := groupCode(expected(t, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", h.clock.Now()))
	onScreen := map[vault.UUID]bool{}
	for _, r := range rows {
		onScreen[r.data.Account.ID] = true
		if r.code.Text != want || r.left.Text != "30 s" {
			t.Errorf("%s shows %q, %q; want %q, 30 s", r.data.Account.Issuer, r.code.Text, r.left.Text, want)
		}
	}
	for _, a := range v.accounts {
		if n := src.asked[a.ID]; n > 1 || (n > 0 && !onScreen[a.ID]) {
			t.Errorf("%s (on screen: %v): code computed %d times in one period", a.Issuer, onScreen[a.ID], n)
		}
	}
}

// TestLongNamesKeepTheWindowsWidth: a notice naming an account with a
// long name wraps, and the names of recovery-code sets and tokens are cut
// short with "…"; as one line each made the window's minimum width grow
// past the screen's edge, pushing Lock and the rows' buttons off it.
// Dialogs name it in their text, which wraps, not in their title.
func TestLongNamesKeepTheWindowsWidth(t *testing.T) {
	long := "otpauth://totp/Example%20Corporation%20International%20Holdings%20Regional%20Office:" +
		"a.very.long.email.address@subdomain.example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corporation%20International%20Holdings%20Regional%20Office"
	h := unlocked(t, long)
	before := h.w.Content().MinSize().Width
	h.list().Select(h.entryIndex("Example Corporation International Holdings Regional Office"))
	h.mustSee("Copied Example Corporation")
	if w := h.w.Content().MinSize().Width; w > before {
		t.Errorf("the window's minimum width grew from %.0f to %.0f with the notice", before, w)
	}
	name := "Example Corporation International Holdings Regional Office"
	a := h.row(name).data.Account
	for _, open := range []func(){func() { h.ui.s.main.codes.confirmRemove(a) }, func() { h.ui.s.main.codes.showQR(a) }} {
		open()
		top := h.w.Canvas().Overlays().Top()
		if w := top.MinSize().Width; w > h.w.Canvas().Size().Width {
			t.Errorf("a dialog naming the account is %.0f wide, in a window %.0f wide", w, h.w.Canvas().Size().Width)
		}
		h.w.Canvas().Overlays().Remove(top)
	}
	h.ui.s.main.tabs.SelectIndex(2)
	h.ui.s.main.recovery.service.SetText(name)
	h.ui.s.main.recovery.account.SetText("a.very.long.email.address@subdomain.example.com")
	h.ui.s.main.recovery.codes.SetText("aaaa-1111\nbbbb-2222")
	test.Tap(h.button("Add recovery codes"))
	h.ui.s.main.tabs.SelectIndex(3)
	h.ui.s.main.tokens.name.SetText(name + " deploy token for the build servers")
	h.ui.s.main.tokens.token.SetText(pypiToken(t, `[1, ["first-project-with-a-long-name", "second-project-with-a-long-name", "third"]]`))
	test.Tap(h.button("Add token"))
	for i, tab := range []string{"recovery codes", "tokens"} {
		h.ui.s.main.tabs.SelectIndex(2 + i)
		if w := h.w.Content().MinSize().Width; w > before {
			t.Errorf("with a long name on the %s tab the window's minimum width is %.0f, was %.0f", tab, w, before)
		}
	}
}

// TestSearchShowsTheFirstMatch: a search starts the list at its top,
// where the first match is, the one Enter copies; the list kept its
// scroll position, the first matches hidden above it (QA).
func TestSearchShowsTheFirstMatch(t *testing.T) {
	h, l := longList(t)
	l.ScrollToBottom()
	test.Type(h.ui.s.main.codes.search, "svc0")
	if !l.drawn(0) {
		t.Errorf("the first match is scrolled out of view (offset %.0f)", l.GetScrollOffset())
	}
}

// TestHOTPClickUsesNoCounter: a click or Enter on an HOTP line never uses
// up a counter value (a stray click, one landing on the list as a dialog
// closed, did: QA); Next does, and copies the new code; a click then
// copies that same code again.
func TestHOTPClickUsesNoCounter(t *testing.T) {
	h := unlocked(t, hotpURI)
	counter := func() uint64 {
		s, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Lock()
		accounts, _ := s.Accounts()
		return accounts[0].Counter
	}
	h.list().Select(h.entryIndex("Bank"))
	h.mustSee("No code of Bank (me) yet: press Next")
	if got := h.app.Clipboard().Content(); got != "" || counter() != 5 {
		t.Fatalf("after a click: clipboard %q, counter %d", got, counter())
	}
	test.Tap(h.row("Bank").hotp)
	want := expected(t, hotpURI, t0) // the code at counter 5
	if got := h.app.Clipboard().Content(); got != want || counter() != 6 {
		t.Fatalf("after Next: clipboard %q (want %q), counter %d", got, want, counter())
	}
	h.app.Clipboard().SetContent("")
	h.list().Select(h.entryIndex("Bank"))
	if got := h.app.Clipboard().Content(); got != want || counter() != 6 {
		t.Errorf("a click after Next: clipboard %q (want %q), counter %d", got, want, counter())
	}
}

// TestStarredLineShowsItsHeading: starring a line from the keyboard moves
// it under "★ Favourites" with the focus, and that heading is in view too;
// the line was scrolled flush with the top, its heading above (QA).
func TestStarredLineShowsItsHeading(t *testing.T) {
	h, l := longList(t)
	v := h.ui.s.main.codes
	h.w.Canvas().Focus(l)
	l.ScrollToBottom()
	last := len(v.entries) - 1
	l.highlightLine(last)
	v.setFavourite(*v.accountAt(last), true)
	if v.entries[0].heading != "★ Favourites" || !l.drawn(0) || !l.drawn(l.highlight) {
		t.Errorf("after starring: heading %q in view %v, highlighted line %d in view %v", v.entries[0].heading, l.drawn(0), l.highlight, l.drawn(l.highlight))
	}
}

// TestNoticeMovesNothing: the notice line shows and goes without
// changing the page's size, so nothing on it moves. QA: on the Tokens
// tab scrolled to its end, the page moved 39 px down under the pointer
// as the notice went, and a click meant for one token's Copy landed on
// the next.
func TestNoticeMovesNothing(t *testing.T) {
	h := unlocked(t, githubURI)
	m := h.ui.s.main
	relayout(h.w.Content())
	before := m.tabs.Size()
	m.say("Copied GitHub (me@example.com); the clipboard clears in 10 s")
	relayout(h.w.Content())
	if !m.notice.Visible() {
		t.Fatal("the notice is not shown")
	}
	if during := m.tabs.Size(); during != before {
		t.Errorf("the page is %v with the notice, %v without", during, before)
	}
	h.clock.Advance(noticeFor + time.Second)
	relayout(h.w.Content())
	if m.notice.Visible() {
		t.Fatal("the notice stayed")
	}
	if after := m.tabs.Size(); after != before {
		t.Errorf("the page is %v after the notice went, %v before it came", after, before)
	}
}
