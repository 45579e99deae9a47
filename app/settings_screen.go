package app

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// settingsDeps feed the settings screen.
type settingsDeps struct {
	current Settings
	// update changes the settings in force and saves them.
	update func(change func(*Settings))
}

var (
	autoLockChoices  = []int{0, 1, 2, 5, 10, 15, 30, 60}
	clipboardChoices = []int{0, 10, 20, 30, 45, 60, 90, 120}
	themeChoices     = []string{ThemeSystem, ThemeLight, ThemeDark}
	themeLabels      = []string{"Same as the desktop", "Light", "Dark"}
)

func choiceLabels(values []int, unit string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = "Never"
		if v > 0 {
			out[i] = fmt.Sprintf("After %d %s", v, unit)
		}
	}
	return out
}

// choiceIndex finds v among values, or the closest one above it.
func choiceIndex(values []int, v int) int {
	if i := slices.Index(values, v); i >= 0 {
		return i
	}
	for i, c := range values {
		if c > v {
			return i
		}
	}
	return len(values) - 1
}

// settingsScreen edits the preferences; every change is saved at once.
func settingsScreen(d settingsDeps) fyne.CanvasObject {
	s := d.current
	autoLock := newSelect(choiceLabels(autoLockChoices, "min idle"), nil)
	autoLock.SetSelectedIndex(choiceIndex(autoLockChoices, s.AutoLockMinutes))
	clip := newSelect(choiceLabels(clipboardChoices, "s"), nil)
	clip.SetSelectedIndex(choiceIndex(clipboardChoices, s.ClipboardClearSeconds))
	th := newSelect(themeLabels, nil)
	th.SetSelected(themeLabels[max(slices.Index(themeChoices, s.Theme), 0)])
	minimised := newCheck("Start minimised to the system tray", nil)
	minimised.SetChecked(s.StartMinimised)
	clockCheck := newCheck("Check the clock against a time server after unlocking", nil)
	clockCheck.SetChecked(s.ClockCheck)
	clockCheck.OnChanged = func(on bool) { d.update(func(s *Settings) { s.ClockCheck = on }) }
	server := newEntry()
	server.SetPlaceHolder("Time server (default " + DefaultTimeServer + ")")
	server.SetText(s.TimeServer)
	savedServer := s.TimeServer
	saveServer := func() {
		if text := strings.TrimSpace(server.Text); text != savedServer {
			savedServer = text
			d.update(func(s *Settings) { s.TimeServer = text })
		}
	}
	// Saved on Enter and on leaving the field, like the other settings
	// (QA: it was saved on Enter only, and a server typed and tabbed away
	// from was lost); not on each key, which would query each prefix.
	server.OnSubmitted = func(string) { saveServer() }
	server.left = saveServer
	autoLock.OnChanged = func(string) {
		d.update(func(s *Settings) { s.AutoLockMinutes = autoLockChoices[autoLock.SelectedIndex()] })
	}
	clip.OnChanged = func(string) {
		d.update(func(s *Settings) { s.ClipboardClearSeconds = clipboardChoices[clip.SelectedIndex()] })
	}
	th.OnChanged = func(label string) {
		d.update(func(s *Settings) { s.Theme = themeChoices[max(slices.Index(themeLabels, label), 0)] })
	}
	minimised.OnChanged = func(on bool) {
		d.update(func(s *Settings) { s.StartMinimised = on })
	}
	note := widget.NewLabel("Twofold clears the clipboard only if it still holds the code it copied, and always on lock and on quit.")
	note.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Lock the vault", autoLock),
		widget.NewFormItem("Clear the clipboard", clip),
		widget.NewFormItem("Theme", th),
		widget.NewFormItem("", minimised),
		widget.NewFormItem("Clock", clockCheck),
		widget.NewFormItem("", server),
	)
	return scrollPage(heading("Settings"), form, note)
}
