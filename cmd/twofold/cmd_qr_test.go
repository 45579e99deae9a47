package main

import (
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/vault/transfer"
)

// TestDrawQRScans: the terminal drawing, rasterised as a terminal shows it
// (blocks in the foreground colour), decodes to the text, in both modes.
func TestDrawQRScans(t *testing.T) {
	const text = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME"
	q, err := transfer.EncodeQR([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, invert := range []bool{false, true} {
		var b strings.Builder
		drawQR(&b, q, invert)
		// Dark terminal: light blocks on black; light terminal: dark
		// blocks on white.
		fg, bg := color.Gray{Y: 230}, color.Gray{Y: 20}
		if invert {
			fg, bg = bg, fg
		}
		img := rasterise(strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n"), fg, bg)
		codes, err := transfer.DecodeQR(img)
		if err != nil || len(codes) != 1 || string(codes[0]) != text {
			t.Errorf("invert=%v: decoded %q, %v", invert, codes, err)
		}
	}
}

// rasterise draws half-block text at 4×4 pixels a module.
func rasterise(lines []string, fg, bg color.Gray) *image.Gray {
	const px = 4
	w := len([]rune(lines[0]))
	img := image.NewGray(image.Rect(0, 0, w*px, 2*len(lines)*px))
	for row, line := range lines {
		for col, r := range []rune(line) {
			top := r == '█' || r == '▀'
			bottom := r == '█' || r == '▄'
			for dy := range 2 * px {
				on := top
				if dy >= px {
					on = bottom
				}
				for dx := range px {
					c := bg
					if on {
						c = fg
					}
					img.SetGray(col*px+dx, row*2*px+dy, c)
				}
			}
		}
	}
	return img
}
