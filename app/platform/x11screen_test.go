package platform

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestScreenX: a picture shown on the X screen with ImageMagick's display
// comes back from Screen: its QR code decodes and its red, green and
// blue squares keep their colours (channel order).
func TestScreenX(t *testing.T) {
	need(t, "display")
	display := startX(t, "1920x1080x24")
	pic := testPicture(t)
	path := filepath.Join(t.TempDir(), "pic.png")
	var buf bytes.Buffer
	png.Encode(&buf, pic)
	os.WriteFile(path, buf.Bytes(), 0o600)
	cmd := xcommand(display, "display", "-geometry", "+200+150", path)
	start(t, cmd)

	c := &Capture{Display: display}
	var shot image.Image
	await(t, "the picture on the screen", func() bool {
		img, err := c.Screen(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		shot = img
		return sameColour(img.At(200+480, 150+380), color.White) // the picture's white corner
	})
	if b := shot.Bounds(); b.Dx() != 1920 || b.Dy() != 1080 {
		t.Errorf("the screen is %v, want 1920×1080", b)
	}
	for _, sq := range []struct {
		at   image.Point
		want color.RGBA
	}{{image.Pt(30, 30), color.RGBA{255, 0, 0, 255}}, {image.Pt(30, 130), color.RGBA{0, 255, 0, 255}}, {image.Pt(30, 230), color.RGBA{0, 0, 255, 255}}} {
		if got := shot.At(200+sq.at.X, 150+sq.at.Y); !sameColour(got, sq.want) {
			t.Errorf("at %v: %v, want %v", sq.at, got, sq.want)
		}
	}
	wantQR(t, shot)
	start := time.Now()
	if _, err := c.Screen(ctx(t)); err != nil {
		t.Fatal(err)
	}
	t.Logf("a 1920×1080 screen captured in %v", time.Since(start))
}

// TestScreenNoX: neither X nor a portal is ErrUnavailable.
func TestScreenNoX(t *testing.T) {
	c := &Capture{Display: ":9999", SessionBus: func() (*dbusConn, error) { return nil, errors.New("no bus") }}
	if _, err := c.Screen(ctx(t)); !errors.Is(err, ErrUnavailable) {
		t.Errorf("%v, want ErrUnavailable", err)
	}
}

// testPicture is a white 500×400 picture with red, green and blue
// squares down the left and a QR code of testURI.
func testPicture(t *testing.T) *image.RGBA {
	pic := image.NewRGBA(image.Rect(0, 0, 500, 400))
	draw.Draw(pic, pic.Bounds(), image.White, image.Point{}, draw.Src)
	for i, c := range []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}} {
		draw.Draw(pic, image.Rect(10, 10+100*i, 60, 60+100*i), image.NewUniform(c), image.Point{}, draw.Src)
	}
	qr := upscale(decodePNG(t, qrPNG(t, testURI)), 3)
	draw.Draw(pic, qr.Bounds().Add(image.Pt(120, 20)), qr, image.Point{}, draw.Src)
	return pic
}

func sameColour(a, b color.Color) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	return r1>>8 == r2>>8 && g1>>8 == g2>>8 && b1>>8 == b2>>8
}

// TestPixelLayouts: 16-bit 5-6-5 and most-significant-byte-first 32-bit
// pixels convert by their masks.
func TestPixelLayouts(t *testing.T) {
	for _, c := range []struct {
		name string
		p    pixels
		data []byte
	}{
		{"565 LSB", pixels{bpp: 16, pad: 32, red: 0xf800, green: 0x07e0, blue: 0x001f}, []byte{0x00, 0xf8, 0xe0, 0x07, 0x1f, 0x00, 0, 0}},
		{"BGRX MSB", pixels{bpp: 32, pad: 32, msbFirst: true, red: 0xff0000, green: 0xff00, blue: 0xff}, []byte{0, 0xff, 0, 0, 0, 0, 0xff, 0, 0, 0, 0, 0xff}},
	} {
		img := image.NewRGBA(image.Rect(0, 0, 3, 1))
		if err := c.p.convert(img, 0, 3, 1, c.data); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := []byte{255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255}
		if !bytes.Equal(img.Pix, want) {
			t.Errorf("%s: %v, want %v", c.name, img.Pix, want)
		}
	}
}
