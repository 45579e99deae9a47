package platform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // decoders for clipboard images
	_ "image/jpeg" //
	_ "image/png"  //
	"slices"
	"strings"

	"github.com/jezek/xgb/xproto"
	_ "golang.org/x/image/bmp" //
)

// imageTargets are the image types we read, most preferred first.
var imageTargets = []string{"image/png", "image/jpeg", "image/gif", "image/bmp"}

// Image returns the image on the clipboard. A clipboard without one is
// ErrNoImage, wrapped with what it holds instead.
func (cb *X11Clipboard) Image(ctx context.Context) (image.Image, error) {
	if cb.owned() {
		return nil, fmt.Errorf("%w: it holds text", ErrNoImage)
	}
	return cb.c.clipboardImage(ctx)
}

func (c *xconn) clipboardImage(ctx context.Context) (image.Image, error) {
	offered, err := c.targets(ctx)
	if err != nil {
		return nil, err
	}
	for _, name := range imageTargets {
		if !slices.Contains(offered, c.atom[name]) {
			continue
		}
		data, _, err := c.convert(ctx, c.atom[name], MaxTransfer)
		if errors.Is(err, errRefused) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s from the clipboard: %w", name, err)
		}
		return decodeImage(data)
	}
	return nil, fmt.Errorf("%w: %s", ErrNoImage, c.describe(offered))
}

// describe says what a clipboard offering these targets holds.
func (c *xconn) describe(offered []xproto.Atom) string {
	has := func(name string) bool { return slices.Contains(offered, c.atom[name]) }
	switch {
	case len(offered) == 0:
		return "it is empty"
	case has("text/uri-list"):
		return "it holds a file name, not the file: open the file instead"
	case has("UTF8_STRING") || has("STRING") || has("text/plain"):
		return "it holds text"
	}
	var names []string
	for _, a := range offered {
		name := c.atomName(a)
		if name != "" && name != "TARGETS" && name != "MULTIPLE" && name != "TIMESTAMP" && name != "SAVE_TARGETS" {
			names = append(names, name)
		}
		if len(names) == 5 {
			break
		}
	}
	if len(names) == 0 {
		return "it is empty"
	}
	return "it holds " + strings.Join(names, ", ")
}

// decodeImage decodes PNG, JPEG, GIF or BMP, refusing images of more than
// MaxPixels before allocating them.
func decodeImage(data []byte) (image.Image, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode the image: %w", err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fmt.Errorf("%dx%d %s: %w", cfg.Width, cfg.Height, format, ErrTooLarge)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode the %s image: %w", format, err)
	}
	return img, nil
}
