package transfer

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
)

// QR round trips against Debian's qrencode (we read what it wrote) and
// zbarimg (it reads what we wrote), and photo-like inputs.

// needTool finds an external peer: locally a missing tool skips, in CI
// (CI set) it fails.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s not installed (scripts/test.sh installs it)", name)
		}
		t.Fatalf("%s not installed but CI is set", name)
	}
}

var qrTexts = []string{
	"otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
	"otpauth://totp/Caf%C3%A9%20%C3%BCber:j%C3%BCrgen?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Caf%C3%A9%20%C3%BCber&algorithm=SHA256&digits=8&period=60",
	migrationURI([]wireAccount{
		{secret: rfc4226Seed, name: "alice@example.com", issuer: "GitHub", alg: 1, digits: 1, tp: 2},
		{secret: []byte("another made-up seed"), name: "bob", issuer: "Bank", alg: 2, digits: 2, tp: 1, counter: 12},
	}, 1, 0, 5),
}

func decodeOne(t *testing.T, img image.Image) string {
	t.Helper()
	codes, err := DecodeQR(img)
	if err != nil {
		t.Fatalf("DecodeQR: %v", err)
	}
	if len(codes) != 1 {
		t.Fatalf("found %d codes, want 1", len(codes))
	}
	return string(codes[0])
}

// TestQRFromQrencode: codes qrencode writes, at several module sizes and
// error correction levels, decode to their text.
func TestQRFromQrencode(t *testing.T) {
	needTool(t, "qrencode")
	dir := t.TempDir()
	for i, text := range qrTexts {
		for _, opt := range [][]string{{"-s", "1", "-l", "L"}, {"-s", "4", "-l", "M"}, {"-s", "9", "-l", "H"}} {
			path := filepath.Join(dir, "q.png")
			args := append(slices.Clone(opt), "-o", path, text)
			if out, err := exec.Command("qrencode", args...).CombinedOutput(); err != nil {
				t.Fatalf("qrencode: %v %s", err, out)
			}
			codes, err := DecodeQRFile(path, Limits{})
			if err != nil || len(codes) != 1 || string(codes[0]) != text {
				t.Errorf("text %d %v: got %q, %v", i, opt, codes, err)
			}
		}
	}
}

