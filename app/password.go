package app

import (
	"fmt"
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
	Score int // 0 (guessable) to 4 (very strong), zxcvbn's scale
	Label string
	Bits  float64
}

// strongEnough is the lowest score a vault password is taken at without
// a question. zxcvbn's scores below 3 fall short of protecting a password
// against an offline attack on a slow hash, which is what a copied vault
// file faces (this port's 3 is about 34 bits, 2×10¹⁰ guesses). KeePassXC
// likewise asks before it takes a database password in the lowest three
// of its five grades.
const strongEnough = 3

var strengthLabels = [...]string{"Very weak", "Weak", "Fair", "Strong", "Very strong"}

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
	m := zxcvbn.PasswordStrength(pw, userInputs)
	s := strength{Score: min(max(m.Score, 0), 4), Bits: m.Entropy}
	s.Label = strengthLabels[s.Score]
	return s
}

// strengthMeter shows a password's strength as it is typed: a bar that
// zxcvbn's scores 0–4 fill one to five fifths of (so even a very weak
// password shows some of it), drawn in strengthColour, and the verdict
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
	m.bar.Max = 5
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
	m.bar.Value = float64(s.Score + 1)
	m.box.Theme = strengthTheme{colour: strengthColour(s.Score)}
	m.box.Refresh() // the bar too, in its new colour
	if pw == "" {
		m.box.Hide()
		m.verdict.SetText(m.prompt)
		return s
	}
	m.box.Show()
	m.verdict.SetText("Strength: " + s.Label + " (zxcvbn estimate)")
	return s
}

// askWeakPassword asks whether to use a password rated below
// strongEnough, as KeePassXC does. risk says what a weak one exposes.
// answer gets true only after "Use it anyway": going back to change the
// password is what Enter, Space or Escape do when the question opens.
func askWeakPassword(w fyne.Window, s strength, risk string, answer func(ok bool)) {
	msg := fmt.Sprintf("This password is weak: the estimate rates it %s. %s Use it anyway?", strings.ToLower(s.Label), risk)
	d := newConfirmDialog("Use a weak password?", "Use it anyway", "Change password", message(w, msg), answer, w)
	d.setConfirmImportance(widget.WarningImportance) // focuses Change password
	d.Show()
}
