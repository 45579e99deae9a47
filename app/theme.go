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