// TestQRToZbarimg: what EncodeQR draws, saved as PNG, GIF and JPEG,
// zbarimg reads back exactly.
func TestQRToZbarimg(t *testing.T) {
	needTool(t, "zbarimg")
	dir := t.TempDir()
	for i, text := range qrTexts {
		q, err := EncodeQR([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		img := q.Image(4)
		for ext, enc := range map[string]func(*os.File) error{
			"png":  func(f *os.File) error { return png.Encode(f, img) },
			"gif":  func(f *os.File) error { return gif.Encode(f, img, nil) },
			"jpeg": func(f *os.File) error { return jpeg.Encode(f, img, &jpeg.Options{Quality: 85}) },
		} {
			path := filepath.Join(dir, "q."+ext)
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := enc(f); err != nil {
				t.Fatal(err)
			}
			f.Close()
			out, err := exec.Command("zbarimg", "--raw", "-q", "-Sbinary", path).Output()
			if err != nil {
				t.Fatalf("zbarimg %s: %v", ext, err)
			}
			if got := strings.TrimSuffix(string(out), "\n"); got != text {
				t.Errorf("text %d as %s: zbarimg read %q", i, ext, got)
			}
			if got := string(must(DecodeQRFile(path, Limits{}))[0]); got != text {
				t.Errorf("text %d as %s: we read %q", i, ext, got)
			}
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestQRPhotoLike: scaled by an odd factor, rotated a quarter turn,
// inverted (a dark theme), blurred, JPEG-compressed, and inside a larger
// screenshot full of other shapes and text-like noise: still read.
func TestQRPhotoLike(t *testing.T) {
	text := qrTexts[1]
	q, err := EncodeQR([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	base := q.Image(1)
	cases := map[string]func() image.Image{
		"scaled 3.7x":  func() image.Image { return blur(scale(base, 3.7)) },
		"scaled 13.3x": func() image.Image { return blur(scale(base, 13.3)) },
		"rotated":      func() image.Image { return rotate90(scale(base, 4)) },
		"inverted":     func() image.Image { return invert(scale(base, 4)) },
		"jpeg":         func() image.Image { return jpegRoundTrip(t, blur(scale(base, 5.5)), 60) },
		"screen clutter": func() image.Image {
			return jpegRoundTrip(t, clutter(blur(scale(base, 4.4)), 1600, 1000, 1), 75)
		},
		"12 MP photo": func() image.Image {
			return jpegRoundTrip(t, clutter(blur(scale(base, 31)), 4000, 3000, 5), 80)
		},
		"tilted 8 degrees": func() image.Image { return tilt(scale(base, 5), 8) },
		"low contrast":     func() image.Image { return contrast(blur(scale(base, 4)), 90, 160) },
		"dark screen clutter, rotated": func() image.Image {
			return invert(clutter(rotate90(blur(scale(base, 3.3))), 1280, 1280, 2))
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := decodeOne(t, mk()); got != text {
				t.Errorf("read %q", got)
			}
		})
	}
}

// TestQRSeveralInOneImage: the codes of a Google Authenticator batch side
// by side in one screenshot are all found and import as a whole batch.
func TestQRSeveralInOneImage(t *testing.T) {
	var text strings.Builder
	for i := range 14 {
		text.WriteString("otpauth://totp/Service" + string(rune('A'+i)) + ":user@example.com?secret=JBSWY3DPEHPK3PX" + string(rune('A'+i)) + "\n")
	}
	codes, _, err := ExportGoogle(mustImport(t, []byte(text.String()), Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) < 2 {
		t.Fatalf("%d codes", len(codes))
	}
	var tiles []image.Image
	for _, c := range codes {
		q, err := EncodeQR(c)
		if err != nil {
			t.Fatal(err)
		}
		tiles = append(tiles, q.Image(3))
	}
	sheet := clutter(sideBySide(tiles, 40), 0, 0, 3)
	found, err := DecodeQR(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != len(codes) {
		t.Fatalf("found %d codes, want %d", len(found), len(codes))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, sheet); err != nil {
		t.Fatal(err)
	}
	r := mustImport(t, buf.Bytes(), Options{})
	if r.Format != FormatQR || len(r.Accounts) != 14 || len(r.Skipped) != 0 {
		t.Errorf("import of the sheet: %s, %d accounts, %v", r.Format, len(r.Accounts), r.Skipped)
	}
}

// TestQRNone: an image without a code is ErrNoQRCode.
func TestQRNone(t *testing.T) {
	img := clutter(image.NewGray(image.Rect(0, 0, 10, 10)), 600, 400, 4)
	if _, err := DecodeQR(img); err != ErrNoQRCode {
		t.Errorf("DecodeQR(no code) = %v", err)
	}
}

// Image helpers: deliberately crude, as a phone camera is.

func scale(src image.Image, f float64) *image.Gray {
	b := src.Bounds()
	w, h := int(float64(b.Dx())*f), int(float64(b.Dy())*f)
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			out.Set(x, y, src.At(b.Min.X+int(float64(x)/f), b.Min.Y+int(float64(y)/f)))
		}
	}
	return out
}

func blur(src *image.Gray) *image.Gray {
	b := src.Bounds()
	out := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			sum, n := 0, 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if p := (image.Point{x + dx, y + dy}); p.In(b) {
						sum += int(src.GrayAt(p.X, p.Y).Y)
						n++
					}
				}
			}
			out.SetGray(x, y, color.Gray{Y: uint8(sum / n)})
		}
	}
	return out
}

func rotate90(src *image.Gray) *image.Gray {
	b := src.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			out.SetGray(b.Dy()-1-y, x, src.GrayAt(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

func invert(src *image.Gray) *image.Gray {
	out := image.NewGray(src.Bounds())
	for i, v := range src.Pix {
		out.Pix[i] = 255 - v
	}
	return out
}

func jpegRoundTrip(t *testing.T, img image.Image, quality int) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// clutter places code in a w×h grey "screenshot" (at least its size plus
// a margin) full of boxes, lines and text-like dashes, not on the code.
func clutter(code *image.Gray, w, h int, seed uint64) *image.Gray {
	cb := code.Bounds()
	w, h = max(w, cb.Dx()+200), max(h, cb.Dy()+200)
	out := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.Gray{Y: 225}), image.Point{}, draw.Src)
	rng := rand.New(rand.NewPCG(seed, seed))
	at := image.Pt(60+rng.IntN(w-cb.Dx()-120), 60+rng.IntN(h-cb.Dy()-120))
	keepOut := image.Rectangle{Min: at, Max: at.Add(cb.Size())}.Inset(-30)
	for range 400 {
		r := image.Rect(0, 0, 4+rng.IntN(120), 2+rng.IntN(14)).Add(image.Pt(rng.IntN(w), rng.IntN(h)))
		if r.Overlaps(keepOut) {
			continue
		}
		draw.Draw(out, r, image.NewUniform(color.Gray{Y: uint8(rng.IntN(200))}), image.Point{}, draw.Src)
	}
	draw.Draw(out, image.Rectangle{Min: at, Max: at.Add(cb.Size())}, code, cb.Min, draw.Src)
	return out
}

func sideBySide(tiles []image.Image, gap int) *image.Gray {
	w, h := gap, 0
	for _, t := range tiles {
		w += t.Bounds().Dx() + gap
		h = max(h, t.Bounds().Dy())
	}
	out := image.NewGray(image.Rect(0, 0, w, h+2*gap))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	x := gap
	for _, t := range tiles {
		draw.Draw(out, t.Bounds().Add(image.Pt(x, gap)), t, t.Bounds().Min, draw.Src)
		x += t.Bounds().Dx() + gap
	}
	return out
}

// tilt rotates src by deg degrees about its centre (nearest neighbour),
// on a light background.
func tilt(src *image.Gray, deg float64) *image.Gray {
	b := src.Bounds()
	n := int(float64(max(b.Dx(), b.Dy())) * 1.5)
	out := image.NewGray(image.Rect(0, 0, n, n))
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	for y := range n {
		for x := range n {
			dx, dy := float64(x)-float64(n)/2, float64(y)-float64(n)/2
			sx, sy := int(cos*dx+sin*dy+cx), int(-sin*dx+cos*dy+cy)
			v := uint8(235)
			if p := image.Pt(sx, sy); p.In(b) {
				v = src.GrayAt(sx, sy).Y
			}
			out.SetGray(x, y, color.Gray{Y: v})
		}
	}
	return out
}

// contrast maps black to lo and white to hi.
func contrast(src *image.Gray, lo, hi int) *image.Gray {
	out := image.NewGray(src.Bounds())
	for i, v := range src.Pix {
		out.Pix[i] = uint8(lo + int(v)*(hi-lo)/255)
	}
	return out
}

// tiled is an image of k×k copies of one small QR code.
func tiled(t *testing.T, k, scale int) *image.Gray {
	q, err := EncodeQR([]byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	tile := q.Image(scale)
	tw := tile.Bounds().Dx()
	out := image.NewGray(image.Rect(0, 0, k*tw, k*tw))
	for gy := range k {
		for gx := range k {
			draw.Draw(out, tile.Bounds().Add(image.Pt(gx*tw, gy*tw)), tile, image.Point{}, draw.Src)
		}
	}
	return out
}

// TestQRCrowded: ZXing's finder search is cubic in the number of finder
// patterns; an image tiled with 900 tiny codes (2 700 patterns) would keep
// it busy for hours. It is refused at once with ErrTooLarge, while 16
// codes (48 patterns) still decode. The pattern count matches ZXing's
// own view of the images.
func TestQRCrowded(t *testing.T) {
	img := tiled(t, 30, 3)
	quick(t, time.Minute, func() { // about 0.2 s; 10 s under -race on a loaded 2-core machine; unguarded: hours
		if _, err := DecodeQR(img); !errors.Is(err, ErrTooLarge) {
			t.Errorf("900 codes: %v, want ErrTooLarge", err)
		}
	})
	if codes, err := DecodeQR(tiled(t, 4, 3)); err != nil || len(codes) != 1 {
		t.Errorf("16 copies of one code: %q, %v", codes, err)
	}
	for _, k := range []int{1, 3, 10} {
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(tiled(t, k, 3))))
		if err != nil {
			t.Fatal(err)
		}
		m, err := bmp.GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		if n := countFinderPatterns(m, 1000); n != 3*k*k {
			t.Errorf("%d×%d codes: counted %d finder patterns, want %d", k, k, n, 3*k*k)
		}
	}
}
