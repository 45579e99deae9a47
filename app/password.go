package app

import (
	"fmt"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ccojocar/zxcvbn-go"
	"github.com/sethvargo/go-diceware/diceware"
)

// passphraseWords is how many words a suggested passphrase has: 6 words
// of the EFF large list (7776 words) are log2(7776^6) ≈ 77.5 bits.
const passphraseWords = 6

// passphrase returns a diceware passphrase of n words from the EFF large
// word list, drawn with crypto/rand, joined by dashes.
func passphrase(n int) (string, error) {
	words, err := diceware.Generate(n)
	if err != nil {
		return "", fmt.Errorf("generate passphrase: %w", err)
	}
	return strings.Join(words, "-"), nil
}

// strength is a password-strength estimate.
type strength struct {
	Grade int // index in strengthGrades: 0 (poor) to 3 (excellent)
	Label string
	Bits  float64 // zxcvbn's estimate: log2 of the guesses it would take
}

// strengthGrades are KeePassXC's grades of a password (its
// PasswordHealth::quality): below 40 bits poor, below 65 weak, below 100
// good, else excellent. zxcvbn's own 0–4 score gave its top mark,
// "very strong", at 10¹⁰ guesses (this port: about 43 bits, e.g.
// "Tr0ub4dor&3"), too few for a vault file an attacker can copy and try
// passwords on offline; KeePassXC rates such a password weak and asks
// before it takes it (QA).
var strengthGrades = [...]struct {
	below float64
	label string
}{{40, "Poor"}, {65, "Weak"}, {100, "Good"}, {math.Inf(1), "Excellent"}}

// strongEnough is the lowest grade a vault (or export) password is taken
// at without a question: good, as KeePassXC asks before it takes a
// database password graded below good.
const strongEnough = 2

// estimateLimit bounds the text zxcvbn looks at: its matching is
// super-linear, and 64 characters are plenty to judge.
const estimateLimit = 64

// estimate rates a password with zxcvbn (dictionary words, keyboard
// patterns, dates, repeats…). userInputs are words an attacker would try
// first (the vault's file name).
func estimate(pw string, userInputs []string) strength {
	if pw == "" {
		return strength{Label: "Empty"}
	}
	if len(pw) > estimateLimit {
		pw = pw[:estimateLimit]
	}
	s := strength{Bits: zxcvbn.PasswordStrength(pw, userInputs).Entropy}
	for s.Bits >= strengthGrades[s.Grade].below {
		s.Grade++
	}
	s.Label = strengthGrades[s.Grade].label
	return s
}

// strengthMeter shows a password's strength as it is typed: a bar that
// the grades fill one to four quarters of (so even a poor password shows
// some of it), drawn in strengthColour, and the verdict
// in words. With no password the bar is hidden (its empty track read as
// a full bar, GUI QA) but keeps its room, so nothing below it moves.
type strengthMeter struct {
	bar     *widget.ProgressBar
	box     *container.ThemeOverride // colours the bar by strength
	verdict *widget.Label
	prompt  string // the verdict with no password
}

func newStrengthMeter(prompt string) *strengthMeter {
	m := &strengthMeter{bar: widget.NewProgressBar(), verdict: widget.NewLabel(prompt), prompt: prompt}
	m.bar.Max = float64(len(strengthGrades))
	m.bar.TextFormatter = func() string { return "" }
	m.box = container.NewThemeOverride(m.bar, strengthTheme{colour: theme.ColorNamePrimary})
	m.box.Hide()
	return m
}

// objects are the meter's rows, for a column: the bar and the verdict.
func (m *strengthMeter) objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{reserveSpace(m.box), m.verdict}
}

// rate shows the strength of pw (userInputs as for estimate) and
// returns it.
func (m *strengthMeter) rate(pw string, userInputs []string) strength {
	s := estimate(pw, userInputs)
	m.bar.Value = float64(s.Grade + 1)
	m.box.Theme = strengthTheme{colour: strengthColour(s.Grade)}
	m.box.Refresh() // the bar too, in its new colour
	if pw == "" {
		m.box.Hide()
		m.verdict.SetText(m.prompt)
		return s
	}
	m.box.Show()
	m.verdict.SetText(fmt.Sprintf("Strength: %s (about %.0f bits, zxcvbn estimate)", s.Label, s.Bits))
	return s
}

// askWeakPassword asks whether to use a password rated below
// strongEnough, as KeePassXC does. risk says what a weak one exposes.
// answer gets true only after "Use it anyway": going back to change the
// password is what Enter, Space or Escape do when the question opens.
func askWeakPassword(w fyne.Window, s strength, risk string, answer func(ok bool)) {
	msg := fmt.Sprintf("This password is weak: the estimate rates it %s (about %.0f bits; good starts at %.0f). %s Use it anyway?",
		strings.ToLower(s.Label), s.Bits, strengthGrades[strongEnough-1].below, risk)
	d := newConfirmDialog("Use a weak password?", "Use it anyway", "Change password", message(w, msg), answer, w)
	d.setConfirmImportance(widget.WarningImportance) // focuses Change password
	d.Show()
}
