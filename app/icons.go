package app

import (
	"fmt"
	"hash/fnv"
	"image/color"
	"strings"
	"sync"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/twofold-app/twofold/assets"
)

// serviceAliases maps issuer spellings to a bundled tile's slug where the
// brand's name alone does not find it.
var serviceAliases = map[string]string{
	"twitter": "x", "xcom": "x", "googleaccount": "google", "googleworkspace": "google",
	"protonmail": "proton", "protonme": "proton", "pythonpackageindex": "pypi", "testpypi": "pypi",
	"npmjs": "npm", "githubcom": "github", "gitlabcom": "gitlab", "meta": "facebook",
	"battlenet": "battledotnet", "blizzard": "battledotnet", "epic": "epicgames",
	"steamguard": "steam", "valve": "steam", "appleid": "apple", "icloud": "apple",
	"mozillaaccounts": "mozilla", "firefoxaccounts": "firefox", "sony": "playstation", "psn": "playstation",
}

var (
	serviceOnce  sync.Once
	serviceSlugs map[string]string // normalised name or slug → slug
)

func normaliseName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// serviceSlug finds the bundled tile for an issuer: by its name, by an
// alias, or by its first word ("Google Cloud" → googlecloud, "GitHub
// Enterprise" → github).
func serviceSlug(issuer string) string {
	serviceOnce.Do(func() {
		serviceSlugs = map[string]string{}
		for slug, name := range assets.Services() {
			serviceSlugs[slug] = slug
			serviceSlugs[normaliseName(name)] = slug
		}
	})
	n := normaliseName(issuer)
	if s, ok := serviceSlugs[n]; ok {
		return s
	}
	if s, ok := serviceAliases[n]; ok {
		return s
	}
	if f := strings.Fields(issuer); len(f) > 1 {
		return serviceSlug(f[0])
	}
	return ""
}

// initials are up to two letters for an issuer without a tile: "Acme
// Corp" → "AC", "example.com" → "EX".
func initials(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var out []rune
	for _, w := range words {
		out = append(out, unicode.ToUpper([]rune(w)[0]))
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 1 && len(words) == 1 && len([]rune(words[0])) > 1 {
		out = append(out, unicode.ToUpper([]rune(words[0])[1]))
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// initialsColour picks a stable colour for a name, dark enough for white
// letters in both themes.
func initialsColour(name string) color.Color {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(name)))
	return initialsPalette[h.Sum32()%uint32(len(initialsPalette))]
}

// initialsPalette are the initials tiles' colours (TestThemeContrast: white
// letters on each at 4.5:1 or more).
var initialsPalette = []color.NRGBA{
	{0x1d, 0x5f, 0xd0, 0xff}, {0x0b, 0x7a, 0x5c, 0xff}, {0x8e, 0x3b, 0xb8, 0xff}, {0xb8, 0x3b, 0x5e, 0xff},
	{0xa1, 0x5c, 0x07, 0xff}, {0x2f, 0x6f, 0x8f, 0xff}, {0x5b, 0x5b, 0xd6, 0xff}, {0x6b, 0x6f, 0x1a, 0xff},
}

// initialsTile is a rounded tile of colour c, as an SVG image: drawn as a
// texture, which costs software GL (llvmpipe) a fraction of what a
// rounded canvas.Rectangle does, whose shader works out the corners for
// every pixel on every frame (README, "The window"). One resource per
// colour, so that Fyne rasterises each colour once. (A path: the SVG
// renderer Fyne uses ignores rx on <rect>.)
func initialsTile(c color.Color) fyne.Resource {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	hex := fmt.Sprintf("%02x%02x%02x", n.R, n.G, n.B)
	return fyne.NewStaticResource("initials-"+hex+".svg", []byte(
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#`+hex+
			`" d="M7 0H25A7 7 0 0 1 32 7V25A7 7 0 0 1 25 32H7A7 7 0 0 1 0 25V7A7 7 0 0 1 7 0Z"/></svg>`))
}

// serviceIcon is the bundled tile for issuer, or its initials on a
// coloured tile.
func serviceIcon(issuer string, size float32) fyne.CanvasObject {
	if slug := serviceSlug(issuer); slug != "" {
		b, _ := assets.Service(slug)
		img := canvas.NewImageFromResource(fyne.NewStaticResource("service-"+slug+".svg", b))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSquareSize(size))
		return img
	}
	bg := canvas.NewImageFromResource(initialsTile(initialsColour(issuer)))
	bg.FillMode = canvas.ImageFillStretch
	bg.SetMinSize(fyne.NewSquareSize(size))
	text := canvas.NewText(initials(issuer), color.White)
	text.TextStyle.Bold = true
	text.TextSize = size * 0.42
	text.Alignment = fyne.TextAlignCenter
	return container.NewStack(bg, container.NewCenter(text))
}

// Star icons for favourites (outline and filled).
var (
	starOutline = theme.NewThemedResource(fyne.NewStaticResource("star-outline.svg", []byte(
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000" d="M12 17.27 18.18 21l-1.64-7.03L22 9.24l-7.19-.61L12 2 9.19 8.63 2 9.24l5.46 4.73L5.82 21zm0-2.35-3.76 2.27 1-4.28-3.32-2.88 4.38-.38L12 6.1l1.71 4.04 4.38.38-3.32 2.88 1 4.28z"/></svg>`)))
	starFilled = theme.NewPrimaryThemedResource(fyne.NewStaticResource("star-filled.svg", []byte(
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000" d="M12 17.27 18.18 21l-1.64-7.03L22 9.24l-7.19-.61L12 2 9.19 8.63 2 9.24l5.46 4.73L5.82 21z"/></svg>`)))
)
