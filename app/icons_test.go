package app

import (
	"image/color"
	"regexp"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/twofold-app/twofold/assets"
)

// TestServiceTilesDrawTheirMarks renders every bundled service tile as
// the window does and looks for the brand's mark on it: at least
// half a per cent of the tile in the mark's colour. Thirteen tiles (Discord,
// Docker, eBay…) drew as plain squares: their paths wrote SVG arcs
// with the flags run together ("0 00-4.88"), which Fyne's SVG renderer
// does not read, so it dropped the whole mark.
func TestServiceTilesDrawTheirMarks(t *testing.T) {
	test.NewTempApp(t)
	ink := regexp.MustCompile(`<path[^>]* fill="#(ffffff|000000)"`)
	for slug := range assets.Services() {
		b, _ := assets.Service(slug)
		m := ink.FindSubmatch(b)
		if m == nil {
			t.Errorf("%s: no mark path", slug)
			continue
		}
		want := uint8(0)
		if string(m[1]) == "ffffff" {
			want = 0xff
		}
		const size = 64
		w := test.NewTempWindow(t, container.NewWithoutLayout())
		w.SetPadded(false)
		tile := serviceIcon(assets.Services()[slug], size)
		tile.Resize(fyne.NewSquareSize(size))
		w.SetContent(container.NewWithoutLayout(tile))
		w.Resize(fyne.NewSquareSize(size))
		img := w.Canvas().Capture()
		marked := 0
		for y := range size {
			for x := range size {
				r, g, bl, _ := color.NRGBAModel.Convert(img.At(x, y)).RGBA()
				if near(r>>8, want) && near(g>>8, want) && near(bl>>8, want) {
					marked++
				}
			}
		}
		if marked < size*size/200 { // Coinbase's thin wordmark: 1 %
			t.Errorf("%s: %d of %d pixels in the mark's colour: the mark is not drawn", slug, marked, size*size)
		}
	}
}

func near(v uint32, want uint8) bool {
	d := int(v) - int(want)
	return d > -40 && d < 40
}
