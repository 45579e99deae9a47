package platform

import (
	"context"
	"fmt"
	"image"
	"math/bits"

	"github.com/jezek/xgb/xproto"
)

// screenX reads the root window of display's default screen: all
// monitors, as the X server composes them.
func screenX(ctx context.Context, display string) (image.Image, error) {
	c, err := dialX(display, nil, nil)
	if err != nil {
		return nil, err
	}
	defer c.close()
	type result struct {
		img image.Image
		err error
	}
	done := make(chan result, 1)
	go func() {
		img, err := c.rootImage()
		done <- result{img, err}
	}()
	select {
	case r := <-done:
		return r.img, r.err
	case <-ctx.Done():
		return nil, ctx.Err() // closing the connection ends the request
	}
}

// rootImage reads the root window with GetImage (ZPixmap) and converts
// it by the root visual's masks.
func (c *xconn) rootImage() (image.Image, error) {
	s := c.screen
	w, h := int(s.WidthInPixels), int(s.HeightInPixels)
	layout, err := c.pixelLayout()
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	// In bands: one reply stays well under the X limits and memory peaks
	// at the image plus one band.
	band := max(1, (8<<20)/max(1, layout.stride(w)))
	for y := 0; y < h; y += band {
		n := min(band, h-y)
		r, err := xproto.GetImage(c.x, xproto.ImageFormatZPixmap, xproto.Drawable(s.Root),
			0, int16(y), uint16(w), uint16(n), 0xffffffff).Reply()
		if err != nil {
			return nil, fmt.Errorf("read the screen: %w", err)
		}
		if err := layout.convert(img, y, w, n, r.Data); err != nil {
			return nil, err
		}
	}
	return img, nil
}

// pixels is how the server lays out ZPixmap pixels of the root's depth.
type pixels struct {
	bpp, pad         int
	msbFirst         bool
	red, green, blue uint32
}

func (c *xconn) pixelLayout() (pixels, error) {
	s := c.screen
	p := pixels{msbFirst: c.setup.ImageByteOrder == xproto.ImageOrderMSBFirst}
	for _, f := range c.setup.PixmapFormats {
		if f.Depth == s.RootDepth {
			p.bpp, p.pad = int(f.BitsPerPixel), int(f.ScanlinePad)
		}
	}
	for _, d := range s.AllowedDepths {
		for _, v := range d.Visuals {
			if v.VisualId == s.RootVisual {
				p.red, p.green, p.blue = v.RedMask, v.GreenMask, v.BlueMask
			}
		}
	}
	switch {
	case p.bpp != 16 && p.bpp != 24 && p.bpp != 32:
		return p, fmt.Errorf("the screen has %d bits per pixel; only 16, 24 and 32 can be read", p.bpp)
	case p.red == 0 || p.green == 0 || p.blue == 0:
		return p, fmt.Errorf("the screen's visual is not true colour (depth %d)", s.RootDepth)
	}
	return p, nil
}

// stride is the bytes per row of w pixels.
func (p pixels) stride(w int) int {
	return (w*p.bpp + p.pad - 1) / p.pad * p.pad / 8
}

func (p pixels) convert(img *image.RGBA, y0, w, h int, data []byte) error {
	stride, size := p.stride(w), p.bpp/8
	if len(data) < stride*h {
		return fmt.Errorf("the screen image is short: %d bytes for %dx%d", len(data), w, h)
	}
	for y := range h {
		row := data[y*stride:]
		out := img.Pix[(y0+y)*img.Stride:]
		for x := range w {
			v := p.pixel(row[x*size : x*size+size])
			o := out[x*4 : x*4+4 : x*4+4]
			o[0], o[1], o[2], o[3] = channel(v, p.red), channel(v, p.green), channel(v, p.blue), 0xff
		}
	}
	return nil
}

// pixel reads one pixel value in the server's byte order.
func (p pixels) pixel(b []byte) uint32 {
	var v uint32
	for i := range b {
		if p.msbFirst {
			v = v<<8 | uint32(b[i])
		} else {
			v |= uint32(b[i]) << (8 * i)
		}
	}
	return v
}

// channel extracts the bits of mask from v, scaled to 8 bits.
func channel(v, mask uint32) uint8 {
	shift, width := bits.TrailingZeros32(mask), bits.OnesCount32(mask)
	c := (v & mask) >> shift
	if width >= 8 {
		return uint8(c >> (width - 8))
	}
	return uint8(c * 255 / (1<<width - 1))
}
