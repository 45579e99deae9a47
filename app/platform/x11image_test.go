package platform

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twofold-app/twofold/vault/transfer"
)

const testURI = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"

// qrPNG makes a QR code of text with qrencode and returns the PNG.
func qrPNG(t *testing.T, text string) []byte {
	t.Helper()
	need(t, "qrencode")
	path := filepath.Join(t.TempDir(), "qr.png")
	if out, err := exec.Command("qrencode", "-o", path, text).CombinedOutput(); err != nil {
		t.Fatalf("qrencode: %v: %s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// wantQR checks that img holds a QR code of testURI.
func wantQR(t *testing.T, img image.Image) {
	t.Helper()
	texts, err := transfer.DecodeQR(img)
	if err != nil {
		t.Fatalf("DecodeQR: %v", err)
	}
	if len(texts) != 1 || string(texts[0]) != testURI {
		t.Fatalf("DecodeQR: %q, want %q", texts, testURI)
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// TestClipboardImagePNG: a QR code copied as image/png (as screenshot
// tools copy) decodes to its URI; so does one copied as JPEG.
func TestClipboardImagePNG(t *testing.T) {
	need(t, "xclip")
	display := startX(t, "640x480x24")
	qr := qrPNG(t, testURI)
	xclipIn(t, display, "image/png", qr)
	img, err := (&Capture{Display: display}).ClipboardImage(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	wantQR(t, img)

	var jpg bytes.Buffer
	jpeg.Encode(&jpg, upscale(decodePNG(t, qr), 4), &jpeg.Options{Quality: 95})
	xclipIn(t, display, "image/jpeg", jpg.Bytes())
	img, err = (&Capture{Display: display}).ClipboardImage(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	wantQR(t, img)
}

// TestClipboardImageLarge: a screenshot-sized PNG (a QR code on a
// 3000×3000 noisy background, several MB) comes through INCR.
func TestClipboardImageLarge(t *testing.T) {
	need(t, "xclip")
	display := startX(t, "640x480x24")
	big := noisyBackground(3000, 3000)
	qr := upscale(decodePNG(t, qrPNG(t, testURI)), 4)
	draw.Draw(big, qr.Bounds().Add(image.Pt(1200, 1300)), qr, image.Point{}, draw.Src)
	var buf bytes.Buffer
	png.Encode(&buf, big)
	if buf.Len() < 2<<20 {
		t.Fatalf("the test image is only %d bytes", buf.Len())
	}
	xclipIn(t, display, "image/png", buf.Bytes())
	cb := newClipboard(t, display)
	start := time.Now()
	img, err := (&Capture{Clipboard: cb}).ClipboardImage(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d byte PNG read from the clipboard in %v, %d INCR pieces", buf.Len(), time.Since(start), cb.c.incrPieces.Load())
	if cb.c.incrPieces.Load() < 2 {
		t.Error("the transfer did not use INCR")
	}
	wantQR(t, img)
}

// TestClipboardImageNone: text, our own text, or nothing on the
// clipboard is ErrNoImage saying what is there.
func TestClipboardImageNone(t *testing.T) {
	need(t, "xclip")
	display := startX(t, "640x480x24")
	cb := newClipboard(t, display)
	wantNoImage := func(err error, says string) {
		t.Helper()
		if !errors.Is(err, ErrNoImage) || !strings.Contains(err.Error(), says) {
			t.Errorf("%v; want ErrNoImage saying %q", err, says)
		}
	}
	_, err := (&Capture{Display: display}).ClipboardImage(ctx(t))
	wantNoImage(err, "empty")
	cb.SetContent("123 456")
	_, err = cb.Image(ctx(t))
	wantNoImage(err, "holds text")
	_, err = (&Capture{Display: display}).ClipboardImage(ctx(t))
	wantNoImage(err, "holds text")
	xclipIn(t, display, "UTF8_STRING", []byte("just text"))
	_, err = (&Capture{Display: display}).ClipboardImage(ctx(t))
	wantNoImage(err, "holds text")
	xclipIn(t, display, "application/x-example", []byte("?"))
	_, err = (&Capture{Display: display}).ClipboardImage(ctx(t))
	wantNoImage(err, "application/x-example")
}

// TestClipboardImageNoX: no display is ErrUnavailable.
func TestClipboardImageNoX(t *testing.T) {
	if _, err := (&Capture{}).ClipboardImage(ctx(t)); !errors.Is(err, ErrUnavailable) {
		t.Errorf("%v, want ErrUnavailable", err)
	}
}

// TestDecodeImageTooLarge: a small file claiming huge dimensions is
// refused before it is allocated.
func TestDecodeImageTooLarge(t *testing.T) {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)))
	data := buf.Bytes()
	// IHDR: length 8..11, type 12..15, width 16..19, height 20..23,
	// CRC of type and data 29..32.
	copy(data[16:], []byte{0, 0, 0x80, 0, 0, 0, 0x80, 0})
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	if _, err := decodeImage(data); !errors.Is(err, ErrTooLarge) {
		t.Errorf("%v, want ErrTooLarge", err)
	}
}

func noisyBackground(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(170 + r.IntN(86))
	}
	return img
}

// upscale draws each pixel as an n×n block.
func upscale(src image.Image, n int) *image.Gray {
	b := src.Bounds()
	dst := image.NewGray(image.Rect(0, 0, b.Dx()*n, b.Dy()*n))
	for y := range dst.Bounds().Dy() {
		for x := range dst.Bounds().Dx() {
			dst.Set(x, y, color.GrayModel.Convert(src.At(b.Min.X+x/n, b.Min.Y+y/n)))
		}
	}
	return dst
}
