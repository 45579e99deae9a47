package app

import (
	"image/color"
	"math"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
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

// TestSearchFieldFollowsTheTheme: the search field is drawn as an outline
// (no fill of its own, so Fyne skips that rectangle on every frame) and
// takes every other colour from the theme the person chose, also after
// they change it.
func TestSearchFieldFollowsTheTheme(t *testing.T) {
	h := unlocked(t, githubURI)
	h.ui.s.main.tabs.SelectIndex(5)
	pick := find(h, "theme", func(s *selectField) bool { return slices.Equal(s.Options, themeLabels) })
	search := h.ui.s.main.codes.search
	for _, tc := range []struct {
		choice, label string
		variant       fyne.ThemeVariant
	}{
		{ThemeDark, "Dark", theme.VariantDark},
		{ThemeLight, "Light", theme.VariantLight},
	} {
		pick.SetSelected(tc.label)
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

// TestThemeContrast: in both themes, every colour the app draws text in
// reads at WCAG 2.1 AA against what it is drawn on (4.5:1), and control
// outlines and the countdown bars stand out from the window (3:1; 1.4.11).
// Fyne's own defaults fail several of these (readableColours).
func TestThemeContrast(t *testing.T) {
	const textRatio, graphicRatio = 4.5, 3.0
	type pair struct{ fg, bg fyne.ThemeColorName }
	text := []pair{
		{theme.ColorNameForeground, theme.ColorNameBackground},
		{theme.ColorNamePlaceHolder, theme.ColorNameBackground}, // seconds left, next code
		{theme.ColorNameError, theme.ColorNameBackground},       // expiring code, errors
		{theme.ColorNameWarning, theme.ColorNameBackground},     // warning labels
		{theme.ColorNameSuccess, theme.ColorNameBackground},     // "copied" notices
		{theme.ColorNameHyperlink, theme.ColorNameBackground},
		{theme.ColorNamePrimary, theme.ColorNameBackground}, // the selected tab's label
		{theme.ColorNameForeground, theme.ColorNameInputBackground},
		{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground},
		{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary}, // default buttons
		{theme.ColorNameForegroundOnError, theme.ColorNameError},     // danger buttons
		{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning}, // warning buttons
		{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
	}
	graphic := []pair{
		{theme.ColorNameInputBorder, theme.ColorNameBackground}, // the search field is only this outline
		{theme.ColorNameWarning, theme.ColorNameBackground},     // countdown bar under 10 s
		{theme.ColorNamePrimary, theme.ColorNameBackground},     // countdown bar, focus, favourite star
	}
	for _, choice := range []string{ThemeLight, ThemeDark} {
		th := themeFor(choice)
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, theme.VariantLight) }
		check := func(pairs []pair, min float64) {
			for _, p := range pairs {
				if r := contrastRatio(c(p.fg), c(p.bg)); r < min {
					t.Errorf("%s theme: %s on %s is %.2f:1, want at least %.1f:1", choice, p.fg, p.bg, r, min)
				}
			}
		}
		check(text, textRatio)
		check(graphic, graphicRatio)
	}
	for _, bg := range initialsPalette {
		if r := contrastRatio(color.White, bg); r < textRatio {
			t.Errorf("white initials on %v: %.2f:1, want at least %.1f:1", bg, r, textRatio)
		}
	}
}

// contrastRatio is WCAG 2.1's contrast ratio of fg drawn over an opaque
// bg (fg's alpha blended in first).
func contrastRatio(fg, bg color.Color) float64 {
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	f := color.NRGBAModel.Convert(fg).(color.NRGBA)
	a := float64(f.A) / 255
	over := func(x, y uint8) float64 { return (float64(x)*a + float64(y)*(1-a)) / 255 }
	l1 := relativeLuminance(over(f.R, b.R), over(f.G, b.G), over(f.B, b.B))
	l2 := relativeLuminance(float64(b.R)/255, float64(b.G)/255, float64(b.B)/255)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

// relativeLuminance of an sRGB colour, channels in [0, 1] (WCAG 2.1).
func relativeLuminance(r, g, b float64) float64 {
	lin := func(v float64) float64 {
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// TestPickedPrimaryColourKept: a primary colour picked in Fyne's settings
// (other than the default blue) is Fyne's, not replaced by the readable
// blue; the other readable colours stay.
func TestPickedPrimaryColourKept(t *testing.T) {
	test.NewTempApp(t)
	th := themeFor(ThemeLight)
	blue := th.Color(theme.ColorNamePrimary, theme.VariantLight)
	if blue != readableColours[theme.VariantLight][theme.ColorNamePrimary] {
		t.Fatalf("default primary %v, want the readable blue", blue)
	}
	defer func(f func() bool) { defaultPrimary = f }(defaultPrimary)
	defaultPrimary = func() bool { return false } // as with "orange" picked
	for _, n := range []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameHyperlink, theme.ColorNameForegroundOnPrimary} {
		if got, want := th.Color(n, theme.VariantLight), theme.DefaultTheme().Color(n, theme.VariantLight); got != want {
			t.Errorf("%s with a picked primary colour: %v, want Fyne's %v", n, got, want)
		}
	}
	if got, want := th.Color(theme.ColorNameWarning, theme.VariantLight), readableColours[theme.VariantLight][theme.ColorNameWarning]; got != want {
		t.Errorf("warning with a picked primary colour: %v, want the readable %v", got, want)
	}
}
