package app

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestThemeChoices: Light and Dark fix the colours whatever the desktop
// asks for; "Same as the desktop" follows the variant it passes.
func TestThemeChoices(t *testing.T) {
	bg := theme.ColorNameBackground
	light, dark := theme.DefaultTheme().Color(bg, theme.VariantLight), theme.DefaultTheme().Color(bg, theme.VariantDark)
	if light == dark {
		t.Fatal("the default theme's light and dark backgrounds are the same: the test proves nothing")
	}
	for _, tc := range []struct {
		choice          string
		onLight, onDark any
	}{
		{ThemeLight, light, light},
		{ThemeDark, dark, dark},
		{ThemeSystem, light, dark},
	} {
		th := themeFor(tc.choice)
		if got := th.Color(bg, theme.VariantLight); got != tc.onLight {
			t.Errorf("%s on a light desktop: background %v, want %v", tc.choice, got, tc.onLight)
		}
		if got := th.Color(bg, theme.VariantDark); got != tc.onDark {
			t.Errorf("%s on a dark desktop: background %v, want %v", tc.choice, got, tc.onDark)
		}
	}
}

// TestSearchFieldFollowsTheTheme: the search field is drawn as an outline
// (no fill of its own, so Fyne skips that rectangle on every frame) and
// takes every other colour from the theme the person chose, also after
// they change it.
func TestSearchFieldFollowsTheTheme(t *testing.T) {
	h := unlocked(t, githubURI)
	h.ui.s.main.tabs.SelectIndex(5)
	radio := find(h, "theme", func(r *widget.RadioGroup) bool { return true })
	search := h.ui.s.main.codes.search
	for _, tc := range []struct {
		choice, label string
		variant       fyne.ThemeVariant
	}{
		{ThemeDark, "Dark", theme.VariantDark},
		{ThemeLight, "Light", theme.VariantLight},
	} {
		radio.SetSelected(tc.label)
		want := themeFor(tc.choice)
		for _, n := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNamePlaceHolder, theme.ColorNameInputBorder, theme.ColorNamePrimary} {
			// Any variant asked for: the chosen theme fixes it.
			if got, w := search.Theme().Color(n, theme.VariantLight), want.Color(n, tc.variant); got != w {
				t.Errorf("%s theme: the search field's %s is %v, want %v", tc.label, n, got, w)
			}
		}
		if got := search.Theme().Color(theme.ColorNameInputBackground, tc.variant); got != color.Transparent {
			t.Errorf("%s theme: the search field has a background of its own (%v)", tc.label, got)
		}
		if got, w := h.ui.s.main.add.uri.Theme().Color(theme.ColorNameInputBackground, tc.variant), want.Color(theme.ColorNameInputBackground, tc.variant); got != w {
			t.Errorf("%s theme: the Add screen's URI field has background %v, want %v", tc.label, got, w)
		}
	}
}
