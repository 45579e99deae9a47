package app

import (
	"testing"

	"fyne.io/fyne/v2/theme"
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
