package transfer

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/multi/qrcode"
	single "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// QR codes, read with gozxing (a port of ZXing). The texts it decodes
// are Go strings inside the library, which cannot be wiped: reading a
// QR code of a secret leaves that text in ordinary memory until the
// garbage collector reuses it.

// DecodeQR returns the texts of every QR code found in img: a screenshot,
// a photo of a screen, a scan, several codes of a Google Authenticator
// batch side by side. It tries the image as it is and inverted (light
// modules on dark, as dark themes show them), with ZXing's local and
// global thresholding, and looks for several codes in each; large images
// are also tried scaled down. Each text is a new slice the caller may
// wipe. No code at all is ErrNoQRCode; an image crowded with QR-like
// patterns (which would keep the decoder busy for hours) is ErrTooLarge.
func DecodeQR(img image.Image) ([][]byte, error) {
	var texts []string
	crowded := false
	for _, candidate := range qrCandidates(img) {
		found, tooMany := decodeAll(candidate)
		crowded = crowded || tooMany
		for _, t := range found {
			if !slices.Contains(texts, t) {
				texts = append(texts, t)
			}
		}
		if len(texts) > 0 {
			break
		}
	}
	if len(texts) == 0 && crowded {
		return nil, fmt.Errorf("the image holds more than %d QR-like patterns (about %d codes): %w",
			maxFinderPatterns, maxFinderPatterns/3, ErrTooLarge)
	}
	if len(texts) == 0 {
		return nil, ErrNoQRCode
	}
	out := make([][]byte, len(texts))
	for i, t := range texts {
		out[i] = []byte(t)
	}
	return out, nil
}

// qrCandidates is the image as is, then scaled down by halves while it is
// large: ZXing's detector assumes modules of a few pixels, and a photo
// can have modules of dozens.
func qrCandidates(img image.Image) []image.Image {
	list := []image.Image{img}
	for g := toGray(img); g.Bounds().Dx() > 400 && g.Bounds().Dy() > 400 && len(list) < 4; {
		g = halve(g)
		list = append(list, g)
	}
	return list
}

var qrHints = map[gozxing.DecodeHintType]any{
	gozxing.DecodeHintType_TRY_HARDER:       true,
	gozxing.DecodeHintType_POSSIBLE_FORMATS: []gozxing.BarcodeFormat{gozxing.BarcodeFormat_QR_CODE},
}

// decodeAll runs the readers over one image in its variants and returns
// every text found, and whether a variant was refused for holding too
// many finder patterns (see qrguard.go).
func decodeAll(img image.Image) ([]string, bool) {
	src := gozxing.NewLuminanceSourceFromImage(img)
	var texts []string
	crowded := false
	for _, s := range []gozxing.LuminanceSource{src, src.Invert()} {
		for _, bin := range []func(gozxing.LuminanceSource) gozxing.Binarizer{gozxing.NewHybridBinarizer, gozxing.NewGlobalHistgramBinarizer} {
			found, tooMany := decodeBitmap(bin(s))
			texts, crowded = appendNew(texts, found...), crowded || tooMany
		}
		if len(texts) > 0 {
			break
		}
	}
	return texts, crowded
}

func decodeBitmap(b gozxing.Binarizer) ([]string, bool) {
	bmp, err := gozxing.NewBinaryBitmap(b)
	if err != nil {
		return nil, false
	}
	m, err := bmp.GetBlackMatrix() // cached: the readers reuse it
	if err != nil {
		return nil, false
	}
	if countFinderPatterns(m, maxFinderPatterns) > maxFinderPatterns {
		return nil, true
	}
	var texts []string
	if results, err := qrcode.NewQRCodeMultiReader().DecodeMultiple(bmp, qrHints); err == nil {
		for _, r := range results {
			texts = appendNew(texts, r.GetText())
		}
	}
	if len(texts) == 0 {
		if r, err := single.NewQRCodeReader().Decode(bmp, qrHints); err == nil {
			texts = append(texts, r.GetText())
		}
	}
	return texts, false
}

func appendNew(list []string, add ...string) []string {
	for _, s := range add {
		if s != "" && !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

func toGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	return g
}

// halve scales g to half its size, averaging 2×2 blocks.
func halve(g *image.Gray) *image.Gray {
	b := g.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()/2, b.Dy()/2))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			p := func(dx, dy int) int { return int(g.GrayAt(b.Min.X+2*x+dx, b.Min.Y+2*y+dy).Y) }
			out.SetGray(x, y, color.Gray{Y: uint8((p(0, 0) + p(1, 0) + p(0, 1) + p(1, 1)) / 4)})
		}
	}
	return out
}

// QRCode is an encoded QR code: its modules, without quiet zone.
type QRCode struct {
	Size    int
	modules []bool
}

// Dark reports whether the module at (x, y) is dark.
func (q *QRCode) Dark(x, y int) bool { return q.modules[y*q.Size+x] }

// EncodeQR encodes text (error correction level M). The text passes
// through the library as a Go string.
func EncodeQR(text []byte) (*QRCode, error) {
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: decoder.ErrorCorrectionLevel_M,
		gozxing.EncodeHintType_MARGIN:           0,
	}
	m, err := single.NewQRCodeWriter().Encode(string(text), gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		return nil, fmt.Errorf("encode QR code (%d bytes): %v: %w", len(text), err, ErrTooLarge)
	}
	q := &QRCode{Size: m.GetWidth(), modules: make([]bool, m.GetWidth()*m.GetHeight())}
	for y := range m.GetHeight() {
		for x := range m.GetWidth() {
			q.modules[y*q.Size+x] = m.Get(x, y)
		}
	}
	return q, nil
}

// Image renders the code with scale pixels per module and the standard
// quiet zone of 4 modules, black on white.
func (q *QRCode) Image(scale int) *image.Gray {
	scale = max(scale, 1)
	const quiet = 4
	n := (q.Size + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, n, n))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := range q.Size {
		for x := range q.Size {
			if !q.Dark(x, y) {
				continue
			}
			r := image.Rect((x+quiet)*scale, (y+quiet)*scale, (x+quiet+1)*scale, (y+quiet+1)*scale)
			draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
		}
	}
	return img
}
