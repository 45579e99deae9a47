package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// variantTheme is Fyne's default theme with the light/dark choice forced
// (or left to the desktop for ThemeSystem).
type variantTheme struct {
	fyne.Theme
	variant string
}

// themeFor returns the theme for a Settings.Theme value.
func themeFor(name string) fyne.Theme {
	return variantTheme{Theme: theme.DefaultTheme(), variant: name}
}

func (t variantTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.variant {
	case ThemeLight:
		v = theme.VariantLight
	case ThemeDark:
		v = theme.VariantDark
	}
	return t.Theme.Color(n, v)
}

// outlinedInput is the app's current theme with input fields drawn as an
// outline on the window's background, for the search field that stays on
// screen while codes count down. Fyne repaints the whole window for each
// countdown step, and with software GL (llvmpipe) the field's filled,
// rounded background was among the costliest things on that frame
// (README, "The window"). It asks the app's theme on every call, so the
// field follows a theme change.
type outlinedInput struct{}

func (outlinedInput) current() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t outlinedInput) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameInputBackground {
		return color.Transparent // exactly this value: Fyne then skips the draw
	}
	return t.current().Color(n, v)
}

func (t outlinedInput) Font(s fyne.TextStyle) fyne.Resource { return t.current().Font(s) }

func (t outlinedInput) Icon(n fyne.ThemeIconName) fyne.Resource { return t.current().Icon(n) }

func (t outlinedInput) Size(n fyne.ThemeSizeName) float32 { return t.current().Size(n) }
