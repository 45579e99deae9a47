package transfer

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // GIF screenshots and exports
	_ "image/jpeg" // photos of a screen
	_ "image/png"  // screenshots
)

// parseImage reads the QR codes of a PNG, JPEG or GIF image.
func parseImage(data []byte, o *Options) (*Result, error) {
	img, err := decodeImage(data, o.Limits)
	if err != nil {
		return nil, err
	}
	codes, err := DecodeQR(img)
	if err != nil {
		return nil, err
	}
	defer wipeCodes(codes)
	return parseText(FormatQR, codes, o.Limits)
}

// decodeImage decodes an image after checking its size from its header,
// so a small file cannot make the decoder allocate gigabytes.
func decodeImage(data []byte, l Limits) (image.Image, error) {
	cfg, kind, err := image.DecodeConfig(bytes.NewReader(data))
	if errors.Is(err, image.ErrFormat) {
		return nil, ErrNotImage
	}
	if err != nil {
		return nil, fmt.Errorf("read image: %v: %w", err, ErrMalformed)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > l.MaxImagePixels/cfg.Height {
		return nil, fmt.Errorf("%s image of %d×%d pixels; the limit is %d pixels: %w",
			kind, cfg.Width, cfg.Height, l.MaxImagePixels, ErrTooLarge)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("read %s image: %v: %w", kind, err, ErrMalformed)
	}
	return img, nil
}

func wipeCodes(codes [][]byte) {
	for _, c := range codes {
		clear(c)
	}
}

// DecodeQRFile reads the QR codes of an image file (PNG, JPEG, GIF),
// within the size limits (zero Limits: the defaults).
func DecodeQRFile(path string, l Limits) ([][]byte, error) {
	l = l.withDefaults()
	data, err := readCapped(path, l.MaxFileSize)
	if err != nil {
		return nil, err
	}
	img, err := decodeImage(data, l)
	if err != nil {
		return nil, err
	}
	return DecodeQR(img)
}
